"""Reads for reporting: who owes what, completeness, checks, versions and roll-ups.

Roll-ups are live (an approved value counts in every ancestor's totals at once) and cost one aggregate
query over ReportValue per call, whatever the number of units; the lineage of the 2025 restructuring
is read once per call and walked in memory."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db import connections
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.org.models import PATH_WIDTH, LineageLink, Unit, active_on

from . import expressions, sql
from . import periods as P
from .models import (
    FormVersion,
    Indicator,
    NarrativeEntry,
    Period,
    PeriodDeadline,
    Regime,
    Report,
    ReportValue,
    ReportVersion,
    Section,
)

Status = Report.Status
State = ReportValue.State
APPROVED = (Status.APPROVED,)
RECEIVED = (Status.SUBMITTED, Status.APPROVED)
SEGMENT = PATH_WIDTH + 1


# --------------------------------------------------------------------------- deadlines, expected units


def effective_deadline(regime: Regime, period: Period) -> dt.date:
    override = PeriodDeadline.objects.filter(regime=regime, period=period).values_list("deadline", flat=True).first()
    return override or regime.default_deadline(period)


def reporting_root(regime: Regime) -> Unit:
    """The subtree reports come from: the receiving unit's parent (the commission's party committee)."""
    return regime.receiving_unit.parent or regime.receiving_unit


def expected_units(regime: Regime, period: Period):
    """The units that owe a report for `period`: those in force at the period's end (effective-dated,
    so a restructuring mid-period never counts both the old and the new units)."""
    return units_owing_on(regime, period.end)


def any_report(regime: Regime, under: Unit) -> bool:
    """Whether any unit in under's subtree ever reported under the regime."""
    return Report.objects.filter(regime=regime, unit_path__startswith=under.path).exists()


def units_owing_on(regime: Regime, on: dt.date):
    """The units the regime asks a report of, as the tree stands on `on`."""
    if regime.selection == Regime.Selection.UNITS:
        qs = regime.units.all()
    elif regime.selection == Regime.Selection.CLUSTER:
        qs = regime.cluster.members.all() if regime.cluster_id else Unit.objects.none()
    else:
        root = reporting_root(regime)
        qs = Unit.objects.filter(path__under=root.path, type__in=regime.unit_types.values("pk"))
    return qs.filter(active_on(on)).exclude(pk=regime.receiving_unit_id)


# --------------------------------------------------------------------------- checks on one report


@dataclass(frozen=True)
class Issue:
    kind: str  # "required" | "rule"
    severity: str  # "error" | "warning"
    text: str
    codes: tuple[str, ...] = ()
    rule_id: int | None = None


@lru_cache(maxsize=512)
def _compiled(expression: str, codes: frozenset[str]):
    try:
        return expressions.parse(expression, codes)
    except expressions.ExpressionError:
        return None


def rule_values(indicators, rows) -> dict:
    """Values for the expression evaluator: empty -> MISSING, không phát sinh -> 0 / False."""
    by_ind = {rv.indicator_id: rv for rv in rows}
    values = {}
    for ind in indicators:
        rv = by_ind.get(ind.pk)
        if rv is None or rv.state == State.MISSING:
            values[ind.code] = expressions.MISSING
        elif rv.state == State.NOT_APPLICABLE:
            values[ind.code] = False if ind.type == Indicator.Type.BOOLEAN else Decimal(0)
        else:
            v = rv.python_value()
            values[ind.code] = expressions.MISSING if v is None or isinstance(v, str) else v
    return values


def report_issues(report: Report, *, for_submit: bool = False, indicators=None, rows=None) -> list[Issue]:
    """Rule results on the saved values (errors block submission, warnings need an explanation); with
    for_submit, also every required indicator left empty."""
    indicators = list(indicators if indicators is not None else report.form.indicators.all())
    rows = list(rows if rows is not None else report.values.all())
    values = rule_values(indicators, rows)
    codes = frozenset(values)
    issues = []
    if for_submit:
        for ind in indicators:
            if ind.required and values[ind.code] is expressions.MISSING and not _has_text(rows, ind):
                issues.append(Issue("required", "error",
                                    _("%(name)s is required: enter a value or mark it “nothing to report”.")
                                    % {"name": ind.name}, (ind.code,)))
    for rule in report.form.rules.all():
        expr = _compiled(rule.expression, codes)
        if expr is None:
            continue
        if expr.evaluate(values) is False:
            issues.append(Issue("rule", rule.severity, rule.message, tuple(sorted(expr.names)), rule.pk))
    return issues


