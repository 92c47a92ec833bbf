"""Who may do what where. Grants are read through the user object (accounts.User.scope_grants),
so the kernel depends on no domain app."""
from __future__ import annotations

from django.db.models import Model

ALL = "__all__"  # superusers: no unit restriction


def perm_name(model: type[Model] | Model, action: str) -> str:
    meta = model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def user_grants(user) -> list[tuple[str, frozenset[str]]]:
    """The user's grants in force, read once per request and cached on the user object."""
    cache = user.__dict__.setdefault("_scope_cache", {})
    if "__grants__" not in cache:
        cache["__grants__"] = user.scope_grants()
    return cache["__grants__"]


def scope_paths(user, perm: str) -> list[str] | str:
    """Unit-path prefixes where `user` holds `perm`; ALL for superusers; [] for nobody."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return ALL
    cache = user.__dict__.setdefault("_scope_cache", {})
    if perm not in cache:
        paths = sorted({path for path, perms in user_grants(user) if perm in perms})
        # Drop paths already covered by a shorter prefix: fewer OR terms in every query.
        kept: list[str] = []
        for p in paths:
            if not any(p.startswith(k) for k in kept):
                kept.append(p)
        cache[perm] = kept
    return cache[perm]


def has_perm_anywhere(user, perm: str) -> bool:
    return bool(scope_paths(user, perm))


def has_perm_on(user, perm: str, unit_path: str | None) -> bool:
    """True when the user holds `perm` over the unit at `unit_path` (global objects: anywhere)."""
    paths = scope_paths(user, perm)
    if paths == ALL:
        return True
    if unit_path is None:
        return bool(paths)
    return any(unit_path.startswith(p) for p in paths)


def forget(user) -> None:
    """Clear the per-request cache after grants change."""
    user.__dict__.pop("_scope_cache", None)
