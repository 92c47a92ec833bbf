"""Every URL is either permission-guarded or explicitly public, and anonymous users get nothing."""
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC_NAMESPACES = {"admin"}  # Django admin guards itself (staff only)
PUBLIC_NAMES = {"set_language", "healthz", "favicon"}


def _walk(patterns, prefix="", ns=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            sub_ns = p.namespace or ns
            yield from _walk(p.url_patterns, prefix + str(p.pattern), sub_ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), ns, p


def _is_guarded(callback) -> bool:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return getattr(callback, "public", False) or getattr(callback, "permission_action", None) is not None
    if getattr(view_class, "public", False):
        return True
    # DRF views: guarded by the scoped permission class (which needs an authenticated user).
    perms = getattr(view_class, "permission_classes", None)
    if perms is not None:
        from rest_framework.permissions import AllowAny

        return bool(perms) and AllowAny not in perms
    return "permission_action" in dir(view_class)


def all_patterns():
    return list(_walk(get_resolver().url_patterns))


def test_every_url_is_guarded_or_public():
    unguarded = []
    for route, ns, p in all_patterns():
        if ns in PUBLIC_NAMESPACES or p.name in PUBLIC_NAMES:
            continue
        if not _is_guarded(p.callback):
            unguarded.append(f"{route} ({p.name})")
    assert not unguarded, "Views without a permission guard: " + ", ".join(unguarded)


def _concrete(route: str) -> str | None:
    route = route.replace("^", "").replace("$", "")
    if "(?P" in route or "\\" in route or "drf_format_suffix" in route:
        return None
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(str|slug):\w+>", "x", route)
    route = re.sub(r"<\w+>", "1", route)
    return "/" + route


@pytest.mark.django_db
def test_anonymous_gets_nothing(client, cast):
    leaks = []
    for route, ns, p in all_patterns():
        if ns in PUBLIC_NAMESPACES or p.name in PUBLIC_NAMES:
            continue
        url = _concrete(route)
        if url is None:
            continue
        cb = p.callback
        view_class = getattr(cb, "view_class", None) or getattr(cb, "cls", None)
        if view_class is not None and getattr(view_class, "public", False):
            continue
        resp = client.get(url)
        if resp.status_code == 200:
            leaks.append(url)
    assert not leaks, "Anonymous users can open: " + ", ".join(leaks)


@pytest.mark.django_db
def test_user_without_grants_sees_no_data(client_for, cast):
    """A logged-in user with no grant reaches only pages that show no data (home, password)."""
    c = client_for("nobody")
    for name in ["/org/units/", "/org/people/", "/org/clusters/", "/accounts/users/", f"/org/units/{cast.a.pk}/",
                 "/api/units/", f"/api/units/{cast.a.pk}/"]:
        resp = c.get(name)
        assert resp.status_code in (403, 404), (name, resp.status_code)
