"""A report's figures as an Excel workbook: download the unit's form pre-filled, upload it back.

build_workbook(FormContext) -> bytes and parse_workbook(file, identity=, rows=) -> ParseResult are pure
(no database); form_context(report) is the one read that feeds them. The sheet "Biểu mẫu" has one row
per indicator; only the value cell and the "Không phát sinh" cell are unlocked (sheet protection
without a password keeps the layout). A hidden sheet "_meta" (also reachable through defined names)
identifies the report, the form version and the revision the file was made from, so an upload of
another report's file, of an older form version or of a stale copy is refused before any value is read.

The sheet "Thuyết minh" carries the text of every section (the đề cương parts and the comments under
each group of figures) as plain text, one paragraph a line, in an unlocked wrapped cell. On upload a
section whose text reads the same as the stored one (compared line by line, spaces and Unicode form
aside) is left alone, so its bold, lists and tables survive; a changed one becomes sanitised
paragraphs. A workbook without that sheet (made before it existed) still uploads its figures.

Parsing is all or nothing by design: the result lists every problem by cell ("D12"); the caller saves
only a result without a single error. Sheet names, headers and labels inside the file are the file
format users fill, so they are Vietnamese literals; every message goes through gettext.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from tuyengiao.core.vi import format_number

from .models import Indicator, ReportValue
from .sanitize import MAX_LENGTH as HTML_MAX_LENGTH
from .sanitize import sanitize_html

SHEET = "Biểu mẫu"
META_SHEET = "_meta"
LISTS_SHEET = "_lists"
FORMAT_TAG = "tuyengiao/report-form/1"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_APPLICABLE = "not_applicable"  # the services' marker for "không phát sinh"
NA_MARK = "x"
YES, NO = "Có", "Không"
HEADER_ROW = 6
FIRST_ROW = HEADER_ROW + 1
MAX_ROWS = 2000  # physical rows scanned on the form sheet; a real form has a few hundred at most

# Columns of the form sheet: key -> (letter, header, width)
COLUMNS = {
    "section": ("A", "Mục", 26),
    "code": ("B", "Mã chỉ tiêu", 16),
    "name": ("C", "Chỉ tiêu", 50),
    "value": ("D", "Giá trị", 16),
    "na": ("E", "Không phát sinh", 11),
    "uom": ("F", "Đơn vị tính", 12),
    "type": ("G", "Kiểu dữ liệu", 20),
    "bounds": ("H", "Giới hạn", 16),
    "required": ("I", "Bắt buộc", 9),
}
VALUE_COL = COLUMNS["value"][0]
NA_COL = COLUMNS["na"][0]
_COL_INDEX = {key: i for i, key in enumerate(COLUMNS)}  # 0-based position in a row
META_KEYS = ("format", "report_id", "form_id", "revision", "unit", "period", "made_at")
DEFINED_NAMES = {"report_id": "TG_REPORT_ID", "form_id": "TG_FORM_ID", "revision": "TG_REVISION"}

NARRATIVE_SHEET = "Thuyết minh"
N_HEADER_ROW = 4
N_FIRST_ROW = N_HEADER_ROW + 1
N_COLUMNS = {
    "code": ("A", "Mã phần", 16),
    "title": ("B", "Phần", 34),
    "text": ("C", "Nội dung", 100),
    "guidance": ("D", "Hướng dẫn", 40),
}
TEXT_COL = N_COLUMNS["text"][0]
CELL_LIMIT = 32_000  # a cell holds 32,767 characters at most (openpyxl cuts silently): longer texts take more rows
CONTINUED = "(tiếp)"

_NUMBER_FORMATS = {
    Indicator.Type.INTEGER: "#,##0",
    Indicator.Type.DECIMAL: "General",
    Indicator.Type.PERCENT: "0.0",
}


# --------------------------------------------------------------------------- plain data


@dataclass(frozen=True)
class Identity:
    report_id: int
    form_id: int
    revision: int


@dataclass(frozen=True)
class FormRow:
    """One indicator of the form with the report's current value."""

    code: str
    name: str
    type: str
    section: str = ""
    unit_of_measure: str = ""
    type_label: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, label shown)
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    required: bool = False
    help_text: str = ""
    state: str = ReportValue.State.MISSING
    value: Decimal | bool | str | None = None

    @property
    def is_numeric(self) -> bool:
        return self.type in Indicator.NUMERIC

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        """The effective bounds, as the services check them (percent 0–100, whole numbers ≥ 0)."""
        low, high = self.min_value, self.max_value
        if self.type == Indicator.Type.PERCENT:
            low = Decimal(0) if low is None else low
            high = Decimal(100) if high is None else high
        if low is None and self.type == Indicator.Type.INTEGER:
            low = Decimal(0)
        return low, high

    def indicator(self) -> Indicator:
        """An unsaved Indicator carrying what services.parse_value checks."""
        return Indicator(code=self.code, type=self.type, min_value=self.min_value, max_value=self.max_value,
                         choices=[list(c) for c in self.choices])


