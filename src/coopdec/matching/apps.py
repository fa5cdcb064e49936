from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "coopdec.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self):
        from . import signals  # noqa: F401  (offers and requests reindex their organisation)
