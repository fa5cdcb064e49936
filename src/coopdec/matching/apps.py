from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "coopdec.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self):
        from coopdec.atlas import registry

        from . import signals  # noqa: F401  (offers and requests reindex their organisation)
        from .selectors import listing_axes

        registry.provide_listing_axes(listing_axes)  # the atlas's "offers" and "seeks" facets
