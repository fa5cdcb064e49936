"""Strategies of organisations and partnerships, and the principles scorecard of the register.

A ``Strategy`` belongs to one organisation (its international cooperation strategy) or to one
partnership (a joint strategy, seen and edited identically by both sides). It covers a period of
whole years, holds a few ``Objective`` (each tied to axes, partner territories and countries, and to
the projects that serve it) and, per objective, ``StrategyIndicator`` with a baseline and yearly
``StrategyTarget``. A strategy indicator rolls up the approved values of the project indicators it
names, or of every indicator of the linked projects that uses its standard indicator
(``rollup.py``).

``Scorecard`` keeps the principles scorecard of each partnership and organisation as last computed
(``scorecard.py``) for the statistics across a country or an axis; record pages compute it afresh.
"""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coopdec.actors.models import VersionRelations
from coopdec.common.i18n import localize
from coopdec.common.models import RecordMixin
from coopdec.common.validators import SUMMARY_MAX, TEXT_MAX, TITLE_MAX, I18nTextValidator

FIRST_YEAR = 1990
LAST_YEAR = 2100
MAX_SPAN = 15  # years a strategy may cover


class Strategy(RecordMixin):
    organisation = models.ForeignKey(
        "actors.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="strategies",
        verbose_name=_("organisation"),
    )
    partnership = models.ForeignKey(
        "cooperation.Partnership",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="strategies",
        verbose_name=_("partnership (joint strategy)"),
    )
    title = models.JSONField(_("title"), default=dict, validators=[I18nTextValidator(TITLE_MAX)])
    summary = models.JSONField(
        _("summary"), default=dict, blank=True, validators=[I18nTextValidator(SUMMARY_MAX, multiline=True)]
    )
    start_year = models.PositiveSmallIntegerField(
        _("from (year)"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("to (year)"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(bases=[VersionRelations])
    _history_user: "AbstractBaseUser | None"
    _change_reason: str

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        ordering = ["-start_year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, partnership__isnull=True)
                | Q(organisation__isnull=True, partnership__isnull=False),
                name="strategy_has_one_owner",
            ),
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="strategy_years_ordered"),
        ]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        return localize(self.title) or _("Strategy %(start)s–%(end)s") % {
            "start": self.start_year,
            "end": self.end_year,
        }

    def get_absolute_url(self) -> str:
        return reverse("strategy:strategy_detail", args=[self.pk])

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    @property
    def owner(self):
        return self.organisation if self.organisation_id else self.partnership


class Objective(models.Model):
    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("strategy")
    )
    title = models.JSONField(_("title"), default=dict, validators=[I18nTextValidator(TITLE_MAX)])
    description = models.JSONField(
        _("description"), default=dict, blank=True, validators=[I18nTextValidator(TEXT_MAX, multiline=True)]
    )
    axes = models.ManyToManyField("vocabularies.Axis", blank=True, related_name="+", verbose_name=_("cooperation axes"))
    territories = models.ManyToManyField(
        "actors.Organisation", blank=True, related_name="+", verbose_name=_("partner territories")
    )
    countries = models.ManyToManyField("territories.Country", blank=True, related_name="+", verbose_name=_("countries"))
    projects = models.ManyToManyField(
        "cooperation.Project", blank=True, related_name="objectives", verbose_name=_("projects")
    )
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["position", "id"]

    def __str__(self):
        return localize(self.title)


class StrategyIndicator(models.Model):
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("objective")
    )
    title = models.JSONField(_("title"), default=dict, validators=[I18nTextValidator(TITLE_MAX)])
    unit = models.JSONField(
        _("unit"), default=dict, blank=True, validators=[I18nTextValidator(100)], help_text=_("For example: people.")
    )
    standard = models.ForeignKey(
        "vocabularies.StandardIndicator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("standard indicator"),
        help_text=_("Every indicator of the objective's projects with this standard indicator counts."),
    )
    project_indicators = models.ManyToManyField(
        "cooperation.Indicator",
        blank=True,
        related_name="strategy_indicators",
        verbose_name=_("project indicators"),
        help_text=_("The project indicators whose approved values roll up into this one."),
    )
    cumulative = models.BooleanField(
        _("cumulative targets"),
        default=False,
        help_text=_("Each year's target is a running total since the start (otherwise each year counts alone)."),
    )
    baseline = models.DecimalField(_("baseline"), max_digits=18, decimal_places=4, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=[MinValueValidator(FIRST_YEAR)]
    )
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategy indicator")
        verbose_name_plural = _("strategy indicators")
        ordering = ["position", "id"]

    def __str__(self):
        return localize(self.title)


class StrategyTarget(models.Model):
    indicator = models.ForeignKey(
        StrategyIndicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=18, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="strategy_target_unique")]

    def __str__(self):
        return f"{self.year}: {self.value}"


class Principle(models.TextChoices):
    PARTNERSHIP = "partnership", _("Partnership")
    SUBSIDIARITY = "subsidiarity", _("Subsidiarity")
    SUSTAINABILITY = "sustainability", _("Sustainability")
    EQUITY = "equity", _("Equity")


class Scorecard(models.Model):
    """The principles scorecard of one partnership or one organisation, as last computed."""

    partnership = models.OneToOneField(
        "cooperation.Partnership", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.OneToOneField(
        "actors.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    partnership_score = models.PositiveSmallIntegerField(null=True, blank=True)
    subsidiarity_score = models.PositiveSmallIntegerField(null=True, blank=True)
    sustainability_score = models.PositiveSmallIntegerField(null=True, blank=True)
    equity_score = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence = models.JSONField(default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("principles scorecard")
        verbose_name_plural = _("principles scorecards")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, partnership__isnull=True)
                | Q(organisation__isnull=True, partnership__isnull=False),
                name="scorecard_has_one_record",
            ),
        ]

    def __str__(self):
        return f"scorecard {self.partnership_id or self.organisation_id}"
