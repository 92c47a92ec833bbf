"""Setting up reporting: regimes, per-period deadlines, form versions and their editor.

Thin views over reporting.services (regime_create / regime_update, period_deadline_set,
form_version_create / _publish / _clone, section_save, indicator_save, rule_save). Pages are scoped on
Regime (or FormVersion) with restrict(): out of scope is 404. A service's ValidationError is shown at the
field it names. The editor loads a version's sections, indicators and rules in three queries whatever
their number; rows are edited inline with htmx (with a plain page as fallback)."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import generic

from tuyengiao.core.forms import form_add_errors
from tuyengiao.core.permissions import has_perm_on
from tuyengiao.core.vi import format_number
from tuyengiao.core.views import ScopedMixin, ServiceFormMixin, id_param
from tuyengiao.org.models import Unit, active_on

from .. import form_services, selectors, services
from .. import periods as P
from ..models import FormVersion, Indicator, Period, PeriodDeadline, Regime, Section, ValidationRule
from ..setup_forms import IndicatorForm, NewVersionForm, PeriodDeadlineForm, RegimeForm, RuleForm, SectionForm

PREVIEW_LIMIT = 30


def _is_htmx(request) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def _current_spec(kind: str, today: dt.date) -> P.PeriodSpec | None:
    return None if kind == P.ADHOC else P.containing(kind, today)


def _unsaved_period(spec: P.PeriodSpec) -> Period:
    """A period value for reads that only need its dates (no row is created by looking)."""
    return Period(kind=spec.kind, year=spec.year, number=spec.number, code=spec.code, start=spec.start,
                  end=spec.end)


def _preview(qs, spec: P.PeriodSpec | None, on: dt.date) -> dict:
    units = list(qs.order_by("path")[:PREVIEW_LIMIT + 1])
    count = qs.count() if len(units) > PREVIEW_LIMIT else len(units)
    return {"spec": spec, "on": on, "count": count, "units": units[:PREVIEW_LIMIT],
            "more": count - PREVIEW_LIMIT if count > PREVIEW_LIMIT else 0}


def regime_preview(regime: Regime, today: dt.date) -> dict:
    """The units expected for the regime's current period (selectors.expected_units)."""
    spec = _current_spec(regime.period_kind, today)
    period = _unsaved_period(spec) if spec else Period(end=today)
    return _preview(selectors.expected_units(regime, period), spec, period.end)


def draft_preview(data: dict, today: dt.date) -> dict | None:
    """The same answer for a regime still being typed in (form data, nothing saved): mirrors
    selectors.expected_units."""
    receiving = data.get("receiving_unit")
    if receiving is None:
        return None
    kind = P.FREQUENCY_KIND.get(data.get("frequency") or "", P.ADHOC)
    spec = _current_spec(kind, today)
    on = spec.end if spec else today
    selection = data.get("selection")
    if selection == Regime.Selection.UNITS:
        qs = Unit.objects.filter(pk__in=[u.pk for u in data.get("units") or []])
    elif selection == Regime.Selection.CLUSTER:
        cluster = data.get("cluster")
        qs = cluster.members.all() if cluster else Unit.objects.none()
    else:
        root = receiving.parent or receiving
        qs = Unit.objects.filter(path__under=root.path, type__in=[t.pk for t in data.get("unit_types") or []])
    return _preview(qs.filter(active_on(on)).exclude(pk=receiving.pk), spec, on)


# --------------------------------------------------------------------------- regimes


class SetupListView(ScopedMixin, generic.TemplateView):
    """The regimes the user manages (may change), with their current form and expected units."""

    model = Regime
    permission_action = "change"
    template_name = "reporting/setup/list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        regimes = (self.get_queryset().select_related("receiving_unit", "current_form")
                   .annotate(n_versions=Count("forms")).order_by("-is_active", "name"))
        rows = []
        for regime in regimes:  # a handful of regimes: one count each
            spec = _current_spec(regime.period_kind, today)
            expected = selectors.expected_units(regime, _unsaved_period(spec)).count() if spec else None
            rows.append({"regime": regime, "spec": spec, "expected": expected})
        ctx["rows"] = rows
        return ctx


