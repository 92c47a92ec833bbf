"""Django 5.2 messages missing from Django's own vi catalogue; marked here so `make messages` keeps
their Vietnamese translations in ours."""
from django.utils.translation import gettext_noop, ngettext_lazy

MSGIDS = [
    ngettext_lazy("This password is too short. It must contain at least %d character.",
                  "This password is too short. It must contain at least %d characters.", "n"),
    gettext_noop("Null characters are not allowed."),
]
