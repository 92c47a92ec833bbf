"""Import units and people from the XLSX template the app offers for download.

All or nothing: every row is validated first and every problem is reported with its sheet, row and
column; only a file without a single error is written, inside one transaction, through the audited
services. The sheet and column headers are the file format users fill, so they stay Vietnamese
literals here; every message goes through gettext.

From the page, an upload is checked at once (size, content type) and becomes an ImportJob that a
background task runs (import_request -> org.tasks.run_import -> import_run); the page follows the
job's progress and shows its outcome.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import connections, router, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tuyengiao.core import audit
from tuyengiao.core.jobs import interrupted_before
from tuyengiao.core.permissions import ALL, has_perm_anywhere, has_perm_on, scope_paths
from tuyengiao.core.services import object_create
from tuyengiao.core.uploads import check_upload
from tuyengiao.core.vi import fold, format_number

from .models import Department, ImportJob, Person, Position, Unit, UnitType
from .services import NewUnit, unit_create

UNIT_SHEET = "Đơn vị"
PEOPLE_SHEET = "Cán bộ"
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
MAX_ROWS = 5000
TEMPLATE_FILENAME = "mau-nhap-don-vi-can-bo.xlsx"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIN_BIRTH_YEAR = 1900
MIN_AGE = 16
_MAX_PHYSICAL_ROWS = 4 * MAX_ROWS  # rows scanned per sheet, blank ones included
_IN_CHUNK = 500  # keeps IN (...) lists well under every database's parameter limit


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    width: int = 18
    max_length: int | None = None

    @property
    def title(self) -> str:
        """The header as written in the file: required columns carry a star."""
        return f"{self.header}*" if self.required else self.header


UNIT_COLUMNS = [
    Column("code", "Mã đơn vị", True, 14, 40),
    Column("name", "Tên đơn vị", True, 42, 255),
    Column("short_name", "Tên viết tắt", False, 20, 100),
    Column("issuer_abbr", "Ký hiệu cơ quan ban hành", False, 16, 30),
    Column("type", "Loại đơn vị", True, 32),
    Column("parent", "Mã đơn vị cấp trên", True, 18, 40),
    Column("valid_from", "Hiệu lực từ", True, 14),
]
PEOPLE_COLUMNS = [
    Column("full_name", "Họ và tên", True, 28, 150),
    Column("gender", "Giới tính", False, 10),
    Column("birth_year", "Năm sinh", False, 10),
    Column("email", "Email", False, 28, 254),
    Column("phone", "Điện thoại", False, 16, 30),
    Column("unit", "Mã đơn vị", True, 14, 40),
    Column("title", "Chức vụ", False, 28, 150),
    Column("department", "Phòng", False, 28),
    Column("valid_from", "Từ ngày", False, 14),
]
SHEETS = {UNIT_SHEET: UNIT_COLUMNS, PEOPLE_SHEET: PEOPLE_COLUMNS}

# Progress: progress(phase, rows done, rows in the file), called once per row of each phase.
CHECKING, SAVING = "checking", "saving"
Progress = Callable[[str, int, int], None]


def _no_progress(phase: str, done: int, total: int) -> None:
    pass
_GENDERS = {"nam": Person.Gender.MALE, "nu": Person.Gender.FEMALE}


# --- Results ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    """One problem: sheet and row as the user sees them in Excel (row None: the whole file),
    column as the letter and its header, message without the position."""

    sheet: str
    row: int | None
    column: str
    message: str
    header: str = ""

    @property
    def text(self) -> str:
        """The problem as one sentence with its position, for a flat list."""
        if self.row is None:
            return self.message
        if self.column:
            return _("Sheet %(sheet)s, row %(row)s, column %(column)s: %(message)s") % {
                "sheet": self.sheet, "row": self.row, "column": self.column_label, "message": self.message,
            }
        return _("Sheet %(sheet)s, row %(row)s: %(message)s") % {"sheet": self.sheet, "row": self.row, "message": self.message}

    @property
    def column_label(self) -> str:
        return f"{self.column} ({self.header})" if self.header else self.column

    def __str__(self):
        return self.text


@dataclass
class ImportResult:
    created_units: list[Unit] = field(default_factory=list)
    created_people: list[Person] = field(default_factory=list)
    created_positions: int = 0
    errors: list[RowError] = field(default_factory=list)
    anchor: Unit | None = None  # the unit of the import's audit entry

    @property
    def ok(self) -> bool:
        return not self.errors


class _Structural(Exception):
    """The file as a whole is unusable: report it alone."""

    def __init__(self, error: RowError):
        self.error = error


# --- The template -----------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TEMPLATE_ROWS = MAX_ROWS + 1


def _data_sheet(ws, columns: list[Column]) -> dict[str, str]:
    letters = {}
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.title)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = col.width
        # Codes, phones and years typed into a text column keep their leading zeros.
        ws.column_dimensions[letter].number_format = "DD/MM/YYYY" if col.key == "valid_from" else "@"
        letters[col.key] = letter
    ws.freeze_panes = "A2"
    return letters


def _guide_lines() -> list[str]:
    units, people = UNIT_SHEET, PEOPLE_SHEET
    return [
        _("How to fill in this file"),
        _("Fill in the sheets %(units)s and %(people)s. Keep the sheet names and the header row unchanged; "
          "one unit or one person per row.") % {"units": units, "people": people},
        _("Columns marked with * are required."),
        _("Dates are written dd/mm/yyyy, e.g. 01/07/2025; cells formatted as dates are accepted too."),
        _("%(column)s: the code of a unit in force on the start date that you may manage, or the code of a unit "
          "on an earlier row of this file (codes of this file are looked up first).") % {"column": "Mã đơn vị cấp trên"},
        _("%(column)s: choose a type from the list (its name or its code).") % {"column": "Loại đơn vị"},
        _("A unit code must be unique in the file and must not be used by another unit in force under the same parent."),
        _("%(column)s: Nam or Nữ.") % {"column": "Giới tính"},
        _("%(column)s: four digits, e.g. 1985.") % {"column": "Năm sinh"},
        _("%(column)s: the unit the person belongs to (an existing unit or one on the sheet %(units)s).")
        % {"column": "Mã đơn vị", "units": units},
        _("%(column)s and %(department)s: the position held from %(date)s (today when empty); the department is the "
          "name of a department of that unit.") % {"column": "Chức vụ", "department": "Phòng", "date": "Từ ngày"},
        _("Cells must hold values, not formulas."),
        _("At most %(max)s rows. If any row has an error, nothing is imported: correct the rows listed and upload "
          "the file again.") % {"max": format_number(MAX_ROWS)},
    ]


def build_template() -> bytes:
    """The empty import workbook: the two data sheets, a guide, and a hidden list of unit types."""
    wb = Workbook()
    units = wb.active
    units.title = UNIT_SHEET
    unit_letters = _data_sheet(units, UNIT_COLUMNS)
    people = wb.create_sheet(PEOPLE_SHEET)
    people_letters = _data_sheet(people, PEOPLE_COLUMNS)

    guide = wb.create_sheet(GUIDE_SHEET)
    guide.column_dimensions["A"].width = 110
    for i, line in enumerate(_guide_lines(), start=1):
        cell = guide.cell(row=i, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if i == 1:
            cell.font = Font(bold=True, size=14)

    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    lists["A1"] = "Loại đơn vị"
    type_names = list(UnitType.objects.order_by("order", "sort_key").values_list("name", flat=True))
    for i, name in enumerate(type_names, start=2):
        lists.cell(row=i, column=1, value=name)
    if type_names:
        dv = DataValidation(
            type="list", formula1=f"'{LISTS_SHEET}'!$A$2:$A${len(type_names) + 1}", allow_blank=True,
            showErrorMessage=False,  # the code is accepted too; the import checks the value
        )
        units.add_data_validation(dv)
        letter = unit_letters["type"]
        dv.add(f"{letter}2:{letter}{_TEMPLATE_ROWS}")
    gender = DataValidation(type="list", formula1='"Nam,Nữ"', allow_blank=True, showErrorMessage=True)
    people.add_data_validation(gender)
    letter = people_letters["gender"]
    gender.add(f"{letter}2:{letter}{_TEMPLATE_ROWS}")

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- Reading the file -------------------------------------------------------------------------

@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, object]
    letters: dict[str, str]
    headers: dict[str, str]
    bad: set[str] = field(default_factory=set)  # keys already reported (formulas): no second error


def _header_key(text) -> str:
    return fold(str(text or "")).replace("*", "").strip()


def _read_sheet(ws, columns: list[Column], errors: list[RowError], budget: list[int]) -> list[_Row]:
    """The non-blank data rows; formulas are reported; the header row must be the template's."""
    rows = ws.iter_rows()
    header = next(rows, None)
    found = [_header_key(c.value) for c in header or ()]
    while found and not found[-1]:
        found.pop()
    expected = [_header_key(c.header) for c in columns]
    if found[: len(expected)] != expected:
        raise _Structural(RowError(ws.title, 1, "", _(
            "The header row is not the template's. Download the template again and copy your data into it."
        )))
    letters = {c.key: get_column_letter(i) for i, c in enumerate(columns, start=1)}
    headers = {c.key: c.header for c in columns}
    result = []
    for number, cells in enumerate(rows, start=2):
        if number > _MAX_PHYSICAL_ROWS:  # blank but formatted rows still cost time to scan
            raise _too_many_rows()
        values: dict[str, object] = {}
        formulas = []
        for col, cell in zip(columns, cells, strict=False):
            value = cell.value
            if getattr(cell, "data_type", None) == "f":
                formulas.append(col.key)
                value = None
            elif isinstance(value, str):
                value = value.strip() or None
            values[col.key] = value
        if not formulas and all(v is None for v in values.values()):
            continue
        row = _Row(ws.title, number, values, letters, headers, bad=set(formulas))
        for key in formulas:
            errors.append(RowError(ws.title, number, letters[key], _("The cell holds a formula; enter a value instead."), headers[key]))
        budget[0] += 1
        if budget[0] > MAX_ROWS:
            raise _too_many_rows()
        result.append(row)
    return result


