"""The merge wizard through the pages: nothing is written before the confirmation."""
import datetime as dt

import pytest

from tuyengiao.accounts.models import Grant
from tuyengiao.org import services
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


STEP1 = {"step": "1", "c-on": "01/01/2027", "c-decision": "NQ 02"}


def _step2(cast, **succ):
    data = {**STEP1, "c-predecessors": [cast.a.pk, cast.b.pk], "step": "2", "s-parent": cast.province.pk,
            "s-type": cast.a.type_id, "s-code": "AB", "s-name": "Đảng ủy phường An Bến", "s-carry_grants": "on",
            "s-close_subunits": "on"}
    data.update({f"s-{k}": v for k, v in succ.items()})
    return data


@pytest.mark.django_db
class TestNewUnitCheckedAtStep2:
    """What the merge would refuse is said at step 2, at the field, where it can be corrected."""

    def test_a_code_another_unit_in_force_uses(self, client_for, cast):
        resp = client_for("admin").post("/org/restructure/merge/", _step2(cast, code="BTGDV"))
        assert resp.context["step"] == 2
        errors = resp.context["succ"].errors
        assert list(errors) == ["code"] and "Ban Tuyên giáo và Dân vận Tỉnh ủy" in errors["code"][0]
        body = resp.content.decode()
        assert 'id="id_s-code-errors"' in body and 'aria-invalid="true"' in body
        assert 'value="BTGDV"' in body  # the input is kept
        assert not Unit.objects.filter(name="Đảng ủy phường An Bến").exists()

    def test_a_predecessors_own_code_is_accepted_and_kept(self, client_for, cast):
        c = client_for("admin")
        resp = c.post("/org/restructure/merge/", _step2(cast, code="A"))
        assert resp.context["step"] == 3, resp.context["succ"].errors
        resp = c.post("/org/restructure/merge/", {**_step2(cast, code="A"), "step": "3"})
        assert resp.status_code == 302
        new = Unit.objects.get(name="Đảng ủy phường An Bến")
        assert new.code == "A" and new.valid_from == dt.date(2027, 1, 1)

    def test_sub_units_in_force_without_closing_them(self, client_for, cast):
        data = _step2(cast)
        data.pop("s-close_subunits")
        resp = client_for("admin").post("/org/restructure/merge/", data)
        assert resp.context["step"] == 2
        (error,) = resp.context["succ"].errors["close_subunits"]
        assert "Đảng ủy xã An Bình" in error and "Chi bộ thôn Đông" in error and "01/01/2027" in error

    def test_the_new_unit_under_a_unit_that_ends(self, client_for, cast):
        resp = client_for("admin").post("/org/restructure/merge/", _step2(cast, parent=cast.a.pk))
        assert resp.context["step"] == 2 and "parent" in resp.context["succ"].errors

    def test_a_refusal_at_the_confirmation_goes_back_to_step_2(self, client_for, cast):
        """Between step 2 and the confirmation someone else took the code: the error is shown with the fields."""
        c = client_for("admin")
        assert c.post("/org/restructure/merge/", _step2(cast, code="NEW")).context["step"] == 3
        services.unit_create(data=services.NewUnit("Ban khác", "NEW", cast.commission.type, cast.province),
                             valid_from=dt.date(2026, 6, 1), by=cast.admin)
        resp = c.post("/org/restructure/merge/", {**_step2(cast, code="NEW"), "step": "3"})
        assert resp.status_code == 200 and resp.context["step"] == 2
        assert "Ban khác" in resp.context["succ"].errors["code"][0]
        assert 'id="id_s-code"' in resp.content.decode()
        assert not LineageEvent.objects.filter(kind="merge").exists()


@pytest.mark.django_db
def test_the_preview_names_the_last_day_and_back_keeps_everything(client_for, cast):
    c = client_for("admin")
    step2 = _step2(cast, short_name="ĐU An Bến")
    resp = c.post("/org/restructure/merge/", step2)
    body = resp.content.decode()
    assert "“Đảng ủy xã An Bình” kết thúc hiệu lực vào ngày 31/12/2026." in body
    assert "có hiệu lực từ ngày 01/01/2027" in body and "ngày liền trước" not in body
    assert '<button class="btn btn-outline-secondary" type="submit" name="back" value="2" id="merge-back">Quay lại</button>' in body

    # back from the confirmation: step 2 with what was entered, no error shown
    resp = c.post("/org/restructure/merge/", {**step2, "step": "3", "back": "2"})
    assert resp.context["step"] == 2 and not resp.context["succ"].is_bound
    body = resp.content.decode()
    for value in ("AB", "Đảng ủy phường An Bến", "ĐU An Bến"):
        assert f'value="{value}"' in body
    assert 'id="id_s-close_subunits" checked' in body.replace(' class="form-check-input"', "")
    assert "invalid-feedback" not in body

    # back to step 1: the units, date and decision shown again; the new unit's fields carried along
    resp = c.post("/org/restructure/merge/", {**step2, "back": "1"})
    assert resp.context["step"] == 1
    body = resp.content.decode()
    assert 'value="01/01/2027"' in body and 'value="NQ 02"' in body
    assert f'<option value="{cast.a.pk}" selected>' in body and f'<option value="{cast.b.pk}" selected>' in body
    assert '<input type="hidden" name="s-short_name" value="ĐU An Bến">' in body
    # forward again: step 2 shows the carried values, not the proposal from the first unit
    step1 = {k: v for k, v in step2.items() if k != "step"}
    resp = c.post("/org/restructure/merge/", {**step1, "step": "1", "c-on": "01/02/2027"})
    assert resp.context["step"] == 2
    body = resp.content.decode()
    assert 'value="ĐU An Bến"' in body and 'value="AB"' in body and "01/02/2027" in body
    assert not Unit.objects.filter(code="AB").exists()
