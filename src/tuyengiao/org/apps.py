from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "tuyengiao.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from . import cache  # noqa: F401  (cached unit types and sample-data flag follow their changes)
