"""Reads about accounts that other apps need: who holds a permission over a unit."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from .models import Grant, User
from .roles import ROLE_PERMISSIONS


def roles_with(perm: str) -> list[str]:
    return sorted(role for role, perms in ROLE_PERMISSIONS.items() if perm in perms)


def permission_holders(*, unit, perm: str, on: dt.date | None = None) -> dict[User, int]:
    """The active users holding `perm` over `unit` through a grant in force on `on` (default today), on the
    unit itself or on one of its ancestors (a grant covers its unit's subtree). Each user maps to how many
    levels above `unit` their closest such grant sits: 0 = on the unit itself. Superusers without a grant
    are not listed (they hold everything everywhere; nobody is "theirs" to tell). One query."""
    on = on or timezone.localdate()
    segments = unit.path.strip("/").split("/")
    levels = {"/".join(segments[:i]) + "/": len(segments) - i for i in range(1, len(segments) + 1)}
    grants = (Grant.objects.filter(unit__path__in=list(levels), role__in=roles_with(perm), valid_from__lte=on,
                                   user__is_active=True)
              .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
              .select_related("user", "unit").order_by("user_id"))
    out: dict[User, int] = {}
    for g in grants:
        distance = levels[g.unit.path]
        if g.user not in out or distance < out[g.user]:
            out[g.user] = distance
    return out
