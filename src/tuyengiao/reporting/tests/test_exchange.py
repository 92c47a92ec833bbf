"""XLSX exchange: download a report's pre-filled form, fill it in with openpyxl as a user would in Excel,
upload it back; all or nothing, errors by cell. Real files, real database."""
from __future__ import annotations

import io
import unicodedata
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tuyengiao.core import audit
from tuyengiao.reporting import services, xlsx_form
from tuyengiao.reporting.models import Indicator, NarrativeEntry, Report, ReportValue
from tuyengiao.reporting.xlsx_form import FormContext, FormRow, Identity

from .factories import approved, make_regime, period

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def regime(cast):
    return make_regime(cast)


@pytest.fixture
def report(cast, regime):
    return services.report_get_or_create_draft(regime=regime, period=period("2026-H1"), unit=cast.a,
                                               by=cast.officer_a)


def download_url(report):
    return reverse("reporting:report_xlsx", args=[report.pk])


def upload_url(report):
    return reverse("reporting:report_xlsx_upload", args=[report.pk])


def download(client, report) -> bytes:
    resp = client.get(download_url(report))
    assert resp.status_code == 200, resp.status_code
    assert resp["Content-Type"] == xlsx_form.XLSX_CONTENT_TYPE
    return resp.content


def rows_by_code(ws) -> dict[str, int]:
    return {ws[f"B{r}"].value: r for r in range(xlsx_form.FIRST_ROW, ws.max_row + 1) if ws[f"B{r}"].value}


