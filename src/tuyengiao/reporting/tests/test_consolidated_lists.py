"""Lists in the units' narratives keep their markers in the consolidated report, Party style: a list item
is a paragraph starting with "- " ("+ " one level down) or "1. " / "a) ", in the JSON body, the DOCX, the
PDF, the preview and the editor."""
from __future__ import annotations

import io
import json
import subprocess

import pytest
from django.urls import reverse
from docx import Document

from tuyengiao.accounts.models import Grant, User
from tuyengiao.accounts.roles import Role
from tuyengiao.core.testing.personas import START
from tuyengiao.documents.render_docx import render_docx
from tuyengiao.documents.render_pdf import render_pdf
from tuyengiao.documents.selectors import draft_context
from tuyengiao.reporting import consolidated as C
from tuyengiao.reporting.sanitize import sanitize_html
from tuyengiao.reporting.tests.factories import approved, make_regime, period
from tuyengiao.reporting.tests.test_consolidated import DATED, ensure_document_types

h = C.html_paragraphs


# --------------------------------------------------------------------------- html_paragraphs


def test_bullets_get_a_dash():
    assert h("<ul><li>Hội nghị trực tiếp;</li><li>Hội nghị trực tuyến.</li></ul>") == [
        "- Hội nghị trực tiếp;", "- Hội nghị trực tuyến."]


def test_ordered_items_are_numbered():
    assert h("<ol><li>Một</li><li>Hai</li><li>Ba</li></ol>") == ["1. Một", "2. Hai", "3. Ba"]


def test_plain_paragraphs_are_unchanged():
    assert h("<p>Đoạn một.</p><p>Đoạn <strong>hai</strong>.</p>") == ["Đoạn một.", "Đoạn hai."]


def test_nested_bullets_get_a_plus():
    html = "<ul><li>Học tập nghị quyết:<ul><li>trực tiếp;</li><li>trực tuyến.</li></ul></li><li>Tuyên truyền.</li></ul>"
    assert h(html) == ["- Học tập nghị quyết:", "+ trực tiếp;", "+ trực tuyến.", "- Tuyên truyền."]


def test_nested_list_as_the_browser_writes_it():
    """execCommand("indent") puts the inner list straight in the outer one, not in an item."""
    assert h("<ul><li>A</li><ul><li>B</li></ul><li>C</li></ul>") == ["- A", "+ B", "- C"]


def test_ordered_inside_a_list_gets_vietnamese_letters():
    items = "".join(f"<li>m{i}</li>" for i in range(1, 7))
    assert h(f"<ol><li>Nhiệm vụ<ol>{items}</ol></li><li>Khác</li></ol>") == [
        "1. Nhiệm vụ", "a) m1", "b) m2", "c) m3", "d) m4", "đ) m5", "e) m6", "2. Khác"]


def test_bullets_under_a_numbered_item_take_the_dash():
    assert h("<ol><li>Một<ul><li>ý a</li><li>ý b</li></ul></li></ol>") == ["1. Một", "- ý a", "- ý b"]


def test_list_inside_other_text():
    html = "<p>Các hình thức:</p><ul><li>hội nghị;</li><li>tọa đàm.</li></ul><p>Kết quả tốt.</p>"
    assert h(html) == ["Các hình thức:", "- hội nghị;", "- tọa đàm.", "Kết quả tốt."]
    # a list written inside a paragraph still splits it
    assert h("<p>Trước<ul><li>giữa</li></ul>sau</p>") == ["Trước", "- giữa", "sau"]


def test_item_with_several_paragraphs_marks_only_the_first():
    html = "<ol><li><p>Đoạn đầu.</p><p>Đoạn tiếp.</p></li><li>Hai<br>dòng hai</li></ol>"
    assert h(html) == ["1. Đoạn đầu.", "Đoạn tiếp.", "2. Hai", "dòng hai"]


def test_text_after_a_nested_list_is_a_plain_paragraph():
    assert h("<ul><li>A<ul><li>a1</li></ul>còn lại</li><li>B</li></ul>") == ["- A", "+ a1", "còn lại", "- B"]


def test_empty_items_print_nothing_and_take_no_number():
    html = "<ol><li>Một</li><li></li><li> &nbsp; </li><li><br></li><li>Hai</li></ol><ul><li></li></ul>"
    assert h(html) == ["1. Một", "2. Hai"]
    assert h("") == [] and h(None) == [] and h("<ul></ul>") == []