def _too_many_rows() -> _Structural:
    return _Structural(RowError("", None, "", _(
        "The file has more than %(max)s rows; split it into several files."
    ) % {"max": format_number(MAX_ROWS)}))


def _file_error(message: str) -> ImportResult:
    return ImportResult(errors=[RowError("", None, "", message)])


def _open(file):
    if isinstance(file, bytes | bytearray):
        return io.BytesIO(file)
    return file


# --- Validation -------------------------------------------------------------------------------

@dataclass
class _UnitPlan:
    row: _Row
    code: str
    name: str
    short_name: str
    issuer_abbr: str
    type: UnitType | None
    parent_db: Unit | None = None
    parent_code: str = ""  # a unit of this file
    valid_from: dt.date | None = None


@dataclass
class _PersonPlan:
    row: _Row
    data: dict
    unit_db: Unit | None = None
    unit_code: str = ""  # a unit of this file
    title: str = ""
    department: Department | None = None
    valid_from: dt.date | None = None


class _Validator:
    def __init__(self, by, errors: list[RowError], progress: Progress, total: int):
        self.by = by
        self.errors = errors
        self.today = dt.date.today()
        self.departments: dict[int, list[Department]] = {}
        self.progress, self.total, self.checked = progress, total, 0

    def row_checked(self) -> None:
        self.checked += 1
        self.progress(CHECKING, self.checked, self.total)

    def load_departments(self, unit_ids: set[int]) -> None:
        ids = sorted(unit_ids)
        for i in range(0, len(ids), _IN_CHUNK):
            for dept in Department.objects.filter(unit_id__in=ids[i:i + _IN_CHUNK]):
                self.departments.setdefault(dept.unit_id, []).append(dept)

    # cell readers: each reports its own problem and returns None

    def error(self, row: _Row, key: str, message: str) -> None:
        row.bad.add(key)
        self.errors.append(RowError(row.sheet, row.number, row.letters[key], message, row.headers[key]))

    def text(self, row: _Row, col: Column) -> str:
        value = row.values.get(col.key)
        if col.key in row.bad:
            return ""
        if value is None:
            text = ""
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        elif isinstance(value, dt.datetime | dt.date):
            text = value.strftime("%d/%m/%Y")
        else:
            text = " ".join(str(value).split())
        if not text and col.required:
            self.error(row, col.key, _("This cell is required."))
        elif col.max_length and len(text) > col.max_length:
            self.error(row, col.key, _("At most %(max)s characters (this cell has %(count)s).") % {"max": col.max_length, "count": len(text)})
            return ""
        return text

    def date(self, row: _Row, col: Column) -> dt.date | None:
        value = row.values.get(col.key)
        if col.key in row.bad:
            return None
        if value is None:
            if col.required:
                self.error(row, col.key, _("This cell is required."))
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
                try:
                    parsed = dt.datetime.strptime(value.strip(), fmt).date()
                except ValueError:
                    continue
                if parsed.year >= 1900:  # "1/7/25" is a typo, not the year 25
                    return parsed
        self.error(row, col.key, _("“%(value)s” is not a date; write it as dd/mm/yyyy, e.g. 01/07/2025.") % {"value": value})
        return None

    def allowed(self, unit: Unit, perms: tuple[str, ...]) -> bool:
        if self.by is None:  # system import from the command line
            return True
        return all(has_perm_on(self.by, p, unit.path) for p in perms)

    def find_unit(self, candidates: list[Unit], on: dt.date | None, perms: tuple[str, ...]):
        """(unit, problem) among same-code units: in scope and in force on `on`."""
        mine = [u for u in candidates if self.allowed(u, perms)]
        if on is None:  # no date given: in force today, or starting later (the position starts with it)
            active = [u for u in mine if u.is_active(self.today)] or [u for u in mine if u.valid_from > self.today]
        else:
            active = [u for u in mine if u.is_active(on)]
        if len(active) == 1:
            return active[0], None
        if len(active) > 1:
            return None, "ambiguous"
        if on is not None and any(u.valid_from > on for u in mine):
            return min((u for u in mine if u.valid_from > on), key=lambda u: u.valid_from), "later"
        return None, "missing"


