"""The UI shell renders for real personas: the nav shows only the links that exist and that the persona
may use; the generic list/detail/form/close/history pages show what users rely on.

Most tests run on the small URLconf at the bottom of this module (the real org and accounts URLs are
written separately), so they do not depend on which app URLs exist yet; one test runs on the real one.
"""
from __future__ import annotations

import datetime as dt
import re

import django_filters
import pytest
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.template import Context, Template
from django.urls import NoReverseMatch, include, path, reverse, reverse_lazy

from tuyengiao.core import audit
from tuyengiao.core import views as core_views
from tuyengiao.core.forms import StyledModelForm
from tuyengiao.core.permissions import has_perm_anywhere
from tuyengiao.org.models import Unit, UnitType


@pytest.fixture(autouse=True)
def _english_messages(settings):
    """These tests read the English msgids; tests/test_translations.py covers the Vietnamese."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

pytestmark = pytest.mark.django_db

THIS_URLCONF = __name__

# nav key -> (URL name, permission; "app:<label>" = any permission of that app; None = any logged-in user)
NAV = {
    "units": ("org:unit_tree", "org.view_unit"),
    "people": ("org:person_list", "org.view_person"),
    "clusters": ("org:cluster_list", "org.view_cluster"),
    "lineage": ("org:lineageevent_list", "org.view_lineageevent"),
    "reporting": ("reporting:index", "app:reporting"),
    "emulation": ("emulation:index", "app:emulation"),
    "awards": ("awards:index", "app:awards"),
    "events": ("events:index", "app:events"),
    "publishing": ("publishing:index", "app:publishing"),
    "users": ("accounts:user_list", "accounts.view_user"),
    "api": ("api-docs", None),
}


def may_use(user, perm) -> bool:
    if perm is None:
        return True
    if perm.startswith("app:"):
        prefix = perm[4:] + "."
        return user.is_superuser or any(p.startswith(prefix) for _path, perms in user.scope_grants() for p in perms)
    return has_perm_anywhere(user, perm)


def nav_keys(html: str) -> set[str]:
    return set(re.findall(r'data-nav="([\w-]+)"', html))


def module_keys(html: str) -> set[str]:
    return set(re.findall(r'data-module="([\w-]+)"', html))


def assert_csp_clean(html: str) -> None:
    """The rendered page runs under script-src/style-src 'self': no inline code or styles."""
    assert not re.search(r"<script\b(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"\sstyle=[\"']", html), "style= attribute"
    assert "<style" not in html
    assert not re.search(r"<(script|link)\b[^>]*(src|href)=\"(https?:)?//", html), "asset from another origin"


# --- the real URLconf ------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["admin", "officer_a", "clerk_a1", "nobody"])
def test_home_nav_shows_existing_permitted_links_on_the_real_urlconf(client_for, cast, persona):
    response = client_for(persona).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    user = cast.persona(persona)

    expected = set()
    for key, (name, perm) in NAV.items():
        try:
            reverse(name)
        except NoReverseMatch:
            continue
        if may_use(user, perm):
            expected.add(key)
    assert nav_keys(html) == expected
    assert module_keys(html) == expected
    assert "Tuyên giáo số" in html
    assert "<html lang=" in html
    assert 'name="htmx-config"' in html and '"includeIndicatorStyles": false' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert_csp_clean(html)


def test_home_lists_the_users_grants(client_for):
    html = client_for("officer_a").get("/").content.decode()
    assert "Lê Thị An" in html  # greeting and user menu
    assert "Đảng ủy xã An Bình" in html  # the grant's unit
    assert 'href="#main"' in html and 'id="main"' in html  # skip link


def test_sample_data_banner(client_for, cast):
    assert "sample-banner" not in client_for("officer_a").get("/").content.decode()
    Unit.objects.filter(pk=cast.a1.pk).update(is_sample=True)
    html = client_for("officer_a").get("/").content.decode()
    assert 'class="sample-banner' in html


# --- the test URLconf: every nav URL exists -------------------------------------------------------

@pytest.mark.urls(THIS_URLCONF)
@pytest.mark.parametrize(
    "persona, expected",
    [
        ("admin", {"units", "people", "clusters", "lineage", "users"}),
        ("leader", {"units", "people", "clusters", "lineage", "users"}),
        ("officer_a", {"units", "people", "clusters", "lineage"}),
        ("clerk_a1", {"units", "people", "clusters", "lineage"}),
        ("nobody", set()),
        ("superuser", {"units", "people", "clusters", "lineage", "users"}),
    ],
)
def test_nav_follows_permissions_when_the_urls_exist(client_for, cast, persona, expected):
    # Reports: shown to whoever holds any reporting permission (the reporting app registers its own).
    if may_use(cast.persona(persona), "app:reporting"):
        expected = expected | {"reporting"}
    html = client_for(persona).get("/").content.decode()
    assert nav_keys(html) == expected  # no "api": api-docs is not in this URLconf
    assert module_keys(html) == expected
    # the user menu: password change and logout as a POST form
    assert 'href="/accounts/password/"' in html
    assert re.search(r'<form method="post" action="/accounts/logout/"', html)


@pytest.mark.urls(THIS_URLCONF)
def test_login_page_for_anonymous_shows_no_navigation(client_for):
    client = client_for(None)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    html = client.get("/accounts/login/").content.decode()
    assert nav_keys(html) == set()
    assert "user-menu" not in html
    assert 'name="username"' in html and 'name="password"' in html
    assert 'for="id_username"' in html and 'for="id_password"' in html
    assert_csp_clean(html)

    html = client.post("/accounts/login/", {"username": "officer_a", "password": "wrong"}).content.decode()
    assert 'id="login-errors"' in html


@pytest.mark.urls(THIS_URLCONF)
def test_login_works_and_lockout_page_explains(client_for, settings):
    from tuyengiao.core.testing.personas import PASSWORD

    client = client_for(None)
    response = client.post("/accounts/login/", {"username": "officer_a", "password": PASSWORD})
    assert response.status_code == 302

    client = client_for(None)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/accounts/login/", {"username": "clerk_a1", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "clerk_a1", "password": PASSWORD})
    assert response.status_code in (403, 429)
    html = response.content.decode()
    assert "bi-lock" in html and "/accounts/login/" in html
    assert_csp_clean(html)


@pytest.mark.urls(THIS_URLCONF)
def test_password_change_pages(client_for):
    client = client_for("officer_a")
    html = client.get("/accounts/password/").content.decode()
    for name in ("old_password", "new_password1", "new_password2"):
        assert f'name="{name}"' in html
    html = client.post("/accounts/password/", {"old_password": "nope", "new_password1": "a", "new_password2": "b"}).content.decode()
    assert 'id="id_old_password-errors"' in html and "is-invalid" in html
    assert 'id="form-errors"' in html


@pytest.mark.urls(THIS_URLCONF)
def test_list_page_filters_paginates_and_serves_the_htmx_partial(client_for):
    client = client_for("admin")
    html = client.get("/org/units/list/").content.decode()
    assert_csp_clean(html)
    assert 'id="filter-form"' in html and 'hx-target="#results"' in html and 'hx-push-url="true"' in html
    assert "input changed delay:300ms from:input[name=q]" in html
    assert 'href="/org/units/add/"' in html  # admin may add
    assert "<th scope=\"col\">Unit type</th>" in html
    # 5 units, 2 a page: page links keep the filter
    html = client.get("/org/units/list/", {"q": "a"}).content.decode()
    assert "q=a&amp;page=2" in html
    assert "01/07/2025" in html  # dates dd/mm/yyyy through the attr filter

    partial = client.get("/org/units/list/", {"q": "dang uy"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "<table" in partial
    assert "Đảng ủy xã An Bình" in partial and "Đảng ủy phường Bến Thủy" in partial
    assert "Chi bộ thôn Đông" not in partial
    assert re.search(r'<a href="/org/units/\d+/">Đảng ủy xã An Bình</a>', partial)  # first column links

    empty = client.get("/org/units/list/", {"q": "zzz"}, HTTP_HX_REQUEST="true").content.decode()
    assert "empty-state" in empty and "<table" not in empty


@pytest.mark.urls(THIS_URLCONF)
def test_list_page_scoped_and_without_add_for_viewer(client_for):
    html = client_for("viewer").get("/org/units/list/").content.decode()
    assert 'href="/org/units/add/"' not in html
    html = client_for("officer_b").get("/org/units/list/").content.decode()
    assert "Đảng ủy phường Bến Thủy" in html and "Đảng ủy xã An Bình" not in html


@pytest.mark.urls(THIS_URLCONF)
def test_detail_page_actions_history_and_out_of_scope_404(client_for, cast):
    unit = cast.a
    commune = UnitType.objects.get(code="dang-uy-xa")
    branch = UnitType.objects.get(code="chi-bo")
    before = audit.snapshot(unit)
    after = {**before, "name": "Đảng ủy xã An Bình Mới", "type_id": branch.pk, "valid_from": "2025-08-01"}
    audit.record(actor=cast.admin, action="update", obj=unit, before=before, after=after, reason="Sáp nhập")

    client = client_for("admin")
    html = client.get(f"/org/units/{unit.pk}/").content.decode()
    assert_csp_clean(html)
    assert f'href="/org/units/{unit.pk}/edit/"' in html and f'href="/org/units/{unit.pk}/close/"' in html
    assert re.search(r"<dt[^>]*>Short name</dt>\s*<dd[^>]*>ĐU An Bình</dd>", html)  # fields as label/value
    assert "01/07/2025" in html  # valid_from of the unit
    assert f'href="/history/org/unit/{unit.pk}/"' in html
    # the audit entry: verbose names, related objects by name, dates dd/mm/yyyy
    assert "Unit type" in html and f"{commune.name}" in html and f"{branch.name}" in html
    assert "01/08/2025" in html and "Nguyễn Thị Quản Trị" in html and "Sáp nhập" in html

    html = client_for("viewer").get(f"/org/units/{unit.pk}/").content.decode()
    assert "/edit/" not in html and "/close/" not in html

    response = client_for("officer_b").get(f"/org/units/{unit.pk}/")
    assert response.status_code == 404
    assert "404" in response.content.decode() and 'data-nav="units"' in response.content.decode()


@pytest.mark.urls(THIS_URLCONF)
def test_history_page(client_for, cast):
    unit = cast.a1
    audit.record(actor=cast.admin, action="update", obj=unit, before={"code": "A1"}, after={"code": "A1X"})
    html = client_for("officer_a").get(f"/history/org/unit/{unit.pk}/").content.decode()
    assert_csp_clean(html)
    assert "A1X" in html and "Nguyễn Thị Quản Trị" in html
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", html)
    assert client_for("officer_b").get(f"/history/org/unit/{unit.pk}/").status_code == 404


@pytest.mark.urls(THIS_URLCONF)
def test_form_shows_errors_next_to_fields(client_for, cast):
    client = client_for("admin")
    html = client.get(f"/org/units/{cast.a.pk}/edit/").content.decode()
    assert_csp_clean(html)
    assert 'for="id_name"' in html and 'id="id_issuer_abbr-help"' in html
    assert 'aria-describedby="id_issuer_abbr-help"' in html
    assert 'placeholder="dd/mm/yyyy"' in html and 'value="01/07/2025"' in html
    assert '<button type="submit" class="btn btn-primary">' in html
    assert f'class="btn btn-outline-secondary" href="/org/units/{cast.a.pk}/"' in html  # cancel goes back

    response = client.post(f"/org/units/{cast.a.pk}/edit/", {"name": "", "code": "A", "issuer_abbr": "ĐU",
                                                              "valid_from": "31/02/2025"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="form-errors"' in html
    for field in ("name", "valid_from"):
        # the error sits right after its input, which points at it
        assert re.search(rf'<input[^>]*name="{field}"[^>]*class="form-control is-invalid"[^>]*'
                         rf'aria-describedby="id_{field}-errors"[^>]*>\s*<div class="invalid-feedback d-block" '
                         rf'id="id_{field}-errors">', html)
    assert 'name="code" value="A" maxlength="40" class="form-control" required' in html  # valid: not marked

    html = client.get("/org/units/add/").content.decode()
    assert "New unit" in html


@pytest.mark.urls(THIS_URLCONF)
def test_close_page_defaults_to_today_and_reports_bad_dates(client_for, cast):
    client = client_for("admin")
    url = f"/org/units/{cast.a1.pk}/close/"
    html = client.get(url).content.decode()
    assert_csp_clean(html)
    assert f'value="{dt.date.today():%d/%m/%Y}"' in html and 'name="reason"' in html
    html = client.post(url, {"valid_to": "99/99/2025", "reason": "x"}).content.decode()
    assert "alert-danger" in html
    response = client.post(url, {"valid_to": "31/12/2025", "reason": "Sáp nhập"}, follow=True)
    html = response.content.decode()
    assert "alert-success" in html and "31/12/2025" in html


# --- in a browser: htmx and Bootstrap under the real CSP ------------------------------------------

@pytest.fixture
def served_static(settings):
    """Serve the package's static directory in the live server (STATICFILES_DIRS may not list it yet)."""
    from pathlib import Path

    import tuyengiao

    static = Path(tuyengiao.__file__).resolve().parent / "static"
    if static not in [Path(d) for d in settings.STATICFILES_DIRS]:
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, static]


