"""In-app notifications: services (notify, mark_read, mark_all_read) and selectors (unread_count, recent).

A notification belongs to one user and is read only by that user; there is no unit scoping here.
`notify` is idempotent by `key`: the same (user, key) never produces a second notification, which is what
lets the reminder task run twice a day (or be retried) without notifying twice."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification, User


@dataclass(frozen=True)
class NotifyResult:
    notification: Notification
    created: bool


def notify(*, user: User, title: str, body: str = "", url: str = "", kind: str = "", key: str) -> NotifyResult:
    """Create the notification (user, key) unless it exists; returns it and whether it is new.
    Strings are stored as rendered (translate them before calling, in the recipient's language)."""
    existing = Notification.objects.filter(user=user, key=key).first()
    if existing is not None:
        return NotifyResult(existing, False)
    try:
        with transaction.atomic():
            obj = Notification.objects.create(user=user, key=key, kind=kind, title=str(title)[:255], body=str(body),
                                              url=url[:500])
    except IntegrityError:  # a concurrent run created it between the read and the insert
        return NotifyResult(Notification.objects.get(user=user, key=key), False)
    return NotifyResult(obj, True)


def mark_emailed(*, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())


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