class RegimeFormView(ServiceFormMixin, ScopedMixin, generic.FormView):
    """Create (no pk) or edit a regime; the expected units are previewed as the form changes (htmx)."""

    model = Regime
    template_name = "reporting/setup/regime_form.html"
    form_class = RegimeForm

    @property
    def permission_action(self):  # type: ignore[override]
        return "change" if "pk" in self.kwargs else "add"

    def get_object(self) -> Regime | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(Regime.objects.restrict(self.request.user, "change"), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object or Regime(), "user": self.request.user}

    def get_form(self, form_class=None):
        self.form = super().get_form(form_class)  # perform() takes the form's service_data()
        return self.form

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if _is_htmx(request) and "preview" in request.GET:
            form = RegimeForm(request.GET, instance=self.object or Regime(), user=request.user)
            form.is_valid()
            return TemplateResponse(request, "reporting/setup/_preview.html",
                                    {"preview": draft_preview(form.cleaned_data, timezone.localdate())})
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def perform(self, _cleaned):
        data, unit_types, units = self.form.service_data()
        if self.object is None:
            return services.regime_create(data=data, by=self.request.user, unit_types=unit_types, units=units)
        return services.regime_update(regime=self.object, data=data, by=self.request.user, unit_types=unit_types,
                                      units=units)

    def form_invalid(self, form):
        preview = draft_preview(form.cleaned_data, timezone.localdate())
        return self.render_to_response(self.get_context_data(form=form, preview=preview))

    def get_context_data(self, **kwargs):
        if "preview" not in kwargs:
            kwargs["preview"] = regime_preview(self.object, timezone.localdate()) if self.object else None
        return super().get_context_data(object=self.object, is_new=self.object is None, **kwargs)


class RegimeDetailView(ScopedMixin, generic.TemplateView):
    """A regime: its form versions, per-period deadlines (POST sets one) and links."""

    model = Regime
    permission_action = "view"
    template_name = "reporting/setup/regime_detail.html"

    def get_object(self) -> Regime:
        return get_object_or_404(
            Regime.objects.restrict(self.request.user, "view").select_related("receiving_unit", "current_form",
                                                                                "cluster"),
            pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        initial = {}
        code = request.GET.get("period")
        if code:
            existing = self.object.deadlines.filter(period__code=code).select_related("period").first()
            if existing:
                initial = {"period_code": existing.period.code, "deadline": existing.deadline, "note": existing.note}
        return self.render(PeriodDeadlineForm(regime=self.object, initial=initial))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if request.POST.get("action") == "make_current":
            return self.make_current(request)
        form = PeriodDeadlineForm(request.POST, regime=self.object)
        if form.is_valid():
            try:
                period = Period.objects.for_spec(form.spec)
                services.period_deadline_set(regime=self.object, period=period, deadline=form.cleaned_data["deadline"],
                                             note=form.cleaned_data["note"], by=request.user)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("The deadline for %(period)s is now %(date)s.") % {
                    "period": period.label, "date": form.cleaned_data["deadline"].strftime("%d/%m/%Y")})
                return HttpResponseRedirect(reverse("reporting:regime_detail", args=[self.object.pk]) + "#deadlines")
        return self.render(form)

    def make_current(self, request):
        form = get_object_or_404(FormVersion, regime=self.object, pk=id_param(request.POST, "form"))
        try:
            services.regime_update(regime=self.object, data={"current_form": form}, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Version %(n)s is now the current form.") % {"n": form.number})
        return HttpResponseRedirect(reverse("reporting:regime_detail", args=[self.object.pk]))

    def render(self, deadline_form):
        regime = self.object
        today = timezone.localdate()
        spec = _current_spec(regime.period_kind, today)
        current_deadline = None
        if spec:
            stored = Period.objects.filter(code=spec.code).first()
            current_deadline = (selectors.effective_deadline(regime, stored) if stored
                                else regime.default_deadline(_unsaved_period(spec)))
        versions = list(selectors.forms_of(regime).annotate(
            n_indicators=Count("indicators", distinct=True), n_sections=Count("sections", distinct=True),
            n_rules=Count("rules", distinct=True)))
        ctx = self.get_context_data(
            object=regime, regime=regime, versions=versions, deadline_form=deadline_form,
            deadlines=list(PeriodDeadline.objects.filter(regime=regime).select_related("period")
                           .order_by("-period__end")),
            spec=spec, current_deadline=current_deadline, deadline_abs=abs(regime.deadline_days), preview=regime_preview(regime, today),
            can_change=self.can("change", regime),
            can_add_version=self.can("change", regime) and self.can_perm("reporting.add_formversion", regime),
            has_draft=any(not v.is_published for v in versions),
            new_version_form=NewVersionForm(),
        )
        return self.render_to_response(ctx)

    def can_perm(self, perm, regime):
        return has_perm_on(self.request.user, perm, regime.receiving_unit.path)


class FormVersionCreateView(ScopedMixin, generic.View):
    """POST: a new, empty draft version of a regime's form."""

    model = FormVersion
    permission_action = "add"

    def post(self, request, pk):
        regime = get_object_or_404(Regime.objects.restrict(request.user, "change"), pk=pk)
        form = NewVersionForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            version = services.form_version_create(regime=regime, by=request.user, note=note)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse("reporting:regime_detail", args=[regime.pk]))
        messages.success(request, _("Version %(n)s created as a draft.") % {"n": version.number})
        return HttpResponseRedirect(reverse("reporting:form_editor", args=[version.pk]))


