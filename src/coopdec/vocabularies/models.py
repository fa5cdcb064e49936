"""Fixed lists: IATI codelists (sectors, roles, statuses, currencies...), SDGs, cooperation axes.

Records refer to these by code; labels come from here, in the user's language.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from coopdec.common.i18n import localize


class CodelistItem(models.Model):
    codelist = models.CharField(_("codelist"), max_length=64)
    code = models.CharField(_("code"), max_length=100)
    names = models.JSONField(_("names"), default=dict)
    descriptions = models.JSONField(_("descriptions"), default=dict, blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        verbose_name = _("codelist item")
        verbose_name_plural = _("codelist items")
        ordering = ["codelist", "code"]
        constraints = [models.UniqueConstraint(fields=["codelist", "code"], name="codelist_item_unique")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return localize(self.names) or self.code


class Axis(models.Model):
    """A cooperation axis as users think of it, mapped to DAC 3-digit sector categories."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    names = models.JSONField(_("names"), default=dict)
    descriptions = models.JSONField(_("descriptions"), default=dict, blank=True)
    sector_categories = models.JSONField(_("DAC sector categories"), default=list, help_text=_("3-digit codes."))
    sectors = models.JSONField(
        _("DAC sectors"), default=list, blank=True, help_text=_("5-digit codes most typical of the axis.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("cooperation axis")
        verbose_name_plural = _("cooperation axes")
        ordering = ["position"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localize(self.names) or self.code


class StandardIndicator(models.Model):
    """An indicator of the shared library (drawn from the SDG targets and the cooperation axes).

    Projects that measure the same thing name the same standard indicator, so that their values
    can be summed across projects, partnerships and strategies. Loaded from ``data/`` like the axes.
    """

    code = models.SlugField(_("code"), max_length=60, primary_key=True)
    names = models.JSONField(_("names"), default=dict)
    descriptions = models.JSONField(_("descriptions"), default=dict, blank=True)
    unit = models.JSONField(_("unit"), default=dict, blank=True, help_text=_("What is counted, e.g. people, km."))
    measure = models.CharField(_("measure"), max_length=2, default="1", help_text=_("IATI IndicatorMeasure code."))
    cumulative = models.BooleanField(
        _("cumulative"), default=False, help_text=_("Each period's value includes the periods before it.")
    )
    sdg_target = models.CharField(_("SDG target"), max_length=8, blank=True)
    sdg_indicator = models.CharField(
        _("SDG indicator"),
        max_length=12,
        blank=True,
        help_text=_("Code of the SDG global indicator framework (e.g. 6.1.1) the indicator contributes to."),
    )
    axis = models.ForeignKey(
        Axis, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("cooperation axis")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("standard indicator")
        verbose_name_plural = _("standard indicators")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localize(self.names) or self.code

    @property
    def unit_name(self) -> str:
        return localize(self.unit)