def fill(data: bytes, values: dict[str, object], na: dict[str, object] | None = None) -> tuple[bytes, dict[str, int]]:
    """Write values into the value column (and the "Không phát sinh" column) by indicator code."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[xlsx_form.SHEET]
    where = rows_by_code(ws)
    for code, value in values.items():
        ws[f"D{where[code]}"].value = value
    for code, mark in (na or {}).items():
        ws[f"E{where[code]}"].value = mark
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), where


def upload(client, report, data: bytes, name="bao-cao.xlsx"):
    return client.post(upload_url(report), {"file": SimpleUploadedFile(name, data)})


def states(report) -> dict[str, tuple]:
    return {rv.code: (rv.state, rv.python_value()) for rv in ReportValue.objects.filter(report=report)}


GOOD = {"MEMBERS": 120, "ATTENDED": 0, "PCT_ATTEND": 97.5, "SESSIONS": None, "HAS_PLAN": "Có",
        "NOTE": "Tổ chức tại hội trường xã"}


# --------------------------------------------------------------------------- download


def test_download_is_the_prefilled_protected_form(client_for, cast, report):
    services.report_save_draft(report=report, by=cast.officer_a, based_on_revision=0, values={
        "MEMBERS": 150, "PCT_ATTEND": "97,5", "MAX_POINTS": services.NOT_APPLICABLE, "HAS_PLAN": True,
        "SESSIONS": 0})
    report.refresh_from_db()
    resp = client_for("officer_a").get(download_url(report))
    assert resp.status_code == 200
    assert "attachment" in resp["Content-Disposition"] and ".xlsx" in resp["Content-Disposition"]
    wb = load_workbook(io.BytesIO(resp.content))
    ws = wb[xlsx_form.SHEET]
    assert wb.sheetnames[0] == "Biểu mẫu" and wb[xlsx_form.META_SHEET].sheet_state == "hidden"
    where = rows_by_code(ws)
    assert list(where) == ["MEMBERS", "ATTENDED", "PCT_ATTEND", "SESSIONS", "MAX_POINTS", "HAS_PLAN", "NOTE"]
    r = where["MEMBERS"]
    assert ws[f"A{r}"].value == "Học tập nghị quyết" and ws[f"C{r}"].value.startswith("Số đảng viên")
    assert ws[f"I{r}"].value == "*"  # required
    # Numbers as numbers; percent with one decimal; 0 is a value, "không phát sinh" is an x.
    assert ws[f"D{r}"].value == 150 and isinstance(ws[f"D{r}"].value, int)
    pct = ws[f"D{where['PCT_ATTEND']}"]
    assert pct.value == 97.5 and pct.number_format == "0.0"
    assert ws[f"D{where['SESSIONS']}"].value == 0
    assert ws[f"D{where['ATTENDED']}"].value is None
    assert ws[f"E{where['MAX_POINTS']}"].value == "x" and ws[f"D{where['MAX_POINTS']}"].value is None
    assert ws[f"D{where['HAS_PLAN']}"].value == "Có"
    assert ws[f"H{where['PCT_ATTEND']}"].value == "0 – 100"
    # Only the value and "không phát sinh" cells are open; the sheet is protected without a password.
    assert ws.protection.sheet and not ws.protection.password
    assert ws[f"D{r}"].protection.locked is False and ws[f"E{r}"].protection.locked is False
    assert ws[f"B{r}"].protection.locked and ws[f"C{r}"].protection.locked
    # Dropdowns: "x" for không phát sinh, Có/Không for yes/no.
    lists = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    na_dv = next(dv for dv in lists.values() if dv.formula1 == '"x"')
    assert f"E{r}" in na_dv.sqref
    yes_no = next(dv for dv in lists.values() if dv.type == "list" and f"D{where['HAS_PLAN']}" in dv.sqref)
    lists_ws = wb[xlsx_form.LISTS_SHEET]
    assert [lists_ws["A1"].value, lists_ws["A2"].value] == ["Có", "Không"] and "_lists" in yes_no.formula1
    pct_dv = next(dv for dv in lists.values() if f"D{where['PCT_ATTEND']}" in dv.sqref)
    assert (pct_dv.type, pct_dv.operator, pct_dv.formula1, pct_dv.formula2) == ("decimal", "between", "0", "100")
    int_dv = next(dv for dv in lists.values() if f"D{r}" in dv.sqref)
    assert (int_dv.type, int_dv.operator, int_dv.formula1) == ("whole", "greaterThanOrEqual", "0")
    # Identification: hidden sheet and defined names.
    meta = {row[0]: row[1] for row in wb[xlsx_form.META_SHEET].iter_rows(values_only=True)}
    assert (meta["report_id"], meta["form_id"], meta["revision"]) == (report.pk, report.form_id, report.revision)
    assert "TG_REPORT_ID" in wb.defined_names


# --------------------------------------------------------------------------- round trip


def test_round_trip_saves_values_zero_empty_and_not_applicable(client_for, cast, report):
    client = client_for("officer_a")
    data, _ = fill(download(client, report), GOOD, na={"MAX_POINTS": "x"})
    resp = upload(client, report, data)
    assert resp.status_code == 302
    assert resp["Location"] in (report.get_absolute_url() or upload_url(report), upload_url(report))
    s = states(report)
    assert s["MEMBERS"] == ("value", Decimal(120))
    assert s["ATTENDED"] == ("value", Decimal(0))  # 0 is a value
    assert s["PCT_ATTEND"] == ("value", Decimal("97.5"))
    assert s.get("SESSIONS", ("missing", None)) == ("missing", None)  # empty stays empty
    assert s["MAX_POINTS"] == ("not_applicable", None)
    assert s["HAS_PLAN"] == ("value", True)
    assert s["NOTE"] == ("value", "Tổ chức tại hội trường xã")
    report.refresh_from_db()
    assert report.revision == 1  # one save
    # The next download carries what was saved, and can be uploaded again as it is.
    again = download(client, report)
    ws = load_workbook(io.BytesIO(again))[xlsx_form.SHEET]
    where = rows_by_code(ws)
    assert ws[f"D{where['MEMBERS']}"].value == 120 and ws[f"E{where['MAX_POINTS']}"].value == "x"
    resp = upload(client, report, again)
    assert resp.status_code == 302
    report.refresh_from_db()
    assert report.revision == 1 and states(report) == s  # nothing changed, nothing rewritten


def test_success_message_is_shown(client_for, cast, report):
    client = client_for("officer_a")
    data, _ = fill(download(client, report), GOOD)
    resp = upload(client, report, data)
    assert resp.status_code == 302
    texts = [str(m) for m in get_messages(resp.wsgi_request)]
    assert texts == ["Đã đọc tệp và lưu 5 số liệu."]


def test_clearing_a_cell_and_marking_not_applicable_replace_saved_values(client_for, cast, report):
    services.report_save_draft(report=report, by=cast.officer_a, based_on_revision=0,
                               values={"MEMBERS": 10, "SESSIONS": 4})
    report.refresh_from_db()
    client = client_for("officer_a")
    data, _ = fill(download(client, report), {"MEMBERS": None, "SESSIONS": None}, na={"SESSIONS": "X"})
    assert upload(client, report, data).status_code == 302
    s = states(report)
    assert s["MEMBERS"] == ("missing", None) and s["SESSIONS"] == ("not_applicable", None)


# --------------------------------------------------------------------------- all or nothing, errors by cell


def _errors(resp) -> list[str]:
    assert resp.status_code == 200
    return [e.text for e in resp.context["errors"]]


def test_one_bad_cell_among_good_ones_saves_nothing(client_for, cast, report):
    client = client_for("officer_a")
    data, where = fill(download(client, report), {**GOOD, "ATTENDED": "mười hai"})
    resp = upload(client, report, data)
    errors = resp.context["errors"]
    assert [e.cell for e in errors] == [f"D{where['ATTENDED']}"]
    body = resp.content.decode()
    assert f"D{where['ATTENDED']}" in body and "Chưa lưu dữ liệu nào: có 1 lỗi." in body
    assert "“mười hai” không phải là số" in body
    assert states(report) == {}
    report.refresh_from_db()
    assert report.revision == 0


def test_every_bad_cell_is_listed_with_its_reference(client_for, cast, report):
    client = client_for("officer_a")
    data, where = fill(download(client, report), {
        "MEMBERS": 12.5,  # not a whole number
        "PCT_ATTEND": 101,  # above 100
        "SESSIONS": -1,  # below 0
        "HAS_PLAN": "Có lẽ",
        "ATTENDED": 3,
    }, na={"ATTENDED": "x", "NOTE": "không"})
    errors = {e.cell: e for e in upload(client, report, data).context["errors"]}
    assert set(errors) == {f"D{where['MEMBERS']}", f"D{where['PCT_ATTEND']}", f"D{where['SESSIONS']}",
                           f"D{where['HAS_PLAN']}", f"D{where['ATTENDED']}", f"E{where['NOTE']}"}
    assert "100" in errors[f"D{where['PCT_ATTEND']}"].text
    assert errors[f"D{where['MEMBERS']}"].text == f"Ô D{where['MEMBERS']}: Nhập một số nguyên."
    assert states(report) == {}


def test_formula_cell_is_refused(client_for, cast, report):
    client = client_for("officer_a")
    data, where = fill(download(client, report), {**GOOD, "MEMBERS": "=100+20"})
    errors = _errors(upload(client, report, data))
    cell = f"D{where['MEMBERS']}"
    assert errors == [f"Ô {cell} chứa công thức; hãy nhập giá trị."]
    assert states(report) == {}


@pytest.mark.parametrize("error", ["#DIV/0!", "#REF!", "#VALUE!"])
def test_error_values_are_refused(client_for, cast, report, error):
    client = client_for("officer_a")
    data, where = fill(download(client, report), {**GOOD, "PCT_ATTEND": error})
    assert load_workbook(io.BytesIO(data))[xlsx_form.SHEET][f"D{where['PCT_ATTEND']}"].data_type == "e"
    errors = _errors(upload(client, report, data))
    assert errors == [f"Ô D{where['PCT_ATTEND']} đang có lỗi {error}; hãy nhập giá trị."]
    assert states(report) == {}


# --------------------------------------------------------------------------- the file as a whole


def test_pdf_named_xlsx_is_refused_before_openpyxl(client_for, cast, report, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("openpyxl must not see a refused file")

    monkeypatch.setattr(xlsx_form, "load_workbook", boom)
    resp = upload(client_for("officer_a"), report, b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n", name="bao-cao.xlsx")
    assert resp.status_code == 200 and resp.context["upload_error"]
    assert "Loại tệp này không được chấp nhận" in resp.context["upload_error"]
    assert states(report) == {}


def test_oversized_file_is_refused(client_for, cast, report, settings):
    client = client_for("officer_a")
    data, _ = fill(download(client, report), GOOD)
    settings.UPLOAD_MAX_BYTES = len(data) - 1
    resp = upload(client, report, data)
    assert "Tệp quá lớn" in resp.context["upload_error"]
    assert states(report) == {}


def test_no_file_is_an_error(client_for, cast, report):
    resp = client_for("officer_a").post(upload_url(report), {})
    assert resp.status_code == 200 and resp.context["upload_error"]


def test_workbook_of_another_report_is_refused(client_for, cast, regime, report):
    other = services.report_get_or_create_draft(regime=regime, period=period("2025-H2"), unit=cast.a,
                                                by=cast.officer_a)
    client = client_for("officer_a")
    data, _ = fill(download(client, other), GOOD)
    errors = _errors(upload(client, report, data))
    assert errors == ["Tệp này thuộc một báo cáo khác. Hãy tải biểu mẫu của báo cáo này về và nhập số liệu vào đó."]
    assert states(report) == {} and states(other) == {}


def test_any_other_workbook_is_refused(client_for, cast, report):
    wb = Workbook()
    wb.active["D7"] = 5
    out = io.BytesIO()
    wb.save(out)
    errors = _errors(upload(client_for("officer_a"), report, out.getvalue()))
    assert len(errors) == 1 and "không phải là biểu mẫu báo cáo" in errors[0]


def test_stale_revision_is_refused_and_nothing_is_lost(client_for, cast, report):
    client = client_for("officer_a")
    data, _ = fill(download(client, report), GOOD)
    # Someone saves the report after the download.
    services.report_save_draft(report=report, by=cast.admin, based_on_revision=0, values={"MEMBERS": 99})
    resp = upload(client, report, data)
    errors = _errors(resp)
    assert len(errors) == 1 and errors[0].startswith("Báo cáo đã thay đổi kể từ khi tải tệp này về")
    assert "hãy tải lại biểu mẫu" in errors[0]
    assert states(report) == {"MEMBERS": ("value", Decimal(99))}  # theirs intact
    report.refresh_from_db()
    assert report.revision == 1


def test_approved_report_is_locked(client_for, cast, regime):
    report = approved(regime, period("2025-H2"), cast.a, {"MEMBERS": 10, "ATTENDED": 5, "PCT_ATTEND": 95})
    client = client_for("officer_a")
    data, _ = fill(download(client, report), GOOD)  # the download still works: it is the approved copy
    page = client.get(upload_url(report))
    assert page.status_code == 200 and page.context["locked_message"] and b'type="file"' not in page.content
    resp = upload(client, report, data)
    assert resp.status_code == 200 and "đã được phê duyệt và khóa" in resp.content.decode()
    assert states(report)["MEMBERS"] == ("value", Decimal(10))
    assert Report.objects.get(pk=report.pk).status == Report.Status.APPROVED


def test_submitted_report_is_refused(client_for, cast, report):
    services.report_save_draft(report=report, by=cast.officer_a, based_on_revision=0,
                               values={"MEMBERS": 10, "ATTENDED": 5, "PCT_ATTEND": 95})
    report.refresh_from_db()
    services.report_submit(report=report, by=cast.officer_a)
    report.refresh_from_db()
    client = client_for("officer_a")
    data, _ = fill(download(client, report), GOOD)
    resp = upload(client, report, data)
    assert resp.context["locked_message"] and states(report)["MEMBERS"] == ("value", Decimal(10))


# --------------------------------------------------------------------------- permissions


def test_out_of_scope_and_unpermitted_users_get_404(client_for, cast, report):
    data, _ = fill(download(client_for("officer_a"), report), GOOD)
    for persona in ("officer_b", "nobody", "clerk_a1"):
        client = client_for(persona)
        assert client.get(download_url(report)).status_code == 404, persona
        assert client.get(upload_url(report)).status_code == 404, persona
        assert upload(client, report, data).status_code == 404, persona
    viewer = client_for("viewer")  # may view the province's reports, may not change them
    assert viewer.get(download_url(report)).status_code == 200
    assert viewer.get(upload_url(report)).status_code == 404
    assert upload(viewer, report, data).status_code == 404
    assert states(report) == {}


def test_anonymous_is_sent_to_login(client, cast, report):
    for url in (download_url(report), upload_url(report)):
        resp = client.get(url)
        assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_upload_page_renders_for_the_unit(client_for, cast, report):
    resp = client_for("officer_a").get(upload_url(report))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert download_url(report) in body and 'type="file"' in body and 'enctype="multipart/form-data"' in body


# --------------------------------------------------------------------------- the pure functions


def _rows(n=150):
    types = [Indicator.Type.INTEGER, Indicator.Type.DECIMAL, Indicator.Type.PERCENT, Indicator.Type.BOOLEAN,
             Indicator.Type.CHOICE, Indicator.Type.TEXT]
    return tuple(
        FormRow(code=f"I_{i}", name=f"Chỉ tiêu {i}", type=types[i % 6], section=f"Mục {i // 20}",
                choices=(("tot", "Tốt"), ("kha", "Khá")) if types[i % 6] == Indicator.Type.CHOICE else ())
        for i in range(n)
    )


IDENT = Identity(7, 3, 2)


def _ctx(rows, identity=IDENT):
    return FormContext(identity=identity, title="Báo cáo", unit_name="Đảng ủy xã An Bình", unit_code="A",
                       period_label="6 tháng đầu năm 2026", period_code="2026-H1", rows=rows)


def _filled(rows, identity=IDENT) -> bytes:
    wb = load_workbook(io.BytesIO(xlsx_form.build_workbook(_ctx(rows, identity))))
    ws = wb[xlsx_form.SHEET]
    sample = {"integer": 12, "decimal": 2.25, "percent": 97.5, "boolean": "Không", "choice": "Khá",
              "text": "Ghi chú"}
    for r, row in enumerate(rows, start=xlsx_form.FIRST_ROW):
        ws[f"D{r}"] = sample[row.type]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_150_indicators_parse():
    """A full-size form reads back whole (its speed is a bench figure, not a test)."""
    rows = _rows(150)
    data = _filled(rows)
    result = xlsx_form.parse_workbook(data, identity=Identity(7, 3, 2), rows=rows)
    assert result.ok, result.errors[:3]
    assert len(result.values) == 150 and result.values["I_4"] == "kha" and result.values["I_3"] is False
    assert result.values["I_2"] == Decimal("97.5") and result.values["I_1"] == Decimal("2.25")


def test_older_form_version_is_refused():
    rows = _rows(6)
    result = xlsx_form.parse_workbook(_filled(rows, Identity(7, 2, 2)), identity=Identity(7, 3, 2), rows=rows)
    assert result.problem == "old_form" and not result.values
    assert "phiên bản biểu mẫu khác" in result.errors[0].text


def test_bad_choice_and_text_in_number_cells():
    rows = _rows(6)
    wb = load_workbook(io.BytesIO(_filled(rows)))
    ws = wb[xlsx_form.SHEET]
    ws["D7"] = "12 người"  # integer
    ws["D11"] = "Xuất sắc"  # choice
    ws["D8"] = "2,5"  # decimal typed as text the Vietnamese way: accepted
    out = io.BytesIO()
    wb.save(out)
    result = xlsx_form.parse_workbook(out.getvalue(), identity=Identity(7, 3, 2), rows=rows)
    assert [e.cell for e in result.errors] == ["D7", "D11"]
    assert "12 người" in result.errors[0].text and "Xuất sắc" in result.errors[1].text
    assert result.values == {}  # nothing half-read


def test_cell_reformatted_as_percent_is_read_as_percent():
    rows = _rows(3)
    wb = load_workbook(io.BytesIO(_filled(rows)))
    ws = wb[xlsx_form.SHEET]
    ws["D9"] = 0.975
    ws["D9"].number_format = "0.0%"
    out = io.BytesIO()
    wb.save(out)
    result = xlsx_form.parse_workbook(out.getvalue(), identity=Identity(7, 3, 2), rows=rows)
    assert result.ok and result.values["I_2"] == Decimal("97.500")


def test_unreadable_and_missing_rows():
    rows = _rows(4)
    bad = xlsx_form.parse_workbook(b"PK\x03\x04 not really a zip", identity=Identity(7, 3, 2), rows=rows)
    assert bad.problem == "unreadable"
    # A form of the same report whose layout was tampered with: a row removed.
    wb = load_workbook(io.BytesIO(_filled(rows)))
    wb[xlsx_form.SHEET]["B8"] = None
    wb[xlsx_form.SHEET]["D8"] = None
    out = io.BytesIO()
    wb.save(out)
    result = xlsx_form.parse_workbook(out.getvalue(), identity=Identity(7, 3, 2), rows=rows)
    assert [e.code for e in result.errors] == ["I_1"] and "thiếu dòng" in result.errors[0].text


# --------------------------------------------------------------------------- section texts (sheet "Thuyết minh")

FORMATTED = ("<p><strong>Đảng ủy</strong> đã tổ chức <em>học tập</em> nghị quyết.</p>"
             "<ul><li>Hội nghị trực tiếp</li><li>Hội nghị trực tuyến</li></ul>")


def text_rows(ws) -> dict[str, int]:
    return {ws[f"A{r}"].value: r for r in range(xlsx_form.N_FIRST_ROW, ws.max_row + 1) if ws[f"A{r}"].value}


def fill_texts(data: bytes, texts: dict[str, object], values: dict | None = None) -> tuple[bytes, dict[str, int]]:
    """Write section texts into the column "Nội dung" (and figures, if given) as a clerk would in Excel."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[xlsx_form.NARRATIVE_SHEET]
    where = text_rows(ws)
    for code, text in texts.items():
        ws[f"C{where[code]}"].value = text
    form = wb[xlsx_form.SHEET]
    for code, value in (values or {}).items():
        form[f"D{rows_by_code(form)[code]}"].value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), where


