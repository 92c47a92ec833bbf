"""The consolidated review report: builder, DOCX / PDF read back, drafts (versions, conflict, issue),
the CLI and the pages' scoping."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from tuyengiao.accounts.models import Grant, User
from tuyengiao.accounts.roles import Role
from tuyengiao.core.testing.personas import START
from tuyengiao.documents import services as doc_services
from tuyengiao.documents.models import DocumentExport, DraftDocument, IssuerProfile
from tuyengiao.documents.render_docx import render_docx
from tuyengiao.documents.render_pdf import render_pdf
from tuyengiao.documents.selectors import draft_context
from tuyengiao.reporting import consolidated as C
from tuyengiao.reporting.selectors import rollup
from tuyengiao.reporting.tests.factories import approved, make_regime, period

pytestmark = pytest.mark.django_db
DATED = dt.date(2026, 7, 5)


def ensure_document_types():
    """The seeded document types (a transactional test may have flushed them)."""
    from importlib import import_module

    from django.apps import apps

    import_module("tuyengiao.documents.migrations.0002_seed_document_types").seed(apps, None)


@pytest.fixture
def data(cast):
    ensure_document_types()
    regime = make_regime(cast)
    p = period("2026-H1")
    ra = approved(regime, p, cast.a, {"MEMBERS": 1200, "ATTENDED": 1180, "PCT_ATTEND": "98.33", "SESSIONS": 700,
                                      "MAX_POINTS": 12, "HAS_PLAN": True},
                  {"KQ": "<p>Đảng ủy xã An Bình tổ chức quán triệt trực tiếp kết hợp trực tuyến.</p>"
                         "<ul><li>Chung một câu.</li></ul>"})
    rb = approved(regime, p, cast.b, {"MEMBERS": 834, "ATTENDED": 800, "PCT_ATTEND": "95.92", "SESSIONS": 534,
                                      "MAX_POINTS": 30, "HAS_PLAN": False},
                  {"KQ": "<p>Chung một câu.</p>"})
    IssuerProfile.objects.create(unit=cast.commission, valid_from=START, superior_line="TỈNH ỦY MẪU",
                                 issuer_line="BAN TUYÊN GIÁO VÀ DÂN VẬN", place="Hải Phòng",
                                 signature_authority="K/T TRƯỞNG BAN", signature_position="PHÓ TRƯỞNG BAN",
                                 signer_name="Nguyễn Văn Hùng",
                                 recipients="Ban Tuyên giáo và Dân vận Trung ương (b/c),\nLưu Văn phòng Ban.")
    return {"regime": regime, "period": p, "a": ra, "b": rb}


@pytest.fixture
def specialist(cast):
    """A specialist of the commission, working across the province (the commission's own staff)."""
    user = User.objects.create_user(username="specialist_tu", password="x", full_name="Ngô Thị Tổng Hợp",
                                    home_unit=cast.commission)
    Grant.objects.create(user=user, unit=cast.province, role=Role.SPECIALIST, valid_from=START)
    return user


def _texts(body, kind="paragraph"):
    return [b for b in body if b["kind"] == kind]


def _flat(text: str) -> str:
    return " ".join(text.replace("\u2060", "").split())


# --------------------------------------------------------------------------- builder


def test_generated_sentence_has_the_totals_in_vietnamese_format(cast, data):
    body = C.build_consolidated(regime=data["regime"], period=data["period"], receiving_unit=cast.commission)
    generated = [b["text"] for b in _texts(body) if b.get("generated")]
    sentence = next(t for t in generated if "số hội nghị" in t)
    assert "số đảng viên: 2.034" in sentence
    assert "số hội nghị: 1.234" in sentence
    # weighted mean of 98,33% (1.200 members) and 95,92% (834): 97,3%
    assert "tỷ lệ đảng viên tham gia: 97,3%" in sentence
    assert "(cao nhất): 30" in sentence
    assert "2 báo cáo" in sentence


def test_each_child_narrative_carries_its_source(cast, data):
    body = C.build_consolidated(regime=data["regime"], period=data["period"], receiving_unit=cast.commission)
    own = next(b for b in _texts(body) if b["text"].startswith("Đảng ủy xã An Bình tổ chức"))
    assert own["sources"] == [data["a"].pk]
    assert "Đảng ủy xã An Bình" in own["source"]
    shared = next(b for b in _texts(body) if b["text"] == "Chung một câu.")
    assert sorted(shared["sources"]) == sorted([data["a"].pk, data["b"].pk])  # one paragraph, both sources
    assert "Đảng ủy phường Bến Thủy" in shared["source"] and "Đảng ủy xã An Bình" in shared["source"]


def test_skeleton_follows_the_party_report(cast, data):
    body = C.build_consolidated(regime=data["regime"], period=data["period"], receiving_unit=cast.commission)
    headings = [b["text"] for b in body if b["kind"] == "heading"]
    assert headings[0] == "ĐÁNH GIÁ TÌNH HÌNH THỰC HIỆN NHIỆM VỤ 6 THÁNG ĐẦU NĂM 2026"
    assert "I. KẾT QUẢ ĐẠT ĐƯỢC" in headings and "II. HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN" in headings
    assert "PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2026" in headings
    assert "KIẾN NGHỊ, ĐỀ XUẤT" in headings
    assert any(b["kind"] == "annex" for b in body)


def test_period_texts():
    from tuyengiao.reporting.models import Regime

    regime = Regime(name="Báo cáo công tác tuyên giáo", code="x", frequency="six_monthly")
    h1 = C.period_texts(regime, period("2026-H1"))
    assert h1.summary == "sơ kết công tác tuyên giáo 6 tháng đầu năm,\nphương hướng, nhiệm vụ 6 tháng cuối năm 2026"
    year = C.period_texts(regime, period("2026"))
    assert year.summary == "tổng kết công tác tuyên giáo năm 2026;\nphương hướng, nhiệm vụ năm 2027"
    assert year.part_two == "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2027"


def test_annex_totals_equal_the_rollup(cast, data):
    body = C.build_consolidated(regime=data["regime"], period=data["period"], receiving_unit=cast.commission)
    tables = _texts(body, "table")
    roll = rollup(regime=data["regime"], codes=["MEMBERS", "ATTENDED", "SESSIONS"], period=data["period"],
                  under=cast.province)
    per_unit = tables[1]
    totals = dict(zip(per_unit["header"], per_unit["totals"], strict=True))
    assert totals["Số đảng viên"] == int(roll.total["MEMBERS"]) == 2034
    assert totals["Số hội nghị"] == int(roll.total["SESSIONS"]) == 1234
    assert [r[1] for r in per_unit["rows"]] == ["Đảng ủy phường Bến Thủy", "Đảng ủy xã An Bình"]
    summary = {row[1]: row[-1] for row in tables[0]["rows"]}
    assert summary["Số đảng viên tham gia học tập"] == 1980
    assert summary["Tỷ lệ đảng viên tham gia"] == "97,3%"


def test_only_approved_reports_count(cast, data):
    from tuyengiao.reporting import services

    services.report_unlock(report=data["b"], by=None, reason="sửa số liệu")
    body = C.build_consolidated(regime=data["regime"], period=data["period"], receiving_unit=cast.commission)
    sentence = next(b["text"] for b in _texts(body) if b.get("generated") and "số hội nghị" in b["text"])
    assert "số hội nghị: 700" in sentence and "1 báo cáo" in sentence
    assert not any(data["b"].pk in b.get("sources", []) for b in _texts(body))


# --------------------------------------------------------------------------- files


@pytest.fixture
def ctx(cast, data):
    return C.consolidated_context(regime=data["regime"], period=data["period"], receiving_unit=cast.commission,
                                  dated=DATED)


def _docx_paragraphs(doc):
    out = []
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                out.extend(cell.paragraphs)
    out.extend(doc.paragraphs)
    return out


def test_docx_reads_back(ctx):
    doc = Document(io.BytesIO(render_docx(ctx)))
    paragraphs = _docx_paragraphs(doc)
    by_text = {p.text: p for p in paragraphs if p.text.strip()}
    heading = by_text["ĐẢNG CỘNG SẢN VIỆT NAM"]
    assert heading.runs[0].bold and heading.runs[0].font.size.pt == 15
    number = next(t for t in by_text if t.startswith("Số ") and t.endswith("-BC/BTGDVTU"))
    assert by_text[number].runs[0].font.size.pt == 14
    date = by_text["Hải Phòng, ngày 05 tháng 7 năm 2026"]
    assert date.runs[0].italic and date.runs[0].font.size.pt == 14
    title = by_text["BÁO CÁO"]
    assert title.runs[0].bold and title.runs[0].font.size.pt == 16
    summary = next(p for p in paragraphs if p.text.startswith("sơ kết công tác tuyên giáo 6 tháng đầu năm,"))
    assert "phương hướng, nhiệm vụ 6 tháng cuối năm 2026" in summary.text and summary.runs[0].bold
    body = next(p for p in paragraphs if "số hội nghị: 1.234" in p.text)
    assert body.runs[0].font.name == "Times New Roman" and body.runs[0].font.size.pt == 14
    assert doc.styles["Normal"].font.name == "Times New Roman"
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    text = "\n".join(p.text for p in paragraphs)
    assert "Đảng ủy xã An Bình — Báo cáo" not in text  # sources never printed
    assert "K/T TRƯỞNG BAN" in text and "Nguyễn Văn Hùng" in text


def _pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8").replace("\u2060", "")


def test_pdf_reads_back(ctx, tmp_path):
    text = _pdftotext(render_pdf(ctx), tmp_path)
    lines = [line for line in text.splitlines() if line.strip()]
    assert re.search(r"TỈNH ỦY MẪU\s{3,}ĐẢNG CỘNG SẢN VIỆT NAM", lines[0])
    assert re.search(r"Số\s+-BC/BTGDVTU\s{3,}Hải Phòng, ngày 05 tháng 7 năm 2026", text)
    assert "BÁO CÁO" in text
    flat = _flat(text)
    assert "sơ kết công tác tuyên giáo 6 tháng đầu năm, phương hướng, nhiệm vụ 6 tháng cuối năm 2026" in flat
    assert "số hội nghị: 1.234" in flat and "97,3%" in flat
    assert "Tổng cộng 2.034 1.980 1.234" in flat  # the annex totals row = the roll-up
    assert "Báo cáo 6 tháng đầu năm 2026 (mã" not in flat  # no source notes in print


def test_preview_shows_sources(cast, data, specialist, client):
    draft = C.consolidated_draft_create(regime=data["regime"], period=data["period"], receiving_unit=cast.commission,
                                        by=specialist, dated=DATED)
    client.force_login(specialist)
    resp = client.get(reverse("reporting:consolidated_preview", args=[draft.pk]))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Đảng ủy xã An Bình — Báo cáo 6 tháng đầu năm 2026" in html
    assert "'unsafe-inline'" in resp["Content-Security-Policy"] and "script-src 'self'" in resp["Content-Security-Policy"]


# --------------------------------------------------------------------------- drafts


def test_draft_versions_and_conflict(cast, data, specialist):
    draft = C.consolidated_draft_create(regime=data["regime"], period=data["period"], receiving_unit=cast.commission,
                                        by=specialist, dated=DATED)
    assert draft.revision == 1 and draft.versions.count() == 1
    body = list(draft.body)
    body[1] = {**body[1], "text": "Đoạn mở đầu đã sửa."}
    saved = doc_services.draft_save(draft=draft, by=specialist, based_on_revision=1, body=body, comment="sửa mở đầu")
    assert saved.revision == 2 and saved.versions.count() == 2
    stale = list(draft.body)
    stale[1] = {**stale[1], "text": "Bản cũ ghi đè."}
    with pytest.raises(ValidationError) as exc:
        doc_services.draft_save(draft=draft, by=specialist, based_on_revision=1, body=stale)
    assert exc.value.code == "conflict"
    draft.refresh_from_db()
    assert draft.revision == 2 and draft.body[1]["text"] == "Đoạn mở đầu đã sửa."  # nothing overwritten
    assert draft.versions.count() == 2


def test_browser_line_breaks_and_unchanged_saves(cast, data, specialist, client):
    """A textarea posts CRLF: the summary keeps one line break (not an empty line in the DOCX title), and
    pressing Lưu with nothing changed makes no new revision."""
    draft = C.consolidated_draft_create(regime=data["regime"], period=data["period"], receiving_unit=cast.commission,
                                        by=specialist, dated=DATED)
    first, second = draft.summary.split("\n")
    saved = doc_services.draft_save(draft=draft, by=specialist, based_on_revision=1, summary=f"{first}\r\n{second}")
    assert saved.revision == 1 and saved.summary == f"{first}\n{second}" and saved.versions.count() == 1
    edited = doc_services.draft_save(draft=draft, by=specialist, based_on_revision=1, summary=f"{first} (sửa)\r\n{second}")
    assert edited.revision == 2 and edited.summary == f"{first} (sửa)\n{second}"
    title = [p.text for p in Document(io.BytesIO(render_docx(draft_context(edited)))).paragraphs
             if "(sửa)" in p.text]
    assert title and "\n\n" not in title[0]
    # The editor posts the same document back: told so, and still revision 2.
    client.force_login(specialist)
    url = reverse("reporting:consolidated_edit", args=[draft.pk])
    post = {"type_name": edited.type_name, "summary": edited.summary.replace("\n", "\r\n"),
            "recipients": "\r\n".join(edited.recipients), "dated": f"{edited.dated:%d/%m/%Y}", "revision": "2",
            "block_meta": [json.dumps(b) for b in edited.body], "block_text": [b.get("text", "") for b in edited.body],
            **{f"signature_{k}": v for k, v in (edited.signature or {}).items()}}
    page = client.post(url, post, follow=True)
    assert "Không có thay đổi nào so với lần lưu trước." in page.content.decode()
    edited.refresh_from_db()
    assert edited.revision == 2 and edited.versions.count() == 2


def test_issue_assigns_the_number_and_freezes(cast, data, specialist, tmp_path):
    draft = C.consolidated_draft_create(regime=data["regime"], period=data["period"], receiving_unit=cast.commission,
                                        by=specialist, dated=DATED)
    issued = doc_services.draft_issue(draft=draft, by=specialist)
    assert issued.is_issued and issued.registered.number_text == "Số 01-BC/BTGDVTU"
    assert issued.registered.issued_on == DATED
    with pytest.raises(ValidationError) as exc:
        doc_services.draft_save(draft=issued, by=specialist, based_on_revision=issued.revision, summary="khác")
    assert exc.value.code == "issued"
    text = _flat(_pdftotext(render_pdf(draft_context(issued)), tmp_path))
    assert "Số 01-BC/BTGDVTU" in text and "DỰ THẢO" not in text
    assert "(Kèm theo Báo cáo số 01-BC/BTGDVTU, ngày 05/07/2026" in text
    second = C.consolidated_draft_create(regime=data["regime"], period=data["period"], receiving_unit=cast.commission,
                                         by=specialist, dated=DATED)
    assert doc_services.draft_issue(draft=second, by=specialist).registered.number_text == "Số 02-BC/BTGDVTU"


def test_export_task_stores_the_file(cast, data, specialist):
    draft = C.consolidated_draft_create(regime=data["regime"], period=data["period"], receiving_unit=cast.commission,
                                        by=specialist, dated=DATED)
    export = doc_services.export_request(draft=draft, fmt="docx", by=specialist)  # immediate backend in tests
    export.refresh_from_db()
    assert export.status == DocumentExport.Status.DONE and export.seconds is not None
    doc = Document(export.file.open("rb"))
    assert any(p.text == "BÁO CÁO" for p in doc.paragraphs)


def test_an_interrupted_or_failed_export_says_so_in_vietnamese(cast, data, specialist, client, settings,
                                                                monkeypatch):
    """A worker killed mid-export leaves it "running": TASK_STALE_MINUTES after it started, the page
    closes it as failed and the file can be asked for again. A failure says so without a traceback."""
    import datetime as dt

    from django.utils import timezone

    from tuyengiao.documents import services as docs

    draft = C.consolidated_draft_create(regime=data["regime"], period=data["period"], receiving_unit=cast.commission,
                                        by=specialist, dated=DATED)
    export = DocumentExport.objects.create(draft=draft, format="pdf", revision=draft.revision, created_by=specialist)
    started = timezone.now() - dt.timedelta(minutes=31)
    DocumentExport.objects.filter(pk=export.pk).update(status="running", started_at=started)
    settings.TASK_STALE_MINUTES = 60
    client.force_login(specialist)
    status_url = reverse("reporting:consolidated_export_status", args=[draft.pk, export.pk])
    assert 'hx-trigger="every 1s"' in client.get(status_url).content.decode()  # still in time
    settings.TASK_STALE_MINUTES = 30
    fragment = client.get(status_url).content.decode()
    export.refresh_from_db()
    assert export.status == "failed" and export.finished_at is not None
    assert "every 1s" not in fragment and "Bị gián đoạn" in fragment
    # Queued for minutes: the worker may be down; waiting is not failing.
    queued = DocumentExport.objects.create(draft=draft, format="docx", revision=draft.revision, created_by=specialist)
    DocumentExport.objects.filter(pk=queued.pk).update(created_at=timezone.now() - dt.timedelta(minutes=3))
    fragment = client.get(reverse("reporting:consolidated_export_status", args=[draft.pk, queued.pk])).content.decode()
    assert "Chưa có tiến trình nền nào nhận" in fragment and "every 1s" in fragment
    # A failure in the renderer: a Vietnamese message on the page, the traceback in the log.
    broken = DocumentExport.objects.create(draft=draft, format="pdf", revision=draft.revision, created_by=specialist)
    import tuyengiao.documents.selectors as doc_sel

    def boom(draft):
        raise RuntimeError("boom")

    monkeypatch.setattr(doc_sel, "draft_context", boom)
    with pytest.raises(RuntimeError):
        docs.export_run(broken.pk)
    broken.refresh_from_db()
    assert broken.status == "failed" and "boom" not in broken.error and "Không tạo được tệp" in broken.error


# --------------------------------------------------------------------------- CLI


def test_cli_writes_a_readable_file(cast, data, tmp_path):
    out = tmp_path / "bc.docx"
    call_command("report", "export", "--unit", "BTGDV", "--period", "2026-H1", "--format", "docx", "-o", str(out),
                 "--date", "05/07/2026", stdout=io.StringIO())
    doc = Document(str(out))
    text = "\n".join(p.text for p in _docx_paragraphs(doc))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "BÁO CÁO" in text and "số hội nghị: 1.234" in text
    pdf = tmp_path / "bc.pdf"
    call_command("report", "export", "--period", "2026-H1", "-o", str(pdf), stdout=io.StringIO())  # default unit
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in _pdftotext(pdf.read_bytes(), tmp_path)


def test_cli_exports_the_saved_draft(cast, data, specialist, tmp_path):
    draft = C.consolidated_draft_create(regime=data["regime"], period=data["period"], receiving_unit=cast.commission,
                                        by=specialist, dated=DATED)
    body = list(draft.body)
    body.insert(2, {"kind": "paragraph", "text": "Đoạn do chuyên viên viết thêm."})
    doc_services.draft_save(draft=draft, by=specialist, based_on_revision=draft.revision, body=body)
    out = tmp_path / "bc.docx"
    call_command("report", "export", "--unit", "BTGDV", "--period", "2026-H1", "-o", str(out), stdout=io.StringIO())
    assert any(p.text == "Đoạn do chuyên viên viết thêm." for p in Document(str(out)).paragraphs)


# --------------------------------------------------------------------------- pages


def test_pages_build_edit_save_export(cast, data, specialist, client):
    client.force_login(specialist)
    assert client.get(reverse("reporting:consolidated_list")).status_code == 200
    assert client.get(reverse("reporting:consolidated_build")).status_code == 200
    resp = client.post(reverse("reporting:consolidated_build"),
                       {"regime": data["regime"].pk, "period": data["period"].pk})
    draft = DraftDocument.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("reporting:consolidated_edit", args=[draft.pk])
    page = client.get(resp["Location"])
    assert page.status_code == 200
    content = page.content.decode()
    assert "số hội nghị: 1.234" in content and "Đảng ủy xã An Bình — Báo cáo" in content
    # Post the editor back: same blocks, first paragraph edited, one block removed.
    from tuyengiao.reporting.views.consolidated import ConsolidatedEditView  # noqa: F401

    metas = re.findall(r'name="block_meta" value="([^"]*)"', content)
    import html as html_lib
    import json

    blocks = [json.loads(html_lib.unescape(m)) for m in metas][: len(draft.body)]
    texts = [b.get("text", "") if b["kind"] in ("heading", "paragraph") else "" for b in draft.body]
    texts[1] = "Đoạn mở đầu do chuyên viên viết."
    post = {"revision": 1, "type_name": "BÁO CÁO", "summary": draft.summary, "dated": "05/07/2026",
            "recipients": "Ban Tuyên giáo và Dân vận Trung ương (b/c),\nLưu Văn phòng Ban.",
            "signature_authority": "T/M BAN THƯỜNG VỤ", "signature_position": "PHÓ BÍ THƯ",
            "signature_signer": "Trần Văn B", "block_meta": [json.dumps(b) for b in blocks], "block_text": texts}
    resp = client.post(reverse("reporting:consolidated_edit", args=[draft.pk]), post)
    assert resp.status_code == 302
    draft.refresh_from_db()
    assert draft.revision == 2 and draft.body[1]["text"] == "Đoạn mở đầu do chuyên viên viết."
    assert draft.signature == {"authority": "T/M BAN THƯỜNG VỤ", "position": "PHÓ BÍ THƯ", "signer": "Trần Văn B"}
    assert draft.body[1]["kind"] == "paragraph" and len(draft.body) == len(blocks)
    # A second save based on revision 1 is a conflict: 409, the text kept on screen, nothing written.
    post["block_text"] = [*texts[:1], "Bản cũ", *texts[2:]]
    resp = client.post(reverse("reporting:consolidated_edit", args=[draft.pk]), post)
    assert resp.status_code == 409 and "Bản cũ" in resp.content.decode()
    draft.refresh_from_db()
    assert draft.revision == 2
    # Export through the page, then download.
    resp = client.post(reverse("reporting:consolidated_export", args=[draft.pk, "pdf"]), HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and 'data-status="done"' in resp.content.decode()
    export = DocumentExport.objects.get()
    resp = client.get(reverse("reporting:consolidated_download", args=[draft.pk, export.pk]))
    assert resp.status_code == 200 and b"".join(resp.streaming_content).startswith(b"%PDF")
    resp = client.post(reverse("reporting:consolidated_issue", args=[draft.pk]), {"revision": 2})
    draft.refresh_from_db()
    assert draft.registered.number_text == "Số 01-BC/BTGDVTU"


@pytest.mark.parametrize("persona", ["officer_a", "officer_b", "clerk_a1"])
def test_other_units_get_404(cast, data, specialist, client_for, persona):
    draft = C.consolidated_draft_create(regime=data["regime"], period=data["period"], receiving_unit=cast.commission,
                                        by=specialist, dated=DATED)
    export = doc_services.export_request(draft=draft, fmt="docx", by=specialist)
    c = client_for(persona)
    for name, args in [("consolidated_edit", [draft.pk]), ("consolidated_preview", [draft.pk]),
                       ("consolidated_export_status", [draft.pk, export.pk]),
                       ("consolidated_download", [draft.pk, export.pk])]:
        assert c.get(reverse(f"reporting:{name}", args=args)).status_code == 404, name
    assert c.post(reverse("reporting:consolidated_export", args=[draft.pk, "pdf"])).status_code == 404
    assert c.post(reverse("reporting:consolidated_issue", args=[draft.pk])).status_code == 404
    assert DraftDocument.objects.get().registered is None


def test_viewer_may_read_but_not_edit(cast, data, specialist, client_for):
    draft = C.consolidated_draft_create(regime=data["regime"], period=data["period"], receiving_unit=cast.commission,
                                        by=specialist, dated=DATED)
    c = client_for("viewer")
    assert c.get(reverse("reporting:consolidated_edit", args=[draft.pk])).status_code == 200
    assert c.post(reverse("reporting:consolidated_edit", args=[draft.pk]), {"revision": 1}).status_code == 404
    assert c.get(reverse("reporting:consolidated_build")).status_code == 404
    assert Decimal(draft.revision) == 1
