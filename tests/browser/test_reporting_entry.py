"""A report's life in Chromium: a cell's clerk fills in the six-month report (0 and "không phát sinh"
included), sees the autosave confirmation and an out-of-range message next to the field, submits; the
commission's specialist returns it with a comment; the clerk reads the comment, corrects and resubmits;
the leader approves; the report shows locked. The database is checked along the way."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tuyengiao.accounts.models import Grant, User
from tuyengiao.accounts.roles import Role
from tuyengiao.core.testing.personas import PASSWORD, START
from tuyengiao.reporting.models import Report, ReportValue
from tuyengiao.reporting.tests.factories import make_regime

from .conftest import tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def regime(cast):
    """The six-month regime, reported by the chi bộ (so the clerk of A1 owes it), received by the commission."""
    regime = make_regime(cast)
    regime.unit_types.set([cast.a1.type])
    return regime


@pytest.fixture
def specialist(cast):
    user = User.objects.create_user(username="specialist", password=PASSWORD, full_name="Ngô Thị Chuyên",
                                    home_unit=cast.commission)
    Grant.objects.create(user=user, unit=cast.province, role=Role.SPECIALIST, valid_from=START)
    return user


def _values(report) -> dict:
    return {rv.code: (rv.state, rv.value_number) for rv in ReportValue.objects.filter(report=report)}


def _status(page, status: str):
    expect(page.locator("h1 ~ div .report-status").first).to_have_attribute("data-status", status)


def test_report_from_entry_to_approval(ui, cast, regime, specialist):
    page = ui.page
    page.on("dialog", lambda dialog: dialog.accept())  # the "send the report?" / "approve?" confirmations

    # --- the clerk of the cell starts the report from the reports page --------------------------------
    ui.login("clerk_a1")
    page.locator("[data-nav=reporting]").click()
    expect(page).to_have_url(re.compile(r"/reports/$"))
    row = page.locator("tr[data-period='2026-H2']")
    expect(row).to_contain_text("6 tháng cuối năm 2026")
    expect(row).to_contain_text("05/01/2027")
    row.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/reports/r/\d+/$"))
    report = Report.objects.get(unit=cast.a1, period__code="2026-H2")
    _status(page, "draft")
    ui.assert_clean()

    # --- values typed from the keyboard: a 0 and a "không phát sinh" among them ---------------------------
    members = page.locator("#id-v-MEMBERS")
    expect(members).to_have_attribute("inputmode", "numeric")
    members.click()
    members.fill("120")
    page.keyboard.press("Enter")  # Enter moves on to the next input
    expect(page.locator("#id-v-ATTENDED")).to_be_focused()
    page.keyboard.type("118")
    page.locator("#id-v-PCT_ATTEND").fill("98,3")
    page.locator("#id-v-SESSIONS").fill("0")
    page.locator("#id-na-MAX_POINTS").check()
    expect(page.locator("#id-v-MAX_POINTS")).to_be_disabled()
    page.locator("#id-v-HAS_PLAN").select_option("yes")
    editor = page.locator("#ed-KQ")
    editor.click()
    page.keyboard.type("Đã tổ chức hội nghị ")
    page.locator("[data-editor=ed-KQ] [data-cmd=bold]").click()
    page.keyboard.type("quán triệt")
    # leaving the window saves the draft (as the 20-second timer would)
    page.evaluate("window.dispatchEvent(new Event('blur'))")
    status = page.locator("#autosave-status")
    expect(status).to_have_attribute("data-state", "saved")
    expect(status).to_have_text(re.compile(r"(Saved at|Đã lưu lúc) \d\d:\d\d"))
    values = _values(report)
    assert values["SESSIONS"] == ("value", Decimal(0))
    assert values["MAX_POINTS"] == ("not_applicable", None)
    assert values["MEMBERS"] == ("value", Decimal(120)) and values["PCT_ATTEND"] == ("value", Decimal("98.3"))
    assert report.narratives.count() == 1  # the empty editor of the other section saved nothing
    assert "<b>quán triệt</b>" in report.narratives.get(section__code="KQ").html
    ui.assert_clean()

    # --- an out-of-range value: the message appears next to the field, nothing else is touched ------------
    pct = page.locator("#id-v-PCT_ATTEND")
    pct.fill("150")
    pct.press("Tab")
    message = page.locator("#msg-PCT_ATTEND [data-source=field]")
    expect(message).to_contain_text("100")
    expect(pct).to_have_class(re.compile(r"is-invalid"))
    # a cross-field rule: attended above members
    page.locator("#id-v-ATTENDED").fill("130")
    page.locator("#id-v-ATTENDED").press("Tab")
    expect(page.locator("#msg-ATTENDED [data-severity=error]")).to_contain_text("Số đảng viên tham gia")
    page.locator("#id-v-ATTENDED").fill("118")
    pct.fill("98,3")
    pct.press("Tab")
    expect(page.locator("#msg-PCT_ATTEND")).to_be_empty()
    expect(page.locator("#msg-ATTENDED")).to_be_empty()
    assert _values(report)["PCT_ATTEND"] == ("value", Decimal("98.3"))

    # --- submit ---------------------------------------------------------------------------------------
    page.locator("#btn-submit").click()
    _status(page, "submitted")
    expect(page.locator("#entry-form")).to_have_count(0)
    report.refresh_from_db()
    assert report.status == "submitted"
    ui.assert_clean()
    ui.logout()

    # --- the commission's specialist returns it with a comment -------------------------------------------
    ui.login("specialist")
    ui.goto("/reports/")
    page.locator("[data-testid=waiting] a", has_text=re.compile("Review|Xem xét")).first.click()
    expect(page).to_have_url(re.compile(rf"/reports/r/{report.pk}/$"))
    expect(page.locator("#btn-approve")).to_have_count(0)  # approval is the leader's
    # returning without saying what to correct: the message at the comment, which is focused and in view
    page.locator("#return-form textarea").fill("   ")
    page.locator("#btn-return").click()
    comment = page.locator("#return-form textarea")
    expect(comment).to_be_focused()
    expect(page.locator("#id_comment-errors")).to_have_text("Hãy nêu rõ nội dung cần sửa.")
    expect(page.locator("#id_comment-errors")).to_be_in_viewport()
    _status(page, "submitted")
    comment.fill("Đề nghị bổ sung số hội nghị đã tổ chức.")
    page.locator("#btn-return").click()
    _status(page, "returned")
    ui.assert_clean()
    ui.logout()

    # --- the clerk reads the comment, corrects and resubmits -------------------------------------------
    ui.login("clerk_a1")
    ui.goto(f"/reports/r/{report.pk}/")
    expect(page.locator("[data-testid=returned-comment]")).to_contain_text("Đề nghị bổ sung số hội nghị đã tổ chức.")
    page.locator("#id-v-SESSIONS").fill("2")
    page.locator("#btn-submit").click()
    _status(page, "submitted")
    assert _values(report)["SESSIONS"] == ("value", Decimal(2))
    ui.assert_clean()
    ui.logout()

    # --- the leader approves: locked ------------------------------------------------------------------
    ui.login("leader")
    ui.goto(f"/reports/r/{report.pk}/")
    page.locator("#btn-approve").click()
    _status(page, "approved")
    expect(page.locator("[data-testid=locked]")).to_be_visible()
    expect(page.locator("#entry-form")).to_have_count(0)
    timeline = page.locator("[data-testid=timeline]")
    expect(timeline.locator("[data-action]")).to_have_count(4)
    expect(timeline).to_contain_text("Đề nghị bổ sung số hội nghị đã tổ chức.")
    report.refresh_from_db()
    assert report.status == "approved" and report.approved_by == cast.leader
    ui.finish()


def _drop_network_errors(ui) -> None:
    """The browser's own console line for a request the test cut off on purpose (offline, aborted)."""
    ui.problems[:] = [p for p in ui.problems if "net::ERR_" not in p]


