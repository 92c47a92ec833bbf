"""Background tasks of the reporting app (django-tasks)."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from django_tasks import task


@task()
def send_deadline_reminders(today_iso: str) -> dict:
    """Deadline reminders for `today_iso` (YYYY-MM-DD): in-app notifications and e-mails, each sent once
    (see reporting.reminders). Returns the counts."""
    from .reminders import send_reminders

    return asdict(send_reminders(today=dt.date.fromisoformat(today_iso)))
