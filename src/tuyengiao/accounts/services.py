"""Writes to accounts and grants, each audited."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tuyengiao.core import audit
from tuyengiao.core.permissions import forget
from tuyengiao.core.services import ensure_perm

from .models import NEVER_IN_FORCE, Grant, User


@transaction.atomic
def user_create(*, username: str, full_name: str, email: str = "", home_unit, password: str | None, by,
                is_sample: bool = False) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    user = User(username=username, full_name=full_name, email=email, home_unit=home_unit, is_sample=is_sample)
    ensure_perm(user=by, obj=user, action="add")
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor=by, action="create", obj=user, after=_user_snapshot(user))
    return user


def _user_snapshot(user: User) -> dict:
    data = audit.snapshot(user)
    data.pop("password", None)
    return data


@transaction.atomic
def user_update(*, user: User, data: dict, by) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    ensure_perm(user=by, obj=user, action="change")
    before = _user_snapshot(user)
    for k, v in data.items():
        setattr(user, k, v)
    ensure_perm(user=by, obj=user, action="change")
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor=by, action="update", obj=user, before=before, after=_user_snapshot(user))
    return user


@transaction.atomic
def grant_create(*, user: User, unit, role: str, by, valid_from: dt.date | None = None, note: str = "",
                 carried_from: Grant | None = None) -> Grant:
    grant = Grant(user=user, unit=unit, role=role, valid_from=valid_from or dt.date.today(), note=note,
                  carried_from=carried_from)
    ensure_perm(user=by, obj=grant, action="add")
    grant.full_clean()
    duplicate = Grant.objects.filter(user=user, unit=unit, role=role).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=grant.valid_from)
    ).exclude(NEVER_IN_FORCE)
    if duplicate.exists():
        raise ValidationError({"role": _("This user already holds this role on this unit.")})
    grant.save()
    audit.record(actor=by, action="grant", obj=grant, after=audit.snapshot(grant))
    forget(user)
    return grant


@transaction.atomic
def grant_revoke(*, grant: Grant, by, on: dt.date | None = None, reason: str = "") -> Grant:
    """From `on` (today) the grant is no longer in force: it ends the day before. A grant that has not
    started by then ends the day before its first day, so it is never in force; the row and its audit
    stay (granted, then revoked) and the pages show it as revoked, not in force."""
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    ensure_perm(user=by, obj=grant, action="delete")
    end = (on or dt.date.today()) - dt.timedelta(days=1)
    if grant.valid_to is not None and (grant.valid_to <= end or grant.never_in_force):
        raise ValidationError(_("This role has already ended."))
    before = audit.snapshot(grant)
    grant.valid_to = max(end, grant.valid_from - dt.timedelta(days=1))
    grant.save(update_fields=["valid_to"])
    audit.record(actor=by, action="grant", obj=grant, before=before, after=audit.snapshot(grant), reason=reason)
    forget(grant.user)
    return grant


def grants_carry_over(*, event, by) -> list[Grant]:
    """Give holders of grants on the predecessors the same role on each successor, from the event
    date; their old grants end the day before. Called inside the restructuring transaction."""
    preds = list(event.predecessors())
    succs = list(event.successors())
    if not succs:
        return []
    # Only grants on the predecessors themselves: a grant on one of their sub-units must not widen
    # into the whole successor (the clerk of a cell does not become the reporter of the new ward).
    created = []
    # A grant revoked before it started is not carried; one starting or ending later keeps those dates.
    old = (Grant.objects.filter(unit__in=preds).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=event.date))
           .exclude(NEVER_IN_FORCE).select_related("user"))
    for g in old:
        for s in succs:
            if Grant.objects.filter(user=g.user, unit=s, role=g.role, valid_to__isnull=True).exists():
                continue
            new = Grant.objects.create(user=g.user, unit=s, role=g.role, valid_from=max(event.date, g.valid_from),
                                       valid_to=g.valid_to, carried_from=g,
                                       note=_("Carried over from %(unit)s") % {"unit": g.unit})
            audit.record(actor=by, action="grant", obj=new, after=audit.snapshot(new), reason=str(event))
            created.append(new)
        before = audit.snapshot(g)
        g.valid_to = event.date - dt.timedelta(days=1)
        g.save(update_fields=["valid_to"])
        audit.record(actor=by, action="grant", obj=g, before=before, after=audit.snapshot(g), reason=str(event))
    return created
