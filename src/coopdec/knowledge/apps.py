from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "coopdec.knowledge"
    label = "knowledge"
    verbose_name = _("Good practices and knowledge pages")
