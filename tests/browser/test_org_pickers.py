"""Unit pickers in Chromium: the filter box of <select data-searchable> (diacritics-insensitive, keyboard),
the merge wizard's checkbox list, its new-unit checks at step 2 and its Back button, and the tree's date
filter refusing a date that does not exist. Every page is checked for console errors and CSP violations."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tuyengiao.org.models import LineageEvent, Person, Unit, UnitName

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VISIBLE_OPTIONS = "s => Array.from(s.options).filter(o => !o.hidden).map(o => o.text.trim())"


def _unit(parent, code, name):
    u = Unit.objects.create(parent=parent, type=parent.type, code=code, name=name, valid_from=dt.date(2025, 7, 1))
    UnitName.objects.create(unit=u, code=code, name=name, valid_from=dt.date(2025, 7, 1))
    return u


def test_people_unit_filter_is_searchable_without_diacritics(ui, cast):
    page = ui.page
    chi_linh = _unit(cast.a, "CL", "Chi bộ phường Chí Linh")
    Person.objects.create(full_name="Nguyễn Văn Linh", home_unit=chi_linh)
    Person.objects.create(full_name="Trần Thị Bến", home_unit=cast.b)
    ui.login("admin")
    ui.goto("/org/people/")
    results = page.locator("#results")
    expect(results).to_contain_text("Trần Thị Bến")
    select = page.locator("#id_unit")
    expect(select.locator("option").first).to_have_text("Tất cả")

    box = page.get_by_role("searchbox", name=re.compile("Lọc danh sách: Đơn vị"))
    expect(box).to_be_visible()
    expect(box).to_have_attribute("placeholder", re.compile("chi linh"))
    box.fill("chi linh")
    assert select.evaluate(VISIBLE_OPTIONS) == ["Tất cả", "Chi bộ phường Chí Linh"]
    expect(page.locator("#id_unit-filter-status")).to_have_text(re.compile(r"1/\d+"))
    box.fill("DONG")  # đ is d, capitals do not matter
    assert select.evaluate(VISIBLE_OPTIONS) == ["Tất cả", "Chi bộ thôn Đông"]
    box.fill("xyz")
    expect(page.locator("#id_unit-filter-status")).to_have_text("Không có mục nào khớp với từ khóa lọc.")
    box.press("Escape")
    expect(box).to_have_value("")
    assert len(select.evaluate(VISIBLE_OPTIONS)) == Unit.objects.count() + 1

    # Enter picks the first match; the list follows at once (htmx), the page is not reloaded
    page.evaluate("window.__sameDocument = true")
    box.fill("linh chi")
    box.press("Enter")
    expect(select).to_have_value(str(chi_linh.pk))
    expect(results).not_to_contain_text("Trần Thị Bến")
    expect(results).to_contain_text("Nguyễn Văn Linh")
    expect(page).to_have_url(re.compile(rf"[?&]unit={chi_linh.pk}(&|$)"))
    assert page.evaluate("window.__sameDocument === true")
    # Arrow Down goes into the list
    box.fill("ben thuy")
    box.press("ArrowDown")
    expect(select).to_be_focused()
    ui.finish()


def test_merge_wizard_checks_the_new_unit_at_step_2_and_goes_back(ui, cast):
    page = ui.page
    ui.login("admin")
    ui.goto("/org/restructure/merge/")
    form = page.locator("#merge-form")
    nxt = form.get_by_role("button", name="Tiếp theo")

    # step 1: a list of checkboxes with a filter box; Enter ticks the first match
    choices = page.get_by_role("group", name=re.compile("đơn vị hợp nhất", re.I))
    expect(choices).to_be_visible()
    expect(page.locator("#id_c-predecessors")).to_be_hidden()
    box = page.locator("#id_c-predecessors-filter")
    box.fill("ben thuy")
    expect(choices.locator(".form-check:visible")).to_have_count(1)
    box.press("Enter")
    expect(choices.get_by_label("Đảng ủy phường Bến Thủy", exact=True)).to_be_checked()
    box.press("Escape")
    box.fill("AN BINH")
    box.press("ArrowDown")
    expect(choices.get_by_label("Đảng ủy xã An Bình", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    expect(choices.get_by_label("Đảng ủy xã An Bình", exact=True)).to_be_checked()
    chosen = page.locator("#id_c-predecessors-chosen")
    expect(chosen).to_contain_text("Đã chọn:")
    expect(chosen).to_contain_text("Đảng ủy phường Bến Thủy")
    expect(chosen).to_contain_text("Đảng ủy xã An Bình")
    page.locator("#id_c-on").fill("01/01/2027")
    nxt.click()

    # step 2: a code that another unit in force holds is refused here, at the field
    expect(page.locator("#id_s-name")).to_be_visible()
    expect(page.locator("#id_s-parent-filter")).to_be_visible()  # the parent picker is searchable too
    page.locator("#id_s-code").fill("BTGDV")
    page.locator("#id_s-name").fill("Đảng ủy phường An Bến")
    page.locator("#id_s-close_subunits").check()
    nxt.click()
    errors = page.locator("#id_s-code-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("Ban Tuyên giáo và Dân vận Tỉnh ủy")
    expect(errors).to_contain_text("BTGDV")
    expect(page.locator("#id_s-code")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_s-code")).to_have_value("BTGDV")
    expect(page.locator("#confirm-merge")).to_have_count(0)

    # a predecessor's own code is free: it ends the day before
    page.locator("#id_s-code").fill("A")
    nxt.click()
    preview = page.locator("#merge-preview")
    expect(preview).to_contain_text("“Đảng ủy xã An Bình” kết thúc hiệu lực vào ngày 31/12/2026.")
    expect(preview).to_contain_text("“Đảng ủy phường Bến Thủy” kết thúc hiệu lực vào ngày 31/12/2026.")
    expect(preview).to_contain_text("01/01/2027")
    expect(preview).not_to_contain_text("liền trước")

    # Back: step 2 again with everything entered
    page.locator("#merge-back").click()
    expect(page.locator("#id_s-code")).to_have_value("A")
    expect(page.locator("#id_s-name")).to_have_value("Đảng ủy phường An Bến")
    expect(page.locator("#id_s-close_subunits")).to_be_checked()
    expect(page.locator("#id_s-carry_grants")).to_be_checked()
    expect(page.locator(".invalid-feedback")).to_have_count(0)
    # and back to step 1: the units ticked and the date kept
    form.get_by_role("button", name="Quay lại").click()
    expect(page.locator("#id_c-on")).to_have_value("01/01/2027")
    expect(choices.get_by_label("Đảng ủy xã An Bình", exact=True)).to_be_checked()
    expect(choices.get_by_label("Đảng ủy phường Bến Thủy", exact=True)).to_be_checked()
    nxt.click()
    expect(page.locator("#id_s-code")).to_have_value("A")
    nxt.click()
    assert not LineageEvent.objects.filter(kind="merge").exists()
    page.locator("#confirm-merge").click()

    new = Unit.objects.get(name="Đảng ủy phường An Bến")
    expect(page).to_have_url(re.compile(rf"/org/units/{new.pk}/$"))
    cast.a.refresh_from_db()
    assert new.code == "A" and new.valid_from == dt.date(2027, 1, 1) and cast.a.valid_to == dt.date(2026, 12, 31)
    ui.finish()


def test_cluster_members_are_ticked_not_ctrl_clicked(ui, cast):
    page = ui.page
    ui.login("admin")
    ui.goto("/org/clusters/add/")
    page.locator("#id_year").fill("2026")
    page.locator("#id_name").fill("Cụm thi đua số 1")
    page.locator("#id_organiser").select_option(label="Tỉnh ủy Mẫu")
    members = page.locator("#id_members-list")
    members.get_by_label("Đảng ủy xã An Bình", exact=True).check()
    members.get_by_label("Đảng ủy phường Bến Thủy", exact=True).check()
    page.locator("#id_head").select_option(label="Đảng ủy xã An Bình")
    page.locator("form.object-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    from tuyengiao.org.models import Cluster

    cluster = Cluster.objects.get(name="Cụm thi đua số 1")
    assert set(cluster.members.all()) == {cast.a, cast.b} and cluster.head == cast.a
    ui.finish()


def test_tree_says_a_date_that_does_not_exist_is_not_applied(ui, cast):
    page = ui.page
    ui.login("admin")
    ui.goto("/org/units/")
    expect(page.locator(f"#children-{cast.province.pk}").get_by_role("link", name="Đảng ủy xã An Bình")).to_be_visible()
    page.evaluate("window.__sameDocument = true")
    on = page.locator("#id_on")
    on.fill("31/02/2025")
    on.press("Enter")
    errors = page.locator("#id_on-errors")
    expect(errors).to_have_text("Nhập ngày hợp lệ dạng dd/mm/yyyy.")
    expect(page.locator("#id_on")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_on")).to_have_value("31/02/2025")
    expect(page.locator("#id_on")).to_be_focused()
    expect(page.locator("#on-not-applied")).to_be_visible()
    assert page.evaluate("window.__sameDocument === true")
    # corrected: the message goes, the tree is as of that day
    page.locator("#id_on").fill("01/08/2025")
    page.locator("#id_on").press("Enter")
    expect(errors).to_have_count(0)
    expect(page.locator("#on-not-applied")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"[?&]on=01(%2F|/)08(%2F|/)2025"))
    # the same page opened from a link
    ui.goto("/org/units/?on=31/02/2025")
    expect(page.locator("#id_on-errors")).to_be_visible()
    ui.finish()
