"""Background jobs (an import, a document export) whose worker never took them or died running them."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

QUEUED_WARNING = dt.timedelta(minutes=2)


def queued_too_long(created_at: dt.datetime) -> bool:
    """Queued for minutes: no worker has taken it (is `tuyengiao db_worker` running?)."""
    return created_at < timezone.now() - QUEUED_WARNING


def interrupted_before() -> dt.datetime:
    """A job still running that started before this is taken as interrupted (TASK_STALE_MINUTES)."""
    return timezone.now() - dt.timedelta(minutes=settings.TASK_STALE_MINUTES)