def _has_text(rows, ind) -> bool:
    return any(rv.indicator_id == ind.pk and rv.state != State.MISSING for rv in rows)


# --------------------------------------------------------------------------- entry data, versions


@dataclass
class EntryItem:
    indicator: Indicator
    value: ReportValue | None


@dataclass
class EntrySection:
    section: Section
    items: list[EntryItem] = field(default_factory=list)
    narrative: str = ""


def report_form_data(report: Report) -> list[EntrySection]:
    """Sections, indicators with their values and narratives of one report, in four queries."""
    sections = {s.pk: EntrySection(s) for s in Section.objects.filter(form_id=report.form_id)}
    values = {rv.indicator_id: rv for rv in ReportValue.objects.filter(report=report)}
    for ind in Indicator.objects.filter(form_id=report.form_id).select_related("weight_indicator"):
        sections[ind.section_id].items.append(EntryItem(ind, values.get(ind.pk)))
    for n in NarrativeEntry.objects.filter(report=report):
        if n.section_id in sections:
            sections[n.section_id].narrative = n.html
    return sorted(sections.values(), key=lambda s: (s.section.order, s.section.pk))


def report_snapshot(report: Report) -> dict:
    values = {}
    for rv in ReportValue.objects.filter(report=report).order_by("code"):
        v = rv.python_value()
        values[rv.code] = {"state": rv.state, "value": str(v) if isinstance(v, Decimal) else v}
    narratives = dict(
        NarrativeEntry.objects.filter(report=report).order_by("section__order").values_list("section__code", "html")
    )
    return {"status": report.status, "revision": report.revision, "form": report.form_id, "values": values,
            "narratives": narratives}


@dataclass(frozen=True)
class Change:
    key: str  # indicator code or section code
    kind: str  # "value" | "narrative"
    before: object
    after: object


def version_diff(old: ReportVersion | dict, new: ReportVersion | dict) -> list[Change]:
    a = old.data if isinstance(old, ReportVersion) else old
    b = new.data if isinstance(new, ReportVersion) else new
    changes = []
    av, bv = a.get("values", {}), b.get("values", {})
    for code in sorted(set(av) | set(bv)):
        if av.get(code) != bv.get(code):
            changes.append(Change(code, "value", av.get(code), bv.get(code)))
    an, bn = a.get("narratives", {}), b.get("narratives", {})
    for code in sorted(set(an) | set(bn)):
        if (an.get(code) or "") != (bn.get(code) or ""):
            changes.append(Change(code, "narrative", an.get(code), bn.get(code)))
    return changes


# --------------------------------------------------------------------------- completeness


@dataclass(frozen=True)
class CompletenessRow:
    unit: Unit
    report: Report | None
    status: str  # a Report.Status or "missing"
    on_time: bool | None
    overdue: bool  # nothing received and the deadline has passed


@dataclass(frozen=True)
class Completeness:
    regime: Regime
    period: Period
    deadline: dt.date
    expected: int
    submitted: int
    on_time: int
    late: int
    missing: int
    overdue: int
    approved: int
    rows: tuple[CompletenessRow, ...]

    @property
    def percent(self) -> Decimal:
        if not self.expected:
            return Decimal(0)
        return (Decimal(self.submitted) * 100 / self.expected).quantize(Decimal("0.1"))


def completeness(regime: Regime, period: Period, *, under: Unit | None = None, today: dt.date | None = None
                 ) -> Completeness:
    """Expected units (in force at the period's end), received on time / late, missing, approved.
    Only reports of expected units count, so the rate never exceeds 100%. Constant query count."""
    today = today or timezone.localdate()
    deadline = effective_deadline(regime, period)
    units = expected_units(regime, period).select_related("type")
    if under is not None:
        units = units.filter(path__under=under.path)
    units = sorted(units, key=lambda u: (u.sort_key, u.pk))
    reports = {r.unit_id: r for r in Report.objects.filter(regime=regime, period=period,
                                                           unit_id__in=[u.pk for u in units])}
    rows, counts = [], defaultdict(int)
    for u in units:
        r = reports.get(u.pk)
        received = r is not None and r.first_submitted_at is not None
        status = r.status if r is not None else "missing"
        overdue = not received and today > deadline
        rows.append(CompletenessRow(u, r, status, r.on_time if received else None, overdue))
        counts["submitted"] += received
        counts["on_time"] += received and bool(r.on_time)
        counts["late"] += received and r.on_time is False
        counts["missing"] += not received
        counts["overdue"] += overdue
        counts["approved"] += r is not None and r.status == Status.APPROVED
    return Completeness(regime, period, deadline, len(units), counts["submitted"], counts["on_time"],
                        counts["late"], counts["missing"], counts["overdue"], counts["approved"], tuple(rows))


