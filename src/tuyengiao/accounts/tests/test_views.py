"""User and grant management pages, through the shared view test cases."""
import datetime as dt

import pytest

from tuyengiao.accounts.models import Grant, User
from tuyengiao.core.models import AuditEntry
from tuyengiao.core.testing.view_mixins import ViewTestCases


class TestUserViews(ViewTestCases):
    url_ns = "accounts:user"
    in_scope = "admin"
    out_scope = "officer_b"

    def make_object(self, cast):
        return User.objects.create_user(username="thu_ky_a", full_name="Thư Ký A", home_unit=cast.a, password=None)

    def list_text(self, obj):
        return "Thư Ký A"

    def add_data(self, cast):
        return {"username": "moi_a", "full_name": "Người Mới", "home_unit": cast.a.pk, "password": "Mot-mat-khau-dai-99"}

    def edit_data(self, cast, obj):
        return {"full_name": "Thư Ký A Sửa", "home_unit": cast.a.pk, "is_active": "on"}

    def test_add_invalid_shows_errors_and_saves_nothing(self, client_for, cast):
        before = User.objects.count()
        resp = client_for("admin").post("/accounts/users/add/", {"username": "x y", "full_name": "", "password": "1"})
        assert resp.status_code == 200 and "is-invalid" in resp.content.decode()
        assert User.objects.count() == before


@pytest.mark.django_db
class TestGrants:
    def test_admin_grants_and_revokes(self, client_for, cast):
        c = client_for("admin")
        resp = c.post(f"/accounts/users/{cast.nobody.pk}/grants/add/",
                      {"unit": cast.b.pk, "role": "viewer", "valid_from": "01/01/2026"})
        assert resp.status_code == 302
        g = Grant.objects.get(user=cast.nobody, unit=cast.b)
        assert AuditEntry.objects.filter(action="grant", object_id=str(g.pk)).exists()
        c.post(f"/accounts/grants/{g.pk}/revoke/")
        g.refresh_from_db()
        assert g.valid_to is not None and Grant.objects.filter(pk=g.pk).exists()  # ended, not deleted

    def test_grant_takes_effect_on_scope(self, client_for, cast):
        Grant.objects.create(user=cast.nobody, unit=cast.b, role="viewer", valid_from=dt.date(2025, 1, 1))
        c = client_for("nobody")
        assert c.get(f"/org/units/{cast.b.pk}/").status_code == 200
        assert c.get(f"/org/units/{cast.a.pk}/").status_code == 404

    def test_specialist_cannot_grant(self, client_for, cast):
        resp = client_for("officer_a").post(f"/accounts/users/{cast.clerk_a1.pk}/grants/add/",
                                            {"unit": cast.a1.pk, "role": "admin", "valid_from": "01/01/2026"})
        assert resp.status_code == 404
        assert not Grant.objects.filter(user=cast.clerk_a1, role="admin").exists()

    def test_grant_dropdown_lists_only_scope(self, client_for, cast):
        from tuyengiao.accounts.roles import Role

        Grant.objects.create(user=cast.officer_b, unit=cast.b, role=Role.ADMIN, valid_from=dt.date(2025, 1, 1))
        c = client_for("officer_b")
        target = User.objects.create_user(username="u_b", full_name="Người B", home_unit=cast.b, password=None)
        body = c.get(f"/accounts/users/{target.pk}/").content.decode()
        assert "Đảng ủy phường Bến Thủy" in body and "Đảng ủy xã An Bình" not in body
        resp = c.post(f"/accounts/users/{target.pk}/grants/add/", {"unit": cast.a.pk, "role": "viewer", "valid_from": "01/01/2026"})
        assert resp.status_code == 200 and 'id="id_unit-errors"' in resp.content.decode()
        assert not Grant.objects.filter(user=target, unit=cast.a).exists()

    def test_each_persona_sees_exactly_its_subtree(self, cast):
        from tuyengiao.org.models import Unit

        def codes(u):
            return set(Unit.objects.restrict(u, "view").values_list("code", flat=True))

        assert codes(cast.admin) == {"PROV", "BTGDV", "A", "A1", "B"}
        assert codes(cast.officer_a) == {"A", "A1"}
        assert codes(cast.clerk_a1) == {"A1"}
        assert codes(cast.officer_b) == {"B"}
        assert codes(cast.nobody) == set()
