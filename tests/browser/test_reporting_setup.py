"""The commission's specialist sets up reporting in Chromium: a new regime (with the live preview of the
units expected to report), a small form (a section, two indicators, one edited inline), a rule whose
first expression the parser refuses, and publishing."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tuyengiao.accounts.models import Grant, User
from tuyengiao.accounts.roles import Role
from tuyengiao.core.testing.personas import PASSWORD, START
from tuyengiao.reporting.models import FormVersion, Regime

from .conftest import tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_specialist_creates_a_regime_and_publishes_a_form(ui, cast):
    user = User.objects.create_user(username="chuyenvien", password=PASSWORD, full_name="Ngô Thị Chuyên",
                                    home_unit=cast.commission)
    Grant.objects.create(user=user, unit=cast.commission, role=Role.SPECIALIST, valid_from=START)
    page = ui.page
    ui.login("chuyenvien")

    # A new regime; the preview lists the commune-level committees as the choices change.
    ui.goto("/reports/setup/")
    page.get_by_test_id("regime-add").click()
    page.locator("#id_name").fill("Báo cáo công tác dân vận 6 tháng")
    page.locator("#id_code").fill("bc-dan-van-6-thang")
    page.locator("#id_frequency").select_option("six_monthly")
    page.locator("#id_receiving_unit").select_option(str(cast.commission.pk))
    page.locator(f"input[name=unit_types][value='{cast.a.type.pk}']").check()
    preview = page.get_by_test_id("expected-preview")
    expect(preview).to_contain_text(cast.a.name)
    expect(preview).to_contain_text(cast.b.name)
    page.locator("#id_deadline_days").fill("-2")
    page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(r"/reports/setup/regimes/\d+/$"))
    regime = Regime.objects.get(code="bc-dan-van-6-thang")
    assert regime.deadline_days == -2 and regime.receiving_unit == cast.commission
    ui.assert_clean()

    # A new empty form version, then a section and two indicators.
    page.get_by_test_id("version-add").click()
    expect(page).to_have_url(re.compile(r"/reports/setup/forms/\d+/$"))
    page.get_by_test_id("add-section-toggle").click()
    page.locator("#id_new-section-code").fill("DV")
    page.locator("#id_new-section-title").fill("Công tác dân vận")
    page.get_by_test_id("add-section").locator("button[type=submit]").click()
    section = page.locator("section[data-section=DV]")
    expect(section).to_be_visible()
    for code, name in [("DV_MODELS", "Mô hình “Dân vận khéo”"), ("DV_DIALOGUES", "Buổi đối thoại")]:
        section.get_by_test_id("add-indicator-toggle").click()
        form = section.get_by_test_id("add-indicator")
        form.locator("input[name$=-code]").fill(code)
        form.locator("input[name$=-name]").fill(name)
        form.locator("input[name$=-unit_of_measure]").fill("mô hình")
        form.locator("button[type=submit]").click()
        section = page.locator("section[data-section=DV]")
        expect(section.locator(f"tr[data-code={code}]")).to_be_visible()

    # Inline edit (htmx): the row turns into a form and back.
    row = page.locator("tr[data-code=DV_DIALOGUES]")
    row.get_by_test_id("edit-indicator").click()
    edit = page.get_by_test_id("item-form")
    edit.locator("#id_name").fill("Buổi đối thoại với Nhân dân")
    edit.locator("#id_unit_of_measure").fill("buổi")
    edit.get_by_test_id("item-save").click()
    expect(page.locator("tr[data-code=DV_DIALOGUES]")).to_contain_text("Buổi đối thoại với Nhân dân")
    expect(page.get_by_test_id("item-form")).to_have_count(0)
    # ... and a row added by mistake is removed from the draft, after the browser's confirmation.
    page.locator("tr[data-code=DV_MODELS]").get_by_test_id("edit-indicator").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("item-form").get_by_test_id("remove").click()
    expect(page.locator("tr[data-code=DV_MODELS]")).to_have_count(0)
    section = page.locator("section[data-section=DV]")
    section.get_by_test_id("add-indicator-toggle").click()
    form = section.get_by_test_id("add-indicator")
    form.locator("input[name$=-code]").fill("DV_MODELS")
    form.locator("input[name$=-name]").fill("Mô hình “Dân vận khéo”")
    form.locator("button[type=submit]").click()
    expect(page.locator("tr[data-code=DV_MODELS]")).to_be_visible()
    ui.assert_clean()

    # A rule: an unknown code is refused at the field, in Vietnamese; the corrected rule is kept.
    page.get_by_test_id("add-rule-toggle").click()
    page.locator("#id_new-rule-expression").fill("DV_DIALOGS <= DV_MODELS * 10")
    page.locator("#id_new-rule-message").fill("Số buổi đối thoại bất thường so với số mô hình.")
    page.locator("#id_new-rule-severity").select_option("warning")
    page.get_by_test_id("add-rule").locator("button[type=submit]").click()
    expect(page.locator("#id_new-rule-expression-errors")).to_contain_text(
        tr("Unknown indicator code(s) in this form: DV_DIALOGS", "Biểu mẫu này không có mã chỉ tiêu: DV_DIALOGS"))
    page.locator("#id_new-rule-expression").fill("DV_DIALOGUES <= DV_MODELS * 10")
    page.get_by_test_id("add-rule").locator("button[type=submit]").click()
    expect(page.get_by_test_id("rules")).to_contain_text("DV_DIALOGUES <= DV_MODELS * 10")

    # Publish, after the confirmation page: read-only and current.
    page.get_by_test_id("publish").click()
    page.get_by_test_id("confirm-publish").click()
    expect(page.get_by_test_id("read-only")).to_be_visible()
    expect(page.get_by_test_id("add-rule-toggle")).to_have_count(0)
    expect(page.get_by_test_id("clone")).to_be_visible()
    version = FormVersion.objects.get(regime=regime)
    regime.refresh_from_db()
    assert version.is_published and regime.current_form == version
    assert list(version.indicators.order_by("code").values_list("code", flat=True)) == ["DV_DIALOGUES", "DV_MODELS"]
    assert version.rules.get().severity == "warning"
    ui.finish()