@dataclass(frozen=True)
class Obligation:
    regime: Regime
    period: Period
    deadline: dt.date
    report: Report | None


def obligations(unit: Unit, *, on: dt.date | None = None) -> list[Obligation]:
    """What `unit` owes: for each active regime, the last ended period and the current one where the
    unit is expected, and before them every report of the unit that was started and never sent (a
    draft, or returned): it does not drop out of sight when its period is two back. Queries grow with
    the number of regimes, never with units."""
    on = on or timezone.localdate()
    result = []
    regimes = list(Regime.objects.filter(is_active=True, current_form__isnull=False).select_related("receiving_unit"))
    for regime in regimes:
        if regime.period_kind == P.ADHOC:
            continue
        current = P.containing(regime.period_kind, on)
        for spec in (P.previous(current), current):
            period = Period.objects.for_spec(spec)
            if expected_units(regime, period).filter(pk=unit.pk).exists():
                result.append(Obligation(regime, period, effective_deadline(regime, period), None))
    listed = {(o.regime.pk, o.period.pk) for o in result}
    by_pk = {r.pk: r for r in regimes}
    unsent = [r for r in Report.objects.filter(unit=unit, regime_id__in=list(by_pk),
                                              status__in=list(Report.EDITABLE))
              .select_related("period").order_by("period__end")
              if (r.regime_id, r.period_id) not in listed and r.period.end < on]
    older = [Obligation(by_pk[r.regime_id], r.period, effective_deadline(by_pk[r.regime_id], r.period), r)
             for r in unsent]
    reports = {(r.regime_id, r.period_id): r for r in Report.objects.filter(
        unit=unit, regime_id__in=[o.regime.pk for o in result], period_id__in=[o.period.pk for o in result])}
    return older + [Obligation(o.regime, o.period, o.deadline, reports.get((o.regime.pk, o.period.pk)))
                    for o in result]


# --------------------------------------------------------------------------- lineage in memory


class Lineage:
    """All lineage links, read in one query, walked in memory (successors as of a date, predecessors)."""

    def __init__(self, rows):
        """rows: (event_id, date, unit_id, role, share) of every link; use Lineage.with_units()."""
        self.events: dict[int, dict] = {}
        self.forward: dict[int, list[int]] = defaultdict(list)
        self.backward: dict[int, list[int]] = defaultdict(list)
        for event_id, date, unit_id, role, share in rows:
            ev = self.events.setdefault(event_id, {"date": date, "preds": [], "succs": []})
            if role == LineageLink.Role.PREDECESSOR:
                ev["preds"].append(unit_id)
                self.forward[unit_id].append(event_id)
            else:
                ev["succs"].append((unit_id, share))
                self.backward[unit_id].append(event_id)

    @classmethod
    def with_units(cls) -> tuple[Lineage, dict[int, dict]]:
        """The lineage and the path and life of every unit it links, in one query."""
        rows = sql.lineage_links()
        info = {r[2]: {"pk": r[2], "path": r[5], "valid_from": r[6], "valid_to": r[7]} for r in rows}
        return cls([r[:5] for r in rows]), info

    def unit_ids(self) -> set[int]:
        return set(self.forward) | set(self.backward)

    def successors_at(self, unit_id: int, on: dt.date, info: dict) -> tuple[list[tuple[int, Decimal]], bool]:
        """([(unit id in force on `on`, share)], exact). exact is False when a split without known
        shares or an abolition lost the one-to-one mapping."""
        exact = True
        result: dict[int, Decimal] = defaultdict(Decimal)
        frontier = [(unit_id, Decimal(1))]
        seen = set()
        while frontier:
            uid, share = frontier.pop()
            u = info.get(uid)
            if u is not None and _active(u, on):
                result[uid] += share
                continue
            if uid in seen:
                continue
            seen.add(uid)
            events = [e for e in self.forward.get(uid, []) if self.events[e]["date"] <= on]
            succs = [s for e in events for s in self.events[e]["succs"]]
            if not succs:
                exact = False
                continue
            known = all(s is not None for _u, s in succs)
            if len(succs) > 1 and not known:
                exact = False
            for sid, s in succs:
                part = Decimal(s) if known else Decimal(1) / len(succs)
                frontier.append((sid, share * part))
        return list(result.items()), exact

    def predecessors(self, unit_ids: set[int]) -> set[int]:
        seen: set[int] = set()
        frontier = set(unit_ids)
        while frontier:
            nxt = set()
            for uid in frontier:
                for e in self.backward.get(uid, []):
                    nxt |= set(self.events[e]["preds"])
            nxt -= seen | set(unit_ids)
            seen |= nxt
            frontier = nxt
        return seen