@dataclass(frozen=True)
class NarrativeRow:
    """One section of the form with the report's stored text (sanitised HTML)."""

    code: str
    title: str
    is_narrative: bool = True
    guidance: str = ""
    html: str = ""


@dataclass(frozen=True)
class FormContext:
    identity: Identity
    title: str
    unit_name: str
    unit_code: str
    period_label: str
    period_code: str
    status_label: str = ""
    deadline: dt.date | None = None
    rows: tuple[FormRow, ...] = ()
    made_at: dt.datetime | None = None
    sections: tuple[NarrativeRow, ...] = ()


@dataclass(frozen=True)
class CellError:
    """One problem: the cell as Excel names it (empty: the whole file), the indicator or section, the
    message, and the sheet when it is not the form sheet."""

    cell: str
    code: str
    message: str
    names_cell: bool = False  # the message already says which cell ("Ô D12 chứa công thức …")
    sheet: str = ""  # "" = the form sheet (SHEET)

    @property
    def sheet_name(self) -> str:
        return self.sheet or (SHEET if self.cell else "")

    @property
    def text(self) -> str:
        if not self.cell:
            return self.message
        if self.sheet:
            if self.names_cell:
                return _("Sheet “%(sheet)s”: %(message)s") % {"sheet": self.sheet, "message": self.message}
            return _("Sheet “%(sheet)s”, cell %(cell)s: %(message)s") % {
                "sheet": self.sheet, "cell": self.cell, "message": self.message}
        if self.names_cell:
            return self.message
        return _("Cell %(cell)s: %(message)s") % {"cell": self.cell, "message": self.message}

    def __str__(self):
        return self.text


@dataclass
class ParseResult:
    values: dict[str, object] = field(default_factory=dict)  # code -> raw value, "" or NOT_APPLICABLE
    narratives: dict[str, str] = field(default_factory=dict)  # section code -> new sanitised HTML (changed only)
    narrative_cells: dict[str, str] = field(default_factory=dict)  # section code -> its first text cell
    errors: list[CellError] = field(default_factory=list)
    identity: Identity | None = None
    problem: str = ""  # why the whole file is refused: unreadable, not_form, other_report, old_form, stale

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def cells(self) -> dict[str, str]:
        """code -> cell of its value, for errors reported by code after the fact."""
        return {e.code: e.cell for e in self.errors if e.code}


# --------------------------------------------------------------------------- the one read


def form_context(report) -> FormContext:
    """The plain data of a report's workbook (a handful of queries, whatever the number of indicators)."""
    from .selectors import report_form_data

    rows, sections = [], []
    for sec in report_form_data(report):
        s = sec.section
        sections.append(NarrativeRow(code=s.code, title=s.title, is_narrative=s.is_narrative, guidance=s.guidance,
                                     html=sec.narrative))
        for item in sec.items:
            ind, rv = item.indicator, item.value
            state = rv.state if rv is not None else ReportValue.State.MISSING
            rows.append(FormRow(
                code=ind.code, name=ind.name, type=ind.type, section=sec.section.title,
                unit_of_measure=ind.unit_of_measure, type_label=str(ind.get_type_display()),
                choices=_choices(ind.choices), min_value=ind.min_value, max_value=ind.max_value,
                required=ind.required, help_text=ind.help_text, state=state,
                value=rv.python_value() if rv is not None else None,
            ))
    return FormContext(
        identity=Identity(report.pk, report.form_id, report.revision),
        title=report.regime.name, unit_name=report.unit.name, unit_code=report.unit.code,
        period_label=report.period.label, period_code=report.period.code,
        status_label=str(report.get_status_display()), deadline=report.deadline, rows=tuple(rows),
        made_at=timezone.localtime().replace(microsecond=0, tzinfo=None), sections=tuple(sections),
    )


