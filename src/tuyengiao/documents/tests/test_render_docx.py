"""The DOCX renderer, read back with python-docx: texts, font sizes and styles of Hướng dẫn 36-HD."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from tuyengiao.documents.context import Header, Heading, Paragraph, Table
from tuyengiao.documents.render_docx import render_docx
from tuyengiao.documents.samples import sample_report_context


@pytest.fixture(scope="module")
def doc():
    return Document(io.BytesIO(render_docx(sample_report_context())))


def _all_paragraphs(doc):
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def _runs_with(doc, text):
    return [r for p in _all_paragraphs(doc) for r in p.runs if r.text == text]


def _one_run(doc, text):
    runs = _runs_with(doc, text)
    assert runs, f"{text!r} not found"
    return runs[0]


def _all_text(doc):
    return "\n".join(p.text for p in _all_paragraphs(doc))


def test_header_blocks(doc):
    header = doc.tables[0]
    left = header.cell(0, 0).text.split("\n")
    assert left == ["THÀNH ỦY HẢI PHÒNG", "BAN TUYÊN GIÁO VÀ DÂN VẬN", "*"]
    assert header.cell(1, 0).text == "Số 125-BC/BTGDVTU"
    assert header.cell(0, 1).text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert header.cell(1, 1).text == "Hải Phòng, ngày 05 tháng 7 năm 2026"


def test_header_font_sizes_and_styles(doc):
    superior = _one_run(doc, "THÀNH ỦY HẢI PHÒNG")
    assert superior.font.size == Pt(14) and not superior.font.bold
    issuer = _one_run(doc, "BAN TUYÊN GIÁO VÀ DÂN VẬN")
    assert issuer.font.size == Pt(14) and issuer.font.bold
    number = _one_run(doc, "Số 125-BC/BTGDVTU")
    assert number.font.size == Pt(14) and not number.font.bold and not number.font.italic
    heading = _one_run(doc, "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert heading.font.size == Pt(15) and heading.font.bold
    date = _one_run(doc, "Hải Phòng, ngày 05 tháng 7 năm 2026")
    assert date.font.size == Pt(14) and date.font.italic and not date.font.bold


def test_party_heading_has_a_rule_as_long_as_the_heading(doc):
    cell = doc.tables[0].cell(0, 1)
    p = cell.paragraphs[0]
    bottom = p._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:val")) == "single"
    # Indented on both sides so that the rule is about the heading's width (≈ 73 mm), not the cell's.
    rule = cell.width - p.paragraph_format.left_indent - p.paragraph_format.right_indent
    assert Mm(70) < rule < Mm(80)


def test_type_name_and_summary(doc):
    title = _one_run(doc, "BÁO CÁO")
    assert title.font.size == Pt(16) and title.font.bold
    summary = _one_run(doc, "sơ kết công tác tuyên giáo và dân vận 6 tháng đầu năm,\n")  # a line break follows
    assert summary.font.size == Pt(14) and summary.font.bold
    paragraph = next(p for p in doc.paragraphs if p.text.startswith("sơ kết công tác"))
    assert paragraph.alignment == 1  # centred
    assert "phương hướng, nhiệm vụ 6 tháng cuối năm 2026" in paragraph.text


def test_body_text_is_times_new_roman_14_justified_with_indent(doc):
    body = next(p for p in doc.paragraphs if p.text.startswith("Các cấp ủy, tổ chức đảng"))
    assert body.alignment == 3  # justified
    assert body.paragraph_format.first_line_indent == Mm(12.7)
    assert all(r.font.size == Pt(14) and not r.font.bold for r in body.runs)
    assert "1.234 điểm cầu" in body.text and "97,5%" in body.text
    fonts = {r.font.name for p in _all_paragraphs(doc) for r in p.runs}
    assert fonts == {"Times New Roman"}
    assert doc.styles["Normal"].font.name == "Times New Roman"


def test_headings_are_bold(doc):
    for text in ("Phần thứ nhất", "I. KẾT QUẢ ĐẠT ĐƯỢC", "1. Công tác tham mưu giúp cấp ủy lãnh đạo, chỉ đạo"):
        run = _one_run(doc, text)
        assert run.font.bold, text


def test_source_notes_are_not_printed(doc):
    assert "Tổng hợp từ báo cáo của 7 đảng ủy" not in _all_text(doc)


def test_recipients_and_signature(doc):
    closing = doc.tables[1]
    left, right = closing.rows[0].cells
    label = _one_run(doc, "Nơi nhận:")
    assert label.font.bold and label.font.italic and label.font.size == Pt(12)
    lines = [p.text for p in left.paragraphs]
    assert lines[0] == "Nơi nhận:"
    assert lines[1] == "- Ban Tuyên giáo và Dân vận Trung ương (b/c),"
    assert lines[-1] == "- Lưu Văn phòng Ban."
    assert all(r.font.size == Pt(12) for p in left.paragraphs[1:] for r in p.runs)
    authority = _one_run(doc, "K/T TRƯỞNG BAN")
    assert authority.font.bold and authority.font.size == Pt(14)
    assert _one_run(doc, "PHÓ TRƯỞNG BAN").font.bold
    assert [p.text for p in right.paragraphs if p.text][-1] == "Nguyễn Văn Hùng"


def test_a4_page_margins_and_page_numbers_from_page_two(doc):
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    assert abs(section.left_margin - Mm(30)) < Mm(0.5)
    assert abs(section.right_margin - Mm(15)) < Mm(0.5)
    assert section.different_first_page_header_footer  # no number on page 1
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_annex_on_a_new_page_with_the_statistics_table(doc):
    assert len(doc.sections) == 2  # the annex starts a new section, on a new page
    assert doc.sections[1].start_type == 2  # WD_SECTION.NEW_PAGE
    table = doc.tables[2]
    header = [c.text for c in table.rows[0].cells]
    assert header[:2] == ["TT", "Đơn vị"]
    first = [c.text for c in table.rows[1].cells]
    assert first == ["1", "Đảng ủy phường Hồng Bàng", "18", "2.415", "98,6%", "4", "312"]
    totals = [c.text for c in table.rows[-1].cells]
    assert totals == ["", "Tổng cộng", "107", "14.836", "98%", "24", "1.840"]
    assert all(r.font.bold for c in table.rows[-1].cells for p in c.paragraphs for r in p.runs)
    assert "PHỤ LỤC" in _all_text(doc)


def test_landscape_annex_and_other_blocks():
    ctx = sample_report_context()
    annex = dataclasses.replace(ctx.annexes[0], landscape=True)
    header = Header(superior_line="ĐẢNG BỘ TỈNH THÁI NGUYÊN", issuer_line="ĐẢNG ỦY XÃ LA BẰNG",
                    number_text="Số 09-KH/ĐU", place="La Bằng", date=dt.date(2026, 2, 3))
    ctx = dataclasses.replace(
        ctx, header=header, annexes=(annex,), draft=True,
        body=(Heading(4, "a) Điểm nhỏ"), Paragraph("Đoạn nghiêng.", italic=True),
              Table(header=("Chỉ tiêu", "Số lượng"), rows=(("Hội nghị", 1234),), title="Bảng 1")),
    )
    doc = Document(io.BytesIO(render_docx(ctx)))
    assert doc.tables[0].cell(1, 1).text == "La Bằng, ngày 03 tháng 02 năm 2026"
    assert doc.sections[1].page_width > doc.sections[1].page_height
    point = _one_run(doc, "a) Điểm nhỏ")
    assert point.font.bold and point.font.italic
    assert [c.text for c in doc.tables[1].rows[1].cells] == ["Hội nghị", "1.234"]
    assert _one_run(doc, "DỰ THẢO").font.bold


def test_annex_page_numbers_separate_or_continued():
    ctx = sample_report_context()
    separate = Document(io.BytesIO(render_docx(ctx)))
    annex = separate.sections[1]
    assert not annex.header.is_linked_to_previous
    assert annex.different_first_page_header_footer  # no number on the annex's first page
    assert "PAGE" in annex.header._element.xml and "PAGE" not in annex.first_page_header._element.xml
    assert annex._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"

    continued = dataclasses.replace(ctx, page=dataclasses.replace(ctx.page, annex_pages="continued"))
    annex = Document(io.BytesIO(render_docx(continued))).sections[1]
    assert annex.header.is_linked_to_previous and not annex.different_first_page_header_footer
    assert annex._sectPr.find(qn("w:pgNumType")) is None


def test_title_of_a_report_not_yet_registered():
    ctx = sample_report_context()
    assert ctx.title == "Báo cáo số 125-BC/BTGDVTU"
    draft = dataclasses.replace(ctx, header=dataclasses.replace(ctx.header, number_text="Số -BC/BTGDVTU"))
    assert draft.title == "Báo cáo -BC/BTGDVTU (chưa có số)"
    assert Document(io.BytesIO(render_docx(draft))).core_properties.title == draft.title
