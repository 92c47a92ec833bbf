"""Generic audited writes used by models without special rules; domain apps wrap or replace them."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from . import audit
from .permissions import has_perm_on, perm_name
from .querysets import object_unit_path


def ensure_perm(*, user, obj, action: str) -> None:
    """Re-check scope on the object as it will be saved: out of scope is 404."""
    if user is None:  # system jobs (imports from the command line, demo loader)
        return
    if not has_perm_on(user, perm_name(obj, action), object_unit_path(obj)):
        raise Http404


@transaction.atomic
def object_create(*, model, data: dict, by, m2m: dict | None = None):
    obj = model(**data)
    ensure_perm(user=by, obj=obj, action="add")
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    audit.record(actor=by, action="create", obj=obj, after=audit.snapshot(obj))
    return obj


@transaction.atomic
def object_update(*, obj, data: dict, by, m2m: dict | None = None):
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    ensure_perm(user=by, obj=obj, action="change")
    before = audit.snapshot(obj)
    for key, value in data.items():
        setattr(obj, key, value)
    ensure_perm(user=by, obj=obj, action="change")  # the new place must be in scope too
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    after = audit.snapshot(obj)
    if before != after:
        audit.record(actor=by, action="update", obj=obj, before=before, after=after)
    return obj


@transaction.atomic
def object_close(*, obj, by, on, reason: str = ""):
    """End an effective-dated object (valid_to); nothing is hard-deleted."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    ensure_perm(user=by, obj=obj, action="delete")
    if getattr(obj, "valid_to", None) and obj.valid_to <= on:
        raise ValidationError({"valid_to": ValidationError(_("This record is already closed."), code="closed")})
    before = audit.snapshot(obj)
    obj.valid_to = on
    obj.full_clean()
    obj.save(update_fields=["valid_to"])
    audit.record(actor=by, action="close", obj=obj, before=before, after=audit.snapshot(obj), reason=reason)
    return obj
