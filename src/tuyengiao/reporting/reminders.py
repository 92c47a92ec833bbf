"""Deadline reminders: which reports are due soon or overdue and not yet received, who to tell, and the
sending itself (in-app notification + e-mail), run daily by the task `reporting.tasks.send_deadline_reminders`.

Offsets come from the settings REMINDER_DAYS_BEFORE (default [7, 2]) and REMINDER_DAYS_AFTER (default
[1, 3, 7]): each offset is a trigger day relative to the effective deadline. On a given day the latest
trigger not in the future is the one that applies, as long as it is at most REMINDER_CATCH_UP_DAYS old
(default 2), so a run missed by cron is caught up the next day without sending stale reminders.

Each reminder has a key (regime, period, unit, deadline, kind, offset); a notification is unique per
(user, key), so running the task twice, or retrying it, never notifies anyone twice. A report counts as
received once it was first submitted (as in selectors.completeness), so returned reports are not chased.
Recipients: the active users with a grant in force on the unit itself whose role may submit reports."""
from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tuyengiao.accounts import notifications
from tuyengiao.accounts.models import Grant, Notification, User
from tuyengiao.accounts.roles import ROLE_PERMISSIONS
from tuyengiao.org.models import Unit

from . import periods as P
from . import selectors
from .models import Period, PeriodDeadline, Regime, Report

log = logging.getLogger(__name__)

DUE, OVERDUE = "reporting.due", "reporting.overdue"
SUBMIT_PERM = "reporting.submit_report"
MAX_PERIODS_BACK = 36


# --------------------------------------------------------------------------- configuration


def days_before() -> list[int]:
    return sorted({int(d) for d in getattr(settings, "REMINDER_DAYS_BEFORE", [7, 2]) if int(d) >= 0}, reverse=True)


def days_after() -> list[int]:
    return sorted({int(d) for d in getattr(settings, "REMINDER_DAYS_AFTER", [1, 3, 7]) if int(d) > 0})


def catch_up_days() -> int:
    return max(0, int(getattr(settings, "REMINDER_CATCH_UP_DAYS", 2)))


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "") or "http://localhost:8000").rstrip("/")


# --------------------------------------------------------------------------- selectors


@dataclass(frozen=True)
class Trigger:
    kind: str  # DUE | OVERDUE
    offset: int  # days before (DUE) or after (OVERDUE) the deadline


def trigger_for(deadline: dt.date, today: dt.date, *, before=None, after=None, catch_up=None) -> Trigger | None:
    """The reminder that applies on `today` for `deadline`, or None. Pure function."""
    before = days_before() if before is None else before
    after = days_after() if after is None else after
    catch_up = catch_up_days() if catch_up is None else catch_up
    if today <= deadline:
        candidates = [(deadline - dt.timedelta(days=d), Trigger(DUE, d)) for d in before]
    else:
        candidates = [(deadline + dt.timedelta(days=d), Trigger(OVERDUE, d)) for d in after]
    passed = [(day, t) for day, t in candidates if day <= today]
    if not passed:
        return None
    day, trig = max(passed, key=lambda x: x[0])
    return trig if (today - day).days <= catch_up else None


@dataclass(frozen=True)
class Reminder:
    regime: Regime
    period: Period
    unit: Unit
    report: Report | None
    deadline: dt.date
    trigger: Trigger
    today: dt.date

    @property
    def key(self) -> str:
        return (f"reminder:{self.regime.pk}:{self.period.code}:{self.unit.pk}:{self.deadline.isoformat()}:"
                f"{self.trigger.kind}:{self.trigger.offset}")

    @property
    def overdue(self) -> bool:
        return self.trigger.kind == OVERDUE

    @property
    def days(self) -> int:
        """Days left before the deadline (due) or days late (overdue), as of `today`."""
        return abs((self.deadline - self.today).days)

    @property
    def path(self) -> str:
        """The report page when a draft exists, else the reporting start page (where the draft is created)."""
        try:
            if self.report is not None:
                return reverse("reporting:report_detail", args=[self.report.pk])
            return reverse("reporting:index")
        except NoReverseMatch:
            return ""


def _candidate_periods(regime: Regime, today: dt.date, overrides: dict) -> list[Period]:
    """Periods of `regime` whose deadline may have a trigger near `today`: generated backwards from the
    period containing the farthest "before" day, plus any period whose deadline override is in the window."""
    span_after = (max(days_after(), default=0) + catch_up_days())
    periods: dict[str, Period] = {}
    if regime.period_kind != P.ADHOC:
        spec = P.containing(regime.period_kind, today + dt.timedelta(days=max(days_before(), default=0)))
        for _i in range(MAX_PERIODS_BACK):
            latest_deadline = spec.end + dt.timedelta(days=regime.deadline_days)
            if latest_deadline + dt.timedelta(days=span_after) < today:
                break
            period = Period.objects.for_spec(spec)
            periods[period.code] = period
            spec = P.previous(spec)
    for (regime_id, _period_id), (period, _deadline) in overrides.items():
        if regime_id == regime.pk:
            periods.setdefault(period.code, period)
    return list(periods.values())


