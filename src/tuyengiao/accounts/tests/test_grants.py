"""Granting and revoking roles: when a grant is in force, what the pages show, what the audit keeps, and
what a restructuring carries over."""
import datetime as dt

import pytest

from tuyengiao.accounts import services
from tuyengiao.accounts.models import Grant
from tuyengiao.accounts.roles import Role
from tuyengiao.core.models import AuditEntry
from tuyengiao.core.permissions import forget
from tuyengiao.org import services as org_services
from tuyengiao.org.models import Unit, UnitType
from tuyengiao.org.services import NewUnit

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def units_seen(user) -> set[str]:
    forget(user)
    return set(Unit.objects.restrict(user, "view").values_list("code", flat=True))


def grant_history(grant) -> list[tuple]:
    return [(e.before, e.after) for e in AuditEntry.objects.filter(action="grant", object_id=str(grant.pk)).order_by("pk")]


def test_revoked_future_grant_gives_no_access_on_its_start_day(cast):
    start = dt.date.today()
    grant = services.grant_create(user=cast.nobody, unit=cast.b, role=Role.LEADER, valid_from=start, by=cast.admin)
    # Revoked a week before it starts (the tester's case: a grant from 01/12 revoked on 23/11).
    services.grant_revoke(grant=grant, on=start - 7 * DAY, by=cast.admin)
    grant.refresh_from_db()
    assert grant.never_in_force and not grant.is_active(start)
    assert units_seen(cast.nobody) == set()  # today is its start day: still nothing
    assert Grant.objects.filter(pk=grant.pk).exists()  # kept for the record
    (granted_before, granted_after), (revoked_before, revoked_after) = grant_history(grant)
    assert granted_before is None and granted_after["valid_to"] is None
    assert revoked_before["valid_to"] is None and revoked_after["valid_to"] == str(start - DAY)


def test_revoke_through_the_page_of_a_grant_not_yet_started(client_for, cast):
    c = client_for("admin")
    start = dt.date.today() + 9 * DAY
    resp = c.post(f"/accounts/users/{cast.nobody.pk}/grants/add/",
                  {"unit": cast.b.pk, "role": Role.LEADER, "valid_from": start.strftime("%d/%m/%Y")})
    assert resp.status_code == 302
    grant = Grant.objects.get(user=cast.nobody, unit=cast.b)
    assert c.post(f"/accounts/grants/{grant.pk}/revoke/").status_code == 302
    grant.refresh_from_db()
    assert grant.never_in_force
    assert not any(grant.is_active(start + n * DAY) for n in range(-10, 10))
    body = c.get(f"/accounts/users/{cast.nobody.pk}/").content.decode()
    assert "Đã thu hồi, không có hiệu lực" in body
    assert f"{start:%d/%m/%Y}</td><td>{start:%d/%m/%Y}" not in body  # not a one-day grant
    assert f'action="/accounts/grants/{grant.pk}/revoke/"' not in body  # nothing left to revoke


def test_revoking_a_current_grant_ends_it_yesterday(cast):
    grant = Grant.objects.get(user=cast.clerk_a1)
    assert units_seen(cast.clerk_a1) == {"A1"}
    services.grant_revoke(grant=grant, by=cast.admin)
    grant.refresh_from_db()
    assert grant.valid_to == dt.date.today() - DAY and not grant.never_in_force
    assert grant.is_active(dt.date.today() - DAY)
    assert units_seen(cast.clerk_a1) == set()


def test_revoking_a_grant_that_started_today_takes_effect_at_once(cast):
    grant = services.grant_create(user=cast.nobody, unit=cast.b, role=Role.VIEWER, by=cast.admin)
    assert units_seen(cast.nobody) == {"B"}
    services.grant_revoke(grant=grant, by=cast.admin)
    assert units_seen(cast.nobody) == set()  # not for the rest of the day


def test_an_ended_grant_is_not_revoked_again(client_for, cast):
    grant = Grant.objects.get(user=cast.clerk_a1)
    services.grant_revoke(grant=grant, on=dt.date(2026, 1, 1), by=cast.admin)
    entries = AuditEntry.objects.count()
    resp = client_for("admin").post(f"/accounts/grants/{grant.pk}/revoke/", follow=True)
    assert "Vai trò này đã kết thúc." in resp.content.decode()
    grant.refresh_from_db()
    assert grant.valid_to == dt.date(2025, 12, 31)  # not moved later, which would reopen it
    assert AuditEntry.objects.count() == entries