# --------------------------------------------------------------------------- the form version editor


class FormScopedMixin(ScopedMixin):
    model = FormVersion
    permission_action = "view"

    def get_form_version(self) -> FormVersion:
        return get_object_or_404(
            FormVersion.objects.restrict(self.request.user, "view").select_related("regime__receiving_unit",
                                                                                    "regime__current_form"),
            pk=self.kwargs["pk"])


def editor_data(form: FormVersion) -> dict:
    """Sections with their indicators, and rules: three queries for any number of rows."""
    sections = list(form.sections.all())
    indicators = list(form.indicators.select_related("weight_indicator").order_by("order", "id"))
    by_section: dict[int, list[Indicator]] = {s.pk: [] for s in sections}
    for ind in indicators:
        by_section.setdefault(ind.section_id, []).append(ind)
        ind.min_text, ind.max_text = format_number(ind.min_value), format_number(ind.max_value)
    for s in sections:
        s.rows = by_section.get(s.pk, [])
    return {"sections": sections, "indicators": indicators, "rules": list(form.rules.all())}


ADD_FORMS = {"section": SectionForm, "indicator": IndicatorForm, "rule": RuleForm}


class FormEditorView(FormScopedMixin, generic.TemplateView):
    """A form version: read-only when published; a draft takes new sections, indicators and rules."""

    template_name = "reporting/setup/editor.html"

    def get(self, request, *args, **kwargs):
        self.version = self.get_form_version()
        return self.render(editor_data(self.version))

    def post(self, request, *args, **kwargs):
        self.version = self.get_form_version()
        kind = request.POST.get("kind")
        if kind not in ADD_FORMS:
            raise Http404
        data = editor_data(self.version)
        section_pk = request.POST.get("add_to_section", "")
        prefix = f"ind{section_pk}" if kind == "indicator" else f"new-{kind}"
        bound = _make_form(kind, data, request.POST, prefix=prefix)
        if bound.is_valid():
            try:
                obj = _save(kind, self.version, bound, request.user)
            except ValidationError as exc:
                _show_error(request, bound, exc)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(
                    reverse("reporting:form_editor", args=[self.version.pk]) + f"#{kind}-{obj.pk}")
        return self.render(data, bound=(kind, bound, section_pk))

    def render(self, data, bound=None):
        version = self.version
        editable = not version.is_published and self.can("change", version)
        add_forms = {}
        if editable:
            add_forms = {
                "section": SectionForm(prefix="new-section", initial={"order": len(data["sections"]) + 1}),
                "rule": RuleForm(prefix="new-rule", initial={"order": len(data["rules"]) + 1}),
            }
            for s in data["sections"]:
                if not s.is_narrative:
                    s.add_form = _make_form("indicator", data, None, prefix=f"ind{s.pk}", initial={
                        "section": s.pk, "order": len(s.rows) + 1})
        if bound is not None:
            kind, form, section_pk = bound
            if kind == "indicator":
                for s in data["sections"]:
                    if str(s.pk) == str(section_pk):
                        s.add_form, s.add_open = form, True
            else:
                add_forms[kind] = form
                add_forms[f"{kind}_open"] = True
        regime = version.regime
        ctx = self.get_context_data(
            version=version, regime=regime, editable=editable, add_forms=add_forms, **data,
            is_current=regime.current_form_id == version.pk,
            can_publish=editable and self.can("publish", version),
            can_clone=version.is_published and self.can("add", version) and self.can("change", version),
        )
        return self.render_to_response(ctx)


