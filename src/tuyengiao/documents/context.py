"""The context of a Party-format document (Hướng dẫn 36-HD/VPTW): plain frozen data, no database.

A selector (e.g. in `reporting`) builds a `ReportContext`; `render_docx` / `render_pdf` turn it into
bytes. Texts are given as they are to be printed (Vietnamese, upper case where the format wants it);
numbers in table cells may be given as int/float/Decimal and are printed in Vietnamese format (1.234;
97,5) — pass a preformatted string for anything else (e.g. "97,5%").
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from tuyengiao.core.vi import format_number, party_date_line

PARTY_HEADING = "ĐẢNG CỘNG SẢN VIỆT NAM"

Cell = str | int | float | Decimal | None


def cell_text(value: Cell) -> str:
    """How a table cell prints: numbers in Vietnamese format, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int | float | Decimal):
        return format_number(value)
    return str(value)


def is_numeric(value: Cell) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        return True
    text = str(value or "").strip().rstrip("%").replace(".", "").replace(",", "")
    return text.isdigit()


@dataclass(frozen=True)
class Header:
    """Left block: superior body, issuing body, "*", number. Right block: Party heading, date line."""

    superior_line: str  # "THÀNH ỦY HẢI PHÒNG" (may be empty for a top-level body)
    issuer_line: str  # "BAN TUYÊN GIÁO VÀ DÂN VẬN"
    number_text: str  # "Số 125-BC/BTGDVTU"
    place: str  # "Hải Phòng"
    date: dt.date
    party_heading: str = PARTY_HEADING

    @property
    def date_line(self) -> str:
        return party_date_line(self.place, self.date)


@dataclass(frozen=True)
class Heading:
    """level 1: part ("Phần thứ nhất" label over an upper-case title, centred);
    level 2: section ("I. KẾT QUẢ ĐẠT ĐƯỢC"); level 3: subsection ("1. Công tác …");
    level 4: point ("a) …", bold italic). `text` carries its own numbering."""

    level: int
    text: str
    label: str = ""  # level 1 only: "Phần thứ nhất"


@dataclass(frozen=True)
class Paragraph:
    """Body text, justified with a first-line indent. `source` (e.g. the reporting unit's name and
    report) is shown by the HTML preview only; DOCX and PDF never print it."""

    text: str
    source: str = ""
    italic: bool = False
    source_url: str = ""  # the preview links the source note here


@dataclass(frozen=True)
class Table:
    """A statistics table: header row, rows, optional totals row (printed bold)."""

    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: tuple[Cell, ...] | None = None
    title: str = ""  # printed bold above the table
    note: str = ""  # printed italic under the table (e.g. "Nguồn: báo cáo của 28 đảng ủy trực thuộc")
    widths: tuple[float, ...] | None = None  # relative column widths; None: first text column wide

    def column_widths(self) -> tuple[float, ...]:
        n = len(self.header)
        if self.widths and len(self.widths) == n:
            return self.widths
        if n == 1:
            return (1.0,)
        # "TT" column narrow, the name column wide, figures even.
        first = str(self.header[0]).strip().upper() in {"TT", "STT"}
        widths = [1.0] * n
        if first and n > 2:
            widths[0], widths[1] = 0.55, 3.0
        else:
            widths[0] = 2.5
        return tuple(widths)


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class Signature:
    """Authority mark (T/M BAN THƯỜNG VỤ; K/T TRƯỞNG BAN; empty when the head signs), position
    (PHÓ TRƯỞNG BAN; BÍ THƯ), name; `sign_space_lines` blank lines are left for signature and seal."""

    authority: str
    position: str
    signer: str
    sign_space_lines: int = 4


@dataclass(frozen=True)
class Annex:
    """An annex on its own page: "PHỤ LỤC", its title, an italic reference line, then blocks."""

    label: str  # "PHỤ LỤC" or "PHỤ LỤC 1"
    title: str  # "SỐ LIỆU CÔNG TÁC TUYÊN GIÁO 6 THÁNG ĐẦU NĂM 2026"
    reference: str = ""  # "(Kèm theo Báo cáo số 125-BC/BTGDVTU, ngày 05/7/2026 của …)"
    blocks: tuple[Block, ...] = ()
    landscape: bool = False


# How an annex's pages are numbered [verify against the province's practice]: "separate" restarts at
# each annex, which is then numbered from its own second page, as an attachment ("Kèm theo Báo cáo số …")
# usually is; "continued" goes on from the report's last page.
ANNEX_PAGES_SEPARATE = "separate"
ANNEX_PAGES_CONTINUED = "continued"


@dataclass(frozen=True)
class PageSetup:
    """A4 with margins in millimetres (36-HD leaves them to practice: keep them configurable)."""

    margin_top: float = 20
    margin_bottom: float = 20
    margin_left: float = 30
    margin_right: float = 15
    font_size: float = 14  # body text: 14–15
    first_line_indent_mm: float = 12.7
    page_numbers: bool = True  # top centre, from page 2
    annex_pages: str = ANNEX_PAGES_SEPARATE


@dataclass(frozen=True)
class ReportContext:
    header: Header
    type_name: str  # "BÁO CÁO"
    summary: str  # "sơ kết công tác …"; "\n" forces a line break
    body: tuple[Block, ...]
    recipients: tuple[str, ...]  # without leading "-"; last: "Lưu Văn phòng."
    signature: Signature
    annexes: tuple[Annex, ...] = ()
    page: PageSetup = field(default_factory=PageSetup)
    summary_rule: str = "-----"  # the short dash line under the summary; "" for none
    draft: bool = False  # prints "DỰ THẢO" above the type name

    @property
    def title(self) -> str:
        """A one-line name for files and lists: "Báo cáo số 125-BC/BTGDVTU"."""
        symbol = self.header.number_text.removeprefix("Số").strip()
        if symbol.startswith("-"):  # not registered yet: the number is written in when it is
            return f"{self.type_name.capitalize()} {symbol} (chưa có số)"
        return f"{self.type_name.capitalize()} số {symbol}".strip()