def _choices(raw) -> tuple[tuple[str, str], ...]:
    out = []
    for c in raw or []:
        if isinstance(c, list | tuple) and c:
            out.append((str(c[0]), str(c[1]) if len(c) > 1 else str(c[0])))
        else:
            out.append((str(c), str(c)))
    return tuple(out)


# --------------------------------------------------------------------------- text of the sections

_BLOCKS = {"p", "h3", "h4", "blockquote", "table", "ul", "ol"}
_HTML_SPACE = re.compile(r"[ \t\r\n\f\xa0]+")


class _PlainText(HTMLParser):
    """Sanitised HTML as the reader sees it: a blank line between blocks, one line per list item (with
    its bullet or number), per table row (cells joined by " | ") and per <br>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[list] = []  # [tag, items so far]
        self.cells = 0

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        if tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li":
            self.parts.append("\n")
            if self.lists:
                self.lists[-1][1] += 1
                kind, n = self.lists[-1]
                self.parts.append("- " if kind == "ul" else f"{n}. ")
        elif tag in ("br", "tr"):
            self.parts.append("\n")
            self.cells = 0
        elif tag in ("td", "th"):
            if self.cells:
                self.parts.append(" | ")
            self.cells += 1

    def handle_endtag(self, tag):
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(_HTML_SPACE.sub(" ", data))  # white space in HTML source is one space


def html_to_text(html: str | None) -> str:
    """Plain text of a stored section: paragraphs apart by a blank line, list items and lines one a line."""
    if not html:
        return ""
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    out: list[str] = []
    gap = False
    for line in "".join(parser.parts).split("\n"):
        line = ILLEGAL_CHARACTERS_RE.sub("", line).strip()  # control characters cannot go into a workbook
        if not line:
            gap = bool(out)
            continue
        if gap:
            out.append("")
        out.append(line)
        gap = False
    return "\n".join(out)


def _text_key(text: str) -> tuple[str, ...]:
    """What makes two texts the same for the user: the non-empty lines, spaces collapsed, in NFC (Excel on
    another machine may change line ends, blank lines, spaces or the Unicode form of Vietnamese letters)."""
    text = unicodedata.normalize("NFC", ILLEGAL_CHARACTERS_RE.sub("", text))
    return tuple(line for line in (" ".join(raw.split()) for raw in text.splitlines()) if line)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(line, quote=False)}</p>" for line in _text_key(text))


def text_to_html(text: str) -> str:
    """Each non-empty line becomes a paragraph, through the same sanitiser as the browser editor."""
    return sanitize_html(_paragraphs(text))


def _chunks(text: str) -> list[str]:
    """The text in pieces that each fit in a cell, cut between lines where possible."""
    chunks, current = [], ""
    for line in text.split("\n"):
        while len(line) > CELL_LIMIT:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:CELL_LIMIT])
            line = line[CELL_LIMIT:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > CELL_LIMIT:
            chunks.append(current)
            candidate = line
        current = candidate
    return [*chunks, current] if current or not chunks else chunks


# --------------------------------------------------------------------------- building the workbook

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_INPUT_FILL = PatternFill("solid", fgColor="FFF9DB")
_THIN = Side(style="thin", color="B4B4B4")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNLOCKED = Protection(locked=False)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _bounds_text(row: FormRow) -> str:
    low, high = row.bounds()
    if low is not None and high is not None:
        return f"{format_number(low.normalize())} – {format_number(high.normalize())}"
    if low is not None:
        return f"≥ {format_number(low.normalize())}"
    if high is not None:
        return f"≤ {format_number(high.normalize())}"
    return ""


def _type_hint(row: FormRow) -> str:
    if row.type == Indicator.Type.PERCENT:
        return _("%(type)s: a number from 0 to 100, without the %% sign") % {"type": row.type_label or row.type}
    if row.type == Indicator.Type.BOOLEAN:
        return f"{row.type_label or row.type} ({YES}/{NO})"
    return row.type_label or row.type


def _cell_value(row: FormRow):
    if row.state != ReportValue.State.VALUE or row.value is None:
        return None
    if row.is_numeric:
        number = Decimal(row.value) if not isinstance(row.value, Decimal) else row.value
        if row.type == Indicator.Type.INTEGER and number == number.to_integral_value():
            return int(number)
        return float(number) if number == Decimal(str(float(number))) else number
    if row.type == Indicator.Type.BOOLEAN:
        return YES if row.value else NO
    if row.type == Indicator.Type.CHOICE:
        labels = dict(row.choices)
        return labels.get(str(row.value), str(row.value))
    return str(row.value)


def _plain(d: Decimal) -> str:
    """A number as a formula literal: digits and a point, never an exponent."""
    return format(d.normalize(), "f")


def _number_validation(row: FormRow) -> DataValidation | None:
    """Excel's own check of the value cell (the upload checks again: Excel lets a paste through)."""
    low, high = row.bounds()
    kind = "whole" if row.type == Indicator.Type.INTEGER else "decimal"
    if low is not None and high is not None:
        dv = DataValidation(type=kind, operator="between", formula1=_plain(low), formula2=_plain(high))
    elif low is not None:
        dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=_plain(low))
    elif high is not None:
        dv = DataValidation(type=kind, operator="lessThanOrEqual", formula1=_plain(high))
    else:
        return None
    dv.allow_blank, dv.showErrorMessage, dv.errorStyle = True, True, "stop"
    dv.errorTitle = _("Value out of range")
    first = _("Enter a whole number.") if kind == "whole" else _("Enter a number.")
    dv.error = f"{first} {_bounds_note(row)}"
    return dv