@pytest.mark.browser
@pytest.mark.urls(THIS_URLCONF)
@pytest.mark.django_db(transaction=True)
def test_browser_login_search_and_phone_menu(page, live_server, cast, served_static):
    from playwright.sync_api import expect

    from tuyengiao.core.testing.personas import PASSWORD

    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: violations.append(str(exc)))

    page.goto(f"{live_server.url}/")
    page.get_by_label(re.compile("username|tên đăng nhập", re.I)).fill("admin")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    expect(page.locator("[data-nav=units]")).to_be_visible()
    expect(page.locator("link[href$='bootstrap.min.css']")).to_have_count(1)
    # Bootstrap's CSS is applied (the navbar is a flex container), the icon font loaded
    assert page.eval_on_selector(".navbar", "el => getComputedStyle(el).display") == "flex"

    page.goto(f"{live_server.url}/org/units/list/")
    page.evaluate("window.__sameDocument = true")
    page.locator("#id_q").fill("dang uy")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"q=dang(\+|%20)uy"))
    assert page.evaluate("window.__sameDocument === true"), "the search reloaded the whole page"
    expect(page.locator("#filter-indicator")).to_be_hidden()
    page.locator("#id_q").fill("")
    page.locator("#id_type").select_option(label="Chi bộ")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert page.evaluate("window.__sameDocument === true")

    # a phone: the menu collapses behind the toggler
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/")
    expect(page.locator("[data-nav=units]")).to_be_hidden()
    page.locator(".navbar-toggler").click()
    expect(page.locator("[data-nav=units]")).to_be_visible()
    # Bootstrap adds "show" when the opening transition has ended; a click during it can be lost
    expect(page.locator(".navbar-collapse")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))

    # log out through the POST form of the user menu
    page.locator("#user-menu").click()
    expect(page.locator("form[action$='/accounts/logout/'] button")).to_be_visible()
    page.locator("form[action$='/accounts/logout/'] button").click()
    expect(page.locator("#id_username")).to_be_visible()
    assert not violations, violations


