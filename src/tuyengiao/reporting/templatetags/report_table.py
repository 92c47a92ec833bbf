"""The rows of a dashboard table (dashboard_base.Table), written by Python rather than the template engine.

The units × indicators page can hold 300 units × 150 indicators, twice with the year-earlier
comparison: 90,000 cells. Including a cell template per cell cost about a second; the same markup from
format strings costs a fraction of it (the technique of org_tree and of django.contrib.admin's
change-list cells). Every text is escaped here; URLs come from reverse() and are escaped too.

    {% load report_table %}{% table_rows table.rows %}   {% table_row table.totals %}
"""
from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def _cell(cell) -> str:
    text = escape(str(cell.text))
    if cell.url:
        url = escape(cell.url)
        if cell.hx_target:
            text = (f'<a href="{url}" hx-get="{url}" hx-target="{escape(cell.hx_target)}" hx-swap="outerHTML">'
                    f"{text}</a>")
        else:
            text = f'<a href="{url}">{text}</a>'
    for b in cell.badges:
        title = f' title="{escape(str(b.title))}"' if b.title else ""
        text += f' <span class="badge {escape(b.css)}"{title}>{escape(str(b.text))}</span>'
    return text


def _row(cells, head_class: str) -> str:
    out = []
    for i, cell in enumerate(cells):
        if i == 0:
            out.append(f'<th scope="row"{head_class}>{_cell(cell)}</th>')
        elif cell.numeric:
            out.append(f'<td class="text-end num">{_cell(cell)}</td>')
        else:
            out.append(f"<td>{_cell(cell)}</td>")
    return "".join(out)


@register.simple_tag
def table_rows(rows) -> str:
    """The body rows: the first cell is the row header."""
    head_class = ' class="fw-normal"'
    return mark_safe("\n".join(f"      <tr>{_row(row, head_class)}</tr>" for row in rows))  # noqa: S308


@register.simple_tag
def table_row(cells) -> str:
    """The cells of one row (the totals), the first as its header."""
    return mark_safe(_row(cells, ""))  # noqa: S308
