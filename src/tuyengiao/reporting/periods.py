"""Reporting periods as pure values: codes ("2026-H1", "2026-Q3", "2026-07", "2026"), bounds and
Vietnamese labels ("6 tháng đầu năm 2026", "Quý III/2026", "Tháng 7/2026", "Năm 2026").

No database access here; reporting.models.Period stores one row per code."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTH, QUARTER, HALF, YEAR, ADHOC = "month", "quarter", "half", "year", "adhoc"
KINDS = (MONTH, QUARTER, HALF, YEAR, ADHOC)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

# Regime frequency -> period kind
FREQUENCY_KIND = {"monthly": MONTH, "quarterly": QUARTER, "six_monthly": HALF, "annual": YEAR, "ad_hoc": ADHOC}

_CODE = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<q>[1-4])|H(?P<h>[12])|A(?P<a>\d{1,3})))?$")


@dataclass(frozen=True)
class PeriodSpec:
    kind: str
    year: int
    number: int  # month 1-12, quarter 1-4, half 1-2, year 1, ad hoc sequence

    @property
    def code(self) -> str:
        return code(self.kind, self.year, self.number)

    @property
    def label(self) -> str:
        return label(self.kind, self.year, self.number)

    @property
    def start(self) -> dt.date:
        return bounds(self.kind, self.year, self.number)[0]

    @property
    def end(self) -> dt.date:
        return bounds(self.kind, self.year, self.number)[1]


def code(kind: str, year: int, number: int) -> str:
    if kind == MONTH:
        return f"{year}-{number:02d}"
    if kind == QUARTER:
        return f"{year}-Q{number}"
    if kind == HALF:
        return f"{year}-H{number}"
    if kind == YEAR:
        return f"{year}"
    if kind == ADHOC:
        return f"{year}-A{number}"
    raise ValueError(f"unknown period kind {kind!r}")


def parse_code(text: str) -> PeriodSpec:
    """'2026-H1' -> PeriodSpec(half, 2026, 1). Raises ValueError on anything else."""
    m = _CODE.match((text or "").strip().upper())
    if not m:
        raise ValueError(f"not a period code: {text!r}")
    year = int(m["year"])
    if m["month"]:
        month = int(m["month"])
        if not 1 <= month <= 12:
            raise ValueError(f"not a period code: {text!r}")
        return PeriodSpec(MONTH, year, month)
    if m["q"]:
        return PeriodSpec(QUARTER, year, int(m["q"]))
    if m["h"]:
        return PeriodSpec(HALF, year, int(m["h"]))
    if m["a"]:
        return PeriodSpec(ADHOC, year, int(m["a"]))
    return PeriodSpec(YEAR, year, 1)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def bounds(kind: str, year: int, number: int) -> tuple[dt.date, dt.date]:
    if kind == MONTH:
        return dt.date(year, number, 1), _month_end(year, number)
    if kind == QUARTER:
        first = 3 * (number - 1) + 1
        return dt.date(year, first, 1), _month_end(year, first + 2)
    if kind == HALF:
        return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if number == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))
    if kind in (YEAR, ADHOC):
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    raise ValueError(f"unknown period kind {kind!r}")


def label(kind: str, year: int, number: int, name: str = "") -> str:
    """The Vietnamese label used on screens and in report titles (proper text, not a msgid)."""
    if kind == MONTH:
        return f"Tháng {number}/{year}"
    if kind == QUARTER:
        return f"Quý {ROMAN[number]}/{year}"
    if kind == HALF:
        return f"6 tháng {'đầu' if number == 1 else 'cuối'} năm {year}"
    if kind == YEAR:
        return f"Năm {year}"
    return name or f"Đợt {number}/{year}"


def short_label(kind: str, year: int, number: int) -> str:
    """For chart axes, where the full label does not fit: "7/2026", "Quý III/2026", "6T đầu/2026", "2026"."""
    if kind == MONTH:
        return f"{number}/{year}"
    if kind == QUARTER:
        return f"Quý {ROMAN[number]}/{year}"
    if kind == HALF:
        return f"6T {'đầu' if number == 1 else 'cuối'}/{year}"
    if kind == YEAR:
        return str(year)
    return f"Đợt {number}/{year}"


def periods_in_year(kind: str, year: int) -> list[PeriodSpec]:
    count = {MONTH: 12, QUARTER: 4, HALF: 2, YEAR: 1}[kind]
    return [PeriodSpec(kind, year, n) for n in range(1, count + 1)]


def containing(kind: str, on: dt.date) -> PeriodSpec:
    """The period of `kind` that contains `on`."""
    if kind == MONTH:
        return PeriodSpec(kind, on.year, on.month)
    if kind == QUARTER:
        return PeriodSpec(kind, on.year, (on.month - 1) // 3 + 1)
    if kind == HALF:
        return PeriodSpec(kind, on.year, 1 if on.month <= 6 else 2)
    return PeriodSpec(YEAR, on.year, 1)


def shift_year(spec: PeriodSpec, years: int = -1) -> PeriodSpec:
    """The same period `years` later (negative: earlier), for year-on-year comparisons."""
    return PeriodSpec(spec.kind, spec.year + years, spec.number)


def previous(spec: PeriodSpec) -> PeriodSpec:
    if spec.kind in (YEAR, ADHOC):
        return PeriodSpec(spec.kind, spec.year - 1, spec.number)
    count = {MONTH: 12, QUARTER: 4, HALF: 2}[spec.kind]
    if spec.number > 1:
        return PeriodSpec(spec.kind, spec.year, spec.number - 1)
    return PeriodSpec(spec.kind, spec.year - 1, count)
