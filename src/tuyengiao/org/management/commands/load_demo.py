"""tuyengiao load_demo: the demo province (Hải Phòng after 2025). Running it again changes nothing."""
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from tuyengiao.org.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo province (sample data); does nothing when it is already loaded."

    def handle(self, *args, **options):
        result = load_demo()
        counts = {"name": result.root.name, **result.counts}
        if result.created:
            message = _("Demo province loaded: %(name)s, %(units)s units (%(wards)s communes and wards), "
                        "%(people)s people, %(clusters)s clusters, %(users)s accounts.") % counts
            self.stdout.write(self.style.SUCCESS(message))
        else:
            self.stdout.write(_("The demo province is already loaded (%(name)s, %(units)s units); nothing changed.") % counts)
