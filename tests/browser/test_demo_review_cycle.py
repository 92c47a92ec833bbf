"""Issue 3's "done when", in the demo city and in Chromium: the ward's reporter fills in and submits
the six-month report, the commission's specialist returns it once, the reporter corrects it, a leader
approves it, the dashboard shows completeness and roll-ups, and the commission exports its consolidated
report as DOCX and PDF that read like a real Party report."""
from __future__ import annotations

import re
import subprocess

import pytest
from docx import Document
from playwright.sync_api import expect

from tuyengiao.org.demo import DEMO_PASSWORD, load_demo
from tuyengiao.reporting.demo import DEMO_CLERK_WARD, load_reporting_demo
from tuyengiao.reporting.models import Report, ReportValue

from .conftest import UI, tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REGIME = "bc-tuyen-giao-6-thang"


@pytest.fixture
def demo_ui(page, live_server):
    from tuyengiao.documents.models import DocumentType

    if not DocumentType.objects.exists():  # seeded by a migration; a flushed test database lost them
        from tuyengiao.reporting.tests.test_consolidated import ensure_document_types

        ensure_document_types()
    load_demo()
    load_reporting_demo()
    page.set_default_timeout(15_000)
    helper = UI(page=page, base_url=live_server.url)
    helper.watch()
    return helper


def _status(page, status: str):
    expect(page.locator("h1 ~ div .report-status").first).to_have_attribute("data-status", status)


def test_six_month_report_from_the_ward_to_the_consolidated_report(demo_ui, tmp_path):
    ui, page = demo_ui, demo_ui.page
    page.on("dialog", lambda dialog: dialog.accept())

    # --- the ward's reporter starts the report it owes -----------------------------------------------
    ui.login("baocao_a", DEMO_PASSWORD)
    ui.goto("/reports/")
    row = page.locator("tr[data-period='2026-H2']").filter(has_text="6 tháng cuối năm 2026").first
    expect(row).to_be_visible()
    row.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/reports/r/\d+/$"))
    report = Report.objects.get(unit__name=DEMO_CLERK_WARD, period__code="2026-H2", regime__code=REGIME)
    _status(page, "draft")
    for code, value in {"NQ_SESSIONS": "4", "PARTY_MEMBERS": "1.840", "NQ_MEMBERS_ATTENDED": "1794",
                        "NQ_PCT_MEMBERS": "97,5", "NQ_PARTICIPANTS": "2500", "TT_BANNERS": "0"}.items():
        page.locator(f"#id-v-{code}").fill(value)
    page.locator("#id-na-LS_VOLUMES").check()
    page.locator("#btn-submit").click()
    _status(page, "submitted")
    values = {rv.code: (rv.state, rv.value_number) for rv in ReportValue.objects.filter(report=report)}
    assert values["PARTY_MEMBERS"][1] == 1840 and values["TT_BANNERS"] == ("value", 0)
    assert values["LS_VOLUMES"] == ("not_applicable", None)
    ui.assert_clean()
    ui.logout()

    # --- the commission's specialist returns it once --------------------------------------------------
    ui.login("chuyenvien", DEMO_PASSWORD)
    ui.goto(f"/reports/r/{report.pk}/")
    page.locator("#return-form textarea").fill("Đề nghị bổ sung số hội nghị học tập nghị quyết.")
    page.locator("#btn-return").click()
    _status(page, "returned")
    ui.logout()

    # --- the reporter's bell tells of the return, with the comment; the notification opens the report ----
    ui.login("baocao_a", DEMO_PASSWORD)
    expect(page.get_by_test_id("notification-count")).to_have_text("1")
    page.get_by_test_id("notification-bell").click()
    item = page.get_by_test_id("notification-list").locator("li").first
    expect(item).to_contain_text(f"kỳ 6 tháng cuối năm 2026 của {DEMO_CLERK_WARD} đã bị trả lại: "
                                 "Đề nghị bổ sung số hội nghị học tập nghị quyết.")
    item.get_by_role("button", name=tr("Open", "Mở")).click()
    expect(page).to_have_url(re.compile(rf"/reports/r/{report.pk}/$"))
    expect(page.get_by_test_id("notification-count")).to_have_count(0)

    # --- the reporter reads the comment, corrects, resubmits --------------------------------------------
    ui.goto(f"/reports/r/{report.pk}/")
    expect(page.locator("[data-testid=returned-comment]")).to_contain_text("bổ sung số hội nghị")
    page.locator("#id-v-NQ_SESSIONS").fill("6")
    page.locator("#btn-submit").click()
    _status(page, "submitted")
    ui.logout()

    # --- a leader approves: locked ------------------------------------------------------------------
    ui.login("lanhdao", DEMO_PASSWORD)
    ui.goto(f"/reports/r/{report.pk}/")
    page.locator("#btn-approve").click()
    _status(page, "approved")
    report.refresh_from_db()
    assert report.status == "approved" and report.narratives.count() == 0
    ui.assert_clean()
    ui.logout()

    # --- the dashboard: completeness and roll-ups include the approved report --------------------------
    ui.login("chuyenvien", DEMO_PASSWORD)
    ui.goto(f"/reports/completeness/?regime={REGIME}&period=2026-H2")
    ward_row = page.locator("tr", has_text=DEMO_CLERK_WARD).first
    expect(ward_row).to_contain_text(tr("Approved", "Đã phê duyệt"))
    ui.goto(f"/reports/dashboard/?regime={REGIME}&period=2026-H2")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    ui.goto(f"/reports/rollup/?regime={REGIME}&period=2026-H2&codes=NQ_SESSIONS")
    expect(page.locator("table").first).to_contain_text(DEMO_CLERK_WARD)
    ui.assert_clean()

    # --- the consolidated report: build, then DOCX and PDF ----------------------------------------------
    ui.goto("/reports/consolidated/")
    page.get_by_test_id("build-consolidated").click()
    from tuyengiao.reporting.models import Period, Regime

    page.locator("#id_regime").select_option(str(Regime.objects.get(code=REGIME).pk))
    page.locator("#id_period").select_option(str(Period.objects.get(code="2026-H2").pk))
    page.locator("form.build-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/reports/consolidated/\d+/$"))
    files = {}
    for fmt in ("docx", "pdf"):
        page.get_by_test_id(f"export-{fmt}").click()
        link = page.get_by_test_id(f"download-{fmt}").first
        expect(link).to_be_visible(timeout=60_000)
        with page.expect_download() as info:
            link.click()
        files[fmt] = tmp_path / info.value.suggested_filename
        info.value.save_as(files[fmt])
    ui.finish()

    doc = Document(str(files["docx"]))
    texts = [p.text for p in doc.paragraphs] + [p.text for t in doc.tables for r in t.rows for c in r.cells
                                                for p in c.paragraphs]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in texts and "BÁO CÁO" in texts
    assert any(t.startswith("Hải Phòng, ngày ") for t in texts)
    assert any("sơ kết công tác tuyên giáo 6 tháng" in t for t in texts)
    assert {r.font.name for p in doc.paragraphs for r in p.runs if r.text.strip()} <= {"Times New Roman", None}
    pdf = subprocess.run(["pdftotext", "-layout", str(files["pdf"]), "-"], capture_output=True, check=True,
                         text=True).stdout
    flat = " ".join(pdf.split())
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in flat and "-BC/BTGDVTU" in flat and "BÁO CÁO" in flat
    assert "THÀNH ỦY HẢI PHÒNG" in flat and "PHỤ LỤC" in flat.upper()
    assert re.search(r"\d{1,3}\.\d{3}", flat)  # Vietnamese thousands separator in the figures
