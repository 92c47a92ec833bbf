"""Reporting pages: the commission's dashboard, completeness, roll-up with drill-down, pivot and series.

Scope: every page needs reporting.view_report (model Report, action "view"). A regime is offered when the
user may view reports somewhere in its reporting subtree; `under` / `unit` must be a unit where the user
holds that permission (a reporter of one unit sees its own subtree; anything else is 404). Every table
exports to XLSX at the same URL with ?format=xlsx. Numbers come from reporting.selectors unchanged.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tuyengiao.core.vi import format_number, format_percent
from tuyengiao.org.models import Unit

from .. import charts, selectors
from .. import periods as P
from ..models import Period, Report, ReportValue
from .dashboard_base import (
    EMPTY,
    VIEW_REPORT,
    Badge,
    Cell,
    Header,
    ReportingPage,
    Table,
    _incomparable_badge,
    _int,
    fmt,
    num,
    owed_regimes,
    page_url,
    report_url,
    rv_cell,
    wanted_codes,
)

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

    def completeness(self, period):
        """Once per period and request: the summary and the key table's coverage notes share it."""
        cache = self.__dict__.setdefault("_completeness", {})
        if period.pk not in cache:
            cache[period.pk] = selectors.completeness(self.scope.regime, period, under=self.scope.under)
        return cache[period.pk]

    def chart_code(self) -> str | None:
        code = self.request.GET.get("code")
        return code if code in self.scope.by_code else self.scope.main_code()

    def key_table(self) -> Table:
        s = self.scope
        comparisons = selectors.year_on_year(regime=s.regime, codes=s.key_codes(), period=s.period, under=s.under,
                                             statuses=s.statuses)
        earlier = P.shift_year(s.period.spec, -1)
        # A period still in progress counts fewer reports than the same period a year earlier: say how many
        # units each figure covers, and flag every row when the two differ.
        coverage = []
        for period in (s.period, Period.objects.for_spec(earlier)):
            comp = self.completeness(period)
            coverage.append((period.label, comp.submitted if s.received else comp.approved, comp.expected))
        same_coverage = coverage[0][1:] == coverage[1][1:]
        notes = [_("%(period)s: figures from %(n)s of %(total)s units.") % {
            "period": label, "n": format_number(n), "total": format_number(total)} for label, n, total in coverage]
        if not same_coverage:
            notes.append(_("The two periods cover different numbers of units: compare them with care."))
        coverage_badge = Badge(_("Fewer units"), "text-bg-light border", " ".join(notes[:2]))
        rows = []
        for c in comparisons:
            ind = c.indicator or s.by_code.get(c.code)
            name = ind.name if ind else c.code
            # Two different reasons to read a change with care: the restructuring, or a period covering
            # fewer units than the other (a period in progress); each says which.
            badges = [_incomparable_badge()] if not c.comparable else [] if same_coverage else [coverage_badge]
            rows.append([
                Cell(name, name, url=page_url("series", regime=s.regime.code, code=c.code, unit=s.under.pk,
                                              received="1" if s.received else ""), badges=badges),
                Cell(ind.unit_of_measure if ind else "", ind.unit_of_measure if ind else ""),
                num(c.current), num(c.previous), num(c.change),
                Cell(c.ratio, format_percent(c.ratio) if c.ratio is not None else EMPTY, numeric=True),
            ])
        headers = [Header(_("Indicator")), Header(_("Unit of measure")), Header(s.period.label, True),
                   Header(earlier.label, True), Header(_("Change"), True), Header(_("Share of a year earlier (%)"), True)]
        return Table(_("Key indicators: %(under)s, %(period)s") % {"under": s.under.name, "period": s.period.label},
                     headers, rows, notes=notes)

    def export_table(self) -> Table:
        return self.key_table()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        s = self.scope
        if s is None:
            return ctx
        comp = self.completeness(s.period)
        if comp.expected == 0 and comp.submitted == 0 and not selectors.any_report(s.regime, s.under):
            # Nothing to count: say so and point to what the unit does report, rather than tables of zeros.
            ctx.update(nothing_owed=True, owed=[(r, page_url("dashboard", regime=r.code, under=s.under.pk))
                                                for r in owed_regimes(s.regimes, s.under)])
            return ctx
        ctx.update(summary=completeness_summary(comp), table=self.key_table())
        code = self.chart_code()
        if code:
            periods = sorted((p for p in s.periods if p.end <= s.period.end), key=lambda p: p.end)[-10:]
            points = selectors.series(regime=s.regime, code=code, unit=s.under, periods=periods,
                                      statuses=s.statuses)
            ind = s.by_code[code]
            title = _("%(indicator)s, %(unit)s: the last periods") % {"indicator": ind.name, "unit": s.under.name}
            ctx["chart_hollow"] = any(not p.comparable and p.value is not None for p in points)
            ctx.update(chart_code=code, chart_indicator=ind, chart=mark_safe(charts.line_chart(  # noqa: S308
                [charts.Point(p.period.short_label, p.value, p.comparable or p.value is None) for p in points],
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

    def sections(self) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for i in self.scope.indicators:
            seen.setdefault(i.section.code, i.section.title)
        return list(seen.items())

    def chosen_codes(self) -> list[str] | None:
        """?codes=A,B; else ?set= "key" (default: the key indicators — 150 columns × 300 units is 45,000
        cells, a second of rendering), "all", or a section code. None means every indicator."""
        s = self.scope
        raw = [c for v in self.request.GET.getlist("codes") for c in v.split(",") if c.strip()]
        codes = [c for c in raw if c in s.by_code]
        if codes:
            return codes
        choice = self.request.GET.get("set", "key")
        if choice == "all":
            return None
        in_section = [i.code for i in s.indicators if i.section.code == choice]
        return in_section or s.key_codes()

    def pivot_table(self) -> Table:
        s = self.scope
        codes = self.chosen_codes()
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
            if before is None:
                headers.append(Header(label, True))
            else:  # the indicator once, over its two periods
                headers.append(Header(s.period.short_label, True, group=label))
                headers.append(Header(earlier.short_label, True, group=label))
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
        ctx.update(table=self.pivot_table(), compare=self.compare(), sections=self.sections(),
                   indicator_set=self.request.GET.get("set", "key"),
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
                       [charts.Point(p.period.short_label, p.value, p.comparable or p.value is None) for p in points],
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
