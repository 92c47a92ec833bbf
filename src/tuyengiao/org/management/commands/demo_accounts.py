"""manage.py demo_accounts: the demo persona accounts, their shared password and the address to open."""
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from tuyengiao.org.demo import DEMO_URL, demo_accounts


class Command(BaseCommand):
    help = "Print the demo accounts (username, password, full name, role, unit) and the URL to open."

    def handle(self, *args, **options):
        rows = demo_accounts()
        if not rows:
            self.stdout.write(_("No demo accounts: run `tuyengiao load_demo` first."))
            return
        columns = [("username", _("Username")), ("password", _("Password")), ("full_name", _("Full name")),
                   ("role", _("Role")), ("unit", _("Unit"))]
        table = [[str(label) for _key, label in columns]] + [[str(r[key]) for key, _label in columns] for r in rows]
        widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
        self.stdout.write("")
        self.stdout.write(_("Open %(url)s and sign in with one of these demo accounts:") % {"url": DEMO_URL})
        self.stdout.write("")
        for n, line in enumerate(table):
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        self.stdout.write("")