def test_each_list_numbers_from_one():
    assert h("<ol><li>A</li><li>B</li></ol><p>giữa</p><ol><li>C</li></ol>") == ["1. A", "2. B", "giữa", "1. C"]


def test_entities_are_decoded_and_spaces_collapsed():
    html = "<ul><li>Bộ&nbsp;phận  “Một cửa” &amp; dân vận &lt;b&gt;\n  khéo&#39;</li></ul>"
    assert h(html) == ["- Bộ phận “Một cửa” & dân vận <b> khéo'"]


def test_sanitised_pasted_list_keeps_its_markers():
    pasted = ('<ul style="x"><li class="MsoList"><span>Một</span></li><li><script>alert(1)</script>Hai</li></ul>'
              '<ol onclick="x"><li>Ba</li></ol>')
    assert h(sanitize_html(pasted)) == ["- Một", "- Hai", "1. Ba"]


# --------------------------------------------------------------------------- merged narratives


@pytest.mark.django_db
def test_units_lists_keep_their_numbers_when_merged():
    p = period("2026-H1")
    blocks = C._narrative_blocks([
        (1, "Xã A", "<ol><li>Chung</li><li>Riêng A</li></ol>"),
        (2, "Xã B", "<ol><li>Chung</li><li>Riêng B</li></ol><ul><li>Gạch B</li></ul>"),
    ], p)
    assert [b["text"] for b in blocks] == ["1. Chung", "2. Riêng A", "1. Riêng B", "- Gạch B"]
    assert blocks[0]["sources"] == [1, 2] and blocks[2]["sources"] == [2]


@pytest.mark.django_db
def test_text_written_differently_by_two_units_prints_plain():
    p = period("2026-H1")
    blocks = C._narrative_blocks([(1, "Xã A", "<ul><li>Chung một câu.</li></ul>"),
                                  (2, "Xã B", "<p>Chung một câu.</p>")], p)
    assert [b["text"] for b in blocks] == ["Chung một câu."] and blocks[0]["sources"] == [1, 2]


@pytest.mark.django_db
def test_tasks_are_numbered_once_and_their_lists_go_one_level_down():
    """Part II's tasks (numbered=True) are numbered 1. 2. … across units; a unit's own ordered list or
    typed number does not double the number, and the points under a task become "- " / "a)"."""
    p = period("2026-H1")
    blocks = C._narrative_blocks([
        (1, "Xã A", "<ol><li>Học tập nghị quyết.<ul><li>trực tiếp</li></ul></li><li>Tuyên truyền.</li></ol>"),
        (2, "Xã B", "<p>1. Bảo vệ nền tảng.</p><ul><li>Dân vận khéo.<ol><li>mô hình</li></ol></li></ul>"
                    "<p>- Gõ gạch đầu dòng.</p>"),
    ], p, numbered=True)
    assert [b["text"] for b in blocks] == [
        "1. Học tập nghị quyết.", "- trực tiếp", "2. Tuyên truyền.", "3. Bảo vệ nền tảng.", "4. Dân vận khéo.",
        "a) mô hình", "5. Gõ gạch đầu dòng."]


@pytest.mark.django_db
def test_a_paragraph_all_in_italics_stays_italic():
    p = period("2026-H1")
    blocks = C._narrative_blocks([(1, "Xã A", "<p><em>(Có phụ lục kèm theo)</em></p><p>Có <em>một</em> chữ.</p>"
                                              "<ul><li><i>Ý nghiêng</i></li></ul>")], p)
    assert [(b["text"], b.get("italic", False)) for b in blocks] == [
        ("(Có phụ lục kèm theo)", True), ("Có một chữ.", False), ("- Ý nghiêng", True)]


# --------------------------------------------------------------------------- files and editor

NARRATIVE = ("<p>Các hình thức học tập:</p>"
             "<ul><li>Hội nghị trực tiếp tại hội trường;<ul><li>kết nối điểm cầu thôn.</li></ul></li>"
             "<li>Hội nghị trực tuyến.</li></ul>"
             "<ol><li>Quán triệt chuyên đề.</li><li>Viết bài thu hoạch.</li></ol>")
EXPECTED = ["- Hội nghị trực tiếp tại hội trường;", "+ kết nối điểm cầu thôn.", "- Hội nghị trực tuyến.",
            "1. Quán triệt chuyên đề.", "2. Viết bài thu hoạch."]


