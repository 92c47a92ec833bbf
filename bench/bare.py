"""The bare-framework baseline for the page figures: what plain Django costs for the same page.

Each page figure (tree page, search page, pivot page) is measured against a minimal Django view
defined here: `@login_required`, the page's bare SQL through the same connection (`connection.cursor()`),
the same rows rendered by a minimal Django template (one link per row; the pivot's cells too; no base
layout, no context processors), returned as an `HttpResponse`. It is routed by this module's URLconf,
which puts `/__bench__/<name>/` in front of the project's own URLconf and is switched on with
`override_settings(ROOT_URLCONF="bare")` while the pages are timed. The page and the bare view are both
requested through the same `django.test.Client`, logged in the same way: the full middleware stack
(session, authentication, CSRF, locale, the project's own middleware) and URL resolution run for both, so
the ratio `page / bare view` is what the project adds on top of Django for the same rows: ORM,
scoping, view classes, forms, base layout, context processors, richer templates.

    from bare import register, urlconf
    register("tree_page", rows_fn, "<ul>{% for id, name, n in rows %}…{% endfor %}</ul>")
    with override_settings(ROOT_URLCONF="bare"):
        client.get("/__bench__/tree_page/")
"""
from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.template import engines
from django.urls import include, path

_CASES: dict[str, tuple[Callable[[], object], object]] = {}

# One link per row, as the pages have; the unit URL as the project writes it.
TREE_TEMPLATE = """<!doctype html><title>units</title><ul>
{% for id, name, n in rows %}<li><a href="/org/units/{{ id }}/">{{ name }}</a> {{ n }}</li>
{% endfor %}</ul>"""
SEARCH_TEMPLATE = """<!doctype html><title>units</title><p>{{ rows|length }}</p><ul>
{% for id, name in rows %}<li><a href="/org/units/{{ id }}/">{{ name }}</a></li>
{% endfor %}</ul>"""
PIVOT_TEMPLATE = """<!doctype html><title>pivot</title><table><thead><tr><th>unit</th>
{% for code in rows.codes %}<th>{{ code }}</th>{% endfor %}</tr></thead><tbody>
{% for id, name, cells in rows.rows %}<tr><th><a href="/org/units/{{ id }}/">{{ name }}</a></th>
{% for v in cells %}<td>{{ v|default_if_none:"" }}</td>{% endfor %}</tr>
{% endfor %}</tbody><tfoot><tr><th>total</th>{% for v in rows.totals %}<td>{{ v|default_if_none:"" }}</td>{% endfor %}
</tr></tfoot></table>"""


def register(name: str, rows: Callable[[], object], template_source: str) -> None:
    """`rows()` runs the bare SQL and returns what the template iterates over as `rows`."""
    _CASES[name] = (rows, engines["django"].from_string(template_source))  # compiled once, as cached loaders do


@login_required
def bare_view(request, name: str):
    try:
        rows, template = _CASES[name]
    except KeyError:
        raise Http404(name) from None
    return HttpResponse(template.render({"rows": rows()}))


def urlconf(project_urlconf: str):
    """This module as a URLconf: the bare views first, then the project's own URLs (with their namespaces)."""
    global urlpatterns
    urlpatterns = [path("__bench__/<str:name>/", bare_view, name="bench_bare"), path("", include(project_urlconf))]
    return __name__


urlpatterns: list = []
