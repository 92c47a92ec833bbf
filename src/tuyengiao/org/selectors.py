"""Reads over the organisation: the tree as of a date, lineage closures, timelines."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Value
from django.db.models.functions import Concat

from .models import LineageEvent, LineageLink, Unit, active_on


def units_as_of(on: dt.date, *, root: Unit | None = None, qs=None):
    """Units in force on `on` (optionally within root's subtree)."""
    qs = (qs if qs is not None else Unit.objects.all()).filter(active_on(on))
    if root is not None:
        qs = qs.filter(path__under=root.path)
    return qs


def _forward_links(unit_ids: set[int]):
    return LineageLink.objects.filter(
        role=LineageLink.Role.PREDECESSOR, unit_id__in=unit_ids
    ).values_list("event_id", "event__date", "unit_id")


def successors_closure(unit: Unit) -> list[Unit]:
    """Every unit that descends from `unit` through lineage events, at any date (excluding itself)."""
    seen: set[int] = set()
    frontier = {unit.pk}
    while frontier:
        events = {e for e, _d, _u in _forward_links(frontier)}
        succ = set(
            LineageLink.objects.filter(event_id__in=events, role=LineageLink.Role.SUCCESSOR).values_list("unit_id", flat=True)
        ) - seen - {unit.pk}
        seen |= succ
        frontier = succ
    return list(Unit.objects.filter(pk__in=seen))


def successors_at(unit: Unit, on: dt.date) -> list[Unit]:
    """The units in force on `on` that carry `unit` forward. The unit itself if it is still in force;
    [] if it was abolished without successor. Renames keep the same unit."""
    if unit.is_active(on):
        return [unit]
    result: dict[int, Unit] = {}
    frontier = [unit]
    visited = {unit.pk}
    while frontier:
        links = LineageLink.objects.filter(
            role=LineageLink.Role.PREDECESSOR, unit__in=frontier, event__date__lte=on
        ).values_list("event_id", flat=True)
        nxt = Unit.objects.filter(
            lineage_links__event_id__in=list(links), lineage_links__role=LineageLink.Role.SUCCESSOR
        ).exclude(pk__in=visited).distinct()
        frontier = []
        for s in nxt:
            visited.add(s.pk)
            if s.is_active(on):
                result[s.pk] = s
            else:
                frontier.append(s)
    return sorted(result.values(), key=lambda u: u.sort_key)


def predecessors_closure(unit: Unit) -> list[Unit]:
    seen: set[int] = set()
    frontier = {unit.pk}
    while frontier:
        events = set(LineageLink.objects.filter(role=LineageLink.Role.SUCCESSOR, unit_id__in=frontier).values_list("event_id", flat=True))
        pred = set(LineageLink.objects.filter(event_id__in=events, role=LineageLink.Role.PREDECESSOR).values_list("unit_id", flat=True)) - seen - {unit.pk}
        seen |= pred
        frontier = pred
    return list(Unit.objects.filter(pk__in=seen))


@dataclass(frozen=True)
class TimelineEntry:
    date: dt.date
    kind: str
    label: str
    role: str  # "pred" / "succ" / "name" / "start" / "end"
    event: LineageEvent | None
    others: tuple[Unit, ...]


def lineage_timeline(unit: Unit) -> list[TimelineEntry]:
    """The unit's life: start, names, lineage events (with the units on the other side), end."""
    entries = [TimelineEntry(unit.valid_from, "start", "", "start", None, ())]
    for n in unit.names.order_by("valid_from")[1:]:
        entries.append(TimelineEntry(n.valid_from, "rename", n.name, "name", None, ()))
    links = LineageLink.objects.filter(unit=unit).select_related("event")
    event_ids = [lk.event_id for lk in links]
    others_by_event: dict[int, list[tuple[str, Unit]]] = {}
    for lk in LineageLink.objects.filter(event_id__in=event_ids).exclude(unit=unit).select_related("unit"):
        others_by_event.setdefault(lk.event_id, []).append((lk.role, lk.unit))
    for lk in links:
        if lk.event.kind == LineageEvent.Kind.RENAME:
            continue
        wanted = LineageLink.Role.SUCCESSOR if lk.role == LineageLink.Role.PREDECESSOR else LineageLink.Role.PREDECESSOR
        others = tuple(u for r, u in others_by_event.get(lk.event_id, []) if r == wanted)
        entries.append(TimelineEntry(lk.event.date, lk.event.kind, lk.event.get_kind_display(), lk.role, lk.event, others))
    if unit.valid_to:
        entries.append(TimelineEntry(unit.valid_to, "end", "", "end", None, ()))
    order = {"start": 0, "name": 1, "succ": 1, "pred": 2, "end": 3}
    return sorted(entries, key=lambda e: (e.date, order.get(e.role, 1)))


def tree_children(parent: Unit | None, *, user, on: dt.date | None, search: str = "", type_id: int | None = None):
    """One level of the tree page, with child counts, scoped to the user."""
    qs = Unit.objects.restrict(user, "view").select_related("type")
    if on is not None:
        qs = qs.filter(active_on(on))
    if search or type_id:
        if search:
            qs = qs.search(search)
        if type_id:
            qs = qs.filter(type_id=type_id)
        if parent is not None:
            qs = qs.filter(path__under=parent.path)
        # Ordering by an expression keeps SQLite from walking the whole sort_key index to find matches.
        return qs.order_by(Concat("sort_key", Value("")))[:200], True
    qs = qs.filter(parent=parent) if parent is not None else _visible_roots(qs, user)
    child_filter = Q(children__valid_from__lte=on) & (Q(children__valid_to__isnull=True) | Q(children__valid_to__gte=on)) if on else Q()
    return qs.annotate(n_children=Count("children", filter=child_filter)).order_by("sort_key"), False


def _visible_roots(qs, user):
    """The top of what the user can see: units whose parent is outside their scope."""
    from tuyengiao.core.permissions import ALL, perm_name, scope_paths

    paths = scope_paths(user, perm_name(Unit, "view"))
    if paths == ALL:
        return qs.filter(parent__isnull=True)
    return qs.filter(path__in=paths)


@dataclass(frozen=True)
class MergePreviewRow:
    unit: Unit
    subunits: tuple[Unit, ...]
    grants: int


def merge_preview(predecessors: list[Unit], on: dt.date) -> list[MergePreviewRow]:
    """What confirming a merge will do: which units end, which of their sub-units would end with
    them, how many grants would be carried over."""
    from django.apps import apps

    Grant = apps.get_model("accounts", "Grant")
    rows = []
    for u in predecessors:
        subs = tuple(Unit.objects.filter(path__under=u.path).exclude(pk=u.pk).filter(active_on(on)))
        grants = Grant.objects.filter(unit=u).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        ).count()
        rows.append(MergePreviewRow(u, subs, grants))
    return rows
