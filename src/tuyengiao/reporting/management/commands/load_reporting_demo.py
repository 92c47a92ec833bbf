from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tuyengiao.reporting.demo import load_reporting_demo


class Command(BaseCommand):
    help = "Load the demo report regimes and reports (after the organisation demo: tuyengiao load_demo)."

    def handle(self, *args, **options):
        try:
            result = load_reporting_demo()
        except ValueError as exc:
            raise CommandError(str(exc))
        message = (_("Demo reports loaded: %(regimes)s regimes, %(reports)s reports.") if result.created
                   else _("Demo reports already loaded: %(regimes)s regimes, %(reports)s reports."))
        self.stdout.write(message % {"regimes": len(result.regimes), "reports": result.reports})
