"""Daily deadline reminders; cron runs `tuyengiao send_reminders` once a day (a worker runs the task)."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

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
            raise CommandError(f"not a date: {date!r} (expected YYYY-MM-DD)")
        if now:
            r = send_reminders(today=today)
            self.stdout.write(f"{today:%d/%m/%Y}: {r.reminders} reminders, {r.notified} notifications, "
                              f"{r.emailed} e-mails sent, {r.without_email} recipients without e-mail, "
                              f"{r.failed_email} e-mails failed.")
            return
        result = send_deadline_reminders.enqueue(today.isoformat())
        self.stdout.write(f"Enqueued the reminders for {today:%d/%m/%Y} (task {result.id}).")
