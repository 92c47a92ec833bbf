from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "tuyengiao.reporting"
    label = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from .roles import register_all

        register_all()