def test_autosave_survives_a_lost_connection_and_never_overwrites(ui, cast, regime, specialist):
    from tuyengiao.reporting import services
    from tuyengiao.reporting.tests.factories import period

    page = ui.page
    report = services.report_get_or_create_draft(regime=regime, period=period("2026-H2"), unit=cast.a1, by=None)
    ui.login("clerk_a1")
    ui.goto(f"/reports/r/{report.pk}/")
    status = page.locator("#autosave-status")
    page.locator("#id-v-MEMBERS").fill("10")
    page.evaluate("window.dispatchEvent(new Event('blur'))")
    expect(status).to_have_attribute("data-state", "saved")

    # the connection drops: the values stay in the browser, and are saved once it comes back
    page.context.set_offline(True)
    page.locator("#id-v-SESSIONS").fill("5")
    page.evaluate("window.dispatchEvent(new Event('blur'))")
    expect(status).to_have_attribute("data-state", "offline")
    expect(status).to_have_text(tr("Connection lost", "Mất kết nối"))
    assert page.evaluate("Object.keys(localStorage)") == [f"tgs-report-{report.pk}-1"]
    page.context.set_offline(False)
    expect(status).to_have_attribute("data-state", "saved", timeout=15_000)  # retried with backoff
    assert _values(report)["SESSIONS"] == ("value", Decimal(5))
    assert page.evaluate("Object.keys(localStorage)") == []
    _drop_network_errors(ui)
    ui.assert_clean()

    # saving fails and the page is reloaded: what was typed comes back from the browser, then is saved
    def cut(route):
        if route.request.method == "POST":
            route.abort()
        else:
            route.continue_()

    page.route(re.compile(rf"/reports/r/{report.pk}/$"), cut)
    page.locator("#id-v-ATTENDED").fill("7")
    page.evaluate("window.dispatchEvent(new Event('blur'))")
    expect(status).to_have_attribute("data-state", "offline")
    page.reload()
    expect(page.locator("#entry-restore")).to_be_visible()
    expect(page.locator("#id-v-ATTENDED")).to_have_value("7")
    page.unroute(re.compile(rf"/reports/r/{report.pk}/$"))
    page.evaluate("window.dispatchEvent(new Event('blur'))")
    expect(status).to_have_attribute("data-state", "saved")
    assert _values(report)["ATTENDED"] == ("value", Decimal(7))
    _drop_network_errors(ui)
    ui.assert_clean()

    # someone else saves meanwhile: the next autosave is refused with a clear message, nothing overwritten
    report.refresh_from_db()
    services.report_save_draft(report=report, by=specialist, values={"SESSIONS": 6}, based_on_revision=report.revision)
    ui.expected_status[ui.url(f"/reports/r/{report.pk}/")] = 409
    page.locator("#id-v-SESSIONS").fill("9")
    page.evaluate("window.dispatchEvent(new Event('blur'))")
    conflict = page.locator("#entry-conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Ngô Thị Chuyên")
    expect(status).to_have_attribute("data-state", "conflict")
    assert _values(report)["SESSIONS"] == ("value", Decimal(6))
    # reloading shows their figures and offers to restore ours
    page.reload()
    expect(page.locator("#id-v-SESSIONS")).to_have_value("6")
    expect(page.locator("#btn-restore")).to_be_visible()
    page.locator("#btn-restore").click()
    expect(page.locator("#id-v-SESSIONS")).to_have_value("9")
    ui.finish()


