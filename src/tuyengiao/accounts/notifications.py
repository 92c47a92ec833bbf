"""In-app notifications: services (notify, email_after_commit, send_emails, mark_read, mark_all_read) and
selectors (unread_count, for_user).

A notification belongs to one user and is read only by that user; there is no unit scoping here (callers
choose recipients who may see what the notification points to). `notify` is idempotent by `key`: the same
(user, key) never produces a second notification, which is what lets the reminder task run twice a day
(or be retried) without notifying twice. Notifications are system messages: not audited.

E-mail: a notification is e-mailed at most once (`emailed_at`), to users with an address; there is no
per-user opt-out yet. Services that notify inside their transaction call `email_after_commit`, so the
e-mail is queued (task `accounts.tasks.email_notifications`) only once the transaction has committed: a
rollback removes the notifications and never leaves an e-mail sent."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notification, User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotifyResult:
    notification: Notification
    created: bool


def notify(*, user: User, title: str, body: str = "", url: str = "", kind: str = "", key: str,
           created_at: dt.datetime | None = None) -> NotifyResult:
    """Create the notification (user, key) unless it exists; returns it and whether it is new.
    Strings are stored as rendered (translate them before calling, in the recipient's language).
    `created_at` dates a notification of a backdated event (the demo) when it happened."""
    existing = Notification.objects.filter(user=user, key=key).first()
    if existing is not None:
        return NotifyResult(existing, False)
    try:
        with transaction.atomic():
            obj = Notification.objects.create(user=user, key=key, kind=kind, title=str(title)[:255], body=str(body),
                                              url=url[:500], created_at=created_at or timezone.now())
    except IntegrityError:  # a concurrent run created it between the read and the insert
        return NotifyResult(Notification.objects.get(user=user, key=key), False)
    return NotifyResult(obj, True)


def mark_emailed(*, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())


def email_after_commit(notifications) -> None:
    """Queue the e-mail of these notifications once the current transaction commits (at once outside one).
    Only those whose user has an address are queued; nothing is queued when none has."""
    ids = [n.pk for n in notifications if n.user.email]
    if ids:
        from .tasks import email_notifications

        # robust: the workflow step has committed; a queue hiccup is logged, not shown to the user as a 500.
        transaction.on_commit(lambda: email_notifications.enqueue(ids), robust=True)


@dataclass
class EmailResult:
    emailed: int = 0
    without_email: int = 0
    failed: int = 0


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "") or "http://localhost:8000").rstrip("/")


def email_text(notification: Notification) -> str:
    parts = [_("Dear %(name)s,") % {"name": str(notification.user)}, notification.title]
    if notification.body:
        parts.append(notification.body)
    if notification.url:
        parts.append(_("Open it in Tuyên giáo số: %(link)s") % {"link": site_url() + notification.url})
    parts.append(_("This is an automatic notification from Tuyên giáo số; you can also read it under "
                   "Notifications after signing in."))
    return "\n\n".join(parts)


def send_emails(*, notification_ids) -> EmailResult:
    """E-mail each of these notifications not e-mailed yet to its user (the task's work). A failed
    address is logged and counted and does not stop the others."""
    result = EmailResult()
    pending = (Notification.objects.filter(pk__in=list(notification_ids), emailed_at__isnull=True)
               .select_related("user").order_by("pk"))
    with translation.override(settings.LANGUAGE_CODE):
        for n in pending:
            if not n.user.email or not n.user.is_active:
                result.without_email += 1
                continue
            try:
                send_mail(n.title, email_text(n), None, [n.user.email])
            except Exception:  # one bad address or a mail server hiccup must not stop the others
                log.exception("notification e-mail to %s failed (%s)", n.user.email, n.key)
                result.failed += 1
                continue
            mark_emailed(notification=n)
            result.emailed += 1
    return result


def mark_read(*, notification: Notification, by: User) -> Notification:
    """Marks one of `by`'s own notifications read (callers fetch it filtered by user: others are 404)."""
    if notification.user_id != by.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(*, by: User) -> int:
    return Notification.objects.filter(user=by, read_at__isnull=True).update(read_at=timezone.now())


# --------------------------------------------------------------------------- selectors


def unread_count(user) -> int:
    """One indexed COUNT (user, read_at); 0 for anonymous users without a query."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def for_user(user):
    """The user's own notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")
