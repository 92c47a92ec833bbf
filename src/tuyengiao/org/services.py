"""Writes to the organisation. Restructuring never moves a unit: it creates successors, closes
predecessors and links them by a lineage event."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuyengiao.core import audit
from tuyengiao.core.services import ensure_perm, object_create

from .models import Cluster, LineageEvent, LineageLink, Unit, UnitName, UnitType, active_on
from .signals import lineage_recorded

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class NewUnit:
    name: str
    code: str
    type: UnitType
    parent: Unit | None
    short_name: str = ""
    issuer_abbr: str = ""


def _check_parent(parent: Unit | None, on: dt.date) -> None:
    if parent is not None and not parent.is_active(on):
        raise ValidationError({"parent": _("The parent unit is not in force on %(date)s.") % {"date": f"{on:%d/%m/%Y}"}})


def check_code_free(*, code: str, parent: Unit | None, on: dt.date, exclude: Sequence[Unit] = (),
                    ending: Sequence[Unit] = ()) -> None:
    """The code uniqueness rule: under one parent, two units in force on the same day have different codes.

    A unit counts when it is in force on `on`; dates are inclusive, so a unit whose last day is `on` - 1
    does not. `ending` are the units the same restructuring ends on `on` - 1 (a merge's or a split's
    predecessors): they are still open while it runs but will not be in force on `on`, so their code
    may pass on to a successor. `exclude`: the unit being renamed. The merge wizard checks step 2 with
    this same rule."""
    skip = [u.pk for u in (*exclude, *ending)]
    clash = Unit.objects.filter(active_on(on), code=code, parent=parent).exclude(pk__in=skip).order_by("sort_key").first()
    if clash is not None:
        raise ValidationError({"code": _("%(unit)s, under the same parent unit, already has the code %(code)s on %(date)s; choose another code.")
                               % {"unit": clash, "code": code, "date": f"{on:%d/%m/%Y}"}})


@transaction.atomic
def unit_create(*, data: NewUnit, valid_from: dt.date, by, is_sample: bool = False, ending: Sequence[Unit] = ()) -> Unit:
    """`ending`: the units the calling restructuring ends the day before (see check_code_free)."""
    _check_parent(data.parent, valid_from)
    if data.parent is not None and data.parent.valid_from > valid_from:
        raise ValidationError({"valid_from": _("A unit cannot start before its parent unit.")})
    check_code_free(code=data.code, parent=data.parent, on=valid_from, ending=ending)
    unit = Unit(
        parent=data.parent, type=data.type, code=data.code, name=data.name, short_name=data.short_name,
        issuer_abbr=data.issuer_abbr, valid_from=valid_from, is_sample=is_sample,
    )
    if data.parent is not None:
        # Scope is checked on the parent: creating a child needs the right over the parent's subtree.
        unit.path = data.parent.path
    ensure_perm(user=by, obj=unit, action="add")
    unit.full_clean(exclude=["path"])
    unit.save()
    UnitName.objects.create(
        unit=unit, code=unit.code, name=unit.name, short_name=unit.short_name, issuer_abbr=unit.issuer_abbr,
        valid_from=valid_from,
    )
    audit.record(actor=by, action="create", obj=unit, after=audit.snapshot(unit))
    return unit


@transaction.atomic
def unit_update_details(*, unit: Unit, by, type: UnitType | None = None) -> Unit:
    """Edit what is not date-ranged (the type); names change through unit_rename."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    ensure_perm(user=by, obj=unit, action="change")
    before = audit.snapshot(unit)
    if type is not None:
        unit.type = type
    unit.save()
    audit.record(actor=by, action="update", obj=unit, before=before, after=audit.snapshot(unit))
    return unit