def narratives(report) -> dict[str, str]:
    return dict(NarrativeEntry.objects.filter(report=report).values_list("section__code", "html"))


def with_texts(cast, report, texts: dict[str, str]):
    services.report_save_draft(report=report, by=cast.officer_a, based_on_revision=report.revision,
                               narratives=texts)
    report.refresh_from_db()
    return report


def test_download_lists_every_section_with_its_text(client_for, cast, report):
    with_texts(cast, report, {"KQ": FORMATTED, "NQ": "<p>Nhận xét về số liệu.</p>"})
    wb = load_workbook(io.BytesIO(download(client_for("officer_a"), report)))
    assert wb.sheetnames[:2] == ["Biểu mẫu", "Thuyết minh"]
    ws = wb[xlsx_form.NARRATIVE_SHEET]
    where = text_rows(ws)
    assert list(where) == ["NQ", "KQ"]  # the order of the form
    r = where["KQ"]
    assert ws[f"B{r}"].value == "Kết quả đạt được"
    assert ws[f"C{r}"].value == ("Đảng ủy đã tổ chức học tập nghị quyết.\n\n"
                                 "- Hội nghị trực tiếp\n- Hội nghị trực tuyến")
    assert ws[f"C{where['NQ']}"].value == "Nhận xét về số liệu."
    assert "Biểu mẫu" in ws[f"D{where['NQ']}"].value  # figures section: its figures are on the other sheet
    # Only the text cell is open, and it wraps; the sheet is protected without a password.
    assert ws.protection.sheet and not ws.protection.password
    assert ws[f"C{r}"].protection.locked is False and ws[f"C{r}"].alignment.wrap_text
    assert ws[f"A{r}"].protection.locked and ws[f"B{r}"].protection.locked


