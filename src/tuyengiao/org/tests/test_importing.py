"""Importing units and people from the XLSX template: real files, real database, all or nothing."""
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tuyengiao.core.models import AuditEntry
from tuyengiao.org import importing
from tuyengiao.org.importing import PEOPLE_SHEET, UNIT_SHEET, build_template, import_workbook
from tuyengiao.org.models import Department, Person, Position, Unit, UnitName


@pytest.fixture(autouse=True)
def _english_messages(settings):
    """These tests read the English msgids; tests/test_translations.py covers the Vietnamese."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def fill(units=(), people=(), template: bytes | None = None) -> SimpleUploadedFile:
    """The downloaded template filled in the way a user does it, as an upload."""
    wb = load_workbook(io.BytesIO(template or build_template()))
    for sheet, rows in ((UNIT_SHEET, units), (PEOPLE_SHEET, people)):
        ws = wb[sheet]
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("don-vi.xlsx", out.getvalue())


def counts():
    return Unit.objects.count(), UnitName.objects.count(), Person.objects.count(), Position.objects.count()


def errors_at(result, sheet, row):
    return [e for e in result.errors if e.sheet == sheet and e.row == row]


def test_template_has_the_sheets_headers_and_type_list(cast):
    wb = load_workbook(io.BytesIO(build_template()))
    assert wb.sheetnames[:3] == [UNIT_SHEET, PEOPLE_SHEET, "Hướng dẫn"]
    units, people = wb[UNIT_SHEET], wb[PEOPLE_SHEET]
    assert [c.value for c in units[1]] == [
        "Mã đơn vị*", "Tên đơn vị*", "Tên viết tắt", "Ký hiệu cơ quan ban hành", "Loại đơn vị*",
        "Mã đơn vị cấp trên*", "Hiệu lực từ*",
    ]
    assert [c.value for c in people[1]] == [
        "Họ và tên*", "Giới tính", "Năm sinh", "Email", "Điện thoại", "Mã đơn vị*", "Chức vụ", "Phòng", "Từ ngày",
    ]
    assert units["A1"].font.bold and units.freeze_panes == "A2" and people.freeze_panes == "A2"
    assert units.max_row == 1 and people.max_row == 1  # the data sheets are clean
    lists = wb["Danh mục"]
    assert lists.sheet_state == "hidden"
    assert {c.value for c in lists["A"][1:]} == {"Tỉnh ủy", "Ban Tuyên giáo và Dân vận", "Đảng ủy xã, phường, đặc khu", "Chi bộ"}
    dropdowns = {str(dv.sqref): dv.formula1 for dv in units.data_validations.dataValidation}
    assert dropdowns == {"E2:E5001": "'Danh mục'!$A$2:$A$5"}
    assert [dv.formula1 for dv in people.data_validations.dataValidation] == ['"Nam,Nữ"']
    guide = "\n".join(str(c.value) for c in wb["Hướng dẫn"]["A"])
    assert "Mã đơn vị cấp trên" in guide and "dd/mm/yyyy" in guide


def test_valid_file_creates_units_with_their_parents_and_people_with_positions(cast):
    dept = Department.objects.create(unit=cast.a, code="VP", name="Văn phòng Đảng ủy", valid_from=dt.date(2025, 7, 1))
    upload = fill(
        units=[
            ("A2", "Chi bộ thôn Tây", "CB thôn Tây", "", "Chi bộ", "A", dt.datetime(2026, 1, 15)),
            ("A2-1", "Tổ đảng số 1", "", "", "chi-bo", "A2", "01/02/2026"),
            ("B9", "Chi bộ khu phố 9", "", "", "Chi bộ", "B", "15/01/2026"),
        ],
        people=[
            ("Nguyễn Văn Bình", "Nam", 1980, "binh@example.org", 912345678, "A", "Chánh Văn phòng", "văn phòng đảng ủy", "01/03/2026"),
            ("Trần Thị Cúc", "Nữ", "1990", "", "0987654321", "A2", "Bí thư chi bộ", None, dt.datetime(2026, 1, 15)),
            ("Lê Văn Dũng", None, None, None, None, "A1", None, None, None),
        ],
    )
    result = import_workbook(file=upload, by=cast.admin)
    assert result.ok, [e.text for e in result.errors]
    assert len(result.created_units) == 3 and len(result.created_people) == 3 and result.created_positions == 2

    a2 = Unit.objects.get(code="A2")
    assert a2.parent == cast.a and a2.path.startswith(cast.a.path) and a2.depth == cast.a.depth + 1
    assert a2.type.code == "chi-bo" and a2.short_name == "CB thôn Tây" and a2.valid_from == dt.date(2026, 1, 15)
    assert a2.names.get().name == "Chi bộ thôn Tây"
    t1 = Unit.objects.get(code="A2-1")
    assert t1.parent == a2 and t1.path.startswith(a2.path) and t1.valid_from == dt.date(2026, 2, 1)
    assert Unit.objects.get(code="B9").parent == cast.b

    binh = Person.objects.get(full_name="Nguyễn Văn Bình")
    assert (binh.gender, binh.birth_year, binh.email, binh.phone, binh.home_unit) == (
        "m", 1980, "binh@example.org", "0912345678", cast.a)
    pos = binh.positions.get()
    assert (pos.title, pos.unit, pos.department, pos.valid_from) == ("Chánh Văn phòng", cast.a, dept, dt.date(2026, 3, 1))
    cuc = Person.objects.get(full_name="Trần Thị Cúc")
    assert cuc.home_unit == a2 and cuc.phone == "0987654321" and cuc.positions.get().unit == a2
    dung = Person.objects.get(full_name="Lê Văn Dũng")
    assert dung.home_unit == cast.a1 and not dung.positions.exists()

    # Every object has its own audit entry, and one "import" entry sums the file up on the top unit.
    assert AuditEntry.objects.filter(action="create", object_id=str(a2.pk), content_type__model="unit").exists()
    entry = AuditEntry.objects.get(action="import")
    assert entry.object_id == str(cast.province.pk) and entry.actor == cast.admin
    assert entry.after["units"] == 3 and entry.after["people"] == 3 and entry.after["file"] == "don-vi.xlsx"


def test_one_bad_row_among_good_ones_writes_nothing_and_names_the_cell(cast):
    before = counts()
    upload = fill(
        units=[
            ("A2", "Chi bộ thôn Tây", "", "", "Chi bộ", "A", "15/01/2026"),
            ("A3", "Chi bộ thôn Nam", "", "", "Chi bộ", "A", "31/02/2026"),
            ("A4", "Chi bộ thôn Bắc", "", "", "Chi bộ", "A", "15/01/2026"),
        ],
        people=[("Nguyễn Văn Bình", "Nam", 1980, "", "", "A2", "Bí thư", None, "15/01/2026")],
    )
    result = import_workbook(file=upload, by=cast.admin)
    assert not result.ok
    assert counts() == before and not AuditEntry.objects.filter(action="import").exists()
    assert [(e.sheet, e.row, e.column, e.header) for e in result.errors] == [(UNIT_SHEET, 3, "G", "Hiệu lực từ")]
    assert "31/02/2026" in result.errors[0].message
    assert result.errors[0].text.startswith("Sheet Đơn vị, row 3, column G (Hiệu lực từ):")


def test_every_kind_of_row_error_is_reported_at_its_cell(cast):
    Department.objects.create(unit=cast.a, code="VP", name="Văn phòng", valid_from=dt.date(2025, 7, 1))
    upload = fill(
        units=[
            ("", "Chi bộ không mã", "", "", "Chi bộ", "A", "15/01/2026"),  # 2: required code
            ("A5", "Chi bộ 5", "", "", "Hợp tác xã", "A", "15/01/2026"),  # 3: unknown type
            ("A5", "Chi bộ 5 bis", "", "", "Chi bộ", "A", "15/01/2026"),  # 4: duplicate code in the file
            ("A1", "Chi bộ thôn Đông mới", "", "", "Chi bộ", "A", "15/01/2026"),  # 5: clash with A1 under A
            ("A6", "Chi bộ 6", "", "", "Chi bộ", "ZZZ", "15/01/2026"),  # 6: unknown parent
            ("A7", "Chi bộ 7", "", "", "Chi bộ", "A8", "15/01/2026"),  # 7: parent on a later row
            ("A8", "Chi bộ 8", "", "", "Chi bộ", "A", "15/01/2025"),  # 8: before A exists (1/7/2025)
            ("A9", "Chi bộ 9", "", "", "Chi bộ", "A", "2026-13-01"),  # 9: bad date
            ("A10", "Chi bộ 10", "", "", "Chi bộ", "A", "01/03/2026"),  # 10: good
            ("A11", "Chi bộ 11", "", "", "Chi bộ", "A10", "01/02/2026"),  # 11: before its file parent
        ],
        people=[
            ("", "Nam", 1980, "", "", "A", "", None, None),  # 2: required name
            ("Người 3", "Không rõ", 1800, "thu@", "", "A", "", None, None),  # 3: gender, year, e-mail
            ("Người 4", "Nữ", 1985, "", "", "QQQ", "", None, None),  # 4: unit not found
            ("Người 5", "Nữ", 1985, "", "", "A", "Chuyên viên", "Phòng Không Có", None),  # 5: unknown department
            ("Người 6", "Nữ", 1985, "", "", "A10", "Bí thư", "Văn phòng", "01/01/2026"),  # 6: before unit; no dept
            ("Người 7", "Nữ", 1985, "", "", "A", "", "Văn phòng", None),  # 7: department without a position
        ],
    )
    before = counts()
    result = import_workbook(file=upload, by=cast.admin)
    assert counts() == before
    cells = {(e.sheet, e.row, e.column) for e in result.errors}
    U, P = UNIT_SHEET, PEOPLE_SHEET
    assert cells == {
        (U, 2, "A"), (U, 3, "E"), (U, 4, "A"), (U, 5, "A"), (U, 6, "F"), (U, 7, "F"), (U, 8, "G"), (U, 9, "G"),
        (U, 11, "G"),
        (P, 2, "A"), (P, 3, "B"), (P, 3, "C"), (P, 3, "D"), (P, 4, "F"), (P, 5, "H"), (P, 6, "I"), (P, 6, "H"),
        (P, 7, "G"),
    }
    by_cell = {(e.sheet, e.row, e.column): e.message for e in result.errors}
    assert "row 3" in by_cell[(U, 4, "A")]
    assert "ZZZ" in by_cell[(U, 6, "F")] and "was not found" in by_cell[(U, 6, "F")]
    assert "later row" in by_cell[(U, 7, "F")]
    assert "01/07/2025" in by_cell[(U, 8, "G")]
    assert "A1" in by_cell[(U, 5, "A")]
    assert "1800" not in by_cell[(P, 3, "C")] and "between 1900" in by_cell[(P, 3, "C")]
    # errors come in the order of the file
    assert [(e.sheet, e.row) for e in result.errors] == sorted(
        [(e.sheet, e.row) for e in result.errors], key=lambda k: (k[0] != U, k[1]))


def test_officer_b_cannot_import_under_unit_a(cast):
    before = counts()
    upload = fill(units=[("A2", "Chi bộ thôn Tây", "", "", "Chi bộ", "A", "15/01/2026")],
                  people=[("Nguyễn Văn Bình", "Nam", 1980, "", "", "A1", "", None, None)])
    result = import_workbook(file=upload, by=cast.officer_b)
    assert counts() == before
    # Out of scope reads as "not found", exactly as for a code that does not exist.
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [(UNIT_SHEET, 2, "F"), (PEOPLE_SHEET, 2, "F")]
    assert "was not found" in result.errors[0].message


def test_without_the_import_right_nothing_can_be_placed_anywhere(cast):
    # officer_a holds the specialist role on A: people rights, but not the import right.
    result = import_workbook(file=fill(people=[("Nguyễn Văn Bình", "Nam", 1980, "", "", "A", "", None, None)]),
                             by=cast.officer_a)
    assert [(e.row, e.column) for e in result.errors] == [(2, "F")] and not Person.objects.exists()


def test_formula_cells_are_refused(cast):
    upload = fill(units=[("A2", "=CONCATENATE(\"Chi bộ \", \"Tây\")", "", "", "Chi bộ", "A", "15/01/2026")])
    result = import_workbook(file=upload, by=cast.admin)
    assert [(e.row, e.column) for e in result.errors] == [(2, "B")]
    assert "formula" in result.errors[0].message
    assert not Unit.objects.filter(code="A2").exists()


@pytest.mark.parametrize("content", [PDF, "Mã đơn vị;Tên đơn vị\nA2;Chi bộ thôn Tây\n".encode()])
def test_wrong_file_type_is_refused_before_openpyxl_sees_it(cast, monkeypatch, content):
    def must_not_parse(*args, **kwargs):
        raise AssertionError("openpyxl was called on a refused file")

    monkeypatch.setattr(importing, "load_workbook", must_not_parse)
    result = import_workbook(file=SimpleUploadedFile("don-vi.xlsx", content), by=cast.admin)
    assert not result.ok and result.errors[0].row is None
    assert "not accepted" in result.errors[0].message


def test_oversized_upload_is_refused_before_parsing(cast, settings, monkeypatch):
    upload = fill(units=[("A2", "Chi bộ thôn Tây", "", "", "Chi bộ", "A", "15/01/2026")])
    settings.UPLOAD_MAX_BYTES = upload.size - 1
    monkeypatch.setattr(importing, "load_workbook", lambda *a, **k: pytest.fail("parsed an oversized file"))
    result = import_workbook(file=upload, by=cast.admin)
    assert not result.ok and "too large" in result.errors[0].message
    assert not Unit.objects.filter(code="A2").exists()


def test_a_workbook_that_is_not_the_template_is_refused(cast):
    wb = Workbook()
    wb.active.title = "Sheet1"
    wb.active.append(["Mã đơn vị", "Tên đơn vị"])
    out = io.BytesIO()
    wb.save(out)
    result = import_workbook(file=out.getvalue(), by=cast.admin)
    assert [e.row for e in result.errors] == [None] and "not the import template" in result.errors[0].message

    wb = load_workbook(io.BytesIO(build_template()))
    wb[UNIT_SHEET]["B1"] = "Tên"
    out = io.BytesIO()
    wb.save(out)
    result = import_workbook(file=out.getvalue(), by=cast.admin)
    assert [(e.sheet, e.row) for e in result.errors] == [(UNIT_SHEET, 1)]


def test_an_empty_template_is_refused(cast):
    result = import_workbook(file=build_template(), by=cast.admin)
    assert not result.ok and "no data rows" in result.errors[0].message


def test_more_than_5000_rows_are_refused(cast):
    units = [(f"X{i}", f"Chi bộ {i}", "", "", "Chi bộ", "A", "15/01/2026") for i in range(3000)]
    people = [(f"Người {i}", "", "", "", "", "A", "", None, None) for i in range(2001)]
    result = import_workbook(file=fill(units=units, people=people), by=cast.admin)
    assert len(result.errors) == 1 and "more than 5.000 rows" in result.errors[0].message
    assert not Unit.objects.filter(code="X0").exists() and not Person.objects.exists()


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers(cast):
    upload = fill(units=[
        ("A2", "Chi bộ thôn Tây", "", "", "Chi bộ", "A", "15/01/2026"),
        (None,) * 7,
        ("A3", "Chi bộ thôn Nam", "", "", "Chi bộ", "A", "hôm qua"),
    ])
    result = import_workbook(file=upload, by=cast.admin)
    assert [(e.row, e.column) for e in result.errors] == [(4, "G")]