@transaction.atomic
def unit_rename(*, unit: Unit, on: dt.date, name: str, code: str, short_name: str = "", issuer_abbr: str = "",
                decision: str = "", by) -> LineageEvent:
    """A new name range from `on`; the current range ends the day before. The unit stays the same."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    ensure_perm(user=by, obj=unit, action="change")
    if not unit.is_active(on):
        raise ValidationError({"valid_from": _("The unit is not in force on %(date)s.") % {"date": f"{on:%d/%m/%Y}"}})
    current = unit.names.filter(active_on(on)).order_by("-valid_from").first()
    if current and current.valid_from >= on:
        raise ValidationError({"valid_from": _("A rename must come after the start of the current name (%(date)s).") % {"date": f"{current.valid_from:%d/%m/%Y}"}})
    if unit.names.filter(valid_from__gt=on).exists():
        raise ValidationError({"valid_from": _("A later name already exists; name ranges cannot overlap.")})
    check_code_free(code=code, parent=unit.parent, on=on, exclude=[unit])
    before = audit.snapshot(unit)
    if current:
        current.valid_to = on - ONE_DAY
        current.save(update_fields=["valid_to"])
    UnitName.objects.create(unit=unit, code=code, name=name, short_name=short_name, issuer_abbr=issuer_abbr, valid_from=on)
    if on <= dt.date.today():
        unit.name, unit.code, unit.short_name, unit.issuer_abbr = name, code, short_name, issuer_abbr
        unit.save()
    event = _event(kind=LineageEvent.Kind.RENAME, on=on, decision=decision, preds=[unit], succs=[unit])
    audit.record(actor=by, action="lineage", obj=unit, before=before, after=audit.snapshot(unit),
                 reason=_("Renamed from %(date)s") % {"date": f"{on:%d/%m/%Y}"})
    lineage_recorded.send(sender=LineageEvent, event=event, by=by, carry_grants=False)
    return event


def _event(*, kind, on, decision, preds, succs, note="", shares=None) -> LineageEvent:
    anchor = (succs or preds)[0]
    scope = anchor.parent.path if anchor.parent_id else anchor.path
    event = LineageEvent.objects.create(kind=kind, date=on, decision=decision, note=note, scope_path=scope)
    LineageLink.objects.bulk_create(
        [LineageLink(event=event, unit=u, role=LineageLink.Role.PREDECESSOR) for u in preds]
        + [LineageLink(event=event, unit=u, role=LineageLink.Role.SUCCESSOR, share=(shares or {}).get(u.pk)) for u in succs]
    )
    return event


def _close(unit: Unit, on: dt.date, by, reason: str, cascade: bool) -> list[Unit]:
    """End `unit` the day before `on`; its sub-units still in force end with it when cascade is set."""
    last_day = on - ONE_DAY
    if unit.valid_from > last_day:
        raise ValidationError(_("%(unit)s only starts on %(date)s: an event cannot come before a unit exists.") % {"unit": unit, "date": f"{unit.valid_from:%d/%m/%Y}"})
    if unit.valid_to is not None and unit.valid_to < last_day:
        raise ValidationError(_("%(unit)s already ended on %(date)s.") % {"unit": unit, "date": f"{unit.valid_to:%d/%m/%Y}"})
    children = list(Unit.objects.subtree(unit, include_self=False).filter(active_on(on)))
    if children and not cascade:
        names = ", ".join(str(c) for c in children[:5])
        raise ValidationError(_("%(unit)s still has sub-units in force on %(date)s: %(names)s.") % {"unit": unit, "date": f"{on:%d/%m/%Y}", "names": names})
    closed = []
    for u in [unit, *children]:
        before = audit.snapshot(u)
        u.valid_to = last_day
        u.save(update_fields=["valid_to"])
        u.names.filter(valid_to__isnull=True).update(valid_to=last_day)
        audit.record(actor=by, action="close", obj=u, before=before, after=audit.snapshot(u), reason=reason)
        closed.append(u)
    return closed


def _lock(units: list[Unit]) -> list[Unit]:
    locked = {u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=[u.pk for u in units])}
    return [locked[u.pk] for u in units]


@transaction.atomic
def unit_merge(*, predecessors: list[Unit], successor: NewUnit, on: dt.date, by, decision: str = "", note: str = "",
               carry_grants: bool = True, close_subunits: bool = False) -> LineageEvent:
    """Several units become one new unit from `on`; the predecessors end the day before."""
    if len(predecessors) < 2:
        raise ValidationError(_("Choose at least two units to merge."))
    preds = _lock(predecessors)
    for u in preds:
        ensure_perm(user=by, obj=u, action="restructure")
    new = unit_create(data=successor, valid_from=on, by=by, is_sample=all(u.is_sample for u in preds), ending=preds)
    reason = _("Merged into %(unit)s") % {"unit": new}
    for u in preds:
        _close(u, on, by, reason, cascade=close_subunits)
    event = _event(kind=LineageEvent.Kind.MERGE, on=on, decision=decision, note=note, preds=preds, succs=[new])
    audit.record(actor=by, action="lineage", obj=event, after={"predecessors": [u.pk for u in preds], "successors": [new.pk]})
    lineage_recorded.send(sender=LineageEvent, event=event, by=by, carry_grants=carry_grants)
    return event


@transaction.atomic
def unit_split(*, predecessor: Unit, successors: list[NewUnit], on: dt.date, by, decision: str = "", note: str = "",
               carry_grants: bool = True, close_subunits: bool = False) -> LineageEvent:
    if len(successors) < 2:
        raise ValidationError(_("A split needs at least two new units."))
    (pred,) = _lock([predecessor])
    ensure_perm(user=by, obj=pred, action="restructure")
    news = [unit_create(data=s, valid_from=on, by=by, is_sample=pred.is_sample, ending=[pred]) for s in successors]
    _close(pred, on, by, _("Split"), cascade=close_subunits)
    event = _event(kind=LineageEvent.Kind.SPLIT, on=on, decision=decision, note=note, preds=[pred], succs=news)
    audit.record(actor=by, action="lineage", obj=event, after={"predecessors": [pred.pk], "successors": [u.pk for u in news]})
    lineage_recorded.send(sender=LineageEvent, event=event, by=by, carry_grants=carry_grants)
    return event


@transaction.atomic
def unit_absorb(*, absorbed: list[Unit], into: Unit, on: dt.date, by, decision: str = "", note: str = "",
                carry_grants: bool = True, close_subunits: bool = False) -> LineageEvent:
    """Existing unit `into` takes over `absorbed` units, which end the day before `on`."""
    from .selectors import successors_closure

    preds = _lock(absorbed)
    (target,) = _lock([into])
    if target.pk in {u.pk for u in preds}:
        raise ValidationError(_("A unit cannot absorb itself."))
    if any(target.pk in {s.pk for s in successors_closure(u)} for u in preds) or any(
        u.pk in {s.pk for s in successors_closure(target)} for u in preds
    ):
        raise ValidationError(_("This link would make a cycle in the lineage."))
    if not target.is_active(on):
        raise ValidationError(_("%(unit)s is not in force on %(date)s.") % {"unit": target, "date": f"{on:%d/%m/%Y}"})
    for u in [*preds, target]:
        ensure_perm(user=by, obj=u, action="restructure")
    for u in preds:
        _close(u, on, by, _("Absorbed into %(unit)s") % {"unit": target}, cascade=close_subunits)
    event = _event(kind=LineageEvent.Kind.ABSORB, on=on, decision=decision, note=note, preds=preds, succs=[target])
    audit.record(actor=by, action="lineage", obj=event, after={"predecessors": [u.pk for u in preds], "successors": [target.pk]})
    lineage_recorded.send(sender=LineageEvent, event=event, by=by, carry_grants=carry_grants)
    return event


@transaction.atomic
def unit_abolish(*, unit: Unit, on: dt.date, by, decision: str = "", note: str = "", close_subunits: bool = False) -> LineageEvent:
    (u,) = _lock([unit])
    ensure_perm(user=by, obj=u, action="restructure")
    _close(u, on, by, _("Abolished"), cascade=close_subunits)
    event = _event(kind=LineageEvent.Kind.ABOLISH, on=on, decision=decision, note=note, preds=[u], succs=[])
    audit.record(actor=by, action="lineage", obj=event, after={"predecessors": [u.pk], "successors": []})
    lineage_recorded.send(sender=LineageEvent, event=event, by=by, carry_grants=False)
    return event


@transaction.atomic
def cluster_save(*, cluster: Cluster | None, data: dict, members: list[Unit], by) -> Cluster:
    """Create or edit a cluster; the head and deputy must be members and differ."""
    member_ids = {u.pk for u in members}
    head, deputy = data.get("head"), data.get("deputy")
    errors = {}
    if head and head.pk not in member_ids:
        errors["head"] = _("The head unit must be a member of the cluster.")
    if deputy and deputy.pk not in member_ids:
        errors["deputy"] = _("The deputy unit must be a member of the cluster.")
    if head and deputy and head.pk == deputy.pk:
        errors["deputy"] = _("The deputy unit must differ from the head unit.")
    if errors:
        raise ValidationError(errors)
    if cluster is None:
        return object_create(model=Cluster, data=data, by=by, m2m={"members": members})
    from tuyengiao.core.services import object_update

    return object_update(obj=cluster, data=data, by=by, m2m={"members": members})
