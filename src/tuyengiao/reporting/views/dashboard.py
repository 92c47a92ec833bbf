"""Reporting pages: the commission's dashboard, completeness, roll-up with drill-down, pivot and series.

Scope: every page needs reporting.view_report (model Report, action "view"). A regime is offered when the
user may view reports somewhere in its reporting subtree; `under` / `unit` must be a unit where the user
holds that permission (a reporter of one unit sees its own subtree; anything else is 404). Every table
exports to XLSX at the same URL with ?format=xlsx. Numbers come from reporting.selectors unchanged.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from tuyengiao.core.permissions import ALL, scope_paths
from tuyengiao.core.vi import format_number, format_percent, sort_key
from tuyengiao.core.views import ScopedMixin
from tuyengiao.org.models import Unit

from .. import charts, selectors
from .. import periods as P
from ..models import Indicator, Period, Regime, Report, ReportValue
from ..xlsx_export import export_filename, table_xlsx, xlsx_response

VIEW_REPORT = "reporting.view_report"
EMPTY = "—"
SEGMENT = selectors.SEGMENT
MAX_KEY_CODES = 8
FREQUENCY_ORDER = {"six_monthly": 0, "annual": 1, "quarterly": 2, "monthly": 3, "ad_hoc": 4}


# --------------------------------------------------------------------------- cells and tables


@dataclass
class Badge:
    text: str
    css: str
    title: str = ""


@dataclass
class Cell:
    value: object = None  # what the XLSX cell gets (numbers stay numbers)
    text: str = ""  # what the page shows
    url: str = ""
    hx_target: str = ""  # load the link into this element with htmx
    numeric: bool = False
    badges: list[Badge] = field(default_factory=list)


@dataclass
class Header:
    label: str
    numeric: bool = False
    group: str = ""


@dataclass
class Table:
    caption: str
    headers: list[Header]
    rows: list[list[Cell]]
    totals: list[Cell] | None = None
    notes: list[str] = field(default_factory=list)
    css: str = ""

    def xlsx(self) -> bytes:
        return table_xlsx([h.label for h in self.headers], ([c.value for c in row] for row in self.rows),
                          title=self.caption, totals=[c.value for c in self.totals] if self.totals else None,
                          notes=self.notes)


def fmt(value) -> str:
    """Vietnamese display of a plain value (1.234; 97,5); None -> —."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal | float):
        d = Decimal(str(value))
        if d == d.to_integral_value():
            return format_number(int(d))
        return format_number(d.quantize(Decimal("0.01")))
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if timezone.is_aware(value) else \
            value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def num(value, **kw) -> Cell:
    return Cell(value=value, text=fmt(value), numeric=True, **kw)


def rv_cell(rv: ReportValue | None) -> Cell:
    """One entered value: empty, "nothing to report" and 0 look different."""
    if rv is None or rv.state == ReportValue.State.MISSING:
        return Cell(None, EMPTY, numeric=True)
    if rv.state == ReportValue.State.NOT_APPLICABLE:
        label = str(ReportValue.State.NOT_APPLICABLE.label)
        return Cell(label, label, numeric=True, badges=[])
    value = rv.python_value()
    return Cell(value, fmt(value), numeric=not isinstance(value, str))


def report_url(pk) -> str:
    try:
        return reverse("reporting:report_detail", args=[pk])
    except NoReverseMatch:  # the report page is written separately
        return ""


def _incomparable_badge() -> Badge:
    return Badge(_("Not comparable"), "text-bg-warning",
                 _("Some of these figures come from units that did not exist for the whole period or were "
                   "split or abolished in the 2025 restructuring; they are carried to today's units through "
                   "the lineage and are not directly comparable."))


# --------------------------------------------------------------------------- scope: regime, period, unit


@dataclass
class Scope:
    regime: Regime
    regimes: list[Regime]
    root: Unit
    under: Unit
    under_choices: list[Unit]
    period: Period
    periods: list[Period]
    indicators: list[Indicator]  # numeric indicators of the current form, in form order
    received: bool  # include submitted, not yet approved figures

    @property
    def statuses(self):
        return selectors.RECEIVED if self.received else selectors.APPROVED

    @property
    def by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    def main_code(self) -> str | None:
        """The indicator a chart opens with: the first required one, else the first key indicator."""
        required = [i.code for i in self.indicators if i.required and i.is_numeric]
        keys = self.key_codes()
        return required[0] if required else keys[0] if keys else None

    def key_codes(self) -> list[str]:
        """Required indicators first, then the first of each section: up to eight, in form order."""
        chosen: list[str] = [i.code for i in self.indicators if i.required]
        seen_sections = set()
        for i in self.indicators:
            if i.section_id not in seen_sections:
                seen_sections.add(i.section_id)
                if i.code not in chosen:
                    chosen.append(i.code)
        chosen = chosen[:MAX_KEY_CODES]
        order = {i.code: n for n, i in enumerate(self.indicators)}
        return sorted(chosen, key=order.get)