def _draft(cast, regime):
    from tuyengiao.reporting import services
    from tuyengiao.reporting.tests.factories import period

    return services.report_get_or_create_draft(regime=regime, period=period("2026-H2"), unit=cast.a1, by=None)


def _local_copies(page) -> list[dict]:
    return page.evaluate("Object.keys(localStorage).map(k => JSON.parse(localStorage.getItem(k)))")


def test_a_save_that_refuses_fields_names_them_and_keeps_what_was_typed(ui, cast, regime):
    """"abc", "-3" and "2.5" are not saved, but neither lost: the save bar names them, their messages stay
    at the fields, the browser keeps the typed text (and only that) until it is corrected; the fields that
    were saved show the stored value ("1e2" becomes 100), also after a reload."""
    page = ui.page
    report = _draft(cast, regime)
    ui.login("clerk_a1")
    page.clock.install()  # the page's timers (the local copy's debounce) run only when the test says so
    ui.goto(f"/reports/r/{report.pk}/")
    typed = {"MEMBERS": "1e2", "PCT_ATTEND": "+95", "ATTENDED": "abc", "SESSIONS": "-3", "MAX_POINTS": "2.5"}
    for code, text in typed.items():
        page.locator(f"#id-v-{code}").fill(text)
    page.locator("#btn-save").click()
    status = page.locator("#autosave-status")
    expect(status).to_have_attribute("data-state", "partial")
    expect(status).to_have_text(re.compile(r"^Đã lưu lúc \d\d:\d\d, trừ 3 ô có lỗi: Số đảng viên tham gia học tập, "
                                           r"Số hội nghị, Số điểm cầu lớn nhất$"))
    expect(page.locator("#msg-ATTENDED [data-source=field]")).to_have_text("Nhập một số.")
    expect(page.locator("#msg-SESSIONS [data-source=field]")).to_have_text("Giá trị không được nhỏ hơn 0.")
    expect(page.locator("#msg-MAX_POINTS [data-source=field]")).to_have_text("Nhập một số nguyên.")
    expect(page.locator("#id-v-MEMBERS")).to_have_value("100")
    expect(page.locator("#id-v-PCT_ATTEND")).to_have_value("95")
    expect(page.locator("#id-v-ATTENDED")).to_have_value("abc")
    stored = {code: v for code, v in _values(report).items() if v[0] != "missing"}
    assert stored == {"MEMBERS": ("value", Decimal(100)), "PCT_ATTEND": ("value", Decimal(95))}
    # the typing's debounced local copy fires after the save: it keeps the refused text, nothing else
    page.clock.run_for(2000)
    refused = [["v-ATTENDED", "abc"], ["v-SESSIONS", "-3"], ["v-MAX_POINTS", "2.5"]]
    assert [(c["kind"], c["fields"]) for c in _local_copies(page)] == [("invalid", refused)]
    ui.assert_clean()

    # the next visit: stored values from the server, the refused text from the browser, with the messages
    page.reload()
    expect(page.locator("#id-v-ATTENDED")).to_have_value("abc")
    expect(page.locator("#id-v-MAX_POINTS")).to_have_value("2.5")
    expect(page.locator("#id-v-MEMBERS")).to_have_value("100")
    expect(page.locator("#msg-SESSIONS [data-source=field]")).to_have_text("Giá trị không được nhỏ hơn 0.")
    expect(status).to_have_attribute("data-state", "partial")
    expect(status).to_contain_text("Chưa lưu được vì có lỗi")
    expect(page.locator("#entry-restore")).to_be_hidden()
    status.get_by_role("link", name="Số hội nghị").click()
    expect(page.locator("#id-v-SESSIONS")).to_be_focused()

    # corrected: saved, the warning and the local copy gone
    page.locator("#id-v-ATTENDED").fill("90")
    page.locator("#id-v-SESSIONS").fill("3")
    page.locator("#id-v-MAX_POINTS").fill("2")
    page.locator("#btn-save").click()
    expect(status).to_have_attribute("data-state", "saved")
    expect(status).to_have_text(re.compile(r"^Đã lưu lúc \d\d:\d\d$"))
    expect(page.locator("#msg-SESSIONS")).to_be_empty()
    page.clock.run_for(2000)
    assert _local_copies(page) == []
    assert _values(report)["SESSIONS"] == ("value", Decimal(3))
    page.reload()
    expect(page.locator("#id-v-ATTENDED")).to_have_value("90")
    expect(page.locator("#id-v-MEMBERS")).to_have_value("100")
    expect(page.locator(".field-messages [data-source=field]")).to_have_count(0)
    ui.finish()