def test_round_trip_text_edited_in_excel_shows_on_the_entry_page(client_for, cast, report):
    client = client_for("officer_a")
    data, _ = fill_texts(download(client, report),
                         {"KQ": "Hoàn thành kế hoạch học tập.\nTỷ lệ tham gia <cao> & đều."},
                         values={"MEMBERS": 120, "ATTENDED": 100, "PCT_ATTEND": 95})
    resp = upload(client, report, data)
    assert resp.status_code == 302
    assert [str(m) for m in get_messages(resp.wsgi_request)] == [
        "Đã đọc tệp và lưu 3 số liệu. Đồng thời lưu nội dung 1 phần thuyết minh."]
    html = "<p>Hoàn thành kế hoạch học tập.</p><p>Tỷ lệ tham gia &lt;cao&gt; &amp; đều.</p>"
    assert narratives(report) == {"KQ": html}  # the empty comment of NQ is not created
    report.refresh_from_db()
    assert report.revision == 1  # figures and text in one save
    entry = audit.history_for(report).order_by("-id").first()
    assert entry.after["narrative:KQ"] == html and entry.after["MEMBERS"]
    page = client.get(report.get_absolute_url()).content.decode()
    assert html in page
    # Uploading the next download as it is changes nothing.
    assert upload(client, report, download(client, report)).status_code == 302
    report.refresh_from_db()
    assert report.revision == 1 and narratives(report) == {"KQ": html}


