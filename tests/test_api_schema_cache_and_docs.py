"""/api/schema/ is generated once per process for each language, version and format (it was generated
on every request, about a quarter of a second), and serves exactly what drf-spectacular generates;
/api/docs/ sends a person who is not signed in to the login page and back, while the API keeps
answering clients with JSON 401/403."""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.test import APIRequestFactory, force_authenticate

from tuyengiao.core import api as core_api


@pytest.fixture
def generations(monkeypatch):
    """How many times the schema was generated (a spy around drf-spectacular's generator)."""
    core_api.clear_schema_cache()
    calls = []
    original = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    yield calls
    core_api.clear_schema_cache()


@pytest.mark.django_db
def test_schema_is_generated_once_per_language_and_format(cast, client_for, generations):
    viewer, officer = client_for("viewer"), client_for("officer_b")
    first = viewer.get("/api/schema/")
    assert first.status_code == 200 and len(generations) == 1
    again = officer.get("/api/schema/")  # another user: the schema does not depend on who asks
    assert again.status_code == 200 and len(generations) == 1
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Content-Disposition"] == first["Content-Disposition"]

    as_json = viewer.get("/api/schema/?format=json")
    assert as_json["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert json.loads(as_json.content) == yaml.safe_load(first.content)
    viewer.get("/api/schema/", HTTP_ACCEPT="application/json")
    english = viewer.get("/api/schema/?lang=en")
    assert len(generations) == 4
    assert english.content != first.content  # field labels and descriptions follow the language
    for _ in range(3):
        viewer.get("/api/schema/?format=json")
        viewer.get("/api/schema/?lang=en")
    assert len(generations) == 4


@pytest.mark.django_db
def test_cached_schema_is_what_drf_spectacular_serves(cast, client_for, generations):
    """Byte for byte the response of drf-spectacular's own view: title, the Vietnamese description,
    every path."""
    for query in ("", "?format=json", "?lang=en"):
        cached = client_for("viewer").get("/api/schema/" + query)
        request = APIRequestFactory().get("/api/schema/" + query)
        force_authenticate(request, user=cast.viewer)
        plain = SpectacularAPIView.as_view()(request)
        plain.render()
        assert cached.content == plain.content, query
        assert cached["Content-Type"] == plain["Content-Type"]
    schema = yaml.safe_load(client_for("viewer").get("/api/schema/").content)
    assert schema["info"]["title"] == "Tuyên giáo số API"
    assert schema["info"]["description"].startswith("API của nền tảng Tuyên giáo số")
    assert "/api/units/" in schema["paths"]


@pytest.mark.django_db
def test_unusual_query_strings_do_not_fill_the_cache(cast, client_for, generations):
    client = client_for("viewer")
    for i in range(3):
        assert client.get(f"/api/schema/?version=v{i}").status_code == 200
        assert client.get(f"/api/schema/?lang=x{i}").status_code == 200
    assert len(core_api._schema_cache) == 0 and len(generations) == 6


@pytest.mark.django_db
def test_schema_still_needs_a_signed_in_caller(cast, client):
    assert client.get("/api/schema/").status_code in (401, 403)
    assert client.get("/api/schema/", HTTP_AUTHORIZATION="Token nonsense").status_code in (401, 403)


@pytest.mark.django_db
def test_docs_send_a_person_who_is_not_signed_in_to_the_login_page_and_back(cast, client):
    resp = client.get("/api/docs/")
    assert resp.status_code == 302
    location = urlsplit(resp["Location"])
    assert location.path == "/accounts/login/" and parse_qs(location.query) == {"next": ["/api/docs/"]}
    resp = client.get("/api/docs/?lang=en")
    assert parse_qs(urlsplit(resp["Location"]).query) == {"next": ["/api/docs/?lang=en"]}
    # after signing in the same URL shows the docs
    client.force_login(cast.viewer)
    assert "swagger-ui" in client.get("/api/docs/").content.decode()


@pytest.mark.django_db
def test_api_clients_still_get_json_errors(cast, client):
    """The docs' script and the API endpoints answer 401/403 with a JSON body, never a redirect."""
    script = client.get("/api/docs/?script=")
    assert script.status_code in (401, 403)
    for url in ("/api/units/", "/api/schema/"):
        resp = client.get(url)
        assert resp.status_code in (401, 403), url
        assert resp["Content-Type"].startswith("application/json") or "detail" in resp.content.decode(), url
        resp = client.get(url, HTTP_AUTHORIZATION="Token nonsense")
        assert resp.status_code in (401, 403) and "Location" not in resp, url
    assert "detail" in client.get("/api/units/").json()


def test_docs_page_leads_back_to_the_app_and_needs_no_inline_style(cast, client_for):
    """The strict CSP allows no inline style: the page's own rules come from a file; a bar leads home."""
    from django.contrib.staticfiles import finders

    body = client_for("admin").get("/api/docs/").content.decode()
    assert '<a href="/">← Tuyên giáo số</a>' in body and "Tài liệu API" in body
    assert "<style" not in body and "api-docs.css" in body
    assert finders.find("api-docs.css")
    assert "/api/docs/?script=" in body  # Swagger's own script comes from a URL, not inline
