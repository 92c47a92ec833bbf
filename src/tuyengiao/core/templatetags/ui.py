"""Template helpers for the UI shell: safe URL lookup, permission checks, dotted attributes, form fields.

    {% load ui %}
    {% nav_url "org:unit_tree" as u %}{% if u and user|can:"org.view_unit" %}<a href="{{ u }}">…{% endif %}
    {{ obj|attr:"type.name" }}
    {% history_url object as h %}
    {% render_field field %}
"""
from __future__ import annotations

import datetime as dt

from django import forms, template
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext

from tuyengiao.core.permissions import has_perm_anywhere, user_grants

register = template.Library()

EMPTY = "—"


@register.simple_tag
def nav_url(name, *args, **kwargs) -> str:
    """reverse(name, args) or "" when the URL name does not exist (yet): links to modules appear
    by themselves once their app is installed."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@register.filter
def can(user, perm: str) -> bool:
    """user|can:"org.view_unit": the user holds the permission over at least one unit."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and has_perm_anywhere(user, perm))


@register.filter
def can_app(user, app_label: str) -> bool:
    """user|can_app:"reporting": the user holds any permission of that app somewhere. Used for the
    navigation entries of modules whose permission names are not fixed yet."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cache = user.__dict__.setdefault("_ui_app_cache", {})
    if app_label not in cache:
        prefix = f"{app_label}."
        grants = user_grants(user) if hasattr(user, "scope_grants") else []
        cache[app_label] = any(p.startswith(prefix) for _path, perms in grants for p in perms)
    return cache[app_label]


def format_value(value):
    """Dates dd/mm/yyyy, datetimes dd/mm/yyyy HH:MM (local time), booleans Yes/No, None and "" -> —."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, models.Manager):
        items = list(value.all())
        return ", ".join(str(i) for i in items) if items else EMPTY
    return value


@register.filter
def attr(obj, path: str):
    """{{ obj|attr:"type.name" }}: follows dots, prefers get_<name>_display() for choice fields,
    calls plain methods without arguments, formats dates as dd/mm/yyyy and None as —."""
    value = obj
    for name in str(path).split("."):
        if value is None:
            break
        display = getattr(value, f"get_{name}_display", None)
        if callable(display):
            value = display()
            continue
        if isinstance(value, dict):
            value = value.get(name)
            continue
        value = getattr(value, name, None)
        if callable(value) and not isinstance(value, models.Manager):
            value = value()
    return format_value(value)


@register.filter
def display(value):
    """Format one value as attr does: {{ before|display }}."""
    return format_value(value)


@register.simple_tag
def history_url(obj) -> str:
    """The full audit trail page of an object ("" when the history URL is missing)."""
    if obj is None or getattr(obj, "pk", None) is None:
        return ""
    return nav_url("history", obj._meta.app_label, obj._meta.model_name, obj.pk)


@register.simple_tag
def object_url(url_ns: str, suffix: str, *args) -> str:
    """{% object_url url_ns "_edit" object.pk %} -> reverse("org:person_edit", args=[pk]) or ""."""
    if not url_ns:
        return ""
    return nav_url(f"{url_ns}{suffix}", *args)


def _widget_kind(widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "choices"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    return "input"


@register.filter
def widget_kind(bound_field) -> str:
    """checkbox / choices / select / hidden / file / input: how components/field.html lays a field out."""
    return _widget_kind(bound_field.field.widget)


@register.simple_tag
def render_field(bound_field, extra_class: str = "", **attrs):
    """The widget with Bootstrap classes, is-invalid and aria-describedby pointing at its help text and
    errors (ids <auto_id>-help and <auto_id>-errors, as components/field.html writes them)."""
    widget = bound_field.field.widget
    kind = _widget_kind(widget)
    css = widget.attrs.get("class", "")
    if not css:
        css = {"checkbox": "form-check-input", "choices": "form-check-input", "select": "form-select",
               "hidden": "", "file": "form-control", "input": "form-control"}[kind]
    classes = [c for c in (css, extra_class) if c]
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}-help")
    if bound_field.errors:
        classes.append("is-invalid")
        described.append(f"{bound_field.auto_id}-errors")
        attrs.setdefault("aria-invalid", "true")
    if described:
        attrs.setdefault("aria-describedby", " ".join(described))
    if classes:
        attrs["class"] = " ".join(dict.fromkeys(" ".join(classes).split()))
    return bound_field.as_widget(attrs=attrs)


@register.filter
def tree_depth_class(depth) -> str:
    """tree-depth-0 … tree-depth-8 (deeper levels share the last indentation)."""
    try:
        depth = int(depth)
    except (TypeError, ValueError):
        depth = 0
    return f"tree-depth-{max(0, min(depth, 8))}"


@register.simple_tag
def page_range(page_obj):
    """Page numbers around the current page, with … where pages are left out."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


@register.filter
def alert_class(tags: str) -> str:
    """Message tags -> Bootstrap alert class (error -> alert-danger)."""
    mapping = {"error": "danger", "debug": "secondary"}
    level = (tags or "info").split()[-1]
    return f"alert-{mapping.get(level, level)}"


@register.filter
def path_in(path: str, url: str) -> bool:
    """The current path is the nav link's page or below it (the home page matches only itself)."""
    if not url or not path:
        return False
    return path == url if url == "/" else path.startswith(url)


def _field_for(model, key: str):
    if model is None:
        return None
    for field in model._meta.get_fields():
        if getattr(field, "attname", None) == key or field.name == key:
            return field
    return None


def _change_value(field, value, user):
    if value is None or value == "" or value == []:
        return EMPTY
    if field is None:
        return format_value(value)
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            return format_value(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return format_value(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if field.is_relation and field.related_model is not None:
        ids = value if isinstance(value, list) else [value]
        manager = field.related_model._default_manager
        qs = manager.restrict(user, "view") if hasattr(manager, "restrict") else manager.all()
        found = qs.in_bulk(ids)
        return ", ".join(str(found[i]) if i in found else f"#{i}" for i in ids)
    return format_value(value)


@register.simple_tag(takes_context=True)
def audit_changes(context, entry):
    """[(field label, before, after)] of an AuditEntry, with verbose names, dd/mm/yyyy dates, choice
    labels and related objects by name (read through restrict(); out of scope shows #id)."""
    user = context.get("user")
    ct = getattr(entry, "content_type", None)
    model = ct.model_class() if ct is not None else None
    rows = []
    for key, before, after in entry.changes():
        field = _field_for(model, key)
        label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else key
        rows.append((label, _change_value(field, before, user), _change_value(field, after, user)))
    return rows