def test_text_alone_is_saved(client_for, cast, report):
    client = client_for("officer_a")
    data, _ = fill_texts(download(client, report), {"NQ": "Nhận xét."})
    resp = upload(client, report, data)
    assert [str(m) for m in get_messages(resp.wsgi_request)] == ["Đã đọc tệp và lưu nội dung 1 phần thuyết minh."]
    assert narratives(report) == {"NQ": "<p>Nhận xét.</p>"} and states(report) == {}


def test_unchanged_text_keeps_its_formatting(client_for, cast, report):
    with_texts(cast, report, {"KQ": FORMATTED})
    client = client_for("officer_a")
    data = download(client, report)
    ws = load_workbook(io.BytesIO(data))[xlsx_form.NARRATIVE_SHEET]
    same = ws[f"C{text_rows(ws)['KQ']}"].value
    # What another machine's Excel may do to a text nobody touched: Windows line ends, blank lines,
    # trailing spaces, decomposed Vietnamese letters.
    reworked = unicodedata.normalize("NFD", "\r\n\r\n".join(f"{line}  " for line in same.split("\n")))
    data, _ = fill_texts(data, {"KQ": reworked}, values={"MEMBERS": 120})
    assert upload(client, report, data).status_code == 302
    assert narratives(report) == {"KQ": FORMATTED}  # not rewritten as plain paragraphs
    entry = audit.history_for(report).order_by("-id").first()
    assert "MEMBERS" in entry.after and not any(k.startswith("narrative:") for k in entry.after)