def _active(info: dict, on: dt.date) -> bool:
    return info["valid_from"] <= on and (info["valid_to"] is None or info["valid_to"] >= on)


def _unit_info(ids) -> dict[int, dict]:
    return {u["pk"]: u for u in Unit.objects.filter(pk__in=list(ids)).values("pk", "path", "valid_from", "valid_to")}


# --------------------------------------------------------------------------- roll-ups


def indicator_meta(regime: Regime, codes=None) -> dict[str, Indicator]:
    """Indicator definitions by code, from the newest form version that has each code."""
    qs = Indicator.objects.filter(form__regime=regime).select_related("section").order_by("form__number", "order")
    if codes is not None:
        qs = qs.filter(code__in=list(codes))
    return {i.code: i for i in qs}


# Partial aggregates that combine exactly: sum, Σv·w, Σw, min, max, yes count, rows.
_AGGREGATES = {
    "total": Sum("value_number"),
    "wsum": Sum(F("value_number") * F("weight"), filter=Q(weight__isnull=False)),
    "w": Sum("weight", filter=Q(weight__isnull=False, value_number__isnull=False)),
    "lo": Min("value_number"), "hi": Max("value_number"),
    "yes": Count("value_bool", filter=Q(value_bool=True)),
    "n": Count("*"),  # not Count("id"): the covering series index has no id, and would be skipped
}


def _aggregate_qs(qs):
    """Per (unit, code) partial aggregates."""
    return qs.values("unit_id", "code").annotate(**_AGGREGATES)


@dataclass
class _Acc:
    total: Decimal = Decimal(0)
    wsum: Decimal = Decimal(0)
    w: Decimal = Decimal(0)
    lo: Decimal | None = None
    hi: Decimal | None = None
    yes: Decimal = Decimal(0)
    n: int = 0

    def add(self, row: dict, share: Decimal | None = None) -> None:
        """Add a row of partial aggregates, or `share` of it (a split unit); a row may hold only
        those its indicator needs."""
        if share is None:  # the common case: no Decimal products for 40,000 rows of a province
            self.total += row.get("total") or 0
            self.wsum += row.get("wsum") or 0
            self.w += row.get("w") or 0
            self.yes += row.get("yes") or 0
        else:
            self.total += (row.get("total") or 0) * share
            self.wsum += (row.get("wsum") or 0) * share
            self.w += (row.get("w") or 0) * share
            self.yes += (row.get("yes") or 0) * share
        self.n += row["n"]
        lo, hi = row.get("lo"), row.get("hi")
        if lo is not None:
            self.lo = lo if self.lo is None else min(self.lo, lo)
        if hi is not None:
            self.hi = hi if self.hi is None else max(self.hi, hi)

    def merge(self, other: _Acc) -> None:
        self.add({"total": other.total, "wsum": other.wsum, "w": other.w, "lo": other.lo, "hi": other.hi,
                  "yes": other.yes, "n": other.n})

    def value(self, ind: Indicator | None):
        return _plain_decimal(self._value(ind))

    def _value(self, ind: Indicator | None):
        if self.n == 0:
            return None
        agg = ind.aggregation if ind is not None else Indicator.Aggregation.SUM
        if ind is not None and ind.type == Indicator.Type.BOOLEAN:
            return self.yes  # how many units answered yes
        if agg == Indicator.Aggregation.WEIGHTED_MEAN:
            return (self.wsum / self.w) if self.w else None
        if agg == Indicator.Aggregation.MIN:
            return self.lo
        if agg == Indicator.Aggregation.MAX:
            return self.hi
        if agg == Indicator.Aggregation.NONE:
            return self.total if self.n == 1 else None
        return self.total


def _plain_decimal(value):
    """150.0000 (PostgreSQL keeps the column's scale in sums) and 150 (SQLite) both become 150."""
    if not isinstance(value, Decimal):
        return value
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


