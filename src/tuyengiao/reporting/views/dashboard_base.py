"""Shared pieces of the reporting dashboards: table cells, the regime/period/unit scope read from the
query string, and the base page (scoping, XLSX export of the page's table)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from tuyengiao.core.permissions import ALL, scope_paths
from tuyengiao.core.vi import format_number, sort_key
from tuyengiao.core.views import ScopedMixin
from tuyengiao.org.models import Unit

from .. import periods as P
from .. import selectors
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
    group: str = ""  # printed once above its run of columns ("Số đảng viên" over "6T đầu/2026 | 6T đầu/2025")


@dataclass
class Table:
    caption: str
    headers: list[Header]
    rows: list[list[Cell]]
    totals: list[Cell] | None = None
    notes: list[str] = field(default_factory=list)
    css: str = ""

    def header_rows(self) -> list[list[tuple[Header, int]]]:
        """One header row, or two when columns are grouped: [(header, colspan)] with colspan 0 for a
        header that spans both rows (an ungrouped column)."""
        if not any(h.group for h in self.headers):
            return [[(h, 1) for h in self.headers]]
        top: list[tuple[Header, int]] = []
        for h in self.headers:
            if h.group and top and top[-1][0].group == h.group and top[-1][1]:
                top[-1] = (top[-1][0], top[-1][1] + 1)
            else:
                top.append((h, 1 if h.group else 0))
        return [top, [(h, 1) for h in self.headers if h.group]]

    def xlsx(self) -> bytes:
        return table_xlsx([f"{h.group}, {h.label}" if h.group else h.label for h in self.headers],
                          ([c.value for c in row] for row in self.rows),
                          title=self.caption, totals=[c.value for c in self.totals] if self.totals else None,
                          notes=self.notes)


def fmt(value) -> str:
    """Vietnamese display of a plain value (1.234; 97,5); None -> —."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (Decimal, float)):  # noqa: UP038 - the tuple is faster, and this runs per pivot cell
        d = value if isinstance(value, Decimal) else Decimal(str(value))
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


def _first_owed(regimes: list[Regime], paths) -> Regime | None:
    """The first regime that units in the user's scope report under today: a chi bộ's clerk opens on
    what their chi bộ reports, not on the province's six-monthly report they have no part in."""
    if paths == ALL:
        return regimes[0]
    today = timezone.localdate()
    for regime in regimes:
        owing = selectors.units_owing_on(regime, today)
        if any(owing.filter(path__startswith=p).exists() for p in paths):
            return regime
    return None


def owed_regimes(regimes: list[Regime], under: Unit) -> list[Regime]:
    """The regimes `under` or units below it report under today."""
    today = timezone.localdate()
    return [r for r in regimes if selectors.units_owing_on(r, today).filter(path__startswith=under.path).exists()]


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
        regime = _first_owed(regimes, scope_paths(user, VIEW_REPORT)) or regimes[0]
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
    indicators = [i for i in Indicator.objects.filter(form_id=regime.current_form_id).select_related("section").order_by(
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