def test_clearing_a_text_empties_the_section(client_for, cast, report):
    with_texts(cast, report, {"KQ": FORMATTED})
    client = client_for("officer_a")
    data, _ = fill_texts(download(client, report), {"KQ": None})
    assert upload(client, report, data).status_code == 302
    assert narratives(report) == {"KQ": ""}


def test_bad_text_cells_are_listed_by_sheet_and_cell_and_nothing_is_saved(client_for, cast, report):
    with_texts(cast, report, {"KQ": FORMATTED})
    client = client_for("officer_a")
    data, where = fill_texts(download(client, report), {"KQ": "=A1&B1", "NQ": "Nhận xét mới"},
                             values={"MEMBERS": "nhiều"})
    wb = load_workbook(io.BytesIO(data))
    ws = wb[xlsx_form.NARRATIVE_SHEET]
    stray = max(where.values()) + 1
    ws[f"C{stray}"] = "Đoạn viết ngoài các phần"
    out = io.BytesIO()
    wb.save(out)
    resp = upload(client, report, out.getvalue())
    errors = resp.context["errors"]
    by_sheet = {(e.sheet_name, e.cell) for e in errors}
    members = rows_by_code(wb[xlsx_form.SHEET])["MEMBERS"]
    assert by_sheet == {("Biểu mẫu", f"D{members}"), ("Thuyết minh", f"C{where['KQ']}"),
                        ("Thuyết minh", f"C{stray}")}
    texts = [e.text for e in errors]
    assert f"Trang tính “Thuyết minh”: Ô C{where['KQ']} chứa công thức; hãy nhập giá trị." in texts
    assert (f"Trang tính “Thuyết minh”, ô C{stray}: Dòng này không có mã phần; chỉ ghi nội dung vào các dòng "
            "của từng phần.") in texts
    body = resp.content.decode()
    assert "Chưa lưu dữ liệu nào: có 3 lỗi." in body and "Thuyết minh" in body
    assert narratives(report) == {"KQ": FORMATTED} and states(report) == {}  # the good NQ text is not saved either


