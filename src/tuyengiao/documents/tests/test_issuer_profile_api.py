"""/api/issuer-profiles/: the shared API cases (scoped like the pages, writes audited), the overlap at
the field, and the endpoint in the OpenAPI schema."""
from __future__ import annotations

import datetime as dt

import pytest
import yaml
from django.core.management import call_command

from tuyengiao.core.testing.api_mixins import APIViewTestCases
from tuyengiao.core.testing.personas import START
from tuyengiao.documents.models import IssuerProfile
from tuyengiao.documents.selectors import page_setup_for


def _profile(unit, **extra):
    return IssuerProfile.objects.create(unit=unit, valid_from=START, issuer_line="VĂN PHÒNG ĐẢNG ỦY", place="Mẫu",
                                        **extra)


@pytest.mark.django_db
class TestIssuerProfileAPI(APIViewTestCases.APIViewTestCase):
    model = IssuerProfile
    basename = "issuerprofile"
    persona_role = "admin"  # setting a letterhead is for administrators
    outsider_role = "admin"
    update_data = {"annex_pages": "continued", "margin_left": 35}

    def make_in_scope(self, cast):
        return _profile(cast.a)

    def make_out_of_scope(self, cast):
        return _profile(cast.b)

    def create_data(self, cast):
        return {"unit": cast.a.pk, "valid_from": "2026-01-01", "issuer_line": "Văn phòng Đảng ủy", "place": "An Bình",
                "recipients": "Lưu VP."}

    def test_create_stores_capitals_and_reaches_the_page_setup(self):
        data = {**self.create_data(self.cast), "annex_pages": "continued"}
        response = self.api_for(self.persona).post(self.list_url(), data, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["issuer_line"] == "VĂN PHÒNG ĐẢNG ỦY"
        assert response.json()["unit_name"] == "Đảng ủy xã An Bình"
        assert page_setup_for(issuer=self.cast.a, on=dt.date(2026, 1, 1)).annex_pages == "continued"

    def test_an_overlap_is_a_400_at_valid_from(self):
        _profile(self.cast.a)
        response = self.api_for(self.persona).post(self.list_url(), self.create_data(self.cast), format="json")
        assert response.status_code == 400
        assert "trùng thời gian" in " ".join(response.json()["valid_from"])

    def test_specialists_read_but_do_not_write(self):
        obj = _profile(self.cast.a)
        client = self.api_for("clerk_a1")
        assert client.get(self.list_url()).status_code == 403
        viewer = self.api_for("viewer")
        assert viewer.get(self.detail_url(obj)).status_code == 200
        assert viewer.patch(self.detail_url(obj), {"place": "X"}, format="json").status_code == 404

    def test_filters_by_unit(self):
        mine, theirs = _profile(self.cast.a), _profile(self.cast.b)
        rows = self.api_for("admin").get(self.list_url(), {"unit": self.cast.b.pk}).json()["results"]
        assert [row["id"] for row in rows] == [theirs.pk]
        assert mine.pk not in [row["id"] for row in rows]


def test_the_endpoint_is_in_the_schema(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    assert {"get", "post"} <= set(schema["paths"]["/api/issuer-profiles/"])
    assert {"get", "put", "patch", "delete"} <= set(schema["paths"]["/api/issuer-profiles/{id}/"])
    assert "annex_pages" in schema["components"]["schemas"]["IssuerProfile"]["properties"]
