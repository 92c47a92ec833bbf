"""Deadline reminders: who is reminded, when, once; in-app and by e-mail (ImmediateBackend, locmem mail).

The standard regime (factories.make_regime): six-monthly, the commune-level committees A and B report to
the commission, deadline 5 days after the period end: 2026-H1 is due on 05/07/2026."""
import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tuyengiao.accounts.models import Grant, Notification
from tuyengiao.accounts.roles import Role
from tuyengiao.org.models import Unit
from tuyengiao.reporting import reminders, services
from tuyengiao.reporting.models import PeriodDeadline, Regime
from tuyengiao.reporting.reminders import DUE, OVERDUE, Trigger, trigger_for
from tuyengiao.reporting.tasks import send_deadline_reminders

from .factories import make_regime, period

pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2026, 7, 5)
GOOD = {"MEMBERS": 120, "ATTENDED": 118, "PCT_ATTEND": "98,3", "SESSIONS": 3, "HAS_PLAN": "có"}


@pytest.fixture(autouse=True)
def _settings(settings):
    """English msgids (the vi catalogue is tested elsewhere); the default offsets, stated explicitly."""
    settings.LANGUAGE_CODE = "en"
    settings.REMINDER_DAYS_BEFORE = [7, 2]
    settings.REMINDER_DAYS_AFTER = [1, 3, 7]
    settings.SITE_URL = "https://tuyengiao.example.vn"


@pytest.fixture
def regime(cast):
    cast.officer_a.email = "an@example.vn"
    cast.officer_a.save()
    return make_regime(cast)


def run(day: dt.date):
    return send_deadline_reminders.enqueue(day.isoformat())


def notes(user=None):
    qs = Notification.objects.all() if user is None else Notification.objects.filter(user=user)
    return list(qs.order_by("created_at", "pk"))


# --------------------------------------------------------------------------- when


@pytest.mark.parametrize("today, expected", [
    (dt.date(2026, 6, 27), None),                 # 8 days before: nothing yet
    (dt.date(2026, 6, 28), Trigger(DUE, 7)),
    (dt.date(2026, 6, 30), Trigger(DUE, 7)),      # a missed run is caught up within 2 days
    (dt.date(2026, 7, 1), None),                  # ... but not later
    (dt.date(2026, 7, 3), Trigger(DUE, 2)),
    (dt.date(2026, 7, 5), Trigger(DUE, 2)),       # the deadline day itself is still "due"
    (dt.date(2026, 7, 6), Trigger(OVERDUE, 1)),
    (dt.date(2026, 7, 8), Trigger(OVERDUE, 3)),
    (dt.date(2026, 7, 12), Trigger(OVERDUE, 7)),
    (dt.date(2026, 7, 15), None),                 # after the last offset and its catch-up: silence
])
def test_trigger_days(today, expected):
    assert trigger_for(DEADLINE, today, before=[7, 2], after=[1, 3, 7], catch_up=2) == expected


# --------------------------------------------------------------------------- who, what, once


def test_due_reminder_in_app_and_by_email(regime, cast):
    run(dt.date(2026, 6, 28))
    a, b = notes(cast.officer_a), notes(cast.officer_b)
    assert len(a) == 1 and len(b) == 1
    n = a[0]
    assert n.kind == DUE and n.read_at is None and n.emailed_at is not None
    assert "Report due in 7 days" in n.title and "Báo cáo công tác tuyên giáo" in n.title
    assert "6 tháng đầu năm 2026" in n.title
    assert "Đảng ủy xã An Bình" in n.body and "05/07/2026" in n.body
    assert n.url == "/reports/"  # no draft yet: the start page, where the unit opens it
    # officer_b has no e-mail address: in-app only
    assert b[0].emailed_at is None
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    assert msg.to == ["an@example.vn"] and msg.subject == n.title
    assert "https://tuyengiao.example.vn/reports/" in msg.body and "05/07/2026" in msg.body
    assert "Lê Thị An" in msg.body