@pytest.fixture
def listed(cast):
    ensure_document_types()
    regime = make_regime(cast)
    p = period("2026-H1")
    approved(regime, p, cast.a, {"MEMBERS": 10, "ATTENDED": 10, "PCT_ATTEND": "100", "SESSIONS": 1}, {"KQ": NARRATIVE})
    return {"regime": regime, "period": p}


@pytest.fixture
def specialist(cast):
    user = User.objects.create_user(username="specialist_tu", password="x", full_name="Ngô Thị Tổng Hợp",
                                    home_unit=cast.commission)
    Grant.objects.create(user=user, unit=cast.province, role=Role.SPECIALIST, valid_from=START)
    return user


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.replace("\u2060", "").splitlines() if line.strip()]


@pytest.mark.django_db
def test_markers_reach_the_docx_and_the_pdf(cast, listed, tmp_path):
    ctx = C.consolidated_context(regime=listed["regime"], period=listed["period"], receiving_unit=cast.commission,
                                 dated=DATED)
    doc = Document(io.BytesIO(render_docx(ctx)))
    paragraphs = {p.text: p for p in doc.paragraphs}
    for text in EXPECTED:
        p = paragraphs[text]
        assert p.alignment == 3  # justified (WD_ALIGN_PARAGRAPH.JUSTIFY), first line indented like the others
        assert p.paragraph_format.first_line_indent == paragraphs["Các hình thức học tập:"].paragraph_format.first_line_indent
        assert p.paragraph_format.first_line_indent > 0
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_pdf(ctx))
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode("utf-8")
    lines = _lines(out)
    for text in EXPECTED:
        assert text in lines  # each item starts its own line with its marker


@pytest.mark.django_db
def test_markers_survive_the_editor_and_the_preview(cast, listed, specialist, client):
    draft = C.consolidated_draft_create(regime=listed["regime"], period=listed["period"],
                                        receiving_unit=cast.commission, by=specialist, dated=DATED)
    texts = [b["text"] for b in draft.body if b["kind"] == "paragraph"]
    assert all(t in texts for t in EXPECTED)
    client.force_login(specialist)
    url = reverse("reporting:consolidated_edit", args=[draft.pk])
    page = client.get(url).content.decode()
    assert ">- Hội nghị trực tuyến.</textarea>" in page and ">1. Quán triệt chuyên đề.</textarea>" in page
    # The user adds a point in the textarea, as Party reports type it, and saves.
    body = [dict(b) for b in draft.body]
    i = next(n for n, b in enumerate(body) if b.get("text") == "- Hội nghị trực tuyến.")
    body.insert(i + 1, {"kind": "paragraph", "source": "", "italic": False, "text": "+ thêm một ý."})
    post = {"type_name": draft.type_name, "summary": draft.summary, "recipients": "\r\n".join(draft.recipients),
            "dated": f"{draft.dated:%d/%m/%Y}", "revision": str(draft.revision),
            "block_meta": [json.dumps({k: v for k, v in b.items() if k != "text" or b["kind"] not in ("heading", "paragraph")})
                           for b in body],
            "block_text": [b.get("text", "") for b in body],
            **{f"signature_{k}": v for k, v in (draft.signature or {}).items()}}
    client.post(url, post, follow=True)
    draft.refresh_from_db()
    assert draft.revision == 2
    saved = [b["text"] for b in draft.body if b["kind"] == "paragraph"]
    assert saved[saved.index("- Hội nghị trực tuyến.") + 1] == "+ thêm một ý."
    assert all(t in saved for t in EXPECTED)
    printed = [p.text for p in Document(io.BytesIO(render_docx(draft_context(draft)))).paragraphs]
    assert "+ thêm một ý." in printed
    preview = client.get(reverse("reporting:consolidated_preview", args=[draft.pk])).content.decode()
    assert '<p class="body">- Hội nghị trực tiếp tại hội trường;</p>' in preview
    assert '<p class="body">+ thêm một ý.</p>' in preview


def test_a_table_row_is_a_paragraph_with_its_cells_apart():
    html = ("<table><thead><tr><th>Nội dung</th><th>Số lượng</th></tr></thead><tbody>"
            "<tr><td>Hội nghị</td><td>12</td></tr><tr><td></td><td>3</td></tr></tbody></table>")
    assert h(html) == ["Nội dung | Số lượng", "Hội nghị | 12", "3"]