def test_too_long_text_is_refused(client_for, cast, report):
    # A cell holds 32,767 characters at most: a long section comes on several rows, one per cell.
    stored = "".join(f"<p>{'Rất dài. ' * 3_000}{i}</p>" for i in range(7))  # 7 x 27,000 characters
    with_texts(cast, report, {"KQ": stored})
    client = client_for("officer_a")
    data = download(client, report)
    wb = load_workbook(io.BytesIO(data))
    ws = wb[xlsx_form.NARRATIVE_SHEET]
    kq = [r for r in range(xlsx_form.N_FIRST_ROW, ws.max_row + 1) if ws[f"A{r}"].value == "KQ"]
    assert len(kq) == 7
    for r in kq:
        ws[f"C{r}"] = "Dài hơn. " * 3_500  # 31,500 characters a row: 220,500 in all
    out = io.BytesIO()
    wb.save(out)
    errors = _errors(upload(client, report, out.getvalue()))
    assert len(errors) == 1 and errors[0].startswith(f"Trang tính “Thuyết minh”, ô C{kq[0]}: Nội dung quá dài")
    assert "tối đa 200.000 ký tự" in errors[0]
    assert narratives(report) == {"KQ": stored}


def test_workbook_without_the_text_sheet_still_uploads_its_figures(client_for, cast, report):
    with_texts(cast, report, {"KQ": FORMATTED})
    client = client_for("officer_a")
    data, _ = fill(download(client, report), GOOD)
    wb = load_workbook(io.BytesIO(data))
    del wb[xlsx_form.NARRATIVE_SHEET]  # a file downloaded before the sheet existed
    out = io.BytesIO()
    wb.save(out)
    assert upload(client, report, out.getvalue()).status_code == 302
    assert states(report)["MEMBERS"] == ("value", Decimal(120))
    assert narratives(report) == {"KQ": FORMATTED}