@dataclass
class RollupRow:
    unit: Unit | None  # the child of `under` (or `under` itself for its own report)
    path: str
    values: dict[str, object]
    reports: int
    comparable: bool = True


@dataclass
class Rollup:
    period: Period
    under: Unit
    codes: list[str]
    indicators: dict[str, Indicator]
    rows: list[RollupRow]
    total: dict[str, object]
    reports: int
    comparable: bool
    as_of: dt.date | None = None


def _child_prefix(path: str, under_path: str) -> str:
    return path[: len(under_path) + SEGMENT] if len(path) > len(under_path) else under_path


def _paths_q(paths) -> Q:
    q = Q()
    for p in sorted(set(paths)):
        q |= Q(unit_path__under=p)
    return q


def _scope_paths_with_lineage(under: Unit, lineage: Lineage, info: dict) -> list[str]:
    """under's path plus the paths of every predecessor of a unit inside under's subtree."""
    inside = {uid for uid, u in info.items() if u["path"].startswith(under.path)}
    preds = lineage.predecessors(inside)
    pred_info = _unit_info(preds - set(info))
    info.update(pred_info)
    return [under.path] + [info[p]["path"] for p in preds if p in info and not info[p]["path"].startswith(under.path)]


def rollup(*, regime: Regime, codes, period: Period, under: Unit, statuses=APPROVED,
           as_of: dt.date | None = None, per_child: bool = True) -> Rollup:
    """Totals per child subtree of `under` for `period`, one aggregate query for all `codes`.

    Without as_of, values stay with the units as the tree stood in the period. With as_of (e.g. today),
    each unit is mapped to its successors in force on that date (org lineage) and grouped by the
    children of `under` then; rows that mix structures (a unit that did not exist for the whole
    period, a split without shares, an abolition) are flagged comparable=False.

    per_child=False (without as_of) makes only the totals, aggregated by the database over the whole
    subtree: no rows, and comparable says whether every unit counted existed for the whole period.
    The consolidated report of a province's 300 communes needs no more, and 43,000 (unit, code)
    partial aggregates through Python cost most of its build."""
    codes = list(codes)
    meta = indicator_meta(regime, codes)
    lineage, info = Lineage.with_units() if as_of else (None, {})
    scope = [under.path]
    if lineage is not None:
        scope = _scope_paths_with_lineage(under, lineage, info)
    qs = ReportValue.objects.filter(_paths_q(scope), regime=regime, period=period, status__in=list(statuses),
                                    code__in=codes, state=State.VALUE)
    if not per_child and lineage is None:
        return _rollup_totals(qs, period=period, under=under, codes=codes, meta=meta)
    rows = list(_aggregate_qs(qs))
    missing_info = {r["unit_id"] for r in rows} - set(info)
    if missing_info:
        info.update(_unit_info(missing_info))
    groups: dict[str, dict[str, _Acc]] = defaultdict(lambda: defaultdict(_Acc))
    group_units: dict[str, set[int]] = defaultdict(set)
    comparable: dict[str, bool] = defaultdict(lambda: True)
    placed: dict[int, list[tuple[str, Decimal | None]]] = {}  # unit -> [(child prefix, share)]

    def place(unit_id: int) -> list[tuple[str, Decimal | None]]:
        u = info[unit_id]
        whole = u["valid_from"] <= period.start and (u["valid_to"] is None or u["valid_to"] >= period.end)
        targets, exact = [(unit_id, None)], True
        if lineage is not None:
            targets, exact = lineage.successors_at(unit_id, as_of, info)
            if any(t not in info for t, _s in targets):
                info.update(_unit_info({t for t, _s in targets} - set(info)))
        out = []
        for target, share in targets:
            path = info[target]["path"]
            if not path.startswith(under.path):
                continue
            prefix = _child_prefix(path, under.path)
            out.append((prefix, None if share == 1 else share))
            group_units[prefix].add(unit_id)
            if not (whole and exact):
                comparable[prefix] = False
        return out

    for row in rows:
        unit_id = row["unit_id"]
        targets = placed.get(unit_id)
        if targets is None:
            targets = placed[unit_id] = place(unit_id)
        for prefix, share in targets:
            groups[prefix][row["code"]].add(row, share)
    children = {u.path: u for u in Unit.objects.filter(path__in=list(groups))}
    totals: dict[str, _Acc] = defaultdict(_Acc)
    result_rows = []
    for prefix in sorted(groups, key=lambda p: (children[p].sort_key if p in children else p)):
        accs = groups[prefix]
        for code, acc in accs.items():
            totals[code].merge(acc)
        result_rows.append(RollupRow(children.get(prefix), prefix, {c: accs[c].value(meta.get(c)) if c in accs else None
                                                                   for c in codes},
                                     len(group_units[prefix]), comparable[prefix]))
    all_units = set().union(*group_units.values()) if group_units else set()
    return Rollup(period, under, codes, meta, result_rows,
                  {c: totals[c].value(meta.get(c)) if c in totals else None for c in codes},
                  len(all_units), all(r.comparable for r in result_rows), as_of)