UNIT_PERMS = ("org.import_unit", "org.add_unit")
PERSON_PERMS = ("org.import_unit", "org.add_person")
POSITION_PERMS = ("org.import_unit", "org.add_person", "org.add_position")


def _load_units_by_code(codes: set[str]) -> dict[str, list[Unit]]:
    found: dict[str, list[Unit]] = {}
    codes = sorted(codes)
    for i in range(0, len(codes), _IN_CHUNK):
        for unit in Unit.objects.filter(code__in=codes[i:i + _IN_CHUNK]):
            found.setdefault(unit.code, []).append(unit)
    return found


def _match_type(text: str, types: list[UnitType]) -> UnitType | None:
    key = fold(text)
    for t in types:
        if t.code == text or fold(t.code) == key:
            return t
    for t in types:
        if fold(t.name) == key:
            return t
    return None


def _validate_units(v: _Validator, rows: list[_Row], db_units: dict[str, list[Unit]]) -> list[_UnitPlan]:
    cols = {c.key: c for c in UNIT_COLUMNS}
    types = list(UnitType.objects.all())
    plans: list[_UnitPlan] = []
    first_row: dict[str, int] = {}
    all_codes: dict[str, int] = {}  # code -> first row, to tell "on a later row" from "not found"
    for row in rows:
        value = row.values.get("code")
        if value is not None and "code" not in row.bad:
            all_codes.setdefault(_plain(value), row.number)
    by_code: dict[str, _UnitPlan] = {}
    for row in rows:
        code = v.text(row, cols["code"])
        plan = _UnitPlan(
            row=row, code=code, name=v.text(row, cols["name"]), short_name=v.text(row, cols["short_name"]),
            issuer_abbr=v.text(row, cols["issuer_abbr"]), type=None,
        )
        type_text = v.text(row, cols["type"])
        if type_text:
            plan.type = _match_type(type_text, types)
            if plan.type is None:
                v.error(row, "type", _("The unit type “%(value)s” does not exist; choose one from the list.") % {"value": type_text})
        plan.valid_from = v.date(row, cols["valid_from"])
        on = plan.valid_from
        if code:
            if code in first_row:
                v.error(row, "code", _("The unit code %(code)s already appears on row %(other)s.") % {"code": code, "other": first_row[code]})
            else:
                first_row[code] = row.number
                by_code[code] = plan
        parent_code = v.text(row, cols["parent"])
        if parent_code:
            _resolve_parent(v, plan, parent_code, on, by_code, all_codes, db_units)
        plans.append(plan)
        v.row_checked()
    return plans


