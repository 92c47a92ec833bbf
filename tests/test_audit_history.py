"""Every write is audited with before/after values; an object's history page shows them to those
allowed to see the object, and answers 404 to everybody else."""
import pytest

from tuyengiao.core.models import AuditEntry
from tuyengiao.org.models import Person


@pytest.mark.django_db
def test_edit_is_audited_and_shown_in_history(client_for, cast):
    c = client_for("officer_a")
    c.post("/org/people/add/", {"full_name": "Trịnh Văn Sử", "home_unit": cast.a.pk, "birth_year": "1980"})
    p = Person.objects.get(full_name="Trịnh Văn Sử")
    c.post(f"/org/people/{p.pk}/edit/", {"full_name": "Trịnh Văn Sử", "home_unit": cast.a.pk, "birth_year": "1981"})
    entries = list(AuditEntry.objects.filter(object_id=str(p.pk)).order_by("at", "id"))
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].actor == cast.officer_a
    assert entries[1].before["birth_year"] == 1980 and entries[1].after["birth_year"] == 1981
    assert entries[1].unit_path == cast.a.path
    body = c.get(f"/history/org/person/{p.pk}/").content.decode()
    assert "1980" in body and "1981" in body and "Lê Thị An" in body


@pytest.mark.django_db
def test_history_out_of_scope_is_404(client_for, cast):
    p = Person.objects.create(full_name="Người Xã A", home_unit=cast.a)
    assert client_for("officer_b").get(f"/history/org/person/{p.pk}/").status_code == 404
    assert client_for("nobody").get(f"/history/org/person/{p.pk}/").status_code == 404
    assert client_for("officer_a").get(f"/history/org/person/{p.pk}/").status_code == 200
    assert client_for("officer_a").get("/history/org/nosuchmodel/1/").status_code == 404


@pytest.mark.django_db
def test_failed_write_leaves_no_audit_and_no_row(client_for, cast):
    before = AuditEntry.objects.count()
    resp = client_for("officer_a").post("/org/people/add/", {"full_name": "", "home_unit": cast.a.pk})
    assert resp.status_code == 200
    assert AuditEntry.objects.count() == before