def _rollup_totals(qs, *, period: Period, under: Unit, codes: list[str], meta: dict) -> Rollup:
    totals: dict[str, _Acc] = defaultdict(_Acc)
    for row in qs.values("code").annotate(**_AGGREGATES).order_by():
        totals[row["code"]].add(row)
    units = Unit.objects.filter(pk__in=qs.values("unit_id"))
    broken = units.filter(Q(valid_from__gt=period.start) | Q(valid_to__lt=period.end)).exists()
    return Rollup(period, under, codes, meta, [],
                  {c: totals[c].value(meta.get(c)) if c in totals else None for c in codes},
                  units.count(), not broken)


@dataclass(slots=True)
class PivotCell:
    """One entered value as the pivot reads it: plain tuples, not 45,000 model instances."""

    state: str
    value_number: Decimal | None
    value_text: str
    value_bool: bool | None
    weight: Decimal | None

    def python_value(self):
        if self.state != State.VALUE:
            return None
        if self.value_number is not None:
            number = self.value_number  # SQLite hands back int/float: Decimal only for what is shown
            return number if isinstance(number, Decimal) else _plain_decimal(Decimal(str(number)))
        if self.value_bool is not None:
            return self.value_bool
        return self.value_text or None


class RowCells(Mapping):
    """One unit's cells by indicator code (None where nothing was entered), each built from its raw row
    when read: the pivot of a province makes no 45,000 objects that a page of 8 columns never shows."""

    __slots__ = ("_codes", "_raw")

    def __init__(self, codes: dict[str, None], raw: dict[str, tuple]):
        self._codes, self._raw = codes, raw  # codes: an ordered set (dict keys)

    def __getitem__(self, code: str) -> PivotCell | None:
        row = self._raw.get(code)
        if row is None:
            if code not in self._codes:
                raise KeyError(code)
            return None
        _u, _c, _s, state, number, text, boolean, weight = row
        return PivotCell(state, number, text, None if boolean is None else bool(boolean), weight)

    def __iter__(self):
        return iter(self._codes)

    def __len__(self):
        return len(self._codes)


@dataclass
class PivotRow:
    unit: Unit
    report_status: str | None
    cells: Mapping[str, PivotCell]


@dataclass
class Pivot:
    period: Period
    indicators: list[Indicator]
    rows: list[PivotRow]
    total: dict[str, object]


def pivot(*, regime: Regime, period: Period, under: Unit, codes=None, statuses=APPROVED) -> Pivot:
    """Reporting units × indicators for one period (what each unit entered), with totals. Expected
    units without data appear with empty cells. Constant query count."""
    form = regime.current_form
    indicators = list(Indicator.objects.filter(form=form).select_related("section").order_by("section__order", "order"))
    if codes is not None:
        wanted = set(codes)
        indicators = [i for i in indicators if i.code in wanted]
    codes = [i.code for i in indicators]
    qs = ReportValue.objects.filter(regime=regime, period=period, status__in=list(statuses), code__in=codes,
                                    unit_path__under=under.path)
    # 45,000 cells for a province: read as raw rows (the ORM's per-value Decimal converters cost more
    # than the query on SQLite) and add up in the database, one row per indicator.
    statement, params = qs.values_list("unit_id", "code", "status", "state", "value_number", "value_text", "value_bool",
                                 "weight").query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(statement, params)
        raw = cursor.fetchall()
    cells: dict[int, dict[str, tuple]] = defaultdict(dict)
    statuses_by_unit = {}
    for row in raw:
        cells[row[0]][row[1]] = row  # a PivotCell is made only when a cell is read (RowCells)
        statuses_by_unit[row[0]] = row[2]
    accs: dict[str, _Acc] = defaultdict(_Acc)
    for row in qs.filter(state=State.VALUE).values("code").annotate(**_AGGREGATES):
        accs[row["code"]].add(row)
    units = {u.pk: u for u in expected_units(regime, period).filter(path__under=under.path)}
    extra = set(cells) - set(units)
    if extra:
        units.update(Unit.objects.in_bulk(list(extra)))
    rows = []
    code_set = dict.fromkeys(codes)
    for u in sorted(units.values(), key=lambda u: (u.sort_key, u.pk)):
        mine = cells.get(u.pk, {})
        rows.append(PivotRow(u, statuses_by_unit.get(u.pk), RowCells(code_set, mine)))
    total = {ind.code: accs[ind.code].value(ind) for ind in indicators}
    return Pivot(period, indicators, rows, total)