def _resolve_parent(v, plan: _UnitPlan, parent_code: str, on, by_code, all_codes, db_units) -> None:
    row, code = plan.row, plan.code
    if parent_code == code:
        v.error(row, "parent", _("A unit cannot be its own parent."))
        return
    in_file = by_code.get(parent_code)
    if in_file is not None and in_file is not plan:
        plan.parent_code = parent_code
        if on and in_file.valid_from and on < in_file.valid_from:
            v.error(row, "valid_from", _(
                "The unit starts on %(date)s, before its parent unit %(code)s exists (from %(parent_date)s)."
            ) % {"date": f"{on:%d/%m/%Y}", "code": parent_code, "parent_date": f"{in_file.valid_from:%d/%m/%Y}"})
        return
    found, problem = v.find_unit(db_units.get(parent_code, []), on, UNIT_PERMS)
    if problem is None:
        plan.parent_db = found
        if code and on and any(
            u.parent_id == found.pk and u.is_active(on) for u in db_units.get(code, [])
        ):
            v.error(row, "code", _(
                "Another unit in force under the parent unit %(parent)s already has the code %(code)s."
            ) % {"parent": parent_code, "code": code})
        return
    if problem == "ambiguous":
        v.error(row, "parent", _(
            "Several units in force have the code %(code)s; the parent unit cannot be chosen by this code."
        ) % {"code": parent_code})
    elif problem == "later":
        v.error(row, "valid_from", _(
            "The unit starts on %(date)s, before its parent unit %(code)s exists (from %(parent_date)s)."
        ) % {"date": f"{on:%d/%m/%Y}", "code": parent_code, "parent_date": f"{found.valid_from:%d/%m/%Y}"})
    elif parent_code in all_codes and all_codes[parent_code] > row.number:
        v.error(row, "parent", _(
            "The parent unit %(code)s is on a later row (%(other)s); put parent units first."
        ) % {"code": parent_code, "other": all_codes[parent_code]})
    elif on is not None:
        v.error(row, "parent", _(
            "The parent unit code %(code)s was not found among the units in force on %(date)s that you may manage."
        ) % {"code": parent_code, "date": f"{on:%d/%m/%Y}"})
    else:
        v.error(row, "parent", _("The parent unit code %(code)s was not found among the units you may manage.") % {"code": parent_code})


