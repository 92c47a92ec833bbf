"""The home page's to-do list: the reports the user's units still owe, overdue first.

    {% load reporting_home %}{% owed_reports %}
"""
from __future__ import annotations

from django import template
from django.utils import timezone

register = template.Library()

SOON_DAYS = 31  # a report is listed from a month before its deadline


@register.inclusion_tag("reporting/entry/_home_todo.html", takes_context=True)
def owed_reports(context) -> dict:
    from ..views.entry import owed_by_unit

    user = context["request"].user
    today = timezone.localdate()
    rows = [row for group in owed_by_unit(user, today) for row in group["rows"]
            if not row["received"] and row["days"] is not None and row["days"] <= SOON_DAYS]
    rows.sort(key=lambda r: (r["days"], r["obligation"].regime.name))
    return {"rows": rows, "several_units": len({r["unit"].pk for r in rows}) > 1}
