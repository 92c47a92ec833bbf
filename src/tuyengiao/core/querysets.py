"""The one scoping primitive: Model.objects.restrict(user, action).

A scoped model names the lookup to its unit's materialised path in `scope_path_lookup`
("path" for Unit itself, "unit__path" for most facts). Models without a unit set it to None:
they are visible wherever the permission is held at all.
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from .permissions import ALL, perm_name, scope_paths


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        return self.restrict_perm(user, perm_name(self.model, action))

    def restrict_perm(self, user, perm: str):
        """Objects under the units where `user` holds `perm` (which may be another model's
        permission: e.g. the units on which the user may create grants)."""
        paths = scope_paths(user, perm)
        if paths == ALL:
            return self
        if not paths:
            return self.none()
        lookup = getattr(self.model, "scope_path_lookup", None)
        if lookup is None:
            return self
        q = Q()
        for p in paths:
            q |= Q(**{f"{lookup}__under": p})
        return self.filter(q)


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    pass


def object_unit_path(obj) -> str | None:
    """The unit path an object is scoped by (None for unit-less objects)."""
    lookup = getattr(type(obj), "scope_path_lookup", None)
    if lookup is None:
        return None
    value = obj
    for part in lookup.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value