def _make_form(kind, data, post, *, prefix=None, instance=None, initial=None):
    cls = ADD_FORMS[kind]
    kwargs = {"prefix": prefix, "initial": initial}
    if instance is not None:
        kwargs["instance"] = instance
    if kind == "indicator":
        kwargs.update(sections=data["sections"], indicators=data["indicators"])
    return cls(post, **kwargs) if post is not None else cls(**kwargs)


def _save(kind, version, form, user, obj=None):
    if kind == "section":
        return services.section_save(form=version, data=form.cleaned_data, by=user, section=obj)
    if kind == "indicator":
        return services.indicator_save(form=version, data=form.service_data(), by=user, indicator=obj)
    return services.rule_save(form=version, data=form.cleaned_data, by=user, rule=obj)


def _show_error(request, form, exc: ValidationError) -> None:
    if getattr(exc, "code", None) == "published":
        messages.error(request, " ".join(exc.messages))
    form_add_errors(form, exc)


ITEM_MODELS = {"section": Section, "indicator": Indicator, "rule": ValidationRule}


class FormItemView(FormScopedMixin, generic.TemplateView):
    """Edit one section, indicator or rule of a draft. With htmx: GET answers the inline form (or, with
    ?row=1, the row again), POST the saved row or the form with its errors; without: a plain page."""

    def get_item(self):
        self.version = self.get_form_version()
        model = ITEM_MODELS.get(self.kwargs["kind"])
        if model is None:
            raise Http404
        return get_object_or_404(model, form=self.version, pk=self.kwargs["item"])

    def get(self, request, *args, **kwargs):
        item = self.get_item()
        data = editor_data(self.version)
        if _is_htmx(request) and request.GET.get("row"):
            return self.row(item, data)
        form = _make_form(self.kwargs["kind"], data, None, instance=item)
        return self.render_form(item, form)

    def post(self, request, *args, **kwargs):
        item = self.get_item()
        kind = self.kwargs["kind"]
        if request.POST.get("action") == "remove":
            return self.remove(item)
        data = editor_data(self.version)
        form = _make_form(kind, data, request.POST, instance=item)
        if form.is_valid():
            try:
                item = _save(kind, self.version, form, request.user, obj=item)
            except ValidationError as exc:
                _show_error(request, form, exc)
            else:
                if _is_htmx(request):
                    item = ITEM_MODELS[kind].objects.get(pk=item.pk)
                    return self.row(item, editor_data(self.version))
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(
                    reverse("reporting:form_editor", args=[self.version.pk]) + f"#{kind}-{item.pk}")
        return self.render_form(item, form)

    def remove(self, item):
        request = self.request
        label = str(item)
        try:
            form_services.form_item_remove(form=self.version, item=item, by=request.user)
        except ValidationError as exc:
            form = _make_form(self.kwargs["kind"], editor_data(self.version), None, instance=item)
            return self.render_form(item, form, refused=exc.messages)
        if _is_htmx(request):
            return HttpResponse("")
        messages.success(request, _("Removed: %(item)s.") % {"item": label})
        return HttpResponseRedirect(reverse("reporting:form_editor", args=[self.version.pk]))

    def row(self, item, data):
        kind = self.kwargs["kind"]
        if kind == "indicator":
            item = next(i for i in data["indicators"] if i.pk == item.pk)
        editable = not self.version.is_published and self.can("change", self.version)
        return TemplateResponse(self.request, f"reporting/setup/_{kind}_row.html",
                                {"version": self.version, "editable": editable, kind: item, "item": item})

    def render_form(self, item, form, refused=()):
        kind = self.kwargs["kind"]
        ctx = {"version": self.version, "regime": self.version.regime, "item": item, "form": form, "kind": kind,
               "refused": refused,
               "editable": not self.version.is_published and self.can("change", self.version)}
        if _is_htmx(self.request):
            return TemplateResponse(self.request, "reporting/setup/_item_form.html", ctx)
        return self.render_to_response(self.get_context_data(**ctx))

    template_name = "reporting/setup/item_form.html"


