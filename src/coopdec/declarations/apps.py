from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "coopdec.declarations"
    label = "declarations"
    verbose_name = _("Aid declarations")

    def ready(self):
        from . import signals  # noqa: F401  (a submitted declaration deleted leaves the national totals)
