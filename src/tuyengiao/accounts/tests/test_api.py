"""The accounts API: users and grants through the generic scope suite; no password hash ever leaves."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tuyengiao.accounts.models import Grant, User
from tuyengiao.accounts.roles import Role
from tuyengiao.core.testing.api_mixins import APIViewTestCases

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


class TestUserAPI(APIViewTestCases.GetObject, APIViewTestCases.ListObjects, APIViewTestCases.CreateObject,
                  APIViewTestCases.UpdateObject):
    model = User
    basename = "user"
    persona_role = Role.ADMIN  # accounts are managed by administrators of the unit
    outsider_role = Role.ADMIN
    update_data = {"full_name": "Phạm Văn Đông (Chi bộ thôn Đông)", "is_active": False}

    def make_in_scope(self, cast):
        return cast.clerk_a1

    def make_out_of_scope(self, cast):
        return cast.officer_b

    def create_data(self, cast):
        return {"username": "bithu_a", "full_name": "Đặng Thị Sáu", "email": "sau@example.org",
                "home_unit": cast.a.pk, "password": "Mot-mat-khau-du-dai-2026"}


class TestGrantAPI(APIViewTestCases.GetObject, APIViewTestCases.ListObjects, APIViewTestCases.CreateObject,
                   APIViewTestCases.CloseObject):
    model = Grant
    basename = "grant"
    persona_role = Role.ADMIN
    outsider_role = Role.ADMIN

    def make_in_scope(self, cast):
        return Grant.objects.get(user=cast.clerk_a1, unit=cast.a1)

    def make_out_of_scope(self, cast):
        return Grant.objects.get(user=cast.officer_b, unit=cast.b, role=Role.SPECIALIST)

    def create_data(self, cast):
        return {"user": cast.clerk_a1.pk, "unit": cast.a1.pk, "role": Role.VIEWER, "note": "Xem báo cáo"}


def test_password_hash_is_never_exposed(cast, api_for):
    client = api_for("admin")
    detail = client.get(reverse("api:user-detail", args=[cast.officer_a.pk]))
    assert detail.status_code == 200
    assert "password" not in detail.json()
    assert cast.officer_a.password not in detail.content.decode()
    listing = client.get(reverse("api:user-list"), {"limit": 100}).content.decode()
    assert "password" not in listing and "md5$" not in listing and "argon2" not in listing


def test_created_user_can_sign_in(cast, api_for):
    data = {"username": "bithu_a", "full_name": "Đặng Thị Sáu", "home_unit": cast.a.pk,
            "password": "Mot-mat-khau-du-dai-2026"}
    response = api_for("admin").post(reverse("api:user-list"), data, format="json")
    assert response.status_code == 201, response.content
    assert "password" not in response.json()
    assert User.objects.get(username="bithu_a").check_password(data["password"])


def test_weak_password_and_duplicate_username_are_field_errors(cast, api_for):
    client = api_for("admin")
    weak = client.post(reverse("api:user-list"), {"username": "x1", "home_unit": cast.a.pk, "password": "123"},
                       format="json")
    assert weak.status_code == 400 and "password" in weak.json()
    dup = client.post(reverse("api:user-list"), {"username": "OFFICER_A", "home_unit": cast.a.pk}, format="json")
    assert dup.status_code == 400 and "username" in dup.json()


def test_username_does_not_change_on_update(cast, api_for):
    url = reverse("api:user-detail", args=[cast.clerk_a1.pk])
    assert api_for("admin").patch(url, {"username": "khac"}, format="json").status_code == 200
    cast.clerk_a1.refresh_from_db()
    assert cast.clerk_a1.username == "clerk_a1"


def test_leader_reads_but_does_not_write_users(cast, api_for):
    client = api_for("leader")
    assert cast.clerk_a1.pk in ids(client.get(reverse("api:user-list"), {"limit": 100}))
    url = reverse("api:user-detail", args=[cast.clerk_a1.pk])
    assert client.patch(url, {"full_name": "X"}, format="json").status_code == 404
    assert client.post(reverse("api:user-list"), {"username": "x2", "home_unit": cast.a.pk},
                       format="json").status_code == 403


def test_user_filters(cast, api_for):
    client = api_for("admin")
    url = reverse("api:user-list")
    assert set(ids(client.get(url, {"home_unit": cast.a.pk}))) == {cast.officer_a.pk, cast.clerk_a1.pk}
    assert ids(client.get(url, {"q": "pham van dong"})) == [cast.clerk_a1.pk]
    cast.clerk_a1.is_active = False
    cast.clerk_a1.save()
    assert ids(client.get(url, {"q": "dong", "is_active": "false"})) == [cast.clerk_a1.pk]


def test_revoked_grant_stays_and_stops_working(cast, api_for):
    grant = Grant.objects.get(user=cast.clerk_a1)
    assert api_for("admin").delete(reverse("api:grant-detail", args=[grant.pk])).status_code == 204
    grant.refresh_from_db()
    assert grant.valid_to is not None
    url = reverse("api:grant-list")
    active = ids(api_for("admin").get(url, {"user": cast.clerk_a1.pk, "active": "true"}))
    assert active == []
    assert ids(api_for("admin").get(url, {"user": cast.clerk_a1.pk})) == [grant.pk]
    cast.clerk_a1.__dict__.pop("_scope_cache", None)
    assert api_for("clerk_a1").get(reverse("api:unit-list")).status_code == 403


def test_duplicate_grant_is_a_field_error(cast, api_for):
    data = {"user": cast.clerk_a1.pk, "unit": cast.a1.pk, "role": Role.REPORTER}
    response = api_for("admin").post(reverse("api:grant-list"), data, format="json")
    assert response.status_code == 400 and "role" in response.json()


def test_grants_are_not_edited_in_place(cast, api_for):
    grant = Grant.objects.get(user=cast.clerk_a1)
    url = reverse("api:grant-detail", args=[grant.pk])
    assert api_for("admin").patch(url, {"role": Role.ADMIN}, format="json").status_code == 405
    grant.refresh_from_db()
    assert grant.role == Role.REPORTER


def test_grant_filter_dropdowns_are_scoped(cast, api_for):
    response = api_for("officer_b").get(reverse("api:grant-list"), {"user": cast.clerk_a1.pk})
    # officer_b (specialist) may view grants in B only; clerk_a1 is not a choice for them.
    assert response.status_code == 400 and "user" in response.json()
