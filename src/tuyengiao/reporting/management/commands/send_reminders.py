"""Daily deadline reminders; cron runs `tuyengiao send_reminders` once a day (a worker runs the task)."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.reporting.reminders import send_reminders
from tuyengiao.reporting.tasks import send_deadline_reminders


class Command(BaseCommand):
    help = ("Send the report deadline reminders (in-app and e-mail) for today: enqueues the background task, "
            "or runs it at once with --now. Safe to run more than once a day: nobody is reminded twice.")

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Run synchronously instead of enqueueing the task.")
        parser.add_argument("--date", help="Pretend today is this date (YYYY-MM-DD), e.g. to catch up.")

    def handle(self, *args, now=False, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(_("Not a date: %(value)s (expected YYYY-MM-DD).") % {"value": date})
        if now:
            r = send_reminders(today=today)
            self.stdout.write(_("%(date)s: %(reminders)s reminders, %(notified)s notifications, %(emailed)s e-mails "
                                "sent, %(without)s recipients without e-mail, %(failed)s e-mails failed.") % {
                "date": f"{today:%d/%m/%Y}", "reminders": r.reminders, "notified": r.notified, "emailed": r.emailed,
                "without": r.without_email, "failed": r.failed_email})
            return
        result = send_deadline_reminders.enqueue(today.isoformat())
        self.stdout.write(_("Reminders for %(date)s queued for the background worker (task %(task)s).")
                          % {"date": f"{today:%d/%m/%Y}", "task": result.id})
