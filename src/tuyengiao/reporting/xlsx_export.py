"""Any table (headers + rows of plain values) to an XLSX workbook: a pure renderer, no database.

- bold header row, frozen below it, with an autofilter; column widths from the content;
- numbers stay numbers (int, Decimal, float) with a thousands-separator format, which Excel and
  LibreOffice display as 1.234 and 97,5 under a Vietnamese locale; percentages keep their value
  (97.5 is 97,5%);
- dates and datetimes stay dates (dd/mm/yyyy, dd/mm/yyyy hh:mm); aware datetimes in local time;
- booleans as "Có"/"Không", None as an empty cell; an optional totals row in bold.

    content = table_xlsx(["Đơn vị", "Số hội nghị"], [["Xã A", 3], ["Xã B", 5]], title="Tổng hợp", totals=["Cộng", 8])
    return xlsx_response(content, export_filename("tong-hop", "2026-H1"))
"""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

INT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.##"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_WIDTH = 60
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell_value(value):
    """(value for openpyxl, number format or None)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        return ("Có" if value else "Không"), None
    if isinstance(value, int):
        return value, INT_FORMAT
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value), INT_FORMAT
        return float(value), DECIMAL_FORMAT
    if isinstance(value, float):
        return value, (INT_FORMAT if value.is_integer() else DECIMAL_FORMAT)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None), DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    text = _CONTROL.sub("", str(value))
    if text[:1] in ("=", "+", "-", "@") and not _is_number_text(text):
        text = "'" + text  # never a formula from user text
    return text, None


def _is_number_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _width(value, fmt) -> int:
    if value is None:
        return 0
    if fmt == DATE_FORMAT:
        return 10
    if fmt == DATETIME_FORMAT:
        return 16
    if fmt in (INT_FORMAT, DECIMAL_FORMAT):
        return len(f"{value:,.2f}" if fmt == DECIMAL_FORMAT else f"{value:,}")
    return max(len(line) for line in str(value).splitlines() or [""])


def sheet_name(title: str) -> str:
    name = _BAD_SHEET_CHARS.sub(" ", title or "").strip()[:31]
    return name or "Sheet1"


def table_xlsx(headers: list[str], rows, *, title: str = "", totals: list | None = None,
               notes: list[str] | None = None) -> bytes:
    """The XLSX bytes of one table. `rows` is any iterable of sequences of plain values."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name(str(title))
    wb.properties.title = str(title) or None
    widths = [len(str(h)) for h in headers]
    bold = Font(bold=True)
    for col, header in enumerate(headers, 1):
        cell = ws.cell(row=1, column=col, value=str(header))
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    def write(r, values, font=None):
        for col, raw in enumerate(values, 1):
            value, fmt = _cell_value(raw)
            cell = ws.cell(row=r, column=col, value=value)
            if fmt:
                cell.number_format = fmt
            if font is not None:
                cell.font = font
            if col <= len(widths):
                widths[col - 1] = max(widths[col - 1], _width(value, fmt))
            else:
                widths.append(_width(value, fmt))

    r = 1
    for r, values in enumerate(rows, 2):
        write(r, values)
    last_data_row = r
    if totals is not None:
        r += 1
        write(r, totals, bold)
    for note in notes or []:
        r += 2
        ws.cell(row=r, column=1, value=_cell_value(note)[0]).font = Font(italic=True)
    ws.freeze_panes = "A2"
    if headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last_data_row}"
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(8, w + 2))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_filename(*parts: str) -> str:
    """'tổng hợp', '2026-H1' -> 'tong-hop-2026-H1.xlsx': ASCII without diacritics; case is kept, so
    period codes stay as written."""
    words = []
    for part in parts:
        text = unicodedata.normalize("NFD", str(part or "").replace("đ", "d").replace("Đ", "D"))
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")
        if slug:
            words.append(slug)
    return "-".join(words or ["bang"]) + ".xlsx"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
