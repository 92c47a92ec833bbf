"""The merge wizard through the pages: nothing is written before the confirmation."""
import datetime as dt

import pytest

from tuyengiao.accounts.models import Grant
from tuyengiao.org.models import LineageEvent, Unit


@pytest.mark.django_db
def test_merge_wizard_three_steps(client_for, cast):
    c = client_for("admin")
    Grant.objects.create(user=cast.officer_b, unit=cast.b, role="specialist", valid_from=dt.date(2025, 7, 1))
    step1 = {"step": "1", "c-on": "01/01/2026", "c-predecessors": [cast.a.pk, cast.b.pk], "c-decision": "NQ 01"}
    resp = c.post("/org/restructure/merge/", step1)
    assert resp.status_code == 200 and resp.context["step"] == 2
    step2 = {**step1, "step": "2", "s-parent": cast.province.pk, "s-type": cast.a.type_id, "s-code": "AB",
             "s-name": "Đảng ủy phường An Bến", "s-carry_grants": "on", "s-close_subunits": "on"}
    resp = c.post("/org/restructure/merge/", step2)
    assert resp.status_code == 200 and resp.context["step"] == 3
    body = resp.content.decode()
    assert "Chi bộ" in body or "1" in body
    assert not Unit.objects.filter(code="AB").exists()  # nothing yet
    resp = c.post("/org/restructure/merge/", {**step2, "step": "3"})
    assert resp.status_code == 302
    new = Unit.objects.get(code="AB")
    assert new.valid_from == dt.date(2026, 1, 1)
    assert LineageEvent.objects.filter(kind="merge", links__unit=new).exists()
    cast.a.refresh_from_db()
    assert cast.a.valid_to == dt.date(2025, 12, 31)
    assert Grant.objects.filter(user=cast.officer_b, unit=new).exists()


@pytest.mark.django_db
def test_merge_wizard_validation_at_field(client_for, cast):
    c = client_for("admin")
    resp = c.post("/org/restructure/merge/", {"step": "1", "c-on": "31/02/2026", "c-predecessors": [cast.a.pk]})
    form = resp.context["choose"]
    assert "on" in form.errors and "predecessors" in form.errors


@pytest.mark.django_db
def test_merge_wizard_out_of_scope_units_not_offered(client_for, cast):
    from tuyengiao.accounts.roles import Role

    Grant.objects.create(user=cast.officer_b, unit=cast.b, role=Role.ADMIN, valid_from=dt.date(2025, 1, 1))
    c = client_for("officer_b")
    body = c.get("/org/restructure/merge/").content.decode()
    assert "Bến Thủy" in body and "An Bình" not in body
    resp = c.post("/org/restructure/merge/", {"step": "1", "c-on": "01/01/2026", "c-predecessors": [cast.a.pk, cast.b.pk]})
    assert resp.context["step"] == 1 and resp.context["choose"].errors


@pytest.mark.django_db
def test_split_page(client_for, cast):
    c = client_for("admin")
    data = {"on": "01/01/2026", "close_subunits": "on", "carry_grants": "on",
            "p-TOTAL_FORMS": "4", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "10",
            "p-0-name": "Đảng ủy xã An Bình Bắc", "p-0-code": "AB1", "p-1-name": "Đảng ủy xã An Bình Nam", "p-1-code": "AB2"}
    resp = c.post(f"/org/units/{cast.a.pk}/split/", data)
    assert resp.status_code == 302
    event = LineageEvent.objects.get(kind="split")
    assert {u.code for u in event.successors()} == {"AB1", "AB2"}
    cast.a.refresh_from_db()
    assert cast.a.valid_to == dt.date(2025, 12, 31)


@pytest.mark.django_db
def test_split_needs_two_units_and_codes(client_for, cast):
    c = client_for("admin")
    data = {"on": "01/01/2026", "p-TOTAL_FORMS": "4", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0",
            "p-MAX_NUM_FORMS": "10", "p-0-name": "Chỉ một", "p-0-code": "ONE", "p-1-name": "Thiếu mã"}
    resp = c.post(f"/org/units/{cast.a.pk}/split/", data)
    assert resp.status_code == 200
    assert resp.context["parts"].forms[1].errors["code"]
    assert not Unit.objects.filter(code="ONE").exists()
    data["p-1-code"] = "TWO"
    data.pop("p-1-name")
    resp = c.post(f"/org/units/{cast.a.pk}/split/", data)
    assert resp.status_code == 200 and not Unit.objects.filter(code="ONE").exists()
