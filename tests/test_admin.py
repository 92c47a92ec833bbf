import pytest


@pytest.mark.django_db
def test_admin_for_superusers_only(client_for, cast):
    assert client_for("superuser").get("/admin/org/unit/").status_code == 200
    assert client_for("superuser").get(f"/admin/org/unit/{cast.a.pk}/change/").status_code == 200
    assert client_for("superuser").get("/admin/accounts/user/").status_code == 200
    assert client_for("superuser").get("/admin/core/auditentry/").status_code == 200
    assert client_for("admin").get("/admin/org/unit/").status_code == 302  # not staff: to the admin login
