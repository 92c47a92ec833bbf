"""Organisation pages: the unit tree, a unit's page, restructuring, people, clusters, terms."""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic

from tuyengiao.core.forms import apply_scope, form_add_errors
from tuyengiao.core.permissions import has_perm_on, perm_name
from tuyengiao.core.views import (
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    ScopedMixin,
    ServiceFormMixin,
    id_param,
)

from . import cache, selectors, services
from .filters import (
    ClusterFilterSet,
    DepartmentFilterSet,
    LineageEventFilterSet,
    PersonFilterSet,
    TermFilterSet,
    UnitTypeFilterSet,
)
from .forms import (
    ClusterForm,
    DepartmentForm,
    MergeChooseForm,
    MergeSuccessorForm,
    PersonForm,
    PositionForm,
    SplitForm,
    SplitPartFormSet,
    TermForm,
    UnitAbolishForm,
    UnitCreateForm,
    UnitRenameForm,
    UnitTypeChangeForm,
)
from .models import (
    Cluster,
    Department,
    ImportJob,
    LineageEvent,
    Person,
    Position,
    Term,
    Unit,
    UnitType,
    active_on,
)


def _parse_date(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


class UnitTreeView(ScopedMixin, generic.TemplateView):
    """The tree one level at a time (htmx expands a node), or a flat search result."""

    model = Unit
    template_name = "org/unit_tree.html"

    def get_template_names(self):
        htmx = self.request.htmx
        if htmx and not htmx.boosted and not htmx.history_restore_request:
            return [f"{self.template_name}#rows" if "parent" in self.request.GET and not self._searching() else f"{self.template_name}#results"]
        return [self.template_name]

    def _searching(self) -> bool:
        return bool(self.request.GET.get("q", "").strip() or self.request.GET.get("type"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        g, htmx = self.request.GET, self.request.htmx
        show_closed = g.get("closed") == "1"
        on_text = g.get("on", "").strip()
        on = _parse_date(on_text)
        # A date that is not one (31/02/2025) is said so at the field and left out of every link below,
        # so the tree never looks filtered by it.
        on_error = bool(on_text) and on is None
        on = on or (None if show_closed else dt.date.today())
        parent = None
        if g.get("parent"):
            parent = Unit.objects.restrict(self.request.user, "view").filter(pk=id_param(g, "parent")).first()
            if parent is None:
                raise Http404
        type_id = id_param(g, "type")
        rows, is_search = selectors.tree_children(
            parent, user=self.request.user, on=on, search=g.get("q", ""), type_id=type_id
        )
        types = cache.unit_types()
        if is_search:
            rows = rows.select_related("parent")
        else:
            # Plain tuples for org_tree's {% tree_rows %}; type names from the list the filter shows anyway.
            level = list(rows.values_list("pk", "name", "valid_to", "n_children", "type_id"))
            names = dict(types)
            if any(row[4] not in names for row in level):  # a type added behind the ORM's back (raw SQL)
                types = cache.unit_types(refresh=True)
                names = dict(types)
            rows = [(pk, name, valid_to, n, names[type_id]) for pk, name, valid_to, n, type_id in level]
        # A single visible root (the usual case) opens by itself.
        ctx["auto_expand"] = parent is None and not is_search and len(rows) == 1
        # Row links are built from two prefixes, not one reverse() per row: the tree is a hot page.
        query = "".join([f"&on={quote(on_text)}" if on_text and not on_error else "", "&closed=1" if show_closed else ""])
        ctx.update(
            unit_url=reverse("org:unit_detail", args=[0]).removesuffix("0/"), tree_url=reverse("org:unit_tree"), tree_query=query,
            rows=rows, is_search=is_search, parent=parent, on=on, q=g.get("q", ""), show_closed=show_closed,
            on_text=g.get("on", ""), on_error=on_error, types=types, type_id=type_id,
            on_oob=bool(htmx and not htmx.boosted and not htmx.history_restore_request),
            depth=(parent.depth + 1) if parent else 0, can_import=self.can("import"),
            can_restructure=self.can("restructure"),
        )
        return ctx


class UnitDetailView(ObjectDetailView):
    model = Unit
    template_name = "org/unit_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("type", "parent")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        unit: Unit = self.object
        today = dt.date.today()
        user = self.request.user
        ctx["ancestors"] = [a for a in unit.ancestors() if has_perm_on(user, perm_name(Unit, "view"), a.path)]
        ctx["children"] = (
            Unit.objects.restrict(user, "view").filter(parent=unit).filter(active_on(today)).select_related("type")
        )
        ctx["closed_children"] = Unit.objects.restrict(user, "view").filter(parent=unit, valid_to__lt=today).count()
        ctx["positions"] = (
            Position.objects.restrict(user, "view").filter(unit=unit).filter(active_on(today))
            .select_related("person", "department").order_by("person__sort_key")
        )
        ctx["names"] = unit.names.order_by("valid_from")
        ctx["timeline"] = selectors.lineage_timeline(unit)
        ctx["terms"] = Term.objects.restrict(user, "view").filter(unit=unit)
        ctx["departments"] = Department.objects.restrict(user, "view").filter(unit=unit)
        from django.apps import apps

        Grant = apps.get_model("accounts", "Grant")
        ctx["grants"] = (
            Grant.objects.restrict(user, "view").filter(unit=unit).filter(valid_to__isnull=True).select_related("user")
            if has_perm_on(user, "accounts.view_grant", unit.path) else None
        )
        ctx["can_rename"] = self.can("change", unit) and unit.is_active()
        ctx["can_restructure"] = has_perm_on(user, "org.restructure_unit", unit.path) and unit.is_active()
        ctx["can_add_child"] = has_perm_on(user, "org.add_unit", unit.path) and unit.is_active()
        ctx["can_add_term"] = has_perm_on(user, "org.add_term", unit.path) and unit.type.is_party_committee
        ctx["can_add_department"] = has_perm_on(user, "org.add_department", unit.path)
        return ctx


class UnitCreateView(ServiceFormMixin, ScopedMixin, generic.FormView):
    model = Unit
    permission_action = "add"
    template_name = "org/unit_form.html"
    form_class = UnitCreateForm

    def get_initial(self):
        return {"parent": self.request.GET.get("parent"), "valid_from": dt.date.today()}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["parent"].queryset = Unit.objects.restrict(self.request.user, "add").active()
        return form

    @property
    def success_message(self):
        return _("Unit created.")

    def perform(self, d):
        return services.unit_create(
            data=services.NewUnit(name=d["name"], code=d["code"], type=d["type"], parent=d["parent"],
                                  short_name=d["short_name"], issuer_abbr=d["issuer_abbr"]),
            valid_from=d["valid_from"], by=self.request.user,
        )


class _UnitActionView(ServiceFormMixin, ScopedMixin, generic.FormView):
    """A form acting on one unit (rename, change type, abolish)."""

    model = Unit
    template_name = "org/unit_action.html"
    title = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.unit = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(unit=self.unit, title=self.title)
        return ctx

    def perform(self, data):
        self.act(data)
        return self.unit


class UnitRenameView(_UnitActionView):
    permission_action = "change"
    form_class = UnitRenameForm

    @property
    def title(self):
        return _("Rename unit")

    def get_initial(self):
        u = self.unit
        return {"name": u.name, "code": u.code, "short_name": u.short_name, "issuer_abbr": u.issuer_abbr}

    def act(self, d):
        services.unit_rename(unit=self.unit, on=d["valid_from"], name=d["name"], code=d["code"],
                             short_name=d["short_name"], issuer_abbr=d["issuer_abbr"], decision=d["decision"],
                             by=self.request.user)


class UnitTypeChangeView(_UnitActionView):
    permission_action = "change"
    form_class = UnitTypeChangeForm

    @property
    def title(self):
        return _("Change unit type")

    def get_initial(self):
        return {"type": self.unit.type_id}

    def act(self, d):
        services.unit_update_details(unit=self.unit, type=d["type"], by=self.request.user)


class UnitAbolishView(_UnitActionView):
    permission_action = "restructure"
    form_class = UnitAbolishForm

    @property
    def title(self):
        return _("Abolish unit")

    def act(self, d):
        services.unit_abolish(unit=self.unit, on=d["on"], decision=d["decision"],
                              close_subunits=d["close_subunits"], by=self.request.user)


class UnitSplitView(ScopedMixin, generic.TemplateView):
    """One unit becomes several new ones (same parent and type) from a date."""

    model = Unit
    permission_action = "restructure"
    template_name = "org/unit_split.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.unit = get_object_or_404(self.get_queryset().filter(valid_to__isnull=True), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=SplitForm(), parts=SplitPartFormSet(prefix="p")))

    def post(self, request, *args, **kwargs):
        form, parts = SplitForm(request.POST), SplitPartFormSet(request.POST, prefix="p")
        ctx = self.get_context_data(form=form, parts=parts)
        if not (form.is_valid() and parts.is_valid()):
            return self.render_to_response(ctx)
        news = [services.NewUnit(name=p["name"], code=p["code"], type=self.unit.type, parent=self.unit.parent,
                                 issuer_abbr=p.get("issuer_abbr", ""))
                for p in parts.cleaned_data if p.get("name")]
        d = form.cleaned_data
        try:
            services.unit_split(predecessor=self.unit, successors=news, on=d["on"], decision=d["decision"],
                                carry_grants=d["carry_grants"], close_subunits=d["close_subunits"], by=request.user)
        except ValidationError as exc:
            form_add_errors(form, exc)
            return self.render_to_response(ctx)
        messages.success(request, _("The unit was split."))
        return HttpResponseRedirect(self.unit.get_absolute_url())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["unit"] = self.unit
        return ctx


def _typed(form, data) -> dict:
    """What was typed into `form`, as initial values: going back shows it again without error messages."""
    return {name: field.widget.value_from_datadict(data, {}, form.add_prefix(name)) for name, field in form.fields.items()}


class MergeWizardView(ScopedMixin, generic.TemplateView):
    """Merge in three steps; nothing is written before the confirmation step is posted. Each step
    carries the other steps' input in hidden fields, so "Back" (a submit named `back`) keeps it."""

    model = Unit
    permission_action = "restructure"
    template_name = "org/merge_wizard.html"

    def _choose(self, data=None, **kwargs):
        form = MergeChooseForm(data, prefix="c", **kwargs)
        form.fields["predecessors"].queryset = (
            Unit.objects.restrict(self.request.user, "restructure").filter(valid_to__isnull=True)
        )
        return form

    def _succ(self, data=None, **kwargs):
        form = MergeSuccessorForm(data, prefix="s", **kwargs)
        form.fields["parent"].queryset = Unit.objects.restrict(self.request.user, "add").filter(valid_to__isnull=True)
        apply_scope(form, self.request.user)
        return form

    def _render(self, step, choose, succ, preds=(), **extra):
        on = choose.cleaned_data["on"] if step > 1 else None
        return self.render_to_response(self.get_context_data(
            step=step, choose=choose, succ=succ, preds=preds, on=on, last_day=on and on - dt.timedelta(days=1),
            # step 1 carries the new unit's fields only once they were shown (else step 2 proposes them)
            carry_succ=step == 1 and succ.prefix + "-name" in self.request.POST, **extra,
        ))

    def get(self, request, *args, **kwargs):
        choose = self._choose()
        initial = request.GET.getlist("unit")
        if initial:
            choose.initial["predecessors"] = initial
        return self._render(1, choose, self._succ())

    def post(self, request, *args, **kwargs):
        data, step, back = request.POST, request.POST.get("step", "1"), request.POST.get("back")
        choose = self._choose(data)
        if back == "1" or not choose.is_valid():
            if back == "1":
                choose = self._choose(initial=_typed(choose, data))
            return self._render(1, choose, self._succ(initial=_typed(self._succ(), data)))
        preds, on = list(choose.cleaned_data["predecessors"]), choose.cleaned_data["on"]
        if step == "1" or back == "2":
            if back == "2" or "s-name" in data:  # the user has been to step 2 already
                initial = _typed(self._succ(), data)
            else:
                initial = {"parent": preds[0].parent_id, "type": preds[0].type_id, "carry_grants": True}
            return self._render(2, choose, self._succ(initial=initial, preds=preds, on=on), preds)
        succ = self._succ(data, preds=preds, on=on)
        if not succ.is_valid():
            return self._render(2, choose, succ, preds)
        if step == "2":
            return self._render(3, choose, succ, preds, preview=selectors.merge_preview(preds, on))
        d = succ.cleaned_data
        try:
            event = services.unit_merge(
                predecessors=preds, on=on, by=request.user, decision=choose.cleaned_data["decision"],
                successor=services.NewUnit(name=d["name"], code=d["code"], type=d["type"], parent=d["parent"],
                                           short_name=d["short_name"], issuer_abbr=d["issuer_abbr"]),
                carry_grants=d["carry_grants"], close_subunits=d["close_subunits"],
            )
        except ValidationError as exc:
            # Back to the step with the fields (the confirmation step has none to correct).
            form_add_errors(succ, exc)
            return self._render(2, choose, succ, preds)
        new = event.successors().first()
        messages.success(request, _("Merged into %(unit)s.") % {"unit": new})
        return HttpResponseRedirect(new.get_absolute_url())


class LineageEventListView(ObjectListView):
    model = LineageEvent
    filterset_class = LineageEventFilterSet
    columns = [(_("Date"), "date"), (_("Kind"), "kind"), (_("Predecessors"), "predecessor_names"),
               (_("Successors"), "successor_names"), (_("Decision"), "decision")]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("links__unit")


class LineageEventDetailView(ObjectDetailView):
    model = LineageEvent
    template_name = "org/lineageevent_detail.html"
    fields = ["kind", "date", "decision", "note"]


class PersonListView(ObjectListView):
    model = Person
    filterset_class = PersonFilterSet
    columns = [(_("Full name"), "full_name"), (_("Unit"), "home_unit.name"), (_("Year of birth"), "birth_year")]

    def get_queryset(self):
        return super().get_queryset().select_related("home_unit")


class PersonDetailView(ObjectDetailView):
    model = Person
    template_name = "org/person_detail.html"
    fields = ["full_name", "gender", "birth_year", "email", "phone", "home_unit"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["positions"] = self.object.positions.select_related("unit", "department").order_by("-valid_from")
        ctx["can_add_position"] = self.can("change", self.object)
        return ctx


class PersonFormView(ObjectFormView):
    model = Person
    form_class = PersonForm

    def get_initial(self):
        return {"home_unit": self.request.GET.get("unit")}


class PositionCreateView(ObjectFormView):
    """Add a position to a person (a new line of their history)."""

    model = Position
    form_class = PositionForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.person = get_object_or_404(Person.objects.restrict(request.user, "change"), pk=kwargs["person_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"unit": self.person.home_unit_id, "valid_from": dt.date.today()}

    def save(self, form):
        from tuyengiao.core import services as core_services

        data = {**form.cleaned_data, "person": self.person}
        return core_services.object_create(model=Position, data=data, by=self.request.user)


class PositionCloseView(ScopedMixin, generic.View):
    model = Position
    permission_action = "delete"

    def post(self, request, pk):
        from tuyengiao.core import services as core_services

        position = get_object_or_404(self.get_queryset(), pk=pk)
        on = _parse_date(request.POST.get("valid_to")) or dt.date.today()
        try:
            core_services.object_close(obj=position, by=request.user, on=on)
            messages.success(request, _("Position ended."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(position.person.get_absolute_url())


class ClusterListView(ObjectListView):
    model = Cluster
    filterset_class = ClusterFilterSet
    columns = [(_("Name"), "name"), (_("Year"), "year"), (_("Kind"), "kind"), (_("Head unit"), "head.name"),
               (_("Deputy unit"), "deputy.name")]

    def get_queryset(self):
        return super().get_queryset().select_related("head", "deputy")


class ClusterDetailView(ObjectDetailView):
    model = Cluster
    template_name = "org/cluster_detail.html"
    fields = ["name", "year", "kind", "organiser", "head", "deputy"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related(Prefetch("members", queryset=Unit.objects.select_related("type")))


class ClusterFormView(ObjectFormView):
    model = Cluster
    form_class = ClusterForm

    def save(self, form):
        data, members = form.save_data()
        return services.cluster_save(cluster=self.object, data=data, members=members, by=self.request.user)


class TermListView(ObjectListView):
    model = Term
    filterset_class = TermFilterSet
    columns = [(_("Name"), "name"), (_("Party committee"), "unit.name"), (_("From"), "valid_from"), (_("To"), "valid_to")]

    def get_queryset(self):
        return super().get_queryset().select_related("unit")


class DepartmentListView(ObjectListView):
    model = Department
    filterset_class = DepartmentFilterSet
    columns = [(_("Name"), "name"), (_("Code"), "code"), (_("Unit"), "unit.name"), (_("From"), "valid_from")]

    def get_queryset(self):
        return super().get_queryset().select_related("unit")


class TermFormView(ObjectFormView):
    model = Term
    form_class = TermForm

    def get_initial(self):
        return {"unit": self.request.GET.get("unit")}


class TermDetailView(ObjectDetailView):
    model = Term
    fields = ["unit", "name", "number", "valid_from", "valid_to"]


class DepartmentFormView(ObjectFormView):
    model = Department
    form_class = DepartmentForm

    def get_initial(self):
        return {"unit": self.request.GET.get("unit"), "valid_from": dt.date.today()}


class DepartmentDetailView(ObjectDetailView):
    model = Department
    fields = ["unit", "code", "name", "valid_from", "valid_to"]


class UnitTypeListView(ObjectListView):
    model = UnitType
    filterset_class = UnitTypeFilterSet
    columns = [(_("Name"), "name"), (_("Code"), "code"), (_("Party committee"), "is_party_committee")]


class ImportView(ScopedMixin, generic.TemplateView):
    """Upload the XLSX template. The file is checked at once (size, type) and imported by a background
    task; the page of the job follows it. Nothing is written if any row is wrong."""

    model = Unit
    permission_action = "import"
    template_name = "org/import.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["recent_jobs"] = ImportJob.objects.filter(created_by=self.request.user)[:5]  # lazy: the upload page only
        return ctx

    def post(self, request, *args, **kwargs):
        from django.utils.translation import get_language

        from .importing import import_request

        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError(_("Choose a file to upload."))
            job = import_request(file=upload, by=request.user, language=get_language())
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(upload_error=" ".join(exc.messages)))
        return HttpResponseRedirect(job.get_absolute_url())


class ImportJobView(ImportView):
    """One import: its progress while the task runs (the fragment is polled by htmx), then its outcome.
    Visible to its uploader and to those who may import under the unit it was written to; else 404."""

    http_method_names = ["get"]

    def get_template_names(self):
        htmx = self.request.htmx
        if htmx and not htmx.boosted and not htmx.history_restore_request:
            return [f"{self.template_name}#job"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        from .importing import expire_if_interrupted, visible_jobs

        ctx = super().get_context_data(**kwargs)
        ctx["job"] = expire_if_interrupted(get_object_or_404(visible_jobs(self.request.user), pk=kwargs["pk"]))
        return ctx


class ImportTemplateView(ScopedMixin, generic.View):
    model = Unit
    permission_action = "import"

    def get(self, request):
        from django.http import HttpResponse

        from .importing import build_template

        response = HttpResponse(
            build_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="mau-nhap-don-vi-can-bo.xlsx"'
        return response
