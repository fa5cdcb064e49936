from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

REASONS = {
    "created": _("created"),
    "changed": _("changed"),
    "review requested": _("review requested"),
    "returned": _("sent back to its authors"),
}


class KnowledgeConfig(AppConfig):
    name = "coopdec.knowledge"
    label = "knowledge"
    verbose_name = _("Good practices and knowledge pages")

    def ready(self):
        from coopdec.atlas import registry
        from coopdec.common import records

        from . import documents, rules  # noqa: F401 - the access rules register themselves
        from .versions import register_relations

        register_relations()
        # The practices' own steps, named on the shared history page in the reader's language.
        records.register_reasons(REASONS)

        registry.register(
            "practice",
            label=_("Good practice"),
            build=documents.practice_documents,
            published_ids=documents.published_ids,
            url_name="knowledge:practice_detail",
        )