def test_running_twice_notifies_once(regime, cast):
    run(dt.date(2026, 6, 28))
    run(dt.date(2026, 6, 28))
    out = io.StringIO()
    with translation.override("vi"):  # as from the shell, where nothing else has activated a language
        call_command("send_reminders", "--now", "--date", "2026-06-29", stdout=out)
    assert len(notes(cast.officer_a)) == 1 and len(notes(cast.officer_b)) == 1
    assert len(mail.outbox) == 1
    assert out.getvalue().startswith("29/06/2026: ") and "lời nhắc" in out.getvalue()  # the admin reads Vietnamese


def test_each_offset_is_a_new_reminder(regime, cast):
    run(dt.date(2026, 6, 28))
    run(dt.date(2026, 7, 3))
    titles = [n.title for n in notes(cast.officer_a)]
    assert len(titles) == 2 and "Report due in 2 days" in titles[1]
    assert len(mail.outbox) == 2


def test_link_goes_to_the_draft_when_it_exists(regime, cast):
    report = services.report_get_or_create_draft(regime=regime, period=period("2026-H1"), unit=cast.a,
                                                 by=cast.officer_a)
    run(dt.date(2026, 7, 3))
    assert notes(cast.officer_a)[0].url == f"/reports/r/{report.pk}/"
    assert f"https://tuyengiao.example.vn/reports/r/{report.pk}/" in mail.outbox[0].body


def test_overdue_message_after_the_deadline(regime, cast):
    run(dt.date(2026, 7, 8))
    n = notes(cast.officer_a)[0]
    assert n.kind == OVERDUE
    assert "Report overdue by 3 days" in n.title
    assert "The deadline was 05/07/2026" in n.body
    assert mail.outbox[0].subject == n.title


def test_nothing_for_a_submitted_report(regime, cast):
    report = services.report_get_or_create_draft(regime=regime, period=period("2026-H1"), unit=cast.a,
                                                 by=cast.officer_a)
    services.report_save_draft(report=report, by=cast.officer_a, values=GOOD, based_on_revision=0)
    services.report_submit(report=report, by=cast.officer_a)
    run(dt.date(2026, 7, 3))
    assert notes(cast.officer_a) == []
    assert len(notes(cast.officer_b)) == 1  # B has not submitted
    assert mail.outbox == []
    # returned for correction: it was received, so no deadline chasing either
    services.report_return(report=report, comment="Bổ sung số liệu.", by=cast.leader)
    run(dt.date(2026, 7, 6))
    assert [n.kind for n in notes(cast.officer_a)] == ["reporting.returned"]  # the return itself (notify.py)


def test_nothing_for_units_not_expected(regime, cast):
    # clerk_a1 reports for the chi bộ A1, which this regime does not expect
    run(dt.date(2026, 7, 3))
    assert notes(cast.clerk_a1) == []
    # a regime with an explicit list of units: only A owes it
    regime.selection = Regime.Selection.UNITS
    regime.save()
    regime.units.set([cast.a])
    Notification.objects.all().delete()
    run(dt.date(2026, 7, 6))
    assert len(notes(cast.officer_a)) == 1 and notes(cast.officer_b) == []


def test_recipients_hold_a_submitting_role_on_the_unit_itself(regime, cast):
    # the province-wide leader, admin and viewer are not reminded about A's report; a viewer on A is not either
    Grant.objects.create(user=cast.viewer, unit=cast.a, role=Role.VIEWER, valid_from=dt.date(2025, 7, 1))
    # an expired reporter grant does not count; an active one does
    Grant.objects.create(user=cast.nobody, unit=cast.a, role=Role.REPORTER, valid_from=dt.date(2025, 7, 1),
                         valid_to=dt.date(2026, 1, 1))
    Grant.objects.create(user=cast.clerk_a1, unit=cast.a, role=Role.REPORTER, valid_from=dt.date(2025, 7, 1))
    run(dt.date(2026, 7, 3))
    got = {n.user.username for n in Notification.objects.select_related("user")}
    assert got == {"officer_a", "officer_b", "clerk_a1"}


def test_inactive_users_are_not_reminded(regime, cast):
    cast.officer_b.is_active = False
    cast.officer_b.save()
    run(dt.date(2026, 7, 3))
    assert notes(cast.officer_b) == []


