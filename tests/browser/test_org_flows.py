"""The organisation's main flows in Chromium: each persona's subtree, search, the merge wizard, a unit's
page and rename, the Excel import, a phone-sized screen. Logged in through the login form; every page
is checked for console errors and CSP violations; the database is checked afterwards."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tuyengiao.accounts.models import Grant
from tuyengiao.org.importing import PEOPLE_SHEET, UNIT_SHEET
from tuyengiao.org.models import LineageEvent, Person, Unit, UnitName

from .conftest import tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTER_A_VALID_DATE = "Nhập một ngày hợp lệ."  # Django's own Vietnamese catalogue


def tree_links(page) -> list[str]:
    return [t.strip() for t in page.locator("#tree-results a").all_inner_texts()]


# --- 1. each persona sees exactly its own subtree ---------------------------------------------------

def test_admin_sees_the_province_and_expands_the_tree(ui, cast):
    page = ui.page
    ui.login("admin")
    page.locator("[data-nav=units]").click()
    expect(page).to_have_url(re.compile(r"/org/units/$"))
    tree = page.locator("#tree-results")
    expect(tree.get_by_role("link", name="Tỉnh ủy Mẫu", exact=True)).to_be_visible()
    # the single root opens by itself (htmx): its children appear without a click
    children = page.locator(f"#children-{cast.province.pk}")
    for name in ("Ban Tuyên giáo và Dân vận Tỉnh ủy", "Đảng ủy xã An Bình", "Đảng ủy phường Bến Thủy"):
        expect(children.get_by_role("link", name=name, exact=True)).to_be_visible()
    # in Vietnamese alphabetical order
    expect(children.locator(":scope > li > div > a")).to_have_text(
        ["Ban Tuyên giáo và Dân vận Tỉnh ủy", "Đảng ủy phường Bến Thủy", "Đảng ủy xã An Bình"]
    )
    # expand A: its chi bộ appears; a second click hides it again without refetching
    toggle = page.locator(f".tree-toggle[aria-controls=children-{cast.a.pk}]")
    toggle.click()
    a1 = page.locator(f"#children-{cast.a.pk}").get_by_role("link", name="Chi bộ thôn Đông")
    expect(a1).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.click()
    expect(a1).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    # the links lead to the unit's page
    page.locator(f"#children-{cast.province.pk}").get_by_role("link", name="Đảng ủy phường Bến Thủy").click()
    expect(page).to_have_url(re.compile(rf"/org/units/{cast.b.pk}/$"))
    expect(page.locator("h1")).to_have_text("Đảng ủy phường Bến Thủy")
    ui.finish()


def test_officer_a_sees_a_and_its_chi_bo_only(ui, cast):
    page = ui.page
    ui.login("officer_a")
    ui.goto("/org/units/")
    tree = page.locator("#tree-results")
    expect(tree.get_by_role("link", name="Đảng ủy xã An Bình", exact=True)).to_be_visible()
    expect(page.locator(f"#children-{cast.a.pk}").get_by_role("link", name="Chi bộ thôn Đông")).to_be_visible()
    assert sorted(tree_links(page)) == ["Chi bộ thôn Đông", "Đảng ủy xã An Bình"]
    # B and the province are not in her scope: B's page is the 404 page
    ui.goto(f"/org/units/{cast.b.pk}/", status=404)
    expect(page.locator(".error-page")).to_contain_text("404")
    expect(page.locator("body")).not_to_contain_text("Bến Thủy")
    ui.goto(f"/org/units/{cast.a1.pk}/")
    expect(page.locator("h1")).to_have_text("Chi bộ thôn Đông")
    ui.finish()


def test_officer_b_gets_the_404_page_on_a(ui, cast):
    page = ui.page
    ui.login("officer_b")
    ui.goto("/org/units/")
    expect(page.locator("#tree-results").get_by_role("link", name="Đảng ủy phường Bến Thủy")).to_be_visible()
    assert tree_links(page) == ["Đảng ủy phường Bến Thủy"]
    for unit in (cast.a, cast.a1):
        ui.goto(f"/org/units/{unit.pk}/", status=404)
        expect(page.locator(".error-page")).to_contain_text("404")
        expect(page.locator("h1")).to_have_text(tr("Page not found", "Không tìm thấy trang"))
        expect(page.locator("body")).not_to_contain_text("An Bình")
        expect(page.locator("body")).not_to_contain_text("thôn Đông")
    # searching does not leak A either
    ui.goto("/org/units/?q=an+binh")
    expect(page.locator("#tree-results")).not_to_contain_text("An Bình")
    ui.finish()


def test_clerk_a1_sees_only_a1(ui, cast):
    page = ui.page
    ui.login("clerk_a1")
    ui.goto("/org/units/")
    expect(page.locator("#tree-results").get_by_role("link", name="Chi bộ thôn Đông")).to_be_visible()
    assert tree_links(page) == ["Chi bộ thôn Đông"]
    ui.goto(f"/org/units/{cast.a.pk}/", status=404)
    ui.goto(f"/org/units/{cast.b.pk}/", status=404)
    ui.finish()


# --- 2. diacritics-insensitive search without a reload -------------------------------------------

def test_tree_search_ignores_diacritics_and_updates_the_url(ui, cast):
    page = ui.page
    ui.login("admin")
    ui.goto("/org/units/")
    expect(page.locator(f"#children-{cast.province.pk}").get_by_role("link", name="Đảng ủy xã An Bình")).to_be_visible()
    page.evaluate("window.__sameDocument = true")
    page.locator("#id_q").fill("dang uy xa an")
    results = page.locator("#tree-results")
    expect(results.get_by_role("link", name=re.compile("Đảng ủy xã An Bình"))).to_be_visible()
    expect(results).not_to_contain_text("Bến Thủy")
    expect(results).not_to_contain_text("Chi bộ thôn Đông")
    expect(page).to_have_url(re.compile(r"[?&]q=dang(\+|%20)uy(\+|%20)xa(\+|%20)an(&|$)"))
    assert page.evaluate("window.__sameDocument === true"), "the search reloaded the whole page"
    # the result leads to the unit
    results.get_by_role("link", name=re.compile("Đảng ủy xã An Bình")).click()
    expect(page).to_have_url(re.compile(rf"/org/units/{cast.a.pk}/$"))
    # the URL of a search is a page of its own (bookmark, back button)
    ui.goto("/org/units/?q=THON+DONG")
    expect(page.locator("#tree-results").get_by_role("link", name=re.compile("Chi bộ thôn Đông"))).to_be_visible()
    expect(page.locator("#id_q")).to_have_value("THON DONG")
    ui.finish()


# --- 3. the merge wizard, end to end ---------------------------------------------------------------

def test_merge_wizard_end_to_end(ui, cast):
    page = ui.page
    units_before = Unit.objects.count()
    ui.login("admin")
    ui.goto("/org/units/")
    page.locator("a[href='/org/restructure/merge/']").click()
    expect(page).to_have_url(re.compile(r"/org/restructure/merge/$"))
    form = page.locator("#merge-form")

    # step 1: the units (ticked in a list of checkboxes, no ctrl-click) and the date
    choices = page.locator("#id_c-predecessors-list")
    offered = choices.locator("label").all_inner_texts()
    assert {"Đảng ủy xã An Bình", "Đảng ủy phường Bến Thủy"} <= {o.strip() for o in offered}
    choices.get_by_label("Đảng ủy xã An Bình", exact=True).check()
    choices.get_by_label("Đảng ủy phường Bến Thủy", exact=True).check()
    expect(page.locator("#id_c-predecessors option:checked")).to_have_text(["Đảng ủy phường Bến Thủy", "Đảng ủy xã An Bình"])
    page.locator("#id_c-on").fill("01/01/2026")
    page.locator("#id_c-decision").fill("Nghị quyết 01-NQ/TU")
    form.get_by_role("button", name="Tiếp theo").click()

    # step 2: the new unit (its parent and type are proposed from the first unit)
    expect(page.locator("#id_s-name")).to_be_visible()
    expect(form).to_contain_text("01/01/2026")
    expect(page.locator("#id_s-parent option:checked")).to_have_text("Tỉnh ủy Mẫu")
    page.locator("#id_s-parent").select_option(label="Tỉnh ủy Mẫu")
    page.locator("#id_s-type").select_option(label="Đảng ủy xã, phường, đặc khu")
    page.locator("#id_s-code").fill("AB")
    page.locator("#id_s-name").fill("Đảng ủy phường An Bến")
    page.locator("#id_s-short_name").fill("ĐU An Bến")
    expect(page.locator("#id_s-carry_grants")).to_be_checked()
    page.locator("#id_s-close_subunits").check()
    form.get_by_role("button", name="Tiếp theo").click()

    # step 3: what will happen, before anything is written
    confirm = page.locator("#confirm-merge")
    expect(confirm).to_be_visible()
    items = form.locator("ul > li")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text("Đảng ủy phường An Bến")
    expect(items.nth(0)).to_contain_text("Tỉnh ủy Mẫu")
    a_item = items.filter(has_text="Đảng ủy xã An Bình")
    b_item = items.filter(has_text="Đảng ủy phường Bến Thủy")
    expect(a_item).to_contain_text(re.compile(r"\b1\b"))  # one sub-unit (Chi bộ thôn Đông) ends too
    expect(a_item.locator(".text-warning")).to_be_visible()
    expect(a_item).not_to_contain_text(re.compile(r"\b2\b"))  # officer_a's grant only: clerk_a1's is on A1
    expect(b_item).to_contain_text(re.compile(r"\b1\b"))  # officer_b's grant
    assert not Unit.objects.filter(code="AB").exists() and Unit.objects.count() == units_before
    assert not LineageEvent.objects.filter(kind="merge").exists()
    ui.assert_clean()
    confirm.click()

    # the new unit's page with its lineage
    new = Unit.objects.get(code="AB", parent=cast.province)
    expect(page).to_have_url(re.compile(rf"/org/units/{new.pk}/$"))
    expect(page.locator("h1")).to_have_text("Đảng ủy phường An Bến")
    expect(page.locator(".alert-success")).to_contain_text("Đảng ủy phường An Bến")
    timeline = page.locator("ol.timeline")
    merge_item = timeline.locator("li.timeline-merge")
    expect(merge_item).to_contain_text("01/01/2026")
    expect(merge_item.get_by_role("link", name="Đảng ủy xã An Bình")).to_be_visible()
    expect(merge_item.get_by_role("link", name="Đảng ủy phường Bến Thủy")).to_be_visible()

    # the database: predecessors end the day before, the event links both, grants carried over
    cast.a.refresh_from_db()
    cast.b.refresh_from_db()
    cast.a1.refresh_from_db()
    assert cast.a.valid_to == cast.b.valid_to == dt.date(2025, 12, 31)
    assert cast.a1.valid_to == dt.date(2025, 12, 31)  # "close sub-units"
    assert new.valid_from == dt.date(2026, 1, 1) and new.valid_to is None and new.short_name == "ĐU An Bến"
    event = LineageEvent.objects.get(kind="merge")
    assert event.date == dt.date(2026, 1, 1) and event.decision == "Nghị quyết 01-NQ/TU"
    assert set(event.predecessors()) == {cast.a, cast.b} and list(event.successors()) == [new]
    for officer, old_unit in ((cast.officer_a, cast.a), (cast.officer_b, cast.b)):
        carried = Grant.objects.get(user=officer, unit=new)
        assert carried.carried_from is not None and carried.carried_from.unit == old_unit
        assert carried.role == "specialist" and carried.valid_from == dt.date(2026, 1, 1)
        assert carried.carried_from.valid_to == dt.date(2025, 12, 31)

    assert not Grant.objects.filter(user=cast.clerk_a1, unit=new).exists()  # a cell's clerk does not widen

    # the unit page lists the carried grants
    grants = page.locator("section[aria-labelledby=h-grants]")
    expect(grants).to_contain_text("Lê Thị An")
    expect(grants).to_contain_text("Hoàng Thị Bến")
    # the predecessor's page points forward to the new unit
    merge_item.get_by_role("link", name="Đảng ủy xã An Bình").click()
    expect(page.locator("h1")).to_have_text("Đảng ủy xã An Bình")
    expect(page.locator("ol.timeline li.timeline-merge").get_by_role("link", name="Đảng ủy phường An Bến")).to_be_visible()
    ui.finish()

    # officer_a now works in the new unit
    ui.logout()
    ui.login("officer_a")
    ui.goto("/org/units/")
    expect(page.locator("#tree-results").get_by_role("link", name="Đảng ủy phường An Bến")).to_be_visible()
    expect(page.locator("#tree-results")).not_to_contain_text("Bến Thủy")
    ui.goto(f"/org/units/{new.pk}/")
    expect(page.locator("h1")).to_have_text("Đảng ủy phường An Bến")
    ui.finish()


# --- 4. bad input: a Vietnamese message at the field, nothing written ----------------------------

def test_merge_wizard_rejects_bad_input_at_the_field(ui, cast):
    page = ui.page
    counts = (Unit.objects.count(), LineageEvent.objects.count(), Grant.objects.count())
    ui.login("admin")
    ui.goto(f"/org/restructure/merge/?unit={cast.a.pk}")
    # the unit the wizard was opened from is preselected
    expect(page.locator("#id_c-predecessors option:checked")).to_have_text(["Đảng ủy xã An Bình"])
    page.locator("#id_c-on").fill("31/02/2026")
    page.locator("#merge-form button[type=submit]").click()

    on_errors = page.locator("#id_c-on-errors")
    expect(on_errors).to_be_visible()
    expect(on_errors).to_have_text(ENTER_A_VALID_DATE)
    pred_errors = page.locator("#id_c-predecessors-errors")
    expect(pred_errors).to_be_visible()
    expect(pred_errors).to_have_text(tr("Choose at least two units to merge.", "hai đơn vị"))
    # the messages sit with their fields and are announced with them; the user's input is kept
    for field in ("c-on", "c-predecessors"):
        widget = page.locator(f"#id_{field}")
        expect(widget).to_have_attribute("aria-invalid", "true")
        expect(widget).to_have_attribute("aria-describedby", re.compile(rf"\bid_{field}-errors\b"))
        expect(page.locator(f"div:has(> #id_{field}) > #id_{field}-errors")).to_have_count(1)
    expect(page.locator("#id_c-on")).to_have_value("31/02/2026")
    expect(page.locator("#id_c-predecessors option:checked")).to_have_text(["Đảng ủy xã An Bình"])
    expect(page.locator("#confirm-merge")).to_have_count(0)
    assert (Unit.objects.count(), LineageEvent.objects.count(), Grant.objects.count()) == counts
    ui.finish()


# --- 5. a unit's page: lineage, history, rename ------------------------------------------------------

def test_unit_page_shows_lineage_and_history_and_rename_updates_names(ui, cast):
    page = ui.page
    ui.login("admin")
    ui.goto(f"/org/units/{cast.a.pk}/")
    expect(page.locator("h1")).to_have_text("Đảng ủy xã An Bình")
    expect(page.locator("section[aria-labelledby=h-children]").get_by_role("link", name="Chi bộ thôn Đông")).to_be_visible()
    expect(page.locator("ol.timeline li").first).to_contain_text("01/07/2025")
    expect(page.locator("section[aria-labelledby=h-history]")).to_be_visible()
    names = page.locator("section[aria-labelledby=h-names] tbody tr")
    expect(names).to_have_count(1)
    expect(names.first).to_contain_text("Đảng ủy xã An Bình")
    expect(names.first).to_contain_text("01/07/2025")

    page.locator(f"a[href='/org/units/{cast.a.pk}/rename/']").click()
    expect(page.locator("#id_name")).to_have_value("Đảng ủy xã An Bình")
    # a date before the current name started is refused at the field
    page.locator("#id_valid_from").fill("01/01/2025")
    page.locator("#id_name").fill("Đảng ủy xã An Bình Mới")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_valid_from-errors")).to_be_visible()
    expect(page.locator("#id_valid_from-errors")).to_contain_text("01/01/2025")
    expect(page.locator("#id_valid_from")).to_have_attribute("aria-invalid", "true")
    assert UnitName.objects.filter(unit=cast.a).count() == 1
    # a correct date
    page.locator("#id_valid_from").fill("01/03/2026")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/org/units/{cast.a.pk}/$"))
    expect(page.locator("h1")).to_have_text("Đảng ủy xã An Bình Mới")
    expect(names).to_have_count(2)
    expect(names.nth(0)).to_contain_text("Đảng ủy xã An Bình")
    expect(names.nth(0)).to_contain_text("01/07/2025")
    expect(names.nth(0)).to_contain_text("28/02/2026")
    expect(names.nth(1)).to_contain_text("Đảng ủy xã An Bình Mới")
    expect(names.nth(1)).to_contain_text("01/03/2026")
    expect(page.locator("ol.timeline")).to_contain_text("Đảng ủy xã An Bình Mới")
    expect(page.locator("ol.timeline")).to_contain_text("01/03/2026")
    expect(page.locator("section[aria-labelledby=h-history] li").first).to_contain_text("Nguyễn Thị Quản Trị")

    cast.a.refresh_from_db()
    assert cast.a.name == "Đảng ủy xã An Bình Mới"
    assert list(UnitName.objects.filter(unit=cast.a).order_by("valid_from").values_list("name", "valid_to")) == [
        ("Đảng ủy xã An Bình", dt.date(2026, 2, 28)), ("Đảng ủy xã An Bình Mới", None)]
    assert LineageEvent.objects.filter(kind="rename", date=dt.date(2026, 3, 1)).exists()

    # the full history page
    page.locator("section[aria-labelledby=h-history] a").last.click()
    expect(page.locator("main")).to_contain_text("Nguyễn Thị Quản Trị")
    ui.finish()


# --- 7. the Excel import ------------------------------------------------------------------------------

def _fill(template: bytes, units=(), people=()) -> bytes:
    wb = load_workbook(io.BytesIO(template))
    for sheet, rows in ((UNIT_SHEET, units), (PEOPLE_SHEET, people)):
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                wb[sheet].cell(row=r, column=c, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_excel_import_download_bad_file_then_good_file(ui, cast, tmp_path):
    page = ui.page
    ui.login("admin")
    ui.goto("/org/units/")
    page.locator("a[href='/org/units/import/']").click()
    expect(page).to_have_url(re.compile(r"/org/units/import/$"))

    with page.expect_download() as info:
        page.locator("a[href$='/org/units/import/template.xlsx']").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    template = (tmp_path / download.suggested_filename)
    download.save_as(template)
    assert load_workbook(template).sheetnames[:2] == [UNIT_SHEET, PEOPLE_SHEET]

    counts = (Unit.objects.count(), Person.objects.count())
    bad = _fill(template.read_bytes(), units=[
        ("A2", "Chi bộ thôn Tây", "", "", "Chi bộ", "A", "15/01/2026"),
        ("A3", "Chi bộ thôn Nam", "", "", "Chi bộ", "A", "31/02/2026"),  # row 3: no such date
    ], people=[("Nguyễn Văn Bình", "Nam", 1980, "", "", "A2", "Bí thư chi bộ", None, "15/01/2026")])
    page.locator("#id_file").set_input_files({"name": "don-vi.xlsx", "mimeType": XLSX, "buffer": bad})
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()

    expect(page.locator(".alert-danger")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    cells = rows.first.locator("td")
    expect(cells.nth(0)).to_have_text(UNIT_SHEET)
    expect(cells.nth(1)).to_have_text("3")
    expect(cells.nth(2)).to_contain_text("G")
    expect(cells.nth(3)).to_contain_text("31/02/2026")
    assert (Unit.objects.count(), Person.objects.count()) == counts  # all or nothing

    good = _fill(template.read_bytes(), units=[
        ("A2", "Chi bộ thôn Tây", "", "", "Chi bộ", "A", "15/01/2026"),
        ("A3", "Chi bộ thôn Nam", "", "", "Chi bộ", "A", "28/02/2026"),
    ], people=[("Nguyễn Văn Bình", "Nam", 1980, "", "", "A2", "Bí thư chi bộ", None, "15/01/2026")])
    page.locator("#id_file").set_input_files({"name": "don-vi.xlsx", "mimeType": XLSX, "buffer": good})
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    success = page.locator(".alert-success").last
    expect(success).to_be_visible()
    # "Imported 2 units and 1 people." (the counts, not the lists of objects)
    expect(success).to_contain_text(re.compile(r"\b2\b\D*\b1\b"))
    expect(success).not_to_contain_text("<Unit")
    expect(page.locator("table tbody tr")).to_have_count(0)
    assert set(Unit.objects.filter(parent=cast.a, code__in=["A2", "A3"]).values_list("name", flat=True)) == {
        "Chi bộ thôn Tây", "Chi bộ thôn Nam"}
    assert Person.objects.get(full_name="Nguyễn Văn Bình").home_unit.code == "A2"
    ui.finish()


def test_excel_import_refuses_a_file_that_is_not_xlsx(ui, cast):
    page = ui.page
    ui.login("admin")
    ui.goto("/org/units/import/")
    counts = (Unit.objects.count(), Person.objects.count())
    page.locator("#id_file").set_input_files({"name": "don-vi.xlsx", "mimeType": XLSX, "buffer": b"%PDF-1.7\n%%EOF\n"})
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page.locator("#file-error")).to_be_visible()
    expect(page.locator("#id_file")).to_have_class(re.compile(r"\bis-invalid\b"))
    assert (Unit.objects.count(), Person.objects.count()) == counts
    ui.finish()


# --- 8. a phone-sized screen ------------------------------------------------------------------------

def test_phone_width_menu_collapses_and_the_tree_is_usable(ui, cast):
    page = ui.page
    page.set_viewport_size({"width": 375, "height": 740})
    ui.login("admin")
    units = page.locator("[data-nav=units]")
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(units).to_be_hidden()
    toggler.click()
    expect(units).to_be_visible()
    units.click()
    expect(page).to_have_url(re.compile(r"/org/units/$"))
    expect(units).to_be_hidden()  # the menu is collapsed again on the new page

    # the tree: no sideways scrolling, nodes expand with a tap, links open the unit
    children = page.locator(f"#children-{cast.province.pk}")
    expect(children.get_by_role("link", name="Đảng ủy xã An Bình")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    toggle = page.locator(f".tree-toggle[aria-controls=children-{cast.a.pk}]")
    box = toggle.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375
    toggle.click()
    a1 = page.locator(f"#children-{cast.a.pk}").get_by_role("link", name="Chi bộ thôn Đông")
    expect(a1).to_be_visible()
    a1.click()
    expect(page.locator("h1")).to_have_text("Chi bộ thôn Đông")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # search works on the phone too
    ui.goto("/org/units/")
    page.locator("#id_q").fill("ben thuy")
    expect(page.locator("#tree-results").get_by_role("link", name=re.compile("Đảng ủy phường Bến Thủy"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    ui.logout()
    ui.finish()


# --- the browser's icon request --------------------------------------------------------------------

def test_every_page_has_an_icon(ui, cast):
    """Browsers ask every page for its icon; a missing one is a console error on every page."""
    page = ui.page
    ui.login("officer_a")
    for path in ("/", "/org/units/", "/accounts/login/"):
        ui.goto(path)
        icon = page.evaluate(
            "(document.querySelector('link[rel~=icon]') || {}).href || (location.origin + '/favicon.ico')"
        )
        assert page.request.get(icon).status == 200, f"{path}: the icon {icon} is missing"


def test_the_watch_reports_csp_violations_and_script_errors(ui, cast):
    """The harness itself: an inline script (refused by the CSP) and an uncaught exception are caught."""
    page = ui.page
    ui.login("clerk_a1")
    ui.assert_clean()
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                             document.body.appendChild(s); }""")
    page.evaluate("() => setTimeout(() => { throw new Error('boom'); }, 0)")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran === undefined"), "the CSP let an inline script run"
    problems = "\n".join(ui.problems)
    assert "CSP violation: script-src" in problems and "boom" in problems
    ui.problems.clear()
