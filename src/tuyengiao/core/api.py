"""API base: the same restrict() as the pages; out of scope is 404.

Also the FilterSet base shared by the HTML list pages and the API (`ScopedFilterSet`): a `q` search
through the model's folded `search` column and dropdowns scoped to what the user may see.
"""
from __future__ import annotations

import datetime as dt

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError

from . import services as core_services
from .forms import VNDateField
from .permissions import has_perm_anywhere, has_perm_on, perm_name
from .querysets import object_unit_path
from .vi import fold

METHOD_ACTIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change",
                  "PATCH": "change", "DELETE": "delete"}


class ScopedPermission(permissions.BasePermission):
    def has_permission(self, request, view):
        if getattr(view, "public", False):
            return True
        if not request.user or not request.user.is_authenticated:
            return False
        model = getattr(getattr(view, "queryset", None), "model", None) or getattr(view, "model", None)
        if model is None:
            return True
        action = getattr(view, "permission_action", None) or METHOD_ACTIONS.get(request.method, "view")
        return has_perm_anywhere(request.user, perm_name(model, action))

    def has_object_permission(self, request, view, obj):
        action = getattr(view, "permission_action", None) or METHOD_ACTIONS.get(request.method, "view")
        return has_perm_on(request.user, perm_name(obj, action), object_unit_path(obj))


# --- FilterSets shared by pages and API ---------------------------------------------------------


def scope_filter_querysets(filterset: django_filters.FilterSet, user) -> None:
    """Every model dropdown of a FilterSet lists only what `user` may view (no out-of-scope leaks)."""
    for f in filterset.filters.values():
        qs = getattr(f, "queryset", None)
        if qs is None:
            continue
        if callable(qs):
            qs = qs(filterset.request)
        if hasattr(qs, "restrict"):
            f.queryset = qs.restrict(user, "view")


class VNDateFilter(django_filters.DateFilter):
    """A date filter accepting dd/mm/yyyy (pages) and ISO yyyy-mm-dd (API)."""

    field_class = VNDateField


class ScopedFilterSet(django_filters.FilterSet):
    """Base of every FilterSet: pass `request=`; `q` searches the folded `search` column.

    Subclasses without a folded column set `search_fields` (icontains lookups) instead.
    """

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    search_field: str | None = "search"
    search_fields: tuple[str, ...] = ()

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        scope_filter_querysets(self, getattr(request, "user", None))

    def filter_q(self, queryset, name, value):
        if self.search_fields:
            from django.db.models import Q

            cond = Q()
            for field in self.search_fields:
                cond |= Q(**{f"{field}__icontains": value.strip()})
            return queryset.filter(cond)
        folded = fold(value)
        if not folded or not self.search_field:
            return queryset
        return queryset.filter(**{f"{self.search_field}__contains": folded})


def today() -> dt.date:
    return dt.date.today()


# --- Viewsets -----------------------------------------------------------------------------------


class ScopedViewSetMixin:
    """A viewset whose queryset is `Model.objects.restrict(user, action)`.

    The action follows the HTTP method (GET view, POST add, PUT/PATCH change, DELETE delete);
    custom actions name theirs in `action_permissions`. Writes go through services: override
    `create_object`, `update_object`, `close_object`. Nothing is hard-deleted: DELETE ends an
    effective-dated object (valid_to) through `core.services.object_close`.
    """

    permission_classes = [ScopedPermission]
    action_permissions: dict[str, str] = {}

    @property
    def permission_action(self) -> str:
        custom = self.action_permissions.get(getattr(self, "action", None) or "")
        if custom:
            return custom
        return METHOD_ACTIONS.get(self.request.method, "view") if getattr(self, "request", None) else "view"

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return qs.none()
        return qs.restrict(self.request.user, self.permission_action)

    def filter_queryset(self, queryset):
        # The list filters (e.g. "only units in force today") never hide an object from its own URL.
        if self.detail:
            return queryset
        return super().filter_queryset(queryset)

    def permission_denied(self, request, message=None, code=None):
        # A signed-in user without the permission learns nothing about a given object: 404.
        if request.user and request.user.is_authenticated and self.detail:
            raise NotFound
        super().permission_denied(request, message=message, code=code)

    # Writes --------------------------------------------------------------------------------------

    def split_m2m(self, data: dict) -> tuple[dict, dict]:
        names = {f.name for f in self.queryset.model._meta.many_to_many}
        plain = {k: v for k, v in data.items() if k not in names}
        m2m = {k: v for k, v in data.items() if k in names}
        return plain, m2m

    def create_object(self, data: dict):
        plain, m2m = self.split_m2m(data)
        return core_services.object_create(model=self.queryset.model, data=plain, m2m=m2m, by=self.request.user)

    def update_object(self, obj, data: dict):
        plain, m2m = self.split_m2m(data)
        return core_services.object_update(obj=obj, data=plain, m2m=m2m, by=self.request.user)

    def close_object(self, obj):
        if not hasattr(obj, "valid_to"):
            raise DRFValidationError(_("This record cannot be closed."))
        return core_services.object_close(obj=obj, by=self.request.user, on=today())

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = self.create_object(dict(serializer.validated_data))

    def perform_update(self, serializer):
        with service_errors():
            serializer.instance = self.update_object(serializer.instance, dict(serializer.validated_data))

    def perform_destroy(self, instance):
        with service_errors():
            self.close_object(instance)