def _validate_people(v: _Validator, rows: list[_Row], units: dict[str, _UnitPlan], db_units) -> list[_PersonPlan]:
    cols = {c.key: c for c in PEOPLE_COLUMNS}
    plans = []
    for row in rows:
        data = {"full_name": v.text(row, cols["full_name"])}
        gender = v.text(row, cols["gender"])
        if gender:
            data["gender"] = _GENDERS.get(fold(gender), "")
            if not data["gender"]:
                v.error(row, "gender", _("Write Nam or Nữ (not “%(value)s”).") % {"value": gender})
        year_text = v.text(row, cols["birth_year"])
        if year_text:
            top = v.today.year - MIN_AGE
            if not year_text.isdigit() or not MIN_BIRTH_YEAR <= int(year_text) <= top:
                v.error(row, "birth_year", _("The year of birth must be a year between %(min)s and %(max)s.") % {"min": MIN_BIRTH_YEAR, "max": top})
            else:
                data["birth_year"] = int(year_text)
        email = v.text(row, cols["email"])
        if email:
            try:
                validate_email(email)
                data["email"] = email
            except ValidationError:
                v.error(row, "email", _("“%(value)s” is not a valid e-mail address.") % {"value": email})
        phone = v.text(row, cols["phone"])
        if phone and isinstance(row.values.get("phone"), int | float) and len(phone) == 9:
            phone = "0" + phone  # a number cell drops the leading zero of a Vietnamese phone number
        data["phone"] = phone
        plan = _PersonPlan(row=row, data=data, title=v.text(row, cols["title"]))
        plan.valid_from = v.date(row, cols["valid_from"])
        dept_name = v.text(row, cols["department"])
        if not plan.title:
            for key in ("department", "valid_from"):
                if row.values.get(key) is not None and key not in row.bad:
                    v.error(row, "title", _("Enter the position, since a department or a start date is given."))
                    break
        unit_code = v.text(row, cols["unit"])
        if unit_code:
            _resolve_person_unit(v, plan, unit_code, units, db_units)
        if dept_name and plan.title:
            _resolve_department(v, plan, dept_name)
        plans.append(plan)
        v.row_checked()
    return plans


