"""Template context of every page: the application's name, the sample-data banner, the main menu.

Apart from the bell's unread count (accounts.context_processors), the layout adds no query: the
sample-data flag is kept per process until sample units come or go (core.stamps; org.cache reports the
change), the menu reads the user's grants through core.permissions.user_grants (loaded once per request,
shared with the view's scoping), and the layout's URLs are reversed once per URLconf.
"""
from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from . import stamps
from .templatetags.ui import can, can_app

# The main menu: (key, URL name, permission, label, Bootstrap icon). A module's entry appears by itself
# once its URL exists. Permission "app:<label>": any permission of that app; None: any logged-in user.
NAV = (
    ("units", "org:unit_tree", "org.view_unit", _("Units"), "diagram-3"),
    ("people", "org:person_list", "org.view_person", _("People"), "people"),
    ("clusters", "org:cluster_list", "org.view_cluster", _("Emulation clusters"), "collection"),
    ("lineage", "org:lineageevent_list", "org.view_lineageevent", _("Organisational changes"), "shuffle"),
    ("reporting", "reporting:index", "app:reporting", _("Reports"), "clipboard-data"),
    ("emulation", "emulation:index", "app:emulation", _("Emulation"), "trophy"),
    ("awards", "awards:index", "app:awards", _("Awards"), "award"),
    ("events", "events:index", "app:events", _("Conferences"), "calendar-event"),
    ("publishing", "publishing:index", "app:publishing", _("Publishing"), "newspaper"),
    ("users", "accounts:user_list", "accounts.view_user", _("Users"), "person-gear"),
    ("api", "api-docs", None, _("API"), "code-slash"),
)
# The other links of the layout, as `layout_urls.<key>` ("" when the URL does not exist).
LAYOUT_URLS = {
    "home": "home",
    "notifications": "accounts:notification_list",
    "password_change": "accounts:password_change",
    "letterheads": "documents:issuerprofile_list",  # setup: in the user menu, for those who may set one
    "admin": "admin:index",
    "logout": "accounts:logout",
}

SAMPLE_DATA = "sample-data"  # stamp name; org.cache marks it changed when sample units come or go

_reversed: dict[tuple, dict[str, str]] = {}


def _urls() -> dict[str, str]:
    """Every URL the layout links to, reversed once per URLconf (they never change while it runs)."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    urls = _reversed.get(key)
    if urls is None:
        urls = {}
        for name in [*LAYOUT_URLS.values(), *(entry[1] for entry in NAV)]:
            try:
                urls[name] = reverse(name)
            except NoReverseMatch:
                urls[name] = ""
        _reversed[key] = urls
    return urls


def _may_use(user, perm: str | None) -> bool:
    if perm is None:
        return True
    return can_app(user, perm[4:]) if perm.startswith("app:") else can(user, perm)


def _nav(request) -> list[dict]:
    urls, path = _urls(), request.path
    items = []
    for key, url_name, perm, label, icon in NAV:
        url = urls[url_name]
        if url and _may_use(request.user, perm):
            active = path == url if url == "/" else path.startswith(url)
            items.append({"key": key, "url": url, "label": label, "icon": icon, "active": active})
    return items


def _has_sample_data() -> bool:
    from django.apps import apps

    return apps.get_model("org", "Unit").objects.filter(is_sample=True).exists()


def site(request):
    user = getattr(request, "user", None)
    urls = _urls()
    ctx = {"app_name": "Tuyên giáo số", "layout_urls": {key: urls[name] for key, name in LAYOUT_URLS.items()}}
    if user is None or not user.is_authenticated:
        return {**ctx, "sample_data": False, "nav": ()}
    return {
        **ctx,
        "sample_data": settings.SAMPLE_DATA_BANNER and stamps.cached(SAMPLE_DATA, _has_sample_data),
        "nav": SimpleLazyObject(lambda: _nav(request)),  # htmx fragments show no layout and pay nothing
    }