def __getattr__(name: str):
    """ScopedModelViewSet, ScopedReadOnlyModelViewSet, SchemaView and DocsView are composed on first
    use: DRF imports this module (DEFAULT_PERMISSION_CLASSES) while rest_framework.views is still
    loading, so the module cannot import rest_framework.viewsets or drf_spectacular.views at import time."""
    if name in ("ScopedModelViewSet", "ScopedReadOnlyModelViewSet"):
        from rest_framework import viewsets

        base = type("ScopedModelViewSet", (ScopedViewSetMixin, viewsets.ModelViewSet),
                    {"__module__": __name__, "__doc__": ScopedViewSetMixin.__doc__})
        read_only = type("ScopedReadOnlyModelViewSet", (base,),
                         {"__module__": __name__, "http_method_names": ["get", "head", "options"],
                          "__doc__": "A ScopedModelViewSet that only reads."})
        globals().update(ScopedModelViewSet=base, ScopedReadOnlyModelViewSet=read_only)
        return globals()[name]
    if name in ("SchemaView", "DocsView"):
        globals().update(_schema_views())
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- OpenAPI schema and docs --------------------------------------------------------------------

# The rendered schema by (language, version, renderer, media type): (body, content type, disposition).
# Per process: the schema changes only with the code (a deploy restarts the processes) or the settings.
_schema_cache: dict[tuple, tuple[bytes, str, str]] = {}


def clear_schema_cache(**kwargs) -> None:
    _schema_cache.clear()


def _schema_views() -> dict:
    from django.conf import settings
    from django.contrib.auth.views import redirect_to_login
    from django.http import HttpResponse
    from django.test.signals import setting_changed
    from django.utils import translation
    from drf_spectacular.utils import extend_schema
    from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView, SpectacularSwaggerSplitView
    from rest_framework.exceptions import NotAuthenticated
    from rest_framework.settings import api_settings

    setting_changed.connect(clear_schema_cache, dispatch_uid="tuyengiao.core.api.clear_schema_cache")

    class SchemaView(SpectacularAPIView):
        """drf-spectacular's schema view, generated once per process for each language, version and
        format instead of on every request (about 0.1 s to generate and 0.05 s to write as YAML).

        The schema is public within the API (SERVE_PUBLIC: it does not depend on who asks), so the key
        is what drf-spectacular reads from the request: the language (?lang= or the active one), the
        version (?version=) and the negotiated format (Accept or ?format=). Unusual requests (a language
        or version that is not configured, media type parameters) are answered uncached, so the cache
        stays small whatever the query string."""

        def cache_key(self, request) -> tuple | None:
            lang = request.GET.get("lang") if settings.USE_I18N else None
            if lang:
                if lang not in dict(settings.LANGUAGES):
                    return None
            else:
                lang = translation.get_language()
            version = self.api_version or request.version or self._get_version_parameter(request)
            if (version is not None and version not in (self.api_version, request.version)
                    and version not in (api_settings.ALLOWED_VERSIONS or ())):
                return None  # ?version=<anything> when no versions are configured
            renderer = request.accepted_renderer
            if request.accepted_media_type != renderer.media_type:
                return None
            return (lang, version, type(renderer), request.accepted_media_type, self.urlconf,
                    repr(self.custom_settings), id(self.patterns))

        @extend_schema(**SCHEMA_KWARGS)
        def get(self, request, *args, **kwargs):
            key = self.cache_key(request)
            cached = _schema_cache.get(key) if key is not None else None
            if cached is None:
                response = super().get(request, *args, **kwargs)
                if key is None:
                    return response
                response.accepted_renderer = request.accepted_renderer
                response.accepted_media_type = request.accepted_media_type
                response.renderer_context = self.get_renderer_context()
                with translation.override(key[0]):
                    response.render()
                cached = (response.content, response["Content-Type"], response["Content-Disposition"])
                _schema_cache[key] = cached
            content, content_type, disposition = cached
            return HttpResponse(content, content_type=content_type, headers={"Content-Disposition": disposition})

    class DocsView(SpectacularSwaggerSplitView):
        """The API docs page (Swagger UI, its script served as a file for the CSP). A person who opens
        it in a browser without being signed in goes to the login page and comes back here; the
        script URL and the API itself keep answering 401/403 for clients."""

        def handle_exception(self, exc):
            request = self.request
            if (isinstance(exc, NotAuthenticated) and request.method in ("GET", "HEAD")
                    and request.GET.get("script") is None):
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            return super().handle_exception(exc)

    SchemaView.__module__ = DocsView.__module__ = __name__
    return {"SchemaView": SchemaView, "DocsView": DocsView}


class service_errors:
    """Context manager: a Django ValidationError from a service becomes a DRF 400 with field
    errors; Http404 (out of scope) stays 404."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and issubclass(exc_type, DjangoValidationError):
            from rest_framework.serializers import as_serializer_error

            raise DRFValidationError(as_serializer_error(exc)) from exc
        if exc_type is not None and issubclass(exc_type, Http404):
            raise NotFound from exc
        return False


class ScopedSerializerMixin:
    """Related-object fields accept only objects the caller may view (the same restrict())."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for field in fields.values():
            target = getattr(field, "child_relation", field)
            qs = getattr(target, "queryset", None)
            if qs is not None and hasattr(qs, "restrict") and not target.read_only:
                target.queryset = qs.restrict(user, "view")
        return fields
