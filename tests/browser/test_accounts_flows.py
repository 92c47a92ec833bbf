"""Accounts in Chromium: an administrator creates an account and grants it a role on one unit; the new
user logs in with the initial password, sees that unit only, and changes the password."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tuyengiao.accounts.models import Grant, User
from tuyengiao.core.testing.personas import PASSWORD

from .conftest import tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INITIAL = "Khoi-tao-Bich-2026"
NEW = "Mat-khau-moi-cua-Bich-9"


def test_admin_creates_a_user_who_sees_b_only_and_changes_the_password(ui, cast):
    page = ui.page
    ui.login("admin")
    page.locator("[data-nav=users]").click()
    expect(page).to_have_url(re.compile(r"/accounts/users/$"))
    expect(page.locator("#results")).to_contain_text("Lê Thị An")
    page.locator("a[href='/accounts/users/add/']").click()
    expect(page).to_have_url(re.compile(r"/accounts/users/add/$"))

    # the unit dropdown offers the admin's units in force
    offered = {o.strip() for o in page.locator("#id_home_unit option").all_inner_texts()}
    assert {"Tỉnh ủy Mẫu", "Đảng ủy xã An Bình", "Đảng ủy phường Bến Thủy"} <= offered
    page.locator("#id_username").fill("bich_b")
    page.locator("#id_full_name").fill("Trịnh Thị Bích")
    page.locator("#id_email").fill("bich@example.org")
    page.locator("#id_home_unit").select_option(label="Đảng ủy phường Bến Thủy")
    # a weak initial password is refused at its field, nothing is created
    page.locator("#id_password").fill("123")
    page.locator("form.object-form button[type=submit]").click()
    expect(page.locator("#id_password-errors")).to_be_visible()
    expect(page.locator("#id_password")).to_have_attribute("aria-invalid", "true")
    assert not User.objects.filter(username="bich_b").exists()
    expect(page.locator("#id_username")).to_have_value("bich_b")
    page.locator("#id_password").fill(INITIAL)
    page.locator("form.object-form button[type=submit]").click()

    user = User.objects.get(username="bich_b")
    expect(page).to_have_url(re.compile(rf"/accounts/users/{user.pk}/$"))
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("h1")).to_contain_text(re.compile("Trịnh Thị Bích|bich_b"))
    assert user.full_name == "Trịnh Thị Bích" and user.home_unit == cast.b and user.check_password(INITIAL)
    assert not user.grants.exists()

    # grant the specialist role on B
    grant_form = page.locator(f"form[action='/accounts/users/{user.pk}/grants/add/']")
    grant_form.locator("#id_unit").select_option(label="Đảng ủy phường Bến Thủy")
    grant_form.locator("#id_role").select_option(value="specialist")
    expect(grant_form.locator("#id_valid_from")).to_have_value(dt.date.today().strftime("%d/%m/%Y"))
    grant_form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    roles = page.locator("table tbody tr")
    expect(roles).to_have_count(1)
    expect(roles.first).to_contain_text("Đảng ủy phường Bến Thủy")
    expect(roles.first).to_contain_text(dt.date.today().strftime("%d/%m/%Y"))
    grant = Grant.objects.get(user=user)
    assert (grant.unit, grant.role, grant.valid_from, grant.valid_to) == (cast.b, "specialist", dt.date.today(), None)
    ui.logout()
    ui.assert_clean()

    # the new user: initial password, B only
    ui.login("bich_b", INITIAL)
    ui.goto("/org/units/")
    tree = page.locator("#tree-results")
    expect(tree.get_by_role("link", name="Đảng ủy phường Bến Thủy")).to_be_visible()
    assert [t.strip() for t in tree.locator("a").all_inner_texts()] == ["Đảng ủy phường Bến Thủy"]
    ui.goto(f"/org/units/{cast.a.pk}/", status=404)
    expect(page.locator(".error-page")).to_contain_text("404")

    # "Đổi mật khẩu" from the user menu
    page.locator("#user-menu").click()
    page.get_by_role("link", name=tr("Change password", "Đổi mật khẩu")).click()
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))
    expect(page.locator("h1")).to_have_text(tr("Change password", "Đổi mật khẩu"))
    # a wrong current password is refused at its field
    page.locator("#id_old_password").fill("not-my-password")
    page.locator("#id_new_password1").fill(NEW)
    page.locator("#id_new_password2").fill(NEW)
    page.locator("form.object-form button[type=submit]").click()
    expect(page.locator("#id_old_password-errors")).to_contain_text("Mật khẩu cũ không chính xác")
    user.refresh_from_db()
    assert user.check_password(INITIAL)
    page.locator("#id_old_password").fill(INITIAL)
    page.locator("#id_new_password1").fill(NEW)
    page.locator("#id_new_password2").fill(NEW)
    page.locator("form.object-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/done/$"))
    expect(page.locator(".alert-success")).to_be_visible()
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(INITIAL)
    ui.logout()

    # the old password no longer opens the account; the new one does
    ui.goto("/accounts/login/")
    page.locator("#id_username").fill("bich_b")
    page.locator("#id_password").fill(INITIAL)
    page.locator("form.login-form button[type=submit]").click()
    expect(page.locator("#login-errors")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    ui.login("bich_b", NEW)
    expect(page.locator("#user-menu")).to_contain_text("Trịnh Thị Bích")
    ui.finish()


def test_login_form_refuses_a_wrong_password_in_vietnamese(ui, cast):
    page = ui.page
    ui.goto("/org/units/")  # anonymous: sent to the login page, then back
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/org/units/"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.locator("#id_username").fill("officer_a")
    page.locator("#id_password").fill("sai-mat-khau")
    page.locator("form.login-form button[type=submit]").click()
    errors = page.locator("#login-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("Vui lòng")  # Django's Vietnamese "please enter a correct username and password"
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/org/units/$"))
    ui.finish()