def test_email_added_later_is_sent_once_without_a_second_notification(regime, cast):
    run(dt.date(2026, 7, 3))
    assert len(mail.outbox) == 1  # officer_a only
    cast.officer_b.email = "ben@example.vn"
    cast.officer_b.save()
    run(dt.date(2026, 7, 4))
    run(dt.date(2026, 7, 4))
    assert [m.to for m in mail.outbox] == [["an@example.vn"], ["ben@example.vn"]]
    assert len(notes(cast.officer_b)) == 1


def test_deadline_override_moves_the_reminders(regime, cast):
    PeriodDeadline.objects.create(regime=regime, period=period("2026-H1"), deadline=dt.date(2026, 7, 20))
    run(dt.date(2026, 7, 6))  # would be overdue by the default deadline
    assert notes(cast.officer_a) == []
    run(dt.date(2026, 7, 18))
    n = notes(cast.officer_a)[0]
    assert n.kind == DUE and "20/07/2026" in n.body


def test_inactive_regime_sends_nothing(regime, cast):
    Regime.objects.filter(pk=regime.pk).update(is_active=False)
    run(dt.date(2026, 7, 3))
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_offsets_come_from_settings(regime, cast, settings):
    settings.REMINDER_DAYS_BEFORE = [10]
    settings.REMINDER_DAYS_AFTER = []
    run(dt.date(2026, 6, 25))
    assert len(notes(cast.officer_a)) == 1
    run(dt.date(2026, 7, 8))
    assert len(notes(cast.officer_a)) == 1


def test_command_enqueues_the_task(regime, cast):
    call_command("send_reminders", "--date", "2026-07-03", stdout=open("/dev/null", "w"))
    assert len(notes(cast.officer_a)) == 1 and len(mail.outbox) == 1


@pytest.mark.urls("tuyengiao.accounts.tests.test_notifications")
def test_the_reminder_shows_in_the_bell_and_opens_the_report_page(regime, cast, client_for, settings):
    from tuyengiao.accounts.tests.test_notifications import CP

    settings.TEMPLATES = [dict(t, OPTIONS=dict(t["OPTIONS"], context_processors=[
        *t["OPTIONS"]["context_processors"], CP])) for t in settings.TEMPLATES]
    run(dt.date(2026, 7, 3))
    c = client_for("officer_a")
    html = c.get("/").content.decode()
    assert 'data-testid="notification-count">1</span>' in html
    html = c.get("/accounts/notifications/").content.decode()
    assert "Report due in 2 days" in html and "05/07/2026" in html
    n = notes(cast.officer_a)[0]
    resp = c.post(f"/accounts/notifications/{n.pk}/open/")
    assert resp.status_code == 302 and resp["Location"] == "/reports/"
    assert 'data-testid="notification-count"' not in c.get("/").content.decode()
    assert client_for("leader").post(f"/accounts/notifications/{n.pk}/open/").status_code == 404


def _add_units(cast, start, stop, user=None):
    for i in range(start, stop):
        u = Unit.objects.create(parent=cast.province, type=cast.a.type, code=f"X{i}", name=f"Đảng ủy xã số {i}",
                                valid_from=dt.date(2025, 7, 1))
        Grant.objects.create(user=user or cast.officer_b, unit=u, role=Role.REPORTER, valid_from=dt.date(2025, 7, 1))


def _select(today):
    with CaptureQueriesContext(connection) as ctx:
        rs = reminders.due_reminders(today)
        by_unit = reminders.recipients({r.unit.pk for r in rs}, today)
    return len(ctx.captured_queries), rs, by_unit


def test_selecting_reminders_does_not_grow_with_units(regime, cast):
    today = dt.date(2026, 7, 3)
    _add_units(cast, 0, 2)
    small, rs, _ = _select(today)  # the first run also creates the reference period rows
    small, rs, _ = _select(today)
    assert len(rs) == 4
    _add_units(cast, 2, 40)
    large, rs, by_unit = _select(today)
    assert len(rs) == 42 and sum(len(v) for v in by_unit.values()) == 42
    assert large <= small, (small, large)
