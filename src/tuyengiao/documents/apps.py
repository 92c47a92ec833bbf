from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "tuyengiao.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from . import roles  # noqa: F401  (registers the documents permissions per role)