@dataclass
class SeriesPoint:
    period: Period
    value: object
    reports: int
    comparable: bool


def _series_aggregates(ind: Indicator | None) -> dict[str, str]:
    """Only the partial aggregates the indicator's aggregation reads (fewer columns to add up)."""
    Agg, names = Indicator.Aggregation, ["total"]
    if ind is not None and ind.type == Indicator.Type.BOOLEAN:
        names = ["yes"]
    elif ind is not None and ind.aggregation == Agg.WEIGHTED_MEAN:
        names = ["wsum", "w"]
    elif ind is not None and ind.aggregation in (Agg.MIN, Agg.MAX):
        names = ["lo" if ind.aggregation == Agg.MIN else "hi"]
    return {n: sql.AGGREGATES[n] for n in [*names, "n"]}


def _lands_whole(lineage: Lineage, uid: int, on: dt.date, info: dict, path: str) -> bool:
    """The unit's successors on `on` all lie under `path` and take all of its values, exactly."""
    targets, exact = lineage.successors_at(uid, on, info)
    missing = {t for t, _s in targets if t not in info}
    if missing:
        info.update(_unit_info(missing))
    return exact and bool(targets) and sum(s for _t, s in targets) == 1 and all(
        info[t]["path"].startswith(path) for t, _s in targets)


def series(*, regime: Regime, code: str, unit: Unit, periods, statuses=APPROVED, as_of: dt.date | None = None
           ) -> list[SeriesPoint]:
    """One indicator for `unit`'s subtree over many periods (e.g. ten years), in one aggregate query.
    Values of predecessor units (before a restructuring) are carried to `unit` through the lineage as of
    `as_of` (default: today, or the unit's last day if it has ended); points mixing structures are not comparable.

    Four fixed SQL statements (reporting/sql.py): the indicator's aggregation, the lineage with its units,
    the units not whole over the span, and one aggregate in which the database sums per period every
    unit whose values land whole inside `unit` (untouched, merged, split with shares inside) and flags
    values in periods their unit did not exist for entirely; the few others (predecessors elsewhere,
    splits without shares, units moved out) come back per period and unit and are walked here."""
    periods = sorted(periods, key=lambda p: p.start)
    if not periods:
        return []
    as_of = as_of or unit.valid_to or max(timezone.localdate(), unit.valid_from)
    by_period = {p.pk: p for p in periods}  # ids read once: Model.pk is a property, slow in a loop
    found = sql.indicator_kind(regime_id=regime.pk, code=code)
    ind = Indicator(code=code, type=found[0], aggregation=found[1]) if found else None
    lineage, info = Lineage.with_units()
    lineage_ids = lineage.unit_ids()
    inside = {uid for uid, u in info.items() if u["path"].startswith(unit.path)}
    outside_preds = lineage.predecessors(inside) - inside
    # A restructured unit whose values all land inside `unit` as it stands on as_of (a merge, a split
    # with shares inside) adds up like any other unit; only the others come back unit by unit.
    walked = {uid for uid in inside if not _lands_whole(lineage, uid, as_of, info, unit.path)} | outside_preds
    # Units counted whole that did not exist over the whole span: the periods each did not cover, grouped
    # by life (after a restructuring most share one), so the database flags their values in those periods.
    first, last = periods[0].start, max(p.end for p in periods)
    lives = {pk: (vf, vt) for pk, vf, vt in sql.units_not_whole(path=unit.path, first=first, last=last)}
    lives.update({uid: (info[uid]["valid_from"], info[uid]["valid_to"]) for uid in inside - walked})
    groups: dict[tuple, list[int]] = defaultdict(list)
    for pk, (vf, vt) in lives.items():
        if pk not in walked:
            groups[vf, vt].append(pk)
    broken = []
    for (vf, vt), pks in groups.items():
        bad = [pid for pid, p in by_period.items() if vf > p.start or (vt is not None and vt < p.end)]
        if bad:
            broken.append((sorted(pks), bad))
    rows = sql.series_rows(regime_id=regime.pk, code=code, statuses=list(statuses), period_ids=list(by_period),
                           path=unit.path, also_units=sorted(outside_preds), tracked_units=sorted(walked),
                           broken=broken, aggregates=_series_aggregates(ind))
    unknown = {r["unit_id"] for r in rows} - set(info) - {None}  # units that started or ended inside the span
    if unknown:
        info.update(_unit_info(unknown))
    accs: dict[int, _Acc] = defaultdict(_Acc)
    units: dict[int, int] = defaultdict(int)
    ok: dict[int, bool] = defaultdict(lambda: True)
    for row in rows:
        pid, uid = row["period_id"], row["unit_id"]
        if uid is None:  # units counted whole: one value each
            accs[pid].add(row)
            units[pid] += row["n"]
            if row["broken"]:
                ok[pid] = False
            continue
        period, u = by_period[pid], info[uid]
        whole = u["valid_from"] <= period.start and (u["valid_to"] is None or u["valid_to"] >= period.end)
        targets, exact = lineage.successors_at(uid, as_of, info) if uid in lineage_ids else ([(uid, Decimal(1))], True)
        if any(t not in info for t, _s in targets):
            info.update(_unit_info({t for t, _s in targets} - set(info)))
        kept = [(t, s) for t, s in targets if info[t]["path"].startswith(unit.path)]
        if len(kept) != len(targets) and kept:
            exact = False
        for _t, share in kept:
            accs[pid].add(row, share)
        if kept:
            units[pid] += 1
            if not (whole and exact):
                ok[pid] = False
    return [SeriesPoint(p, accs[pid].value(ind) if pid in accs else None, units[pid], ok[pid] and pid in accs)
            for pid, p in by_period.items()]


