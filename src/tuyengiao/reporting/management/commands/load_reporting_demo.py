from django.core.management.base import BaseCommand, CommandError

from tuyengiao.reporting.demo import load_reporting_demo


class Command(BaseCommand):
    help = "Load the demo report regimes and reports (after the organisation demo: tuyengiao load_demo)."

    def handle(self, *args, **options):
        try:
            result = load_reporting_demo()
        except ValueError as exc:
            raise CommandError(str(exc))
        verb = "Loaded" if result.created else "Already loaded"
        self.stdout.write(f"{verb}: {len(result.regimes)} regimes, {result.reports} reports.")