def _resolve_person_unit(v: _Validator, plan: _PersonPlan, code: str, units: dict[str, _UnitPlan], db_units) -> None:
    row, on = plan.row, plan.valid_from
    in_file = units.get(code)
    if in_file is not None:
        plan.unit_code = code
        if on and in_file.valid_from and on < in_file.valid_from:
            v.error(row, "valid_from", _(
                "The position starts on %(date)s, before the unit %(code)s exists (from %(unit_date)s)."
            ) % {"date": f"{on:%d/%m/%Y}", "code": code, "unit_date": f"{in_file.valid_from:%d/%m/%Y}"})
        return
    perms = POSITION_PERMS if plan.title else PERSON_PERMS
    found, problem = v.find_unit(db_units.get(code, []), on, perms)
    if problem is None:
        plan.unit_db = found
    elif problem == "ambiguous":
        v.error(row, "unit", _("Several units in force have the code %(code)s; the unit cannot be chosen by this code.") % {"code": code})
    elif problem == "later":
        v.error(row, "valid_from", _(
            "The position starts on %(date)s, before the unit %(code)s exists (from %(unit_date)s)."
        ) % {"date": f"{on:%d/%m/%Y}", "code": code, "unit_date": f"{found.valid_from:%d/%m/%Y}"})
    else:
        v.error(row, "unit", _("The unit code %(code)s was not found among the units you may manage.") % {"code": code})


def _resolve_department(v: _Validator, plan: _PersonPlan, name: str) -> None:
    unit = plan.unit_db
    key = fold(name)
    if unit is not None:
        on = plan.valid_from or v.today
        for dept in v.departments.get(unit.pk, []):
            if (fold(dept.name) == key or dept.code == name) and dept.is_active(on):
                plan.department = dept
                return
    if plan.unit_db is None and not plan.unit_code:
        return  # the unit itself is already reported
    v.error(plan.row, "department", _("The unit has no department named “%(value)s”.") % {"value": name})


# --- The service ------------------------------------------------------------------------------

