from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActorsConfig(AppConfig):
    name = "coopdec.actors"
    label = "actors"
    verbose_name = _("Actors")

    def ready(self):
        from .versions import register_relations

        register_relations()
