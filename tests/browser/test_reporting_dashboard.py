"""The reporting dashboard on a phone: its charts stay legible and scroll inside their box."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tuyengiao.reporting.tests.factories import approved, make_regime, period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_charts_keep_legible_labels_on_a_phone(ui, cast):
    regime = make_regime(cast, rules=False)
    for code, members in (("2025-H2", 1100), ("2026-H1", 1200), ("2026-H2", 1250)):
        approved(regime, period(code), cast.a, {"MEMBERS": members, "SESSIONS": 3})
    page = ui.page
    page.set_viewport_size({"width": 375, "height": 740})
    ui.login("officer_a")
    ui.goto(f"/reports/dashboard/?regime={regime.code}&period=2026-H2")
    chart = page.locator("svg[aria-labelledby^='dashboard-series']")
    expect(chart).to_be_visible()
    box = page.locator(".chart-box", has=chart)
    # The chart is drawn at least 34rem wide, so its 12px axis labels print at 10px or more…
    assert chart.bounding_box()["width"] >= 540
    label = chart.locator("text.chart-axis").first
    assert label.bounding_box()["height"] >= 10
    # …and scrolls inside its box; the page itself never scrolls sideways.
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # On a desktop the chart fits its box.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth")
    ui.finish()


def test_pivot_compares_periods_under_each_indicator_and_keeps_its_head_in_view(ui, cast):
    from tuyengiao.org.services import NewUnit, unit_create

    regime = make_regime(cast, rules=False)
    units = [cast.a, cast.b]
    for n in range(30):  # enough rows to scroll
        units.append(unit_create(data=NewUnit(parent=cast.province, type=cast.a.type, code=f"X{n}",
                                              name=f"Đảng ủy xã Thử {n:02d}"), valid_from=cast.a.valid_from, by=None))
    for code in ("2025-H2", "2026-H2"):
        for i, unit in enumerate(units):
            approved(regime, period(code), unit, {"MEMBERS": 100 + i, "SESSIONS": 2, "ATTENDED": 90})
    page = ui.page
    page.set_viewport_size({"width": 1000, "height": 700})
    ui.login("admin")
    ui.goto(f"/reports/pivot/?regime={regime.code}&period=2026-H2&set=all&compare=1")
    head = page.locator(".table-pivot thead")
    expect(head.locator("tr")).to_have_count(2)
    group = head.locator("th[scope=colgroup]").first
    expect(group).to_have_text("Số đảng viên")
    expect(group).to_have_attribute("colspan", "2")
    expect(head.locator("tr").nth(1).locator("th").first).to_have_text("6T cuối/2026")
    expect(head.locator("tr").nth(1).locator("th").nth(1)).to_have_text("6T cuối/2025")
    wrap = page.locator(".table-pivot-wrap")
    top_before = head.bounding_box()["y"]
    wrap.evaluate("e => { e.scrollTop = 400; e.scrollLeft = 300; }")
    page.wait_for_timeout(100)
    assert abs(head.bounding_box()["y"] - top_before) < 2  # the two head rows stay at the top
    first = head.locator("tr").first.locator("th").first
    assert abs(first.bounding_box()["x"] - wrap.bounding_box()["x"]) < 2  # "Đơn vị" stays at the left
    body_first = page.locator(".table-pivot tbody th").nth(10)
    assert abs(body_first.bounding_box()["x"] - wrap.bounding_box()["x"]) < 2
    ui.finish()


def test_api_docs_render_under_the_csp_and_lead_back(ui, cast):
    page = ui.page
    ui.login("admin")
    ui.goto("/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=15000)
    page.get_by_role("link", name="← Tuyên giáo số").click()
    expect(page).to_have_url(ui.url("/"))
    ui.finish()  # no console error: nothing the CSP refused