def _overlaps(paths, path: str) -> bool:
    return paths == ALL or any(path.startswith(p) or p.startswith(path) for p in paths)


def visible_regimes(user) -> list[Regime]:
    """Active regimes whose reporting subtree meets the units where the user may view reports."""
    paths = scope_paths(user, VIEW_REPORT)
    regimes = Regime.objects.filter(is_active=True, current_form__isnull=False).select_related(
        "receiving_unit__parent", "current_form")
    result = [r for r in regimes if _overlaps(paths, selectors.reporting_root(r).path)]
    return sorted(result, key=lambda r: (FREQUENCY_ORDER.get(r.frequency, 9), sort_key(r.name), r.pk))


def _int(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise Http404 from None


def resolve_scope(request, *, unit_param: str = "under") -> Scope | None:
    """Regime, period and unit from the query string; None when the user sees no regime at all."""
    user, get = request.user, request.GET
    regimes = visible_regimes(user)
    code = get.get("regime")
    if code:
        regime = next((r for r in regimes if r.code == code), None)
        if regime is None:
            raise Http404
    elif regimes:
        regime = regimes[0]
    else:
        return None
    root = selectors.reporting_root(regime)
    paths = scope_paths(user, VIEW_REPORT)
    covers_root = paths == ALL or any(root.path.startswith(p) for p in paths)
    tops = [root.path] if covers_root else sorted(p for p in paths if p.startswith(root.path))
    raw_unit = get.get(unit_param)
    visible_units = Unit.objects.restrict_perm(user, VIEW_REPORT)
    if raw_unit:
        under = visible_units.filter(pk=_int(raw_unit)).first()
    else:
        under = root if covers_root else visible_units.filter(path=tops[0]).first() if tops else None
    if under is None:
        raise Http404
    ancestors = {under.path[:i] for i in range(SEGMENT, len(under.path) + 1, SEGMENT)}
    choices = {u.path: u for u in visible_units.filter(path__in=sorted(ancestors | set(tops)))}
    choices[under.path] = under
    under_choices = [choices[p] for p in sorted(choices)]

    periods = list(Period.objects.filter(reports__regime=regime).distinct().order_by("-end"))
    period = None
    raw_period = get.get("period")
    if raw_period:
        try:
            spec = P.parse_code(raw_period)
            if spec.kind != regime.period_kind:
                raise ValueError(raw_period)
            period = next((p for p in periods if p.code == spec.code), None) or Period.objects.for_spec(spec)
        except ValueError:
            messages.warning(request, _("“%(code)s” is not a period of this regime; showing the latest period.")
                             % {"code": raw_period})
    if period is None:
        period = periods[0] if periods else Period.objects.for_spec(
            P.previous(P.containing(regime.period_kind, timezone.localdate())))
    if period not in periods:
        periods = sorted([*periods, period], key=lambda p: p.end, reverse=True)
    indicators = [i for i in Indicator.objects.filter(form_id=regime.current_form_id).order_by(
        "section__order", "order", "pk") if i.is_numeric or i.type == Indicator.Type.BOOLEAN]
    return Scope(regime, regimes, root, under, under_choices, period, periods, indicators,
                 received=get.get("received") == "1")


def wanted_codes(request, scope: Scope) -> list[str]:
    """?codes=A,B or ?codes=A&codes=B, limited to the regime's indicators; default: the key indicators."""
    raw = [c for v in request.GET.getlist("codes") for c in v.split(",") if c.strip()]
    known = scope.by_code
    codes = [c.strip() for c in raw if c.strip() in known]
    return list(dict.fromkeys(codes)) or scope.key_codes()


def page_url(name: str, **params) -> str:
    query = urlencode([(k, v) for k, v in params.items() if v not in (None, "", False)], doseq=True)
    url = reverse(f"reporting:{name}")
    return f"{url}?{query}" if query else url


# --------------------------------------------------------------------------- base page


class ReportingPage(ScopedMixin, TemplateView):
    model = Report
    permission_action = "view"
    unit_param = "under"
    export_stem = "bang"
    page_key = ""
    partial = "results"
    partials: tuple[str, ...] = ("results",)

    def get(self, request, *args, **kwargs):
        self.scope = resolve_scope(request, unit_param=self.unit_param)
        if self.scope is not None and request.GET.get("format") == "xlsx":
            table = self.export_table()
            return xlsx_response(table.xlsx(), export_filename(self.export_stem, *self.export_suffix()))
        return super().get(request, *args, **kwargs)

    def export_table(self) -> Table:
        raise NotImplementedError

    def export_suffix(self) -> list[str]:
        return [self.scope.period.code]

    def get_template_names(self):
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.boosted and not htmx.history_restore_request and self.scope is not None:
            name = htmx.target if htmx.target in self.partials else self.partial
            return [f"{self.template_name}#{name}"]
        return [self.template_name]

    def params(self, **extra) -> dict:
        s = self.scope
        base = {"regime": s.regime.code, "period": s.period.code, self.unit_param: s.under.pk,
                "received": "1" if s.received else ""}
        base.update(extra)
        return base

    def xlsx_url(self, **extra) -> str:
        query = self.request.GET.copy()
        query["format"] = "xlsx"
        for k, v in extra.items():
            query[k] = v
        return f"{self.request.path}?{query.urlencode()}"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        s = self.scope
        ctx["scope"] = s
        ctx["page_key"] = self.page_key
        if s is None:
            return ctx
        ctx["xlsx_url"] = self.xlsx_url()
        common = {"regime": s.regime.code, "period": s.period.code, "received": "1" if s.received else ""}
        ctx["links"] = {
            "dashboard": page_url("dashboard", **common, under=s.under.pk),
            "completeness": page_url("completeness", **common, under=s.under.pk),
            "rollup": page_url("rollup", **common, under=s.under.pk),
            "pivot": page_url("pivot", **common, under=s.under.pk),
            "series": page_url("series", regime=s.regime.code, unit=s.under.pk,
                               received="1" if s.received else ""),
        }
        return ctx


# --------------------------------------------------------------------------- completeness


STATUS_FILTERS = {
    "on_time": (lambda r: r.on_time is True),
    "late": (lambda r: r.on_time is False),
    "not_received": (lambda r: r.on_time is None),
    "overdue": (lambda r: r.overdue),
    "no_report": (lambda r: r.report is None),
    "draft": (lambda r: r.status == Report.Status.DRAFT),
    "submitted": (lambda r: r.status == Report.Status.SUBMITTED),
    "returned": (lambda r: r.status == Report.Status.RETURNED),
    "approved": (lambda r: r.status == Report.Status.APPROVED),
}


STATUS_BADGES = {"approved": "text-bg-success", "submitted": "text-bg-primary", "returned": "text-bg-danger",
                 "draft": "text-bg-light border", "missing": "text-bg-secondary"}


def status_filter_choices():
    return [("", _("All units")), ("on_time", _("Received on time")), ("late", _("Received late")),
            ("not_received", _("Not received")), ("overdue", _("Overdue")), ("no_report", _("Not started")),
            ("draft", _("Draft")), ("submitted", _("Submitted")), ("returned", _("Returned")),
            ("approved", _("Approved"))]


def completeness_summary(comp: selectors.Completeness) -> dict:
    """Counts with percentages of the expected units (never above 100%) and the stacked bar SVG."""
    def pct(n):
        return format_percent(min(Decimal(100), Decimal(n) * 100 / comp.expected)) if comp.expected else \
            format_percent(0)

    not_yet = comp.missing - comp.overdue
    segments = [charts.Segment(_("On time"), comp.on_time, "ontime"), charts.Segment(_("Late"), comp.late, "late"),
                charts.Segment(_("Overdue"), comp.overdue, "overdue"),
                charts.Segment(_("Not yet due"), not_yet, "pending")]
    title = _("Reports received for %(period)s: %(n)s of %(total)s units") % {
        "period": comp.period.label, "n": format_number(comp.submitted), "total": format_number(comp.expected)}
    return {
        "c": comp,
        "items": [(_("Expected units"), format_number(comp.expected), "", "expected"),
                  (_("Received"), format_number(comp.submitted), pct(comp.submitted), "received"),
                  (_("On time"), format_number(comp.on_time), pct(comp.on_time), "ontime"),
                  (_("Late"), format_number(comp.late), pct(comp.late), "late"),
                  (_("Not received"), format_number(comp.missing), pct(comp.missing), "missing"),
                  (_("Approved"), format_number(comp.approved), pct(comp.approved), "approved")],
        "percent": format_percent(min(Decimal(100), comp.percent)),
        "chart": mark_safe(charts.stacked_bar(segments, total=comp.expected, title=title,  # noqa: S308
                                              chart_id="completeness-chart")),
    }


def completeness_table(comp: selectors.Completeness, status: str, today: dt.date) -> Table:
    rows = [r for r in comp.rows if not status or STATUS_FILTERS[status](r)]
    approver_ids = {r.report.approved_by_id for r in rows if r.report is not None and r.report.approved_by_id}
    approvers = get_user_model().objects.in_bulk(list(approver_ids)) if approver_ids else {}
    status_labels = dict(Report.Status.choices)
    out = []
    for r in rows:
        rep = r.report
        submitted = rep.first_submitted_at if rep is not None else None
        days_late = None
        if r.on_time is False and submitted is not None:
            days_late = max(0, (timezone.localtime(submitted).date() - comp.deadline).days)
        elif r.overdue:
            days_late = (today - comp.deadline).days
        if r.on_time is True:
            badge = Badge(_("On time"), "text-bg-success")
        elif r.on_time is False:
            badge = Badge(_("Late"), "text-bg-warning")
        elif r.overdue:
            badge = Badge(_("Overdue"), "text-bg-danger")
        else:
            badge = Badge(_("Not yet due"), "text-bg-secondary")
        status_text = str(status_labels.get(r.status, _("Not started")))
        approver = approvers.get(rep.approved_by_id) if rep is not None and rep.approved_by_id else None
        approver_name = (approver.full_name or approver.get_username()) if approver else ""
        out.append([
            Cell(r.unit.name, r.unit.name, url=report_url(rep.pk) if rep is not None else ""),
            Cell(status_text, "", badges=[Badge(status_text, STATUS_BADGES.get(r.status, "text-bg-secondary"))]),
            Cell(submitted, fmt(submitted)),
            Cell(str(badge.text), "", badges=[badge]),
            num(days_late),
            Cell(approver_name, approver_name or EMPTY),
        ])
    headers = [Header(_("Unit")), Header(_("Status")), Header(_("Submitted at")), Header(_("Timeliness")),
               Header(_("Days late"), numeric=True), Header(_("Approved by"))]
    caption = _("Completeness: %(regime)s, %(period)s") % {"regime": comp.regime.name, "period": comp.period.label}
    return Table(caption, headers, out, notes=[_("Deadline: %(date)s") % {"date": fmt(comp.deadline)}])


class CompletenessView(ReportingPage):
    page_key = "completeness"
    template_name = "reporting/dashboard/completeness.html"
    export_stem = "tinh-hinh-nop-bao-cao"

    def status(self) -> str:
        value = self.request.GET.get("status", "")
        return value if value in STATUS_FILTERS else ""

    def compute(self):
        if not hasattr(self, "_comp"):
            s = self.scope
            self._today = timezone.localdate()
            self._comp = selectors.completeness(s.regime, s.period, under=s.under, today=self._today)
        return self._comp

    def export_table(self) -> Table:
        return completeness_table(self.compute(), self.status(), timezone.localdate())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.scope is None:
            return ctx
        comp = self.compute()
        ctx.update(summary=completeness_summary(comp), table=completeness_table(comp, self.status(), self._today),
                   status=self.status(), status_choices=status_filter_choices())
        return ctx


# --------------------------------------------------------------------------- dashboard


class DashboardView(ReportingPage):
    page_key = "dashboard"
    template_name = "reporting/dashboard/dashboard.html"
    export_stem = "chi-tieu-chu-yeu"

    def chart_code(self) -> str | None:
        code = self.request.GET.get("code")
        return code if code in self.scope.by_code else self.scope.main_code()

    def key_table(self) -> Table:
        s = self.scope
        comparisons = selectors.year_on_year(regime=s.regime, codes=s.key_codes(), period=s.period, under=s.under,
                                             statuses=s.statuses)
        earlier = P.shift_year(s.period.spec, -1)
        rows = []
        for c in comparisons:
            ind = c.indicator or s.by_code.get(c.code)
            name = ind.name if ind else c.code
            badges = [] if c.comparable else [_incomparable_badge()]
            rows.append([
                Cell(name, name, url=page_url("series", regime=s.regime.code, code=c.code, unit=s.under.pk,
                                              received="1" if s.received else ""), badges=badges),
                Cell(ind.unit_of_measure if ind else "", ind.unit_of_measure if ind else ""),
                num(c.current), num(c.previous), num(c.change),
                Cell(c.ratio, format_percent(c.ratio) if c.ratio is not None else EMPTY, numeric=True),
            ])
        headers = [Header(_("Indicator")), Header(_("Unit of measure")), Header(s.period.label, True),
                   Header(earlier.label, True), Header(_("Change"), True), Header(_("% of a year earlier"), True)]
        return Table(_("Key indicators: %(under)s, %(period)s") % {"under": s.under.name, "period": s.period.label},
                     headers, rows)

    def export_table(self) -> Table:
        return self.key_table()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        s = self.scope
        if s is None:
            return ctx
        comp = selectors.completeness(s.regime, s.period, under=s.under)
        ctx.update(summary=completeness_summary(comp), table=self.key_table())
        code = self.chart_code()
        if code:
            periods = sorted((p for p in s.periods if p.end <= s.period.end), key=lambda p: p.end)[-10:]
            points = selectors.series(regime=s.regime, code=code, unit=s.under, periods=periods,
                                      statuses=s.statuses)
            ind = s.by_code[code]
            title = _("%(indicator)s, %(unit)s: the last periods") % {"indicator": ind.name, "unit": s.under.name}
            ctx.update(chart_code=code, chart_indicator=ind, chart=mark_safe(charts.line_chart(  # noqa: S308
                [charts.Point(p.period.code, p.value, p.comparable or p.value is None) for p in points],
                title=title, chart_id="dashboard-series", unit_label=ind.unit_of_measure)))
        return ctx


# --------------------------------------------------------------------------- roll-up and drill-down


class RollupView(ReportingPage):
    page_key = "rollup"
    template_name = "reporting/dashboard/rollup.html"
    export_stem = "tong-hop"
    partials = ("results", "drill")

    def structure_now(self) -> bool:
        return self.request.GET.get("structure", "current") != "period"

    def rollup(self):
        s = self.scope
        self.codes = wanted_codes(self.request, s)
        as_of = timezone.localdate() if self.structure_now() else None
        return selectors.rollup(regime=s.regime, codes=self.codes, period=s.period, under=s.under,
                                statuses=s.statuses, as_of=as_of)

    def rollup_table(self, r: selectors.Rollup) -> Table:
        s = self.scope
        codes_param = ",".join(self.codes)
        structure = "" if self.structure_now() else "period"

        def drill(code, unit):
            return page_url("rollup", **self.params(codes=codes_param, structure=structure, drill=code,
                                                    drill_unit=unit.pk)) + "#drill"

        rows = []
        for row in r.rows:
            unit = row.unit
            name = unit.name if unit else row.path
            url = page_url("rollup", **self.params(under=unit.pk, codes=codes_param, structure=structure)) \
                if unit is not None and unit.pk != s.under.pk else ""
            badges = [] if row.comparable else [_incomparable_badge()]
            cells = [Cell(name, name, url=url, badges=badges)]
            for code in self.codes:
                value = row.values.get(code)
                cells.append(num(value, url=drill(code, unit) if unit is not None and value is not None else "",
                                 hx_target="#drill"))
            cells.append(num(row.reports))
            cells.append(Cell(_("Yes") if row.comparable else _("No"), _("Yes") if row.comparable else _("No")))
            rows.append(cells)
        totals = [Cell(_("Total"), _("Total"))] + [
            num(r.total.get(c), url=drill(c, s.under) if r.total.get(c) is not None else "", hx_target="#drill")
            for c in self.codes] + [num(r.reports), Cell(_("Yes") if r.comparable else _("No"),
                                                               _("Yes") if r.comparable else _("No"))]
        by_code = s.by_code
        headers = [Header(_("Unit"))] + [Header(self._label(by_code.get(c), c), True) for c in self.codes] + [
            Header(_("Reports"), True), Header(_("Comparable"))]
        notes = [] if r.comparable else [str(_incomparable_badge().title)]
        return Table(_("Totals: %(under)s, %(period)s") % {"under": s.under.name, "period": s.period.label},
                     headers, rows, totals, notes)

    @staticmethod
    def _label(ind, code) -> str:
        if ind is None:
            return code
        return f"{ind.name} ({ind.unit_of_measure})" if ind.unit_of_measure else ind.name

    def drill_table(self) -> Table | None:
        s = self.scope
        code = self.request.GET.get("drill")
        if not code or code not in s.by_code:
            return None
        raw = self.request.GET.get("drill_unit")
        unit = s.under
        if raw:
            unit = Unit.objects.restrict_perm(self.request.user, VIEW_REPORT).filter(pk=_int(raw)).first()
            if unit is None:
                raise Http404
        as_of = timezone.localdate() if self.structure_now() else None
        rows = selectors.drilldown(regime=s.regime, code=code, period=s.period, under=unit, statuses=s.statuses,
                                   as_of=as_of)
        labels = dict(Report.Status.choices)
        out = []
        for row in rows:
            state = ReportValue.State(row.state)
            value = row.value if state == ReportValue.State.VALUE else (
                str(state.label) if state == ReportValue.State.NOT_APPLICABLE else None)
            url = report_url(row.report_id)
            out.append([Cell(row.unit.name, row.unit.name), Cell(str(labels.get(row.status, row.status)),
                                                                 str(labels.get(row.status, row.status))),
                        Cell(value, fmt(value), numeric=True),
                        Cell(_("Open the report") if url else "", _("Open the report") if url else "", url=url)])
        ind = s.by_code[code]
        self.drill_meta = {"indicator": ind, "unit": unit, "code": code}
        headers = [Header(_("Unit")), Header(_("Status")), Header(self._label(ind, code), True), Header(_("Report"))]
        caption = _("Reports behind %(indicator)s: %(unit)s, %(period)s") % {
            "indicator": ind.name, "unit": unit.name, "period": s.period.label}
        return Table(caption, headers, out)

    def export_table(self) -> Table:
        if self.request.GET.get("table") == "drill":
            table = self.drill_table()
            if table is not None:
                return table
        return self.rollup_table(self.rollup())

    def export_suffix(self) -> list[str]:
        if self.request.GET.get("table") == "drill" and self.request.GET.get("drill"):
            return [self.request.GET["drill"], self.scope.period.code]
        return [self.scope.period.code]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        s = self.scope
        if s is None:
            return ctx
        r = self.rollup()
        ctx.update(rollup=r, table=self.rollup_table(r), codes=self.codes, structure_now=self.structure_now(),
                   indicators=s.indicators, drill=self.drill_table())
        if ctx["drill"] is not None:
            ctx["drill_meta"] = self.drill_meta
            ctx["drill_xlsx_url"] = self.xlsx_url(table="drill")
        return ctx


# --------------------------------------------------------------------------- pivot


class PivotView(ReportingPage):
    page_key = "pivot"
    template_name = "reporting/dashboard/pivot.html"
    export_stem = "bang-so-lieu"

    def compare(self) -> bool:
        return self.request.GET.get("compare") == "1"

    def pivot_table(self) -> Table:
        s = self.scope
        raw = [c for v in self.request.GET.getlist("codes") for c in v.split(",") if c.strip()]
        codes = [c for c in raw if c in s.by_code] or None
        pv = selectors.pivot(regime=s.regime, period=s.period, under=s.under, codes=codes, statuses=s.statuses)
        before = None
        earlier = Period.objects.for_spec(P.shift_year(s.period.spec, -1)) if self.compare() else None
        if earlier is not None:
            before = selectors.pivot(regime=s.regime, period=earlier, under=s.under, codes=[i.code for i in
                                                                                          pv.indicators],
                                     statuses=s.statuses)
        prev_rows = {row.unit.pk: row for row in before.rows} if before else {}
        units = {row.unit.pk: row.unit for row in pv.rows}
        units.update({pk: row.unit for pk, row in prev_rows.items()})
        now_rows = {row.unit.pk: row for row in pv.rows}
        headers = [Header(_("Unit"))]
        for ind in pv.indicators:
            label = RollupView._label(ind, ind.code)
            headers.append(Header(label, True, group=ind.code))
            if before is not None:
                headers.append(Header(_("%(indicator)s, %(period)s") % {"indicator": label, "period": earlier.label},
                                      True, group=ind.code))
        rows = []
        only_one_side = False
        for unit in sorted(units.values(), key=lambda u: (u.sort_key, u.pk)):
            row, prev = now_rows.get(unit.pk), prev_rows.get(unit.pk)
            if before is not None and (row is None or prev is None):
                only_one_side = True
            cells = [Cell(unit.name, unit.name)]
            for ind in pv.indicators:
                cells.append(rv_cell(row.cells.get(ind.code) if row else None))
                if before is not None:
                    cells.append(rv_cell(prev.cells.get(ind.code) if prev else None))
            rows.append(cells)
        totals = [Cell(_("Total"), _("Total"))]
        for ind in pv.indicators:
            totals.append(num(pv.total.get(ind.code)))
            if before is not None:
                totals.append(num(before.total.get(ind.code)))
        notes = []
        if only_one_side:
            notes.append(_("Some units exist in only one of the two periods (the 2025 restructuring): their rows "
                           "are not comparable; see the roll-up for figures carried through the lineage."))
        caption = _("Figures by unit: %(under)s, %(period)s") % {"under": s.under.name, "period": s.period.label}
        return Table(caption, headers, rows, totals, notes, css="table-pivot")

    def export_table(self) -> Table:
        return self.pivot_table()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.scope is None:
            return ctx
        ctx.update(table=self.pivot_table(), compare=self.compare(),
                   codes_param=",".join(c for v in self.request.GET.getlist("codes") for c in v.split(",")))
        return ctx


# --------------------------------------------------------------------------- series


class SeriesView(ReportingPage):
    page_key = "series"
    template_name = "reporting/dashboard/series.html"
    export_stem = "chuoi-so-lieu"
    unit_param = "unit"

    def code(self) -> str:
        s = self.scope
        code = self.request.GET.get("code")
        if code:
            if code not in s.by_code:
                raise Http404
            return code
        code = s.main_code()
        if code is None:
            raise Http404
        return code

    def points(self):
        s = self.scope
        last = max(s.periods, key=lambda p: p.end)
        periods = list(Period.objects.filter(kind=s.regime.period_kind, start__gte=dt.date(last.end.year - 9, 1, 1),
                                             end__lte=last.end).order_by("start"))
        points = selectors.series(regime=s.regime, code=self.code(), unit=s.under, periods=periods,
                                  statuses=s.statuses)
        while points and points[0].value is None:  # "all available": from the first period with data
            points = points[1:]
        return points

    def series_table(self, points) -> Table:
        s = self.scope
        ind = s.by_code[self.code()]
        rows = [[Cell(p.period.label, p.period.label), num(p.value), num(p.reports),
                 Cell(_("Yes") if p.comparable or p.value is None else _("No"),
                     "" if p.comparable or p.value is None else _("No"),
                     badges=[] if p.comparable or p.value is None else [_incomparable_badge()])]
                for p in points]
        headers = [Header(_("Period")), Header(RollupView._label(ind, ind.code), True), Header(_("Reports"), True),
                   Header(_("Comparable"))]
        caption = _("%(indicator)s, %(unit)s, by period") % {"indicator": ind.name, "unit": s.under.name}
        return Table(caption, headers, rows)

    def export_table(self) -> Table:
        return self.series_table(self.points())

    def export_suffix(self) -> list[str]:
        return [self.code()]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        s = self.scope
        if s is None:
            return ctx
        points = self.points()
        ind = s.by_code[self.code()]
        title = _("%(indicator)s, %(unit)s, by period") % {"indicator": ind.name, "unit": s.under.name}
        ctx.update(code=self.code(), indicator=ind, table=self.series_table(points),
                   chart=mark_safe(charts.line_chart(  # noqa: S308
                       [charts.Point(p.period.code, p.value, p.comparable or p.value is None) for p in points],
                       title=title, chart_id="series-chart", unit_label=ind.unit_of_measure)) if points else "",
                   any_incomparable=any(not p.comparable and p.value is not None for p in points))
        return ctx


urlpatterns = [
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("completeness/", CompletenessView.as_view(), name="completeness"),
    path("rollup/", RollupView.as_view(), name="rollup"),
    path("pivot/", PivotView.as_view(), name="pivot"),
    path("series/", SeriesView.as_view(), name="series"),
]