def build_workbook(ctx: FormContext) -> bytes:
    """The pre-filled form of one report as XLSX bytes (no database access)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    last_letter = get_column_letter(len(COLUMNS))
    ws["A1"] = ctx.title
    ws["A1"].font = _TITLE
    ws.merge_cells(f"A1:{last_letter}1")
    ws["A2"] = f"{ctx.unit_name} — {ctx.period_label}"
    ws["A2"].font = _BOLD
    ws.merge_cells(f"A2:{last_letter}2")
    status = _("Status: %(status)s.") % {"status": ctx.status_label} if ctx.status_label else ""
    deadline = (_("Deadline: %(date)s.") % {"date": ctx.deadline.strftime("%d/%m/%Y")}) if ctx.deadline else ""
    ws["A3"] = " ".join(x for x in (status, deadline) if x)
    ws.merge_cells(f"A3:{last_letter}3")
    ws["A4"] = _(
        "Enter each figure in the column %(value)s. Leave a cell empty when the figure is not known yet; "
        "write 0 when it is zero; mark %(na)s with x when there is nothing to report. Enter values, not "
        "formulas. Columns marked * are required."
    ) % {"value": COLUMNS["value"][1], "na": COLUMNS["na"][1]}
    ws["A4"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A4:{last_letter}4")
    ws.row_dimensions[4].height = 45

    for letter, header, width in COLUMNS.values():
        cell = ws[f"{letter}{HEADER_ROW}"]
        cell.value = header
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{FIRST_ROW}"

    # Lists for dropdowns: a hidden sheet, one column per choice indicator (no 255-character limit).
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    lists["A1"], lists["A2"] = YES, NO
    yes_no = DataValidation(type="list", formula1=f"{quote_sheetname(LISTS_SHEET)}!$A$1:$A$2", allow_blank=True,
                            showErrorMessage=True, errorStyle="stop")
    yes_no.error = _("Choose %(yes)s or %(no)s.") % {"yes": YES, "no": NO}
    na = DataValidation(type="list", formula1=f'"{NA_MARK}"', allow_blank=True, showErrorMessage=True,
                        errorStyle="stop")
    na.error = _("Write x, or leave the cell empty.")
    ws.add_data_validation(yes_no)
    ws.add_data_validation(na)
    list_col = 1
    number_rules: dict[tuple, DataValidation | None] = {}

    r = FIRST_ROW - 1
    for r, row in enumerate(ctx.rows, start=FIRST_ROW):
        cells = {
            "section": row.section, "code": row.code, "name": row.name, "value": _cell_value(row),
            "na": NA_MARK if row.state == ReportValue.State.NOT_APPLICABLE else None,
            "uom": row.unit_of_measure, "type": _type_hint(row), "bounds": _bounds_text(row),
            "required": "*" if row.required else None,
        }
        for key, value in cells.items():
            cell = ws[f"{COLUMNS[key][0]}{r}"]
            cell.value = value
            cell.border = _BORDER
            cell.alignment = _WRAP
        value_cell = ws[f"{VALUE_COL}{r}"]
        value_cell.protection = _UNLOCKED
        value_cell.fill = _INPUT_FILL
        value_cell.number_format = _NUMBER_FORMATS.get(row.type, "@")
        na_cell = ws[f"{NA_COL}{r}"]
        na_cell.protection = _UNLOCKED
        na_cell.fill = _INPUT_FILL
        na_cell.alignment = Alignment(horizontal="center", vertical="top")
        na.add(na_cell.coordinate)
        if row.required:
            ws[f"{COLUMNS['name'][0]}{r}"].value = f"{row.name} *"
        if row.is_numeric:
            key = (row.type, *row.bounds())
            if key not in number_rules:
                number_rules[key] = _number_validation(row)
                if number_rules[key] is not None:
                    ws.add_data_validation(number_rules[key])
            if number_rules[key] is not None:
                number_rules[key].add(value_cell.coordinate)
        elif row.type == Indicator.Type.BOOLEAN:
            yes_no.add(value_cell.coordinate)
        elif row.type == Indicator.Type.CHOICE and row.choices:
            letter = get_column_letter(list_col + 1)
            lists[f"{letter}1"] = row.code
            for i, (_value, label) in enumerate(row.choices, start=2):
                lists[f"{letter}{i}"] = label
            dv = DataValidation(
                type="list", formula1=f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(row.choices) + 1}",
                allow_blank=True, showErrorMessage=True, errorStyle="stop",
            )
            dv.error = _("Choose one of the listed values.")
            ws.add_data_validation(dv)
            dv.add(value_cell.coordinate)
            list_col += 1
        if row.help_text:  # the bounds are in their own column: no comment on every cell
            value_cell.comment = Comment(row.help_text, "Tuyên giáo số", width=260, height=90)

    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_letter}{max(r, HEADER_ROW)}"
    ws.protection.sheet = True  # no password: it keeps the layout, it is not a secret
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.sort = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    _narrative_sheet(wb, ctx)
    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    ident = ctx.identity
    made_at = (ctx.made_at or dt.datetime.now().replace(microsecond=0)).strftime("%d/%m/%Y %H:%M")
    values = {"format": FORMAT_TAG, "report_id": ident.report_id, "form_id": ident.form_id,
              "revision": ident.revision, "unit": ctx.unit_code, "period": ctx.period_code, "made_at": made_at}
    for i, key in enumerate(META_KEYS, start=1):
        meta.cell(row=i, column=1, value=key)
        meta.cell(row=i, column=2, value=values[key])
        if key in DEFINED_NAMES:
            wb.defined_names[DEFINED_NAMES[key]] = DefinedName(
                DEFINED_NAMES[key], attr_text=f"{quote_sheetname(META_SHEET)}!$B${i}")
    meta.protection.sheet = True
    lists.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)  # hidden sheets stay hidden and in place; no password
    wb.active = 0

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _narrative_sheet(wb, ctx: FormContext) -> None:
    """The sheet of the sections' text: one row per section (more when the text outgrows a cell)."""
    ws = wb.create_sheet(NARRATIVE_SHEET, 1)
    last_letter = get_column_letter(len(N_COLUMNS))
    ws["A1"] = f"{ctx.title} — {NARRATIVE_SHEET}"
    ws["A1"].font = _TITLE
    ws.merge_cells(f"A1:{last_letter}1")
    ws["A2"] = f"{ctx.unit_name} — {ctx.period_label}"
    ws["A2"].font = _BOLD
    ws.merge_cells(f"A2:{last_letter}2")
    ws["A3"] = _(
        "Write the text of each section in the column “%(text)s”. Alt+Enter (LibreOffice: Ctrl+Enter) starts a "
        "new line; each line becomes a paragraph. A section you leave as it is keeps its formatting (bold, "
        "lists, tables); a section you change is saved as plain paragraphs."
    ) % {"text": N_COLUMNS["text"][1]}
    ws["A3"].alignment = _WRAP
    ws.merge_cells(f"A3:{last_letter}3")
    ws.row_dimensions[3].height = 45
    for letter, header, width in N_COLUMNS.values():
        cell = ws[f"{letter}{N_HEADER_ROW}"]
        cell.value, cell.font, cell.fill, cell.border = header, _BOLD, _HEADER_FILL, _BORDER
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{N_FIRST_ROW}"
    figures_note = _("The figures of this section are on the sheet “%(sheet)s”; text here is optional.") % {
        "sheet": SHEET}
    r = N_FIRST_ROW
    for section in ctx.sections:
        guidance = section.guidance if section.is_narrative else "\n".join(
            x for x in (figures_note, section.guidance) if x)
        for i, chunk in enumerate(_chunks(html_to_text(section.html))):
            cells = {"code": section.code, "title": section.title if i == 0 else f"{section.title} {CONTINUED}",
                     "text": chunk or None, "guidance": (guidance or None) if i == 0 else None}
            for key, value in cells.items():
                cell = ws[f"{N_COLUMNS[key][0]}{r}"]
                cell.value, cell.border, cell.alignment = value, _BORDER, _WRAP
            text_cell = ws[f"{TEXT_COL}{r}"]
            text_cell.protection, text_cell.fill, text_cell.number_format = _UNLOCKED, _INPUT_FILL, "@"
            # An explicit height: not every spreadsheet program fits a row to wrapped text when it opens a file.
            lines = sum(max(1, -(-len(line) // 95)) for line in chunk.split("\n"))
            ws.row_dimensions[r].height = min(409, max(45, 15 * lines))
            r += 1
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{N_HEADER_ROW}:{N_HEADER_ROW}"


def _bounds_note(row: FormRow) -> str:
    text = _bounds_text(row)
    if not text or not row.is_numeric:
        return ""
    return _("Allowed values: %(bounds)s.") % {"bounds": text}


# --------------------------------------------------------------------------- reading it back


def _file_error(message: str, problem: str, identity: Identity | None = None) -> ParseResult:
    return ParseResult(errors=[CellError("", "", message)], problem=problem, identity=identity)


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _read_identity(wb) -> Identity | None:
    if META_SHEET not in wb.sheetnames:
        return None
    found = {}
    for i, cells in enumerate(wb[META_SHEET].iter_rows(min_row=1, max_row=len(META_KEYS) + 5, max_col=2,
                                                        values_only=True)):
        if i > len(META_KEYS) + 5:
            break
        if len(cells) >= 2 and isinstance(cells[0], str):
            found[cells[0].strip()] = cells[1]
    if found.get("format") != FORMAT_TAG:
        return None
    ids = [_int(found.get(k)) for k in ("report_id", "form_id", "revision")]
    if any(v is None for v in ids):
        return None
    return Identity(*ids)


def _open(file):
    if isinstance(file, bytes | bytearray):
        return io.BytesIO(file)
    file.seek(0)
    return file


def parse_workbook(file, *, identity: Identity, rows: Sequence[FormRow],
                   sections: Sequence[NarrativeRow] = ()) -> ParseResult:
    """Read an uploaded form back: {code: raw value | "" (empty) | NOT_APPLICABLE}, {section code: new
    HTML} for the texts that changed, and every problem by sheet and cell. `identity` is the report as it
    stands now; `rows` its indicators (their values are ignored), `sections` its sections with their
    stored text (compared with the file's). A workbook without the text sheet gives no texts.
    A file of another report, of another form version or of an older revision is refused whole (its
    `problem` says why). Formulas, error values (#DIV/0!, #REF! …), text in a number cell,
    out-of-range numbers, values not on a list, and a figure together with "không phát sinh" are cell
    errors. The caller saves only when `ok`."""
    try:
        wb = load_workbook(_open(file), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, IndexError, AttributeError):
        return _file_error(_("The file cannot be read as an Excel workbook."), "unreadable")
    except Exception as exc:  # openpyxl raises its own and lxml's errors on damaged packages
        if type(exc).__module__.split(".")[0] in ("openpyxl", "lxml", "xml"):
            return _file_error(_("The file cannot be read as an Excel workbook."), "unreadable")
        raise
    try:
        return _parse(wb, identity, rows, sections)
    finally:
        wb.close()


def _parse(wb, identity: Identity, rows: Sequence[FormRow], sections: Sequence[NarrativeRow]) -> ParseResult:
    found = _read_identity(wb)
    if found is None or SHEET not in wb.sheetnames:
        return _file_error(_(
            "This workbook is not a report form downloaded from this application. Download the form of this "
            "report, fill it in and upload it."
        ), "not_form")
    if found.report_id != identity.report_id:
        return _file_error(_(
            "This workbook belongs to another report. Download the form of this report and enter the figures in it."
        ), "other_report", found)
    if found.form_id != identity.form_id:
        return _file_error(_(
            "This workbook was made from another version of the form. Download the form again: it has the "
            "current indicators."
        ), "old_form", found)
    if found.revision != identity.revision:
        return _file_error(_(
            "The report has changed since this workbook was downloaded (it was made from revision %(theirs)s; "
            "the report is now at revision %(now)s). Nothing was saved and nothing already saved was changed: "
            "download the form again, enter your figures in it and upload it."
        ) % {"theirs": found.revision, "now": identity.revision}, "stale", found)

    by_code = {row.code: row for row in rows}
    result = ParseResult(identity=found)
    seen: dict[str, int] = {}
    ws = wb[SHEET]
    if hasattr(ws, "reset_dimensions"):  # read-only: do not trust the file's <dimension> (some tools get it wrong)
        ws.reset_dimensions()
    code_i, value_i, na_i = _COL_INDEX["code"], _COL_INDEX["value"], _COL_INDEX["na"]
    for number, cells in enumerate(ws.iter_rows(min_row=FIRST_ROW, max_col=len(COLUMNS)), start=FIRST_ROW):
        if number >= FIRST_ROW + MAX_ROWS:
            result.errors.append(CellError("", "", _("The sheet has too many rows; download the form again.")))
            break
        code_cell = cells[code_i] if len(cells) > code_i else None
        code = code_cell.value if code_cell is not None else None
        code = code.strip() if isinstance(code, str) else code
        value_cell = cells[value_i] if len(cells) > value_i else None
        na_cell = cells[na_i] if len(cells) > na_i else None
        if not code:
            if _has_content(value_cell) or _has_content(na_cell):
                result.errors.append(CellError(f"{VALUE_COL}{number}", "", _(
                    "This row has no indicator code; enter figures only on the rows of the form.")))
            continue
        row = by_code.get(str(code))
        if row is None:
            result.errors.append(CellError(f"{COLUMNS['code'][0]}{number}", str(code), _(
                "The indicator %(code)s is not on this form; download the form again.") % {"code": code}))
            continue
        if row.code in seen:
            result.errors.append(CellError(f"{COLUMNS['code'][0]}{number}", row.code, _(
                "The indicator %(code)s appears twice (also on row %(other)s).") % {"code": row.code,
                                                                                   "other": seen[row.code]}))
            continue
        seen[row.code] = number
        _read_row(result, row, number, value_cell, na_cell)
    for row in rows:
        if row.code not in seen:
            result.errors.append(CellError("", row.code, _(
                "The row of the indicator %(code)s is missing from the sheet; download the form again.")
                % {"code": row.code}))
    if NARRATIVE_SHEET in wb.sheetnames:
        _read_narratives(result, wb[NARRATIVE_SHEET], sections)
    if result.errors:
        result.values, result.narratives = {}, {}
    return result


def _read_narratives(result: ParseResult, ws, sections: Sequence[NarrativeRow]) -> None:
    """The text sheet: rows of one section (a long text goes on over several) are joined in order."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()
    by_code = {s.code: s for s in sections}
    texts: dict[str, list[str]] = {}
    first: dict[str, str] = {}
    bad: set[str] = set()
    code_letter = N_COLUMNS["code"][0]

    def error(cell: str, code: str, message: str, names_cell: bool = False):
        result.errors.append(CellError(cell, code, message, names_cell=names_cell, sheet=NARRATIVE_SHEET))

    for number, cells in enumerate(ws.iter_rows(min_row=N_FIRST_ROW, max_col=len(N_COLUMNS)), start=N_FIRST_ROW):
        if number >= N_FIRST_ROW + MAX_ROWS:
            error("", "", _("The sheet “%(sheet)s” has too many rows; download the form again.")
                  % {"sheet": NARRATIVE_SHEET})
            break
        code = cells[0].value if cells else None
        code = code.strip() if isinstance(code, str) else code
        text_cell = cells[2] if len(cells) > 2 else None
        ref = f"{TEXT_COL}{number}"
        if not code:
            if _has_content(text_cell):
                error(ref, "", _("This row has no section code; write text only on the rows of the sections."))
            continue
        section = by_code.get(str(code))
        if section is None:
            error(f"{code_letter}{number}", str(code), _(
                "The section %(code)s is not on this form; download the form again.") % {"code": code})
            continue
        first.setdefault(section.code, ref)
        texts.setdefault(section.code, [])
        if not _has_content(text_cell):
            continue
        if problem := _cell_problem(text_cell, ref):
            error(ref, section.code, problem, names_cell=True)
            bad.add(section.code)
            continue
        texts[section.code].append(_as_text(text_cell.value))
    for section in sections:
        code = section.code
        if code not in first:
            error("", code, _("The row of the section %(code)s is missing from the sheet “%(sheet)s”; download "
                              "the form again.") % {"code": code, "sheet": NARRATIVE_SHEET})
            continue
        text = "\n".join(texts[code])
        # Compared with the cells as written (a line longer than a cell was cut over two rows).
        if code in bad or _text_key(text) == _text_key("\n".join(_chunks(html_to_text(section.html)))):
            continue  # unchanged: the stored HTML, with its formatting, stays as it is
        html = _paragraphs(text)
        if len(html) > HTML_MAX_LENGTH:  # checked before the sanitiser, which would cut it silently
            error(first[code], code, _(
                "The text is too long (%(length)s characters with its paragraph marks); at most %(max)s can be "
                "stored.") % {"length": format_number(len(html)), "max": format_number(HTML_MAX_LENGTH)})
            continue
        result.narratives[code] = sanitize_html(html)
        result.narrative_cells[code] = first[code]


def _has_content(cell) -> bool:
    if cell is None:
        return False
    value = cell.value
    return not (value is None or (isinstance(value, str) and not value.strip()))


def _cell_problem(cell, ref: str) -> str | None:
    kind = getattr(cell, "data_type", None)
    if kind == "f" or (isinstance(cell.value, str) and cell.value.startswith("=") and kind != "s"):
        return _("The cell %(cell)s holds a formula; enter a value instead.") % {"cell": ref}
    if kind == "e":
        return _("The cell %(cell)s holds the error %(error)s; enter a value instead.") % {
            "cell": ref, "error": cell.value}
    return None


def _read_row(result: ParseResult, row: FormRow, number: int, value_cell, na_cell) -> None:
    from .services import parse_value

    ref, na_ref = f"{VALUE_COL}{number}", f"{NA_COL}{number}"
    bad = False
    for cell, where in ((value_cell, ref), (na_cell, na_ref)):
        if cell is not None and (problem := _cell_problem(cell, where)):
            result.errors.append(CellError(where, row.code, problem, names_cell=True))
            bad = True
    if bad:
        return
    na = False
    if _has_content(na_cell):
        mark = na_cell.value
        if isinstance(mark, str) and mark.strip().lower() == NA_MARK:
            na = True
        else:
            result.errors.append(CellError(na_ref, row.code, _(
                "Write x in the column “%(column)s” when there is nothing to report, or leave it empty.")
                % {"column": COLUMNS["na"][1]}))
            return
    if not _has_content(value_cell):
        result.values[row.code] = NOT_APPLICABLE if na else ""
        return
    if na:
        result.errors.append(CellError(ref, row.code, _(
            "Enter a figure or mark “%(column)s”, not both.") % {"column": COLUMNS["na"][1]}))
        return
    try:
        raw = _raw_value(row, value_cell)
        parse_value(row.indicator(), raw)
    except ValidationError as exc:
        result.errors.append(CellError(ref, row.code, exc.messages[0]))
        return
    result.values[row.code] = raw


def _raw_value(row: FormRow, cell):
    """The cell's value in the form services.parse_value takes; raises ValidationError."""
    value = cell.value
    if row.is_numeric:
        if isinstance(value, bool) or isinstance(value, dt.date | dt.time | dt.timedelta):
            raise ValidationError(_("Enter a number."))
        if isinstance(value, int | float | Decimal):
            number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
            if row.type == Indicator.Type.PERCENT and "%" in (getattr(cell, "number_format", "") or ""):
                number *= 100  # a cell reformatted as Excel percent holds 0.975 for 97,5%
            return number
        text = str(value).strip()
        from .services import parse_number

        try:
            parse_number(text, integer=row.type == Indicator.Type.INTEGER)
        except ValueError:
            raise ValidationError(_("“%(value)s” is not a number; enter a number.") % {"value": text[:50]})
        return text
    if row.type == Indicator.Type.BOOLEAN:
        if isinstance(value, bool):
            return value
        text = str(value).strip()
        if text.lower() in (YES.lower(), "co"):
            return True
        if text.lower() in (NO.lower(), "khong"):
            return False
        raise ValidationError(_("Choose %(yes)s or %(no)s.") % {"yes": YES, "no": NO})
    text = _as_text(value).strip()
    if row.type == Indicator.Type.CHOICE:
        by_label = {label: stored for stored, label in row.choices}
        stored_values = {stored for stored, _label in row.choices}
        if text in stored_values:
            return text
        if text in by_label:
            return by_label[text]
        raise ValidationError(_("“%(value)s” is not one of the listed values.") % {"value": text[:50]})
    return text


def _as_text(value) -> str:
    """A cell read as text, as the user sees it: 12 not 12.0, dates as dd/mm/yyyy."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != dt.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)
