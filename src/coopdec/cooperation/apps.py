from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "coopdec.cooperation"
    label = "cooperation"
    verbose_name = _("Cooperation")

    def ready(self):
        from .versions import register_relations

        register_relations()
