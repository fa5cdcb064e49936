from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "coopdec.strategy"
    label = "strategy"
    verbose_name = _("Strategies, results monitoring and principles")

    def ready(self):
        from coopdec.common.records import REASONS

        # The reasons the strategy services record with a version, shown on the history page.
        REASONS.update(
            {
                "objective added": _("objective added"),
                "objective changed": _("objective changed"),
                "objective removed": _("objective removed"),
                "projects linked": _("projects linked to an objective"),
                "indicator added": _("indicator added"),
                "indicator changed": _("indicator changed"),
                "indicator removed": _("indicator removed"),
            }
        )
