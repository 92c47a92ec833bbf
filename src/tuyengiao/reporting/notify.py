"""Who hears of a report's workflow step, and what they read. Called explicitly by the workflow services
(services.report_submit / _return / _approve / _unlock) inside their transaction.

- submitted, resubmitted -> the receiving side;
- returned (with the comment), approved -> the reporting unit's reporters;
- unlocked (with the reason) -> the reporters and the receiving side.

The reporting unit's reporters are the people the deadline reminders chase (reminders.recipients): active
users with a grant in force on the unit itself whose role may submit (a city-wide specialist may submit
anywhere, but is not "the unit's reporter"). The receiving side is, for each of the review and approve
permissions, the holders closest to the receiving unit (on it, else on its parent, ...): the staff of a
ward that receives its cells' reports hear of them, the city-wide staff above it do not; where only the
city holds a permission (the commission's specialists and leaders in the demo) the city's holders do.

Never wider than the report: a recipient must see the report (Report.objects.restrict(user, "view")); the
acting user is never told of their own step. A notification lives and dies with the step's transaction;
its e-mail is queued after the commit (accounts.notifications.email_after_commit). Not audited (system
messages): the step's own audit entry is the record."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tuyengiao.accounts import notifications
from tuyengiao.accounts.selectors import permission_holders

from . import reminders
from .models import Report

SUBMITTED, RESUBMITTED = "reporting.submitted", "reporting.resubmitted"
RETURNED, APPROVED, UNLOCKED = "reporting.returned", "reporting.approved", "reporting.unlocked"
EVENTS = (SUBMITTED, RESUBMITTED, RETURNED, APPROVED, UNLOCKED)
RECEIVING_PERMS = ("reporting.review_report", "reporting.approve_report")
TITLE_MAX = 255  # Notification.title


def _can_view(user, report: Report) -> bool:
    return Report.objects.restrict(user, "view").filter(pk=report.pk).exists()


def reporters(report: Report) -> list:
    users = reminders.recipients([report.unit_id]).get(report.unit_id, [])
    return [u for u in users if _can_view(u, report)]


def receiving_side(report: Report) -> list:
    """For each permission of RECEIVING_PERMS, the closest holders over the receiving unit among those who
    may see the report (filtered first: a closer holder who cannot see it must not hide those who can)."""
    by_perm = {perm: permission_holders(unit=report.regime.receiving_unit, perm=perm) for perm in RECEIVING_PERMS}
    seeing = {pk for pk, u in {u.pk: u for h in by_perm.values() for u in h}.items() if _can_view(u, report)}
    chosen: dict[int, object] = {}
    for holders in by_perm.values():
        holders = {u: d for u, d in holders.items() if u.pk in seeing}
        if holders:
            closest = min(holders.values())
            chosen.update({u.pk: u for u, d in holders.items() if d == closest})
    return sorted(chosen.values(), key=lambda u: u.pk)


def recipients(report: Report, event: str, *, by=None) -> list:
    if event in (SUBMITTED, RESUBMITTED):
        users = receiving_side(report)
    elif event in (RETURNED, APPROVED):
        users = reporters(report)
    elif event == UNLOCKED:
        users = {u.pk: u for u in [*reporters(report), *receiving_side(report)]}.values()
    else:
        raise ValueError(event)
    by_pk = getattr(by, "pk", None)
    return [u for u in users if u.pk != by_pk]


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def message(report: Report, event: str, *, by=None, at: dt.datetime | None = None, comment: str = "") -> tuple[str, str]:
    """(title, body) in the active language. The title says what happened, with the comment or reason
    (shortened to fit; then the body carries it whole); the body says who, when and what to do next."""
    params = {"regime": report.regime.name, "period": report.period.label, "unit": str(report.unit),
              "comment": _one_line(comment)}
    titles = {
        SUBMITTED: _("%(regime)s, %(period)s, of %(unit)s was submitted"),
        RESUBMITTED: _("%(regime)s, %(period)s, of %(unit)s was submitted again after correction"),
        RETURNED: _("%(regime)s, %(period)s, of %(unit)s was returned: %(comment)s"),
        APPROVED: _("%(regime)s, %(period)s, of %(unit)s was approved"),
        UNLOCKED: _("%(regime)s, %(period)s, of %(unit)s was unlocked: %(comment)s"),
    }
    next_steps = {
        SUBMITTED: _("The report awaits review."),
        RESUBMITTED: _("The report awaits review."),
        RETURNED: _("Correct the report and submit it again."),
        APPROVED: _("The report is approved; its figures are locked."),
        UNLOCKED: _("The report is open for correction again and must be submitted again."),
    }
    title = titles[event] % params
    shortened = len(title) > TITLE_MAX
    if shortened:
        room = max(0, len(params["comment"]) - (len(title) - TITLE_MAX) - 1)
        title = titles[event] % {**params, "comment": params["comment"][:room].rstrip() + "…"}
        title = title[:TITLE_MAX]
    when = timezone.localtime(at or timezone.now()).strftime("%H:%M %d/%m/%Y")
    lines = [next_steps[event]]
    if shortened:
        lines.insert(0, comment.strip())
    if getattr(by, "pk", None):
        lines.append(_("By %(actor)s at %(when)s.") % {"actor": str(by), "when": when})
    else:
        lines.append(_("At %(when)s.") % {"when": when})
    return title, "\n".join(lines)


def workflow_step(*, report: Report, event: str, by=None, comment: str = "", at: dt.datetime | None = None) -> list:
    """Notify the people concerned by `event` that just happened to `report` (in-app now, e-mail after
    the commit). Returns the new notifications. The key names the report's revision after the step, so a
    step notifies each user once and the next step (even the same kind) notifies again."""
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at)
    with translation.override(settings.LANGUAGE_CODE):
        title, body = message(report, event, by=by, at=at, comment=comment)
    key = f"report:{report.pk}:r{report.revision}:{event}"
    created = []
    for user in recipients(report, event, by=by):
        res = notifications.notify(user=user, title=title, body=body, url=report.get_absolute_url(), kind=event,
                                   key=key, created_at=at)
        if res.created:
            created.append(res.notification)
    notifications.email_after_commit(created)
    return created
