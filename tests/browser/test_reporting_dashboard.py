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