def test_a_refused_attachment_says_why_at_the_file_input_on_a_phone(ui, cast, regime):
    page = ui.page
    report = _draft(cast, regime)
    page.set_viewport_size({"width": 375, "height": 740})
    ui.login("clerk_a1")
    ui.goto(f"/reports/r/{report.pk}/")
    page.locator("#id-attachment").set_input_files(
        {"name": "bien-ban.pdf", "mimeType": "application/pdf", "buffer": b"just text, not a PDF\n"})
    page.locator("#attachment-form button[type=submit]").click()
    errors = page.locator("#attachment-errors")
    expect(errors).to_contain_text("Loại tệp này không được chấp nhận")
    expect(errors).to_be_in_viewport()
    expect(page.locator("#id-attachment")).to_be_focused()
    expect(page.locator("#id-attachment")).to_have_attribute("aria-invalid", "true")
    assert not report.attachments.exists()
    ui.finish()


def test_reports_list_on_a_phone_shows_each_report_with_its_action(ui, cast, regime):
    page = ui.page
    page.set_viewport_size({"width": 375, "height": 740})
    ui.login("clerk_a1")
    ui.goto("/reports/")
    row = page.locator("tr[data-period='2026-H2']")
    start = row.get_by_role("button", name="Bắt đầu")
    expect(start).to_be_in_viewport(ratio=1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing scrolls sideways
    name = row.locator("td").first
    expect(name).to_have_text("Báo cáo công tác tuyên giáo")
    assert name.bounding_box()["width"] > 300  # the name has the card's width, not one word per line
    deadline = row.locator("[data-label]")
    expect(deadline).to_contain_text("05/01/2027")
    assert deadline.evaluate("e => getComputedStyle(e, '::before').content") == '"Hạn gửi: "'  # the header's word
    # the desktop keeps the table with its header
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.locator("[data-testid=owed] thead")).to_be_visible()
    start.click()
    expect(page).to_have_url(re.compile(r"/reports/r/\d+/$"))
    ui.finish()