def test_text_changed_in_the_browser_after_download_is_not_overwritten(client_for, cast, report):
    client = client_for("officer_a")
    data, _ = fill_texts(download(client, report), {"KQ": "Bản soạn trong Excel"})
    with_texts(cast, report, {"KQ": "<p>Bản sửa trên trình duyệt</p>"})
    errors = _errors(upload(client, report, data))
    assert len(errors) == 1 and errors[0].startswith("Báo cáo đã thay đổi kể từ khi tải tệp này về")
    assert narratives(report) == {"KQ": "<p>Bản sửa trên trình duyệt</p>"}


def test_text_conversions():
    html = ("<h3>Tiêu đề</h3><p>Dòng một<br>dòng\n  hai&nbsp;tiếp</p><ol><li>Một</li><li>Hai</li></ol>"
            "<table><tr><th>Chỉ tiêu</th><th>Số</th></tr><tr><td>A</td><td>1</td></tr></table>")
    assert xlsx_form.html_to_text(html) == ("Tiêu đề\n\nDòng một\ndòng hai tiếp\n\n1. Một\n2. Hai\n\n"
                                            "Chỉ tiêu | Số\nA | 1")
    assert xlsx_form.text_to_html(" Một \r\n\r\n<script>x</script>\n\x0bHai") == (
        "<p>Một</p><p>&lt;script&gt;x&lt;/script&gt;</p><p>Hai</p>")


def test_long_text_goes_on_over_several_rows_and_reads_back_unchanged():
    paragraph = "Nội dung thuyết minh dài. " * 200  # about 5,000 characters
    long_html = "".join(f"<p>{paragraph}{i}</p>" for i in range(14))  # about 70,000: three cells
    sections = (xlsx_form.NarrativeRow("KQ", "Kết quả", html=long_html), xlsx_form.NarrativeRow("HC", "Hạn chế"))
    rows = _rows(2)
    ctx = FormContext(identity=IDENT, title="Báo cáo", unit_name="Đảng ủy xã An Bình", unit_code="A",
                      period_label="6 tháng đầu năm 2026", period_code="2026-H1", rows=rows, sections=sections)
    data = xlsx_form.build_workbook(ctx)
    ws = load_workbook(io.BytesIO(data))[xlsx_form.NARRATIVE_SHEET]
    first = xlsx_form.N_FIRST_ROW
    codes = [ws[f"A{r}"].value for r in range(first, ws.max_row + 1)]
    assert codes == ["KQ", "KQ", "KQ", "HC"]
    assert ws[f"B{first + 1}"].value == "Kết quả (tiếp)"
    assert all(len(ws[f"C{r}"].value) <= xlsx_form.CELL_LIMIT for r in range(first, first + 3))
    result = xlsx_form.parse_workbook(data, identity=IDENT, rows=rows, sections=sections)
    assert result.ok and result.narratives == {}  # unchanged: the stored HTML stays
    wb = load_workbook(io.BytesIO(data))
    wb[xlsx_form.NARRATIVE_SHEET][f"C{first + 2}"] = "Đoạn cuối mới"
    out = io.BytesIO()
    wb.save(out)
    result = xlsx_form.parse_workbook(out.getvalue(), identity=IDENT, rows=rows, sections=sections)
    new = result.narratives["KQ"]
    assert new.startswith(f"<p>{paragraph}0</p>") and new.endswith("<p>Đoạn cuối mới</p>")
    assert result.narrative_cells == {"KQ": f"C{first}"}
