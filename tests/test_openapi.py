"""The OpenAPI schema validates with no warnings, lists every endpoint, and the docs are served
from this origin (drf-spectacular-sidecar, no CDN)."""
from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command

EXPECTED_PATHS = [
    "/api/auth/token/", "/api/units/", "/api/units/{id}/", "/api/units/{id}/lineage/",
    "/api/units/{id}/successors/", "/api/units/{id}/rename/", "/api/unit-types/", "/api/lineage-events/",
    "/api/terms/", "/api/departments/", "/api/people/", "/api/positions/", "/api/clusters/", "/api/users/",
    "/api/grants/", "/api/grants/{id}/",
]


def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    for path in EXPECTED_PATHS:
        assert path in schema["paths"], path
    user = schema["components"]["schemas"]["User"]["properties"]
    assert "password" not in user  # write-only: only in the request component
    assert "delete" not in schema["paths"]["/api/units/{id}/"]
    assert "put" not in schema["paths"]["/api/units/{id}/"]


@pytest.mark.django_db
def test_schema_and_docs_load(cast, client_for):
    client = client_for("viewer")
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/units/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode()


@pytest.mark.django_db
def test_docs_work_air_gapped_under_the_csp(cast, client_for):
    """No file from a CDN, and no inline script (the CSP allows scripts from this origin only)."""
    client = client_for("viewer")
    html = client.get("/api/docs/").content.decode()
    assert not re.search(r"""(src|href)=["']https?://""", html), "an asset comes from another origin"
    assert not re.search(r"<script>\s*\S", html), "an inline script is blocked by the CSP"