def due_reminders(today: dt.date | None = None) -> list[Reminder]:
    """Every (regime, period, unit) that is expected to report, has not submitted, and has a reminder
    trigger today. Queries grow with regimes and periods in the window, never with units."""
    today = today or timezone.localdate()
    before, after, catch_up = days_before(), days_after(), catch_up_days()
    window_start = today - dt.timedelta(days=max(after, default=0) + catch_up)
    window_end = today + dt.timedelta(days=max(before, default=0))
    overrides = {
        (pd.regime_id, pd.period_id): (pd.period, pd.deadline)
        for pd in PeriodDeadline.objects.filter(deadline__range=(window_start, window_end)).select_related("period")
    }
    result: list[Reminder] = []
    regimes = Regime.objects.filter(is_active=True, current_form__isnull=False).select_related("receiving_unit")
    for regime in regimes:
        for period in _candidate_periods(regime, today, overrides):
            deadline = selectors.effective_deadline(regime, period)
            trig = trigger_for(deadline, today, before=before, after=after, catch_up=catch_up)
            if trig is None:
                continue
            comp = selectors.completeness(regime, period, today=today)
            for row in comp.rows:
                received = row.report is not None and row.report.first_submitted_at is not None
                if not received:
                    result.append(Reminder(regime, period, row.unit, row.report, deadline, trig, today))
    return result


def submitting_roles() -> list[str]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if SUBMIT_PERM in perms]


def recipients(unit_ids, today: dt.date | None = None) -> dict[int, list[User]]:
    """unit id -> the active users holding, on that unit itself, a grant in force whose role may submit
    reports. One query."""
    today = today or timezone.localdate()
    grants = (Grant.objects.filter(unit_id__in=list(unit_ids), role__in=submitting_roles(), valid_from__lte=today,
                                   user__is_active=True)
              .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
              .select_related("user").order_by("unit_id", "user_id"))
    out: dict[int, list[User]] = defaultdict(list)
    seen = set()
    for g in grants:
        if (g.unit_id, g.user_id) not in seen:
            seen.add((g.unit_id, g.user_id))
            out[g.unit_id].append(g.user)
    return out


# --------------------------------------------------------------------------- messages


def message(reminder: Reminder) -> tuple[str, str]:
    """(title, body) in the active language."""
    params = {"regime": reminder.regime.name, "period": reminder.period.label, "unit": str(reminder.unit),
              "deadline": reminder.deadline.strftime("%d/%m/%Y"), "days": reminder.days}
    if reminder.overdue:
        title = ngettext("Report overdue by %(days)s day: %(regime)s, %(period)s",
                         "Report overdue by %(days)s days: %(regime)s, %(period)s", reminder.days) % params
        body = _("%(unit)s has not submitted the report \"%(regime)s\" for %(period)s. The deadline was "
                 "%(deadline)s. Please submit it as soon as possible.") % params
    else:
        if reminder.days == 0:
            title = _("Report due today: %(regime)s, %(period)s") % params
        else:
            title = ngettext("Report due in %(days)s day: %(regime)s, %(period)s",
                             "Report due in %(days)s days: %(regime)s, %(period)s", reminder.days) % params
        body = _("%(unit)s has not yet submitted the report \"%(regime)s\" for %(period)s. "
                 "The deadline is %(deadline)s.") % params
    return title, body


def email_text(reminder: Reminder, user: User, title: str, body: str) -> str:
    link = site_url() + reminder.path if reminder.path else site_url()
    return "\n\n".join([
        _("Dear %(name)s,") % {"name": str(user)},
        body,
        _("Open the report: %(link)s") % {"link": link},
        _("This is an automatic reminder from Tuyên giáo số. You receive it because you report for %(unit)s.")
        % {"unit": str(reminder.unit)},
    ])


# --------------------------------------------------------------------------- sending


@dataclass
class SendResult:
    reminders: int = 0
    notified: int = 0
    emailed: int = 0
    without_email: int = 0
    failed_email: int = 0


def send_reminders(*, today: dt.date | None = None) -> SendResult:
    """Creates the in-app notification and sends the e-mail for every reminder due today, once per
    (user, reminder key). An e-mail that failed is retried by the next run inside the catch-up window."""
    today = today or timezone.localdate()
    result = SendResult()
    with translation.override(settings.LANGUAGE_CODE):
        reminders = due_reminders(today)
        result.reminders = len(reminders)
        if not reminders:
            return result
        users_by_unit = recipients({r.unit.pk for r in reminders}, today)
        keys = {r.key for r in reminders}
        done = {(uid, key): emailed for uid, key, emailed in Notification.objects.filter(key__in=keys)
                .values_list("user_id", "key", "emailed_at")}
        for reminder in reminders:
            for user in users_by_unit.get(reminder.unit.pk, []):
                already = (user.pk, reminder.key) in done
                if already and (done[(user.pk, reminder.key)] is not None or not user.email):
                    continue
                title, body = message(reminder)
                res = notifications.notify(user=user, title=title, body=body, url=reminder.path,
                                           kind=reminder.trigger.kind, key=reminder.key)
                result.notified += res.created
                if res.notification.emailed_at is not None:
                    continue
                if not user.email:
                    result.without_email += 1
                    continue
                try:
                    send_mail(title, email_text(reminder, user, title, body), None, [user.email])
                except Exception:  # one bad address or a mail server hiccup must not stop the others
                    log.exception("reminder e-mail to %s failed (%s)", user.email, reminder.key)
                    result.failed_email += 1
                    continue
                notifications.mark_emailed(notification=res.notification)
                result.emailed += 1
    return result
