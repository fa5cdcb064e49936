from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "coopdec.funding"
    label = "funding"
    verbose_name = _("Calls for projects and co-financing")
