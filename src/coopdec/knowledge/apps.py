from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "coopdec.knowledge"
    label = "knowledge"
    verbose_name = _("Good practices and knowledge pages")

    def ready(self):
        from coopdec.atlas import registry

        from . import documents, rules  # noqa: F401 - the access rules register themselves

        registry.register(
            "practice",
            label=_("Good practice"),
            build=documents.practice_documents,
            published_ids=documents.published_ids,
            url_name="knowledge:practice_detail",
        )