class FormPublishView(FormScopedMixin, generic.TemplateView):
    """GET: what publishing means, and the form's problems if any; POST: publish (becomes current)."""

    template_name = "reporting/setup/publish.html"
    permission_action = "publish"

    def get(self, request, *args, **kwargs):
        self.version = self.get_form_version()
        return self.render([])

    def post(self, request, *args, **kwargs):
        self.version = self.get_form_version()
        try:
            services.form_version_publish(form=self.version, by=request.user)
        except ValidationError as exc:
            return self.render(exc.messages)
        messages.success(request, _("Version %(n)s is published and is now the current form of the regime.")
                         % {"n": self.version.number})
        return HttpResponseRedirect(reverse("reporting:form_editor", args=[self.version.pk]))

    def render(self, errors):
        version = self.version
        counts = version.indicators.aggregate(n=Count("id"))
        ctx = self.get_context_data(version=version, regime=version.regime, errors=errors,
                                    n_indicators=counts["n"], n_sections=version.sections.count(),
                                    n_rules=version.rules.count(),
                                    open_reports=version.regime.reports.filter(
                                        status__in=("draft", "returned")).count())
        return self.render_to_response(ctx)


class FormCloneView(FormScopedMixin, generic.View):
    """POST: a new draft version with the same content (the way to change a published form)."""

    permission_action = "add"

    def post(self, request, *args, **kwargs):
        version = self.get_form_version()
        try:
            new = services.form_version_clone(form=version, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse("reporting:form_editor", args=[version.pk]))
        messages.success(request, _("Version %(new)s is a draft copy of version %(old)s: change it, then publish it.")
                         % {"new": new.number, "old": version.number})
        return HttpResponseRedirect(reverse("reporting:form_editor", args=[new.pk]))


urlpatterns = [
    path("setup/", SetupListView.as_view(), name="setup"),
    path("setup/regimes/new/", RegimeFormView.as_view(), name="regime_add"),
    path("setup/regimes/<int:pk>/", RegimeDetailView.as_view(), name="regime_detail"),
    path("setup/regimes/<int:pk>/edit/", RegimeFormView.as_view(), name="regime_edit"),
    path("setup/regimes/<int:pk>/versions/new/", FormVersionCreateView.as_view(), name="form_version_add"),
    path("setup/forms/<int:pk>/", FormEditorView.as_view(), name="form_editor"),
    path("setup/forms/<int:pk>/<str:kind>/<int:item>/", FormItemView.as_view(), name="form_item"),
    path("setup/forms/<int:pk>/publish/", FormPublishView.as_view(), name="form_publish"),
    path("setup/forms/<int:pk>/clone/", FormCloneView.as_view(), name="form_clone"),
]