def import_workbook(*, file, by, filename: str = "", progress: Progress = _no_progress) -> ImportResult:
    """Validate every row of the uploaded template, then write all of it or nothing.

    `file`: an UploadedFile, a binary file object or bytes; `by`: the acting user (None for a system
    import). The upload guard runs first, so a wrong-type or oversized file never reaches openpyxl.
    `progress` hears of each row checked, then of each row saved (see Progress).
    Returns an ImportResult; nothing is written when result.errors is not empty.
    """
    file = _open(file)
    filename = filename or getattr(file, "name", "") or ""
    try:
        check_upload(file, kinds={"xlsx"})
    except ValidationError as exc:
        return _file_error(" ".join(exc.messages))
    try:
        wb = load_workbook(file, read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any failure to open means the file is not a usable workbook
        return _file_error(_("The file could not be read as an Excel workbook."))
    errors: list[RowError] = []
    try:
        missing = [name for name in SHEETS if name not in wb.sheetnames]
        if missing:
            return _file_error(_(
                "This file is not the import template: the sheets %(sheets)s are missing. Download the template and fill it in."
            ) % {"sheets": ", ".join(missing)})
        budget = [0]
        unit_rows = _read_sheet(wb[UNIT_SHEET], UNIT_COLUMNS, errors, budget)
        people_rows = _read_sheet(wb[PEOPLE_SHEET], PEOPLE_COLUMNS, errors, budget)
    except _Structural as exc:
        return ImportResult(errors=[exc.error])
    finally:
        wb.close()
    if not unit_rows and not people_rows:
        return _file_error(_("The file has no data rows: fill in the sheets %(units)s and %(people)s.") % {"units": UNIT_SHEET, "people": PEOPLE_SHEET})

    total = len(unit_rows) + len(people_rows)
    progress(CHECKING, 0, total)
    v = _Validator(by, errors, progress, total)
    codes = set()
    for row in unit_rows:
        for key in ("code", "parent"):
            value = row.values.get(key)
            if value is not None and key not in row.bad:
                codes.add(_plain(value))
    for row in people_rows:
        if row.values.get("unit") is not None and "unit" not in row.bad:
            codes.add(_plain(row.values["unit"]))
    db_units = _load_units_by_code(codes)
    unit_plans = _validate_units(v, unit_rows, db_units)
    file_units = {}
    for plan in unit_plans:
        if plan.code and plan.code not in file_units:
            file_units[plan.code] = plan
    unit_ids = {u.pk for units in db_units.values() for u in units}
    if people_rows:
        v.load_departments(unit_ids)
    people_plans = _validate_people(v, people_rows, file_units, db_units)
    if errors:
        return ImportResult(errors=_sorted(errors))
    return _write(unit_plans, people_plans, by=by, filename=filename, progress=progress)


def _plain(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _sorted(errors: list[RowError]) -> list[RowError]:
    order = {UNIT_SHEET: 0, PEOPLE_SHEET: 1}
    return sorted(errors, key=lambda e: (order.get(e.sheet, -1), e.row or 0, e.column))


def _write(unit_plans: list[_UnitPlan], people_plans: list[_PersonPlan], *, by, filename: str,
           progress: Progress) -> ImportResult:
    result = ImportResult()
    current: list[_Row | None] = [None]
    total = len(unit_plans) + len(people_plans)
    progress(SAVING, 0, total)
    try:
        with transaction.atomic():
            created: dict[str, Unit] = {}
            for plan in unit_plans:
                current[0] = plan.row
                parent = plan.parent_db or created[plan.parent_code]
                unit = unit_create(
                    data=NewUnit(name=plan.name, code=plan.code, type=plan.type, parent=parent,
                                 short_name=plan.short_name, issuer_abbr=plan.issuer_abbr),
                    valid_from=plan.valid_from, by=by,
                )
                created[plan.code] = unit
                result.created_units.append(unit)
                progress(SAVING, len(result.created_units), total)
            today = dt.date.today()
            for plan in people_plans:
                current[0] = plan.row
                unit = plan.unit_db or created[plan.unit_code]
                person = object_create(model=Person, data={**plan.data, "home_unit": unit}, by=by)
                result.created_people.append(person)
                if plan.title:
                    object_create(model=Position, data={
                        "person": person, "unit": unit, "department": plan.department, "title": plan.title,
                        "valid_from": plan.valid_from or max(today, unit.valid_from),
                    }, by=by)
                    result.created_positions += 1
                progress(SAVING, len(result.created_units) + len(result.created_people), total)
            current[0] = None
            anchors = [p.parent_db for p in unit_plans if p.parent_db] + [p.unit_db for p in people_plans if p.unit_db]
            top = result.anchor = _common_ancestor(anchors or result.created_units)
            if top is not None:
                audit.record(
                    actor=by, action="import", obj=top,
                    after={"units": len(result.created_units), "people": len(result.created_people),
                           "positions": result.created_positions, "file": filename},
                    reason=_("Imported %(units)s units and %(people)s people from %(file)s.") % {
                        "units": len(result.created_units), "people": len(result.created_people), "file": filename or "XLSX",
                    },
                )
    except (ValidationError, Http404) as exc:
        row = current[0]
        messages = exc.messages if isinstance(exc, ValidationError) else [_("The unit was not found among the units you may manage.")]
        message = _("Nothing was imported: %(message)s") % {"message": " ".join(messages)}
        error = RowError(row.sheet, row.number, "", message) if row else RowError("", None, "", message)
        return ImportResult(errors=[error])
    return result


def _common_ancestor(units: list[Unit]) -> Unit | None:
    """The deepest unit whose subtree holds all `units` (the shallowest of them when they share no root)."""
    if not units:
        return None
    split = [u.path.strip("/").split("/") for u in units]
    common: list[str] = []
    for segments in zip(*split, strict=False):
        if len(set(segments)) != 1:
            break
        common.append(segments[0])
    if not common:
        return min(units, key=lambda u: u.depth)
    return Unit.objects.get(path="/".join(common) + "/")


# --- The background run -----------------------------------------------------------------------

IMPORT_PERM = "org.import_unit"
PROGRESS_INTERVAL = 0.5  # seconds between two progress writes: a handful per import, not one per row
logger = logging.getLogger(__name__)


def import_request(*, file, by, language: str = "") -> ImportJob:
    """Check the upload at once (size and content type: ValidationError), store it and queue its import.

    Returns the job the page follows. `language`: the uploader's, for the messages of the outcome."""
    if not has_perm_anywhere(by, IMPORT_PERM):
        raise Http404
    if isinstance(file, bytes | bytearray):
        file = ContentFile(file, name=TEMPLATE_FILENAME)
    check_upload(file, kinds={"xlsx"})
    file.seek(0)
    job = ImportJob(created_by=by, filename=(getattr(file, "name", "") or TEMPLATE_FILENAME)[-255:],
                    language=language or translation.get_language() or "")
    job.file.save("import.xlsx", file)  # a fixed stored name: the user's name is only displayed
    from .tasks import run_import

    result = run_import.enqueue(job.pk)  # with the immediate backend (tests) the job has finished here
    ImportJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def import_run(job_id: int) -> str:
    """Check and write one queued upload (called by the background task); returns the job's status.

    The uploader's rights are those at run time. The stored file is deleted afterwards either way: it
    holds personal data, and the outcome is kept on the job."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.CHECKING, started_at=timezone.now())
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if not claimed:
        return job.status  # a task delivered twice does not import twice
    progress = _JobProgress(job.pk)
    by = job.created_by
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            if by is None or not by.is_active:
                result = _file_error(_("The account that uploaded the file is no longer active; nothing was imported."))
            else:
                with job.file.open("rb") as f:
                    result = import_workbook(file=f, by=by, filename=job.filename, progress=progress)
    except Exception:
        # The transaction has rolled back; the page says so, the task log keeps the traceback.
        logger.exception("Import job %s failed", job_id)
        with translation.override(job.language or settings.LANGUAGE_CODE):
            result = _file_error(_("The import stopped on an unexpected error and nothing was saved. "
                                   "Upload the file again; if it happens again, tell the administrator."))
        _finish(job, result)
        raise
    finally:
        progress.close()
        job.file.delete(save=False)
    return _finish(job, result)


def expire_if_interrupted(job: ImportJob) -> ImportJob:
    """A job whose worker was killed or whose machine restarted mid-run would say "checking" or
    "saving" for ever. Past TASK_STALE_MINUTES since it started it is closed as failed: the rows are
    written in one transaction, which such a stop rolls back, so nothing was saved, and the uploaded
    file (personal data) is deleted as a finished job's is. Returns the job as it now stands."""
    running = (ImportJob.Status.CHECKING, ImportJob.Status.SAVING)
    limit = interrupted_before()
    if job.status not in running or job.started_at is None or job.started_at > limit:
        return job
    with translation.override(job.language or settings.LANGUAGE_CODE):
        message = _("The import was interrupted (the background worker stopped) and nothing was saved. "
                    "Upload the file again.")
    closed = ImportJob.objects.filter(pk=job.pk, status__in=running, started_at__lte=limit).update(
        status=ImportJob.Status.FAILED, finished_at=timezone.now(),
        errors=[dataclasses.asdict(RowError("", None, "", message))])
    if closed:
        logger.warning("Import job %s closed: no outcome %s minutes after it started", job.pk,
                       settings.TASK_STALE_MINUTES)
        if job.file:
            job.file.delete(save=False)
            ImportJob.objects.filter(pk=job.pk).update(file="")
    job.refresh_from_db()
    return job


def _finish(job: ImportJob, result: ImportResult) -> str:
    status = ImportJob.Status.DONE if result.ok else ImportJob.Status.FAILED
    done = len(result.created_units) + len(result.created_people)
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, file="", finished_at=timezone.now(),
        created_units=len(result.created_units), created_people=len(result.created_people),
        created_positions=result.created_positions, errors=[dataclasses.asdict(e) for e in result.errors],
        unit_path=result.anchor.path if result.anchor else "", **({"processed": done, "total": done} if result.ok else {}),
    )
    return status


class _JobProgress:
    """Writes a job's phase and row count for its page, at most every PROGRESS_INTERVAL seconds.

    The rows are saved in one transaction (all or nothing), which no other connection sees before it
    commits; while it is open the count goes through a connection of its own. SQLite lets a single
    connection write at a time, so there the page shows the save without a count."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.phase = ""
        self.last = 0.0
        self.own = None  # the extra connection, opened on first need

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase == self.phase and now - self.last < PROGRESS_INTERVAL:
            return
        self.phase, self.last = phase, now
        alias = router.db_for_write(ImportJob)
        main = connections[alias]
        if not main.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(status=phase, processed=done, total=total)
            return
        if main.vendor == "sqlite":
            return
        if self.own is None:
            self.own = connections.create_connection(alias)
        q = self.own.ops.quote_name
        with self.own.cursor() as cursor:
            cursor.execute(
                f"UPDATE {q(ImportJob._meta.db_table)} SET {q('status')} = %s, {q('processed')} = %s, "
                f"{q('total')} = %s WHERE {q('id')} = %s",
                [phase, done, total, self.job_id],
            )

    def close(self) -> None:
        if self.own is not None:
            self.own.close()


def visible_jobs(user):
    """The imports `user` may follow: their own, and those written under a unit where they may import."""
    seen = Q(created_by=user)
    paths = scope_paths(user, IMPORT_PERM)
    if paths == ALL:
        seen |= Q(unit_path__gt="")
    else:
        for path in paths:
            seen |= Q(unit_path__under=path)
    return ImportJob.objects.filter(seen)
