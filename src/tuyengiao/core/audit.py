"""Explicit audit: every service write calls record() with the values before and after."""
from __future__ import annotations

import datetime as dt
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry
from .querysets import object_unit_path
from .vi import format_exact


def _jsonable(value):
    from django.db.models.fields.files import FieldFile

    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model) -> dict:
    """Concrete field values, foreign keys as ids, in a JSON-friendly form."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in {"search", "sort_key"} or field.name.endswith("_sort_key"):
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    for field in obj._meta.many_to_many:
        if obj.pk:
            data[field.name] = sorted(obj.__class__.objects.filter(pk=obj.pk).values_list(f"{field.name}__pk", flat=True).exclude(**{f"{field.name}__pk": None}))
    return data


def record(*, actor, action: str, obj: models.Model, before: dict | None = None, after: dict | None = None,
           reason: str = "") -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        unit_path=object_unit_path(obj) or "",
        before=before,
        after=after,
        reason=reason,
    )


def history_for(obj: models.Model):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj.__class__), object_id=str(obj.pk)
    ).select_related("actor")


# --- display: the history page --------------------------------------------------------------------


def hidden_fields(model: type[models.Model]) -> set[str]:
    """Snapshot keys the history page leaves out: the primary key and every field people do not edit
    (editable=False: a unit's tree path and depth, sort keys, the folded search column, the sample-data
    flag, denormalised copies, timestamps), plus the names a model lists in `history_exclude`."""
    keys = set(getattr(model, "history_exclude", ()))
    for field in model._meta.concrete_fields:
        if field.primary_key or not field.editable:
            keys.update((field.name, field.attname))
    return keys


def _is_empty(value) -> bool:
    return value is None or value == "" or value == []


def _readable(field, value):
    """A decimal stored as text in the snapshot, written the Vietnamese way (1.234,5)."""
    if isinstance(field, models.DecimalField) and isinstance(value, str):
        try:
            return format_exact(value)
        except decimal.InvalidOperation:
            return value
    return value


class DisplayEntry:
    """An AuditEntry as the history page lists it: changes() leaves out the hidden fields and the fields
    that stay empty (None → ""), lists the fields in the model's order and writes decimals the Vietnamese
    way. Everything else is the entry's."""

    def __init__(self, entry: AuditEntry, hidden: set[str], fields: dict):
        self._entry, self._hidden, self._fields = entry, hidden, fields

    def __getattr__(self, name):
        return getattr(self._entry, name)

    def changes(self) -> list[tuple[str, object, object]]:
        out = []
        for key, before, after in self._entry.changes():
            if key in self._hidden or (_is_empty(before) and _is_empty(after)):
                continue
            field = self._fields.get(key)
            out.append((key, _readable(field, before), _readable(field, after)))
        # In the model's field order (PostgreSQL's jsonb does not keep the snapshot's key order).
        order = {key: i for i, key in enumerate(self._fields)}
        return sorted(out, key=lambda change: order.get(change[0], len(order)))


def history_for_display(obj: models.Model, limit: int | None = None) -> list[DisplayEntry]:
    """history_for(obj), newest `limit` entries, for the history page and detail pages (see DisplayEntry)."""
    model = obj.__class__
    hidden = hidden_fields(model)
    fields = {}
    for field in model._meta.concrete_fields:
        fields[field.name] = fields[field.attname] = field
    entries = history_for(obj)
    return [DisplayEntry(entry, hidden, fields) for entry in (entries[:limit] if limit else entries)]
