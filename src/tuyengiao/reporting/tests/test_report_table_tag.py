"""The dashboard tables' rows are written by a template tag: same markup, every text escaped."""
from django.template import Context, Template

from tuyengiao.reporting.views.dashboard_base import Badge, Cell, Header, Table


def _render(table: Table) -> str:
    return Template('{% include "reporting/dashboard/_table.html" with table=table %}').render(
        Context({"table": table}))


def test_rows_links_badges_and_totals():
    table = Table("Bảng", [Header("Đơn vị"), Header("Số", True)], [
        [Cell("Xã <A>", "Xã <A>", url="/u/1/?a=1&b=2"), Cell(1234, "1.234", numeric=True,
                                                             badges=[Badge("!", "text-bg-warning", 'tiêu "đề"')])],
        [Cell("Xã B", "Xã B", url="/u/2/", hx_target="#drill"), Cell("Không", "Không")],
    ], totals=[Cell("Tổng", "Tổng"), Cell(1234, "1.234", numeric=True)])
    html = _render(table)
    assert '<th scope="row" class="fw-normal"><a href="/u/1/?a=1&amp;b=2">Xã &lt;A&gt;</a></th>' in html
    assert ('<td class="text-end num">1.234 <span class="badge text-bg-warning" title="tiêu &quot;đề&quot;">!'
            '</span></td>') in html
    assert '<a href="/u/2/" hx-get="/u/2/" hx-target="#drill" hx-swap="outerHTML">Xã B</a>' in html
    assert "<td>Không</td>" in html  # text cells are not right-aligned
    assert '<tr class="fw-semibold table-group-divider"><th scope="row">Tổng</th><td class="text-end num">1.234</td></tr>' in html
    assert "<A>" not in html


def test_no_rows_says_so():
    from django.utils import translation

    with translation.override("vi"):
        html = _render(Table("Bảng", [Header("Đơn vị")], []))
    assert "<table" not in html and 'class="empty-state' in html
    assert "Không có số liệu" in html