def test_a_grant_revoked_before_it_started_does_not_block_a_new_one(cast):
    start = dt.date.today() + 30 * DAY
    old = services.grant_create(user=cast.nobody, unit=cast.b, role=Role.VIEWER, valid_from=start, by=cast.admin)
    services.grant_revoke(grant=old, by=cast.admin)
    new = services.grant_create(user=cast.nobody, unit=cast.b, role=Role.VIEWER, valid_from=start - 10 * DAY,
                                by=cast.admin)
    assert new.is_active(start)


# --------------------------------------------------------------------------- the grant form


def test_role_has_an_empty_first_choice(client_for, cast):
    body = client_for("admin").get(f"/accounts/users/{cast.nobody.pk}/").content.decode()
    select = body[body.index('name="role"'):]
    select = select[:select.index("</select>")]
    assert select.index('<option value="" selected>Chọn vai trò</option>') < select.index('value="admin"')


def test_grant_without_a_role_is_a_field_error(client_for, cast):
    resp = client_for("admin").post(f"/accounts/users/{cast.nobody.pk}/grants/add/",
                                    {"unit": cast.b.pk, "role": "", "valid_from": "01/12/2026", "note": "Ghi chú"})
    body = resp.content.decode()
    assert resp.status_code == 200
    assert 'id="id_role-errors"' in body and "Hãy chọn vai trò." in body
    assert 'value="Ghi chú"' in body  # what was entered is kept
    assert not Grant.objects.filter(user=cast.nobody).exists()


def test_duplicate_grant_error_is_at_the_role(client_for, cast):
    resp = client_for("admin").post(f"/accounts/users/{cast.clerk_a1.pk}/grants/add/",
                                    {"unit": cast.a1.pk, "role": Role.REPORTER, "valid_from": "01/12/2026"})
    assert resp.status_code == 200
    assert 'id="id_role-errors"' in resp.content.decode()
    assert Grant.objects.filter(user=cast.clerk_a1).count() == 1


# --------------------------------------------------------------------------- restructuring


@pytest.fixture
def two_communes(cast):
    t_xa = UnitType.objects.get(code="dang-uy-xa")
    return [org_services.unit_create(data=NewUnit(name, code, t_xa, cast.province), valid_from=dt.date(2025, 7, 1),
                                     by=None)
            for name, code in [("Đảng ủy xã Hiệp An", "HA"), ("Đảng ủy xã Long Xuyên", "LX")]]


def _merge(cast, units, on):
    t_xa = UnitType.objects.get(code="dang-uy-xa")
    event = org_services.unit_merge(predecessors=units, on=on, by=cast.admin, carry_grants=True,
                                    successor=NewUnit("Đảng ủy xã Hiệp Long", "HL", t_xa, cast.province))
    return event.successors().get()


def test_merge_does_not_carry_a_grant_revoked_before_it_started(cast, two_communes):
    x1, x2 = two_communes
    g = services.grant_create(user=cast.nobody, unit=x1, role=Role.LEADER, valid_from=dt.date(2026, 12, 1),
                              by=cast.admin)
    services.grant_revoke(grant=g, on=dt.date(2026, 11, 23), by=cast.admin)
    new = _merge(cast, [x1, x2], dt.date(2026, 11, 1))
    assert not Grant.objects.filter(unit=new).exists()


def test_merge_carries_a_grant_with_its_own_dates(cast, two_communes):
    x1, x2 = two_communes
    later = Grant.objects.create(user=cast.nobody, unit=x1, role=Role.LEADER, valid_from=dt.date(2026, 12, 1))
    ending = Grant.objects.create(user=cast.viewer, unit=x2, role=Role.VIEWER, valid_from=dt.date(2025, 7, 1),
                                  valid_to=dt.date(2026, 12, 31))
    new = _merge(cast, [x1, x2], dt.date(2026, 11, 1))
    carried = {g.carried_from_id: (g.valid_from, g.valid_to) for g in Grant.objects.filter(unit=new)}
    assert carried == {later.pk: (dt.date(2026, 12, 1), None),  # not a month early
                       ending.pk: (dt.date(2026, 11, 1), dt.date(2026, 12, 31))}  # not for ever
