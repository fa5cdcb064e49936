from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AtlasConfig(AppConfig):
    name = "coopdec.atlas"
    label = "atlas"
    verbose_name = _("Atlas")

    def ready(self):
        from . import signals  # noqa: F401  (connects the index to record changes)
