"""Explicit audit: every service write calls record() with the values before and after."""
from __future__ import annotations

import datetime as dt
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry
from .querysets import object_unit_path


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