@dataclass
class Comparison:
    code: str
    indicator: Indicator | None
    current: object
    previous: object
    change: object  # current - previous
    ratio: Decimal | None  # current / previous * 100
    comparable: bool


def year_on_year(*, regime: Regime, codes, period: Period, under: Unit, statuses=APPROVED) -> list[Comparison]:
    """Each indicator against the same period a year earlier, last year's units mapped to this period's
    structure through the lineage."""
    earlier = Period.objects.for_spec(P.shift_year(period.spec, -1))
    now = rollup(regime=regime, codes=codes, period=period, under=under, statuses=statuses, as_of=period.end)
    before = rollup(regime=regime, codes=codes, period=earlier, under=under, statuses=statuses, as_of=period.end)
    result = []
    for code in now.codes:
        cur, prev = now.total.get(code), before.total.get(code)
        change = cur - prev if isinstance(cur, Decimal) and isinstance(prev, Decimal) else None
        ratio = (cur * 100 / prev).quantize(Decimal("0.1")) if change is not None and prev else None
        result.append(Comparison(code, now.indicators.get(code), cur, prev, change, ratio,
                                 now.comparable and before.comparable))
    return result


@dataclass(frozen=True)
class DrillRow:
    report_id: int
    unit: Unit
    status: str
    state: str
    value: object


def drilldown(*, regime: Regime, code: str, period: Period, under: Unit, statuses=APPROVED,
              as_of: dt.date | None = None) -> list[DrillRow]:
    """The reports behind a number: every unit's value for `code` under `under`, in one query.

    With as_of, the same units as rollup(as_of=…): those whose successors on that date lie under
    `under` (e.g. the old communes behind a new ward's total)."""
    lineage, info = Lineage.with_units() if as_of else (None, {})
    scope = [under.path]
    if lineage is not None:
        scope = _scope_paths_with_lineage(under, lineage, info)
    qs = ReportValue.objects.filter(_paths_q(scope), regime=regime, period=period, code=code,
                                    status__in=list(statuses)).select_related("unit")
    rows = []
    for rv in qs:
        if lineage is not None and not rv.unit_path.startswith(under.path):
            targets, _exact = lineage.successors_at(rv.unit_id, as_of, info)
            missing = {t for t, _s in targets if t not in info}
            if missing:
                info.update(_unit_info(missing))
            if not any(info[t]["path"].startswith(under.path) for t, _s in targets):
                continue
        rows.append(DrillRow(rv.report_id, rv.unit, rv.status, rv.state, rv.python_value()))
    return sorted(rows, key=lambda r: (r.unit.sort_key, r.unit.pk))


def forms_of(regime: Regime):
    return FormVersion.objects.filter(regime=regime).order_by("-number")
