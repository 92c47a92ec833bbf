"""Base views: every page states the action it needs and reads through restrict().

A view class is guarded when it sets `permission_action` (scoped) or `public = True`; the URL guard
test fails on anything else.
"""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic
from django_filters.views import FilterView

from . import audit
from . import services as core_services
from .forms import apply_scope, form_add_errors
from .permissions import has_perm_anywhere, has_perm_on, perm_name
from .querysets import object_unit_path
from .templatetags.ui import format_value


class ScopedMixin(LoginRequiredMixin):
    model = None
    permission_action: str = "view"
    public = False

    def perm(self, action: str | None = None) -> str:
        return perm_name(self.model, action or self.permission_action)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_perm_anywhere(request.user, self.perm()):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, self.permission_action)

    def can(self, action: str, obj=None) -> bool:
        user = self.request.user
        if obj is None:
            return has_perm_anywhere(user, self.perm(action))
        return has_perm_on(user, self.perm(action), object_unit_path(obj))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        meta = self.model._meta
        ctx.update(
            verbose_name=meta.verbose_name,
            verbose_name_plural=meta.verbose_name_plural,
            can_add=self.can("add"),
            url_ns=f"{meta.app_label}:{meta.model_name}",
        )
        return ctx


class ServiceFormMixin:
    """A FormView whose valid form is handed to a service (`perform`, returning the object to show):
    a ValidationError from the service lands at its fields, and nothing is saved."""

    success_message = ""

    def perform(self, data: dict):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            target = self.perform(form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message or _("Saved."))
        return HttpResponseRedirect(target.get_absolute_url())


class ObjectListView(ScopedMixin, FilterView):
    template_name = "core/object_list.html"
    paginate_by = 50
    columns: list[tuple[str, str]] = []  # (label, attribute); the first links to the object
    ordering = None

    def get_template_names(self):
        htmx = self.request.htmx
        if htmx and not htmx.boosted and not htmx.history_restore_request:
            return [f"{self.template_name}#results"]
        return [self.template_name]

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["request"] = self.request
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["columns"] = self.columns
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["querystring"] = query.urlencode()
        return ctx


class ObjectDetailView(ScopedMixin, generic.DetailView):
    template_name = "core/object_detail.html"
    fields: list[str] = []

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        ctx["can_change"] = self.can("change", obj)
        ctx["can_close"] = self.can("delete", obj) and hasattr(obj, "valid_to") and not obj.valid_to
        ctx["fields"] = [(obj._meta.get_field(f).verbose_name, _display(obj, f)) for f in self.fields]
        ctx["history"] = audit.history_for_display(obj, limit=20)
        return ctx


def _display(obj, name):
    """A field's value as the list pages show it (core.templatetags.ui.format_value): choices by their
    label, datetimes in local time, booleans Có/Không, nothing as —."""
    getter = getattr(obj, f"get_{name}_display", None)
    return format_value(getter() if getter else getattr(obj, name))


# Beyond a 64-bit primary key: matches nothing (and SQLite cannot even bind it).
_MAX_ID = 2**63 - 1


def id_param(data, name: str) -> int | None:
    """The id in data[name] (request.GET or request.POST), or None when it is missing or not a whole
    number. Ids come from our own links and forms, so anything else is treated like an unknown id (the
    caller's 404 or field message) instead of reaching the database as a ValueError."""
    raw = (data.get(name) or "").strip()
    if not (raw.isascii() and raw.isdigit()):  # isascii: "²".isdigit() is true but int("²") fails
        return None
    value = int(raw)
    return value if value <= _MAX_ID else None


class ObjectFormView(ScopedMixin, generic.UpdateView):
    """Create (no pk in the URL) or edit; saving goes through a service."""

    template_name = "core/object_form.html"
    form_class = None

    def get_object(self, queryset=None):
        if "pk" not in self.kwargs:
            return None
        return super().get_object(queryset)

    @property
    def permission_action(self):  # type: ignore[override]
        return "change" if "pk" in self.kwargs else "add"

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, "change")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        apply_scope(form, self.request.user)
        return form

    def form_valid(self, form):
        try:
            self.object = self.save(form)
        except ValidationError as exc:
            form_add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(self.get_success_url())

    def save(self, form):
        data = {f: form.cleaned_data[f] for f in form.cleaned_data if f not in form.m2m_fields()}
        m2m = {f: form.cleaned_data[f] for f in form.m2m_fields() if f in form.cleaned_data}
        if self.object is None:
            return core_services.object_create(model=self.model, data=data, by=self.request.user, m2m=m2m)
        return core_services.object_update(obj=self.object, data=data, by=self.request.user, m2m=m2m)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["is_new"] = self.object is None
        return ctx


class ObjectCloseView(ScopedMixin, generic.DetailView):
    """Ends an effective-dated record (sets valid_to) after confirmation."""

    permission_action = "delete"
    template_name = "core/object_close.html"

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        raw = request.POST.get("valid_to", "")
        try:
            on = dt.datetime.strptime(raw, "%d/%m/%Y").date() if raw else dt.date.today()
            core_services.object_close(obj=self.object, by=request.user, on=on, reason=request.POST.get("reason", ""))
        except ValueError:
            messages.error(request, _("Enter a date as dd/mm/yyyy."))
            return self.get(request, *args, **kwargs)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.get(request, *args, **kwargs)
        messages.success(request, _("Closed."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class HistoryView(LoginRequiredMixin, generic.TemplateView):
    """An object's audit trail, for those who may view the object."""

    permission_action = "view"
    template_name = "core/history.html"

    def get_context_data(self, **kwargs):
        from django.contrib.contenttypes.models import ContentType

        ctx = super().get_context_data(**kwargs)
        try:
            ct = ContentType.objects.get(app_label=kwargs["app_label"], model=kwargs["model"])
        except ContentType.DoesNotExist:
            raise Http404
        model = ct.model_class()
        if model is None or not hasattr(model.objects, "restrict"):
            raise Http404
        obj = model.objects.restrict(self.request.user, "view").filter(pk=kwargs["pk"]).first()
        if obj is None:
            raise Http404
        ctx.update(object=obj, entries=audit.history_for_display(obj), verbose_name=model._meta.verbose_name)
        return ctx


def history_url(obj) -> str:
    return reverse("history", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


class HomeView(LoginRequiredMixin, generic.TemplateView):
    """The start page: the user's grants and the modules they can open."""

    permission_action = "authenticated"
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["grants"] = (
            user.grants.filter(valid_to__isnull=True).select_related("unit") if hasattr(user, "grants") else []
        )
        return ctx


class HealthView(generic.View):
    """Liveness probe for the reverse proxy: answers without touching user data."""

    public = True

    def get(self, request):
        from django.db import connection
        from django.http import JsonResponse

        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