# --- template tags -------------------------------------------------------------------------------

def render(source: str, **context) -> str:
    return Template("{% load ui %}" + source).render(Context(context))


def test_nav_url_is_empty_for_a_missing_url_name():
    assert render('{% nav_url "nowhere:nothing" as u %}[{{ u }}]') == "[]"
    assert render('{% nav_url "home" %}') == "/"


def test_attr_follows_dots_and_formats(cast):
    unit = cast.a1
    assert render('{{ u|attr:"type.name" }}', u=unit) == "Chi bộ"
    assert render('{{ u|attr:"parent.parent.code" }}', u=unit) == "PROV"
    assert render('{{ u|attr:"valid_from" }}', u=unit) == "01/07/2025"
    assert render('{{ u|attr:"valid_to" }}', u=unit) == "—"
    assert render('{{ u|attr:"parent.valid_to.year" }}', u=unit) == "—"
    grant = cast.officer_a.grants.get()
    assert render('{{ g|attr:"role" }}', g=grant) == str(grant.get_role_display())


def test_can_filter(cast):
    assert render('{{ u|can:"org.view_unit" }}', u=cast.officer_a) == "True"
    assert render('{{ u|can:"accounts.view_user" }}', u=cast.officer_a) == "False"
    assert render('{{ u|can:"org.view_unit" }}', u=cast.nobody) == "False"


