"""An id in a query string or a form that is not a number (a mistyped or tampered URL) is a 404 or a
message, never a server error."""
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tuyengiao.reporting.tests.factories import make_regime

pytestmark = pytest.mark.django_db

BAD = ["abc", "1.5", "²", "9" * 30]  # "²".isdigit() is true, int("²") is not


@pytest.fixture
def regime(cast):
    return make_regime(cast)


@pytest.mark.parametrize("bad", BAD)
def test_tree_parent(client_for, cast, bad):
    assert client_for("admin").get("/org/units/", {"parent": bad}).status_code == 404
    assert client_for("admin").get("/org/units/", {"type": bad}).status_code == 200  # an unknown type: no filter


@pytest.mark.parametrize("bad", BAD)
def test_report_start(client_for, cast, regime, bad):
    c = client_for("officer_a")
    assert c.post("/reports/start/", {"regime": bad, "unit": cast.a.pk, "period": "2026-H2"}).status_code == 404
    assert c.post("/reports/start/", {"regime": regime.pk, "unit": bad, "period": "2026-H2"}).status_code == 404
    assert c.post("/reports/start/", {"regime": regime.pk, "unit": cast.a.pk, "period": "2026-H2"}).status_code == 302


@pytest.mark.parametrize("bad", BAD)
def test_consolidated_build(client_for, cast, regime, bad):
    for data in ({"regime": bad, "period": "1"}, {"regime": regime.pk, "period": bad}):
        resp = client_for("admin").post("/reports/consolidated/build/", data)
        assert resp.status_code == 200
        assert "Chọn chế độ báo cáo và kỳ báo cáo." in resp.content.decode()


# --------------------------------------------------------------------------- every page

# Parameters that carry an id (or a code) somewhere in the application.
ID_PARAMS = ["parent", "unit", "regime", "period", "form", "user", "type", "section", "add_to_section", "indicator",
             "report", "home_unit", "cluster", "under", "drill_unit", "person", "term", "department", "organiser"]



def _pages():
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p

    for route, p in walk(get_resolver().url_patterns):
        route = route.replace("^", "").replace("$", "")
        if "(?P" in route or "\\" in route or route.startswith("admin/") or p.name in ("logout", "set_language"):
            continue
        yield "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route)


def _server_errors(client, value):
    data = dict.fromkeys(ID_PARAMS, value)
    return {(method, url) for url in _pages() for method in ("get", "post")
            if getattr(client, method)(url, data).status_code >= 500}


def test_no_page_fails_on_a_non_numeric_id(cast, regime):
    c = Client(raise_request_exception=False)
    c.force_login(cast.admin)
    assert _server_errors(c, "abc") == set()


def test_reporting_api_regime_filter(api_for, cast, regime):
    for url in ("/api/reporting/reports/", "/api/reporting/values/"):
        resp = api_for("admin").get(url, {"regime": "abc"}, HTTP_ACCEPT_LANGUAGE="vi")
        assert resp.status_code == 400 and resp.json() == {"regime": ["Cần nhập một số nguyên hợp lệ."]}
        assert api_for("admin").get(url, {"regime": regime.pk}).status_code == 200


def test_roll_up_scope_and_form_version_ids(api_for, client_for, cast, regime):
    api = api_for("admin")
    resp = api.get(f"/api/reporting/regimes/{regime.pk}/completeness/", {"under": "abc", "period": "2026-H1"})
    assert resp.status_code == 404
    resp = client_for("admin").post(f"/reports/setup/regimes/{regime.pk}/", {"action": "make_current", "form": "abc"})
    assert resp.status_code == 404
