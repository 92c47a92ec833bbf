"""ReportContext -> DOCX bytes, built directly with python-docx (no database, no template file).

The header and the signature area are two-column tables without borders, as Party offices lay them
out in Word; the rule under "ĐẢNG CỘNG SẢN VIỆT NAM" is the heading paragraph's bottom border, with
indents that make it as long as the heading itself.
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT, WD_TABLE_DIRECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from . import layout as L
from .context import (
    ANNEX_PAGES_SEPARATE,
    Annex,
    Block,
    Heading,
    Paragraph,
    ReportContext,
    Table,
    cell_text,
    is_numeric,
)

CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT


def render_docx(ctx: ReportContext) -> bytes:
    doc = Document()
    _base_styles(doc, ctx)
    section = doc.sections[0]
    _page(section, ctx, landscape=False)
    width = _text_width(ctx, landscape=False)

    _header_block(doc, ctx, width)
    _title_block(doc, ctx)
    for block in ctx.body:
        _block(doc, block, ctx, width)
    _closing_block(doc, ctx, width)
    if ctx.page.page_numbers:
        section.different_first_page_header_footer = True
        _page_number(section.header.paragraphs[0])

    for annex in ctx.annexes:
        _annex(doc, annex, ctx)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# -- page and styles ---------------------------------------------------------------------------


def _base_styles(doc, ctx: ReportContext) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = L.FONT
    normal.font.size = Pt(ctx.page.font_size)
    _east_asian(normal.element.get_or_add_rPr())
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = 1.0
    props = doc.core_properties
    props.title = ctx.title
    props.subject = ctx.summary.replace("\n", " ")
    props.author = ctx.header.issuer_line
    props.language = "vi-VN"


def _page(section, ctx: ReportContext, *, landscape: bool) -> None:
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(L.A4_HEIGHT_MM), Mm(L.A4_WIDTH_MM)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(L.A4_WIDTH_MM), Mm(L.A4_HEIGHT_MM)
    p = ctx.page
    section.top_margin, section.bottom_margin = Mm(p.margin_top), Mm(p.margin_bottom)
    section.left_margin, section.right_margin = Mm(p.margin_left), Mm(p.margin_right)
    section.header_distance = Mm(max(5.0, p.margin_top / 2))
    section.footer_distance = Mm(max(5.0, p.margin_bottom / 2))


def _text_width(ctx: ReportContext, *, landscape: bool) -> float:
    page_width = L.A4_HEIGHT_MM if landscape else L.A4_WIDTH_MM
    return page_width - ctx.page.margin_left - ctx.page.margin_right


def _east_asian(rpr) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), L.FONT)


def _run(paragraph, text: str, size: float, *, bold: bool = False, italic: bool = False, underline: bool = False):
    run = paragraph.add_run(text)
    run.font.name = L.FONT
    _east_asian(run._element.get_or_add_rPr())
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    if underline:
        run.font.underline = True
    return run


def _para(container, text: str = "", size: float = 14, *, align=CENTER, bold=False, italic=False,
          before: float = 0, after: float = 0, indent_mm: float | None = None, keep_next: bool = False):
    p = container.add_paragraph()
    p.alignment = align
    pf = p.paragraph_format
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if indent_mm is not None:
        pf.first_line_indent = Mm(indent_mm)
    if keep_next:
        pf.keep_with_next = True
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = _run(p, line, size, bold=bold, italic=italic)
        if i < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)
    return p


def _page_number(paragraph) -> None:
    paragraph.alignment = CENTER
    run = _run(paragraph, "", L.SIZE_PAGE_NUMBER)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text.strip() == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._element.append(el)


# -- tables without borders --------------------------------------------------------------------


def _layout_table(doc, rows: int, widths_mm: list[float]):
    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.table_direction = WD_TABLE_DIRECTION.LTR
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)
    _cell_margins(table, 28)  # 0.5 mm: the columns use the full text width
    _set_widths(table, widths_mm)
    return table


def _cell_margins(table, twips: int) -> None:
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.append(margins)


def _set_widths(table, widths_mm: list[float]) -> None:
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=False):
        col.set(qn("w:w"), str(int(w / 25.4 * 1440)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(w)


def _clear(cell):
    """A new cell holds one empty paragraph: reuse it for the first line."""
    return cell.paragraphs[0]


def _cell_para(cell, first: list, text: str, size: float, *, bold=False, italic=False, align=CENTER,
               after: float = 0, before: float = 0):
    if first:
        p = first.pop()
        p.alignment = align
        p.paragraph_format.space_after = Pt(after)
        p.paragraph_format.space_before = Pt(before)
        for i, line in enumerate(text.split("\n")):
            run = _run(p, line, size, bold=bold, italic=italic)
            if i < len(text.split("\n")) - 1:
                run.add_break(WD_BREAK.LINE)
        return p
    return _para(cell, text, size, align=align, bold=bold, italic=italic, before=before, after=after)


# -- the blocks --------------------------------------------------------------------------------


def _header_block(doc, ctx: ReportContext, width: float) -> None:
    h = ctx.header
    left_w = round(width * L.LEFT_SHARE, 1)
    right_w = width - left_w
    table = _layout_table(doc, 2, [left_w, right_w])
    top_left, top_right = table.rows[0].cells
    bottom_left, bottom_right = table.rows[1].cells

    first = [_clear(top_left)]
    if h.superior_line:
        _cell_para(top_left, first, h.superior_line, L.SIZE_LETTERHEAD)
    _cell_para(top_left, first, h.issuer_line, L.SIZE_LETTERHEAD, bold=True)
    _cell_para(top_left, first, "*", L.SIZE_LETTERHEAD)

    heading = _cell_para(top_right, [_clear(top_right)], h.party_heading, L.SIZE_PARTY_HEADING, bold=True)
    text_w = L.text_width_mm(h.party_heading, L.SIZE_PARTY_HEADING, bold=True) + 1.5
    side = max(0.0, (right_w - 1.0 - text_w) / 2)
    heading.paragraph_format.left_indent = Mm(side)
    heading.paragraph_format.right_indent = Mm(side)
    _bottom_border(heading)

    _cell_para(bottom_left, [_clear(bottom_left)], h.number_text, L.SIZE_NUMBER)
    _cell_para(bottom_right, [_clear(bottom_right)], h.date_line, L.SIZE_DATE, italic=True)


def _bottom_border(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    pbdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")  # eighths of a point: 0.75 pt
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    pbdr.append(bottom)
    ppr.append(pbdr)


def _title_block(doc, ctx: ReportContext) -> None:
    if ctx.draft:
        _para(doc, "DỰ THẢO", L.SIZE_SUMMARY, bold=True, before=12)
    _para(doc, ctx.type_name, L.SIZE_TYPE_NAME, bold=True, before=18, keep_next=True)
    _para(doc, ctx.summary, L.SIZE_SUMMARY, bold=True, keep_next=True)
    if ctx.summary_rule:
        _para(doc, ctx.summary_rule, L.SIZE_SUMMARY, after=12)
    else:
        _para(doc, "", 6, after=6)


def _block(doc, block: Block, ctx: ReportContext, width: float) -> None:
    size = ctx.page.font_size
    indent = ctx.page.first_line_indent_mm
    if isinstance(block, Heading):
        if block.level <= 1:
            if block.label:
                _para(doc, block.label, size, bold=True, before=12, keep_next=True)
            _para(doc, block.text, size, bold=True, before=0 if block.label else 12, after=6, keep_next=True)
        else:
            _para(doc, block.text, size, align=JUSTIFY, bold=True, italic=block.level >= 4, indent_mm=indent,
                  before=6 if block.level == 2 else 0, after=6, keep_next=True)
    elif isinstance(block, Paragraph):
        p = _para(doc, block.text, size, align=JUSTIFY, italic=block.italic, indent_mm=indent, after=6)
        p.paragraph_format.line_spacing = 1.1
    elif isinstance(block, Table):
        _data_table(doc, block, width)


def _data_table(doc, block: Table, width: float) -> None:
    if block.title:
        _para(doc, block.title, L.SIZE_SUMMARY, bold=True, before=6, after=6, keep_next=True)
    weights = block.column_widths()
    total = sum(weights)
    widths = [width * w / total for w in weights]
    rows = [block.header, *block.rows] + ([block.totals] if block.totals else [])
    table = doc.add_table(rows=len(rows), cols=len(block.header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table, 57)  # 1 mm
    _set_widths(table, widths)
    for r, values in enumerate(rows):
        is_head = r == 0
        is_total = block.totals is not None and r == len(rows) - 1
        row = table.rows[r]
        if is_head:
            tr_pr = row._tr.get_or_add_trPr()
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            tr_pr.append(header)
        tr_pr = row._tr.get_or_add_trPr()
        cant_split = OxmlElement("w:cantSplit")
        tr_pr.append(cant_split)
        for c, cell in enumerate(row.cells):
            value = values[c] if c < len(values) else ""
            text = cell_text(value)
            numeric = not is_head and is_numeric(value)
            align = CENTER if (is_head or numeric or (c == 0 and weights[0] < 1)) else LEFT
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.alignment = align
            p.paragraph_format.space_before = Pt(2)
            p.paragraph_format.space_after = Pt(2)
            _run(p, text, L.SIZE_TABLE, bold=is_head or is_total)
    if block.note:
        _para(doc, block.note, L.SIZE_TABLE, align=LEFT, italic=True, before=3)
    _para(doc, "", 6)


def _closing_block(doc, ctx: ReportContext, width: float) -> None:
    _para(doc, "", 6, after=6)
    left_w = round(width * L.LEFT_SHARE, 1)
    table = _layout_table(doc, 1, [left_w, width - left_w])
    row = table.rows[0]
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    left, right = row.cells

    first = [_clear(left)]
    if ctx.recipients:
        p = _cell_para(left, first, "", L.SIZE_RECIPIENTS_LABEL, align=LEFT)
        _run(p, "Nơi nhận:", L.SIZE_RECIPIENTS_LABEL, bold=True, italic=True)
        for line in ctx.recipients:
            p = _cell_para(left, first, f"- {line}", L.SIZE_RECIPIENTS, align=LEFT)
            p.paragraph_format.left_indent = Mm(2.5)  # wrapped lines hang under the text, not the dash
            p.paragraph_format.first_line_indent = Mm(-2.5)

    sig = ctx.signature
    first = [_clear(right)]
    if sig.authority:
        _cell_para(right, first, sig.authority, L.SIZE_SIGNATURE, bold=True)
    if sig.position:
        _cell_para(right, first, sig.position, L.SIZE_SIGNATURE, bold=True)
    for _ in range(sig.sign_space_lines):
        _cell_para(right, first, "", L.SIZE_SIGNATURE)
    if sig.signer:
        _cell_para(right, first, sig.signer, L.SIZE_SIGNATURE, bold=True)


# What follows w:pgNumType in a w:sectPr (the schema's order).
_AFTER_PAGE_NUMBER_TYPE = ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
                           "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


def _annex(doc, annex: Annex, ctx: ReportContext) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(section, ctx, landscape=annex.landscape)
    if ctx.page.page_numbers and ctx.page.annex_pages == ANNEX_PAGES_SEPARATE:
        # Numbered on its own: from 1 again, shown from the annex's second page, as the report's.
        section.header.is_linked_to_previous = False
        section.first_page_header.is_linked_to_previous = False
        section.different_first_page_header_footer = True
        _page_number(section.header.paragraphs[0])
        restart = OxmlElement("w:pgNumType")
        restart.set(qn("w:start"), "1")
        section._sectPr.insert_element_before(restart, *_AFTER_PAGE_NUMBER_TYPE)
    else:
        section.different_first_page_header_footer = False
    width = _text_width(ctx, landscape=annex.landscape)
    _para(doc, annex.label, L.SIZE_SUMMARY, bold=True, keep_next=True)
    _para(doc, annex.title, L.SIZE_SUMMARY, bold=True, keep_next=True)
    if annex.reference:
        _para(doc, annex.reference, L.SIZE_SUMMARY, italic=True, keep_next=True)
    _para(doc, "", 6, after=6)
    for block in annex.blocks:
        _block(doc, block, ctx, width)