# --- the test URLconf -----------------------------------------------------------------------------

class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search_text", label="Search")
    type = django_filters.ModelChoiceFilter(queryset=UnitType.objects.all(), label="Unit type")

    class Meta:
        model = Unit
        fields = ["q", "type"]

    def search_text(self, queryset, name, value):
        return queryset.search(value)


class UnitList(core_views.ObjectListView):
    model = Unit
    filterset_class = UnitFilter
    paginate_by = 2
    columns = [("name", "name"), ("unit type", "type.name"), ("valid from", "valid_from")]


class UnitDetail(core_views.ObjectDetailView):
    model = Unit
    fields = ["code", "short_name", "type", "valid_from", "valid_to"]


class UnitForm(StyledModelForm):
    class Meta:
        model = Unit
        fields = ["name", "code", "issuer_abbr", "valid_from"]


class UnitEdit(core_views.ObjectFormView):
    model = Unit
    form_class = UnitForm


class UnitClose(core_views.ObjectCloseView):
    model = Unit


def placeholder(request, *args, **kwargs):
    return HttpResponse("")


org_patterns = ([
    path("units/", placeholder, name="unit_tree"),
    path("units/list/", UnitList.as_view(), name="unit_list"),
    path("units/add/", UnitEdit.as_view(), name="unit_add"),
    path("units/<int:pk>/", UnitDetail.as_view(), name="unit_detail"),
    path("units/<int:pk>/edit/", UnitEdit.as_view(), name="unit_edit"),
    path("units/<int:pk>/close/", UnitClose.as_view(), name="unit_close"),
    path("people/", placeholder, name="person_list"),
    path("clusters/", placeholder, name="cluster_list"),
    path("lineage/", placeholder, name="lineageevent_list"),
], "org")

accounts_patterns = ([
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change_form.html",
        success_url=reverse_lazy("accounts:password_change_done")), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="accounts/password_change_done.html"), name="password_change_done"),
    path("users/", placeholder, name="user_list"),
], "accounts")

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("history/<str:app_label>/<str:model>/<int:pk>/", core_views.HistoryView.as_view(), name="history"),
    path("org/", include(org_patterns)),
    path("accounts/", include(accounts_patterns)),
    path("reporting/", include(([path("", placeholder, name="index")], "reporting"))),
]
