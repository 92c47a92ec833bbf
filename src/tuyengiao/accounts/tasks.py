"""Background tasks of the accounts app (django-tasks)."""
from __future__ import annotations

from dataclasses import asdict

from django_tasks import task


@task()
def email_notifications(notification_ids: list[int]) -> dict:
    """E-mail these in-app notifications to their users, each at most once (accounts.notifications)."""
    from .notifications import send_emails

    return asdict(send_emails(notification_ids=notification_ids))
