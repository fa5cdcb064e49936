"""Partnerships between organisations, and the projects they run together."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from coopdec.actors.models import Organisation, VersionRelations
from coopdec.common.i18n import localize
from coopdec.common.models import RecordMixin
from coopdec.common.validators import SUMMARY_MAX, TEXT_MAX, TITLE_MAX, I18nTextValidator

from .result_links import VALUE_TEXT_MAX, validate_document_links, validate_measure_links, validate_other_baselines


class PartnershipKind(models.TextChoices):
    TWINNING = "twinning", _("Twinning")
    AGREEMENT = "agreement", _("Cooperation agreement")
    FRIENDSHIP = "friendship", _("Friendship pact")
    NETWORK = "network", _("Network")
    CONSORTIUM = "consortium", _("Programme consortium")


class PartnershipStatus(models.TextChoices):
    PREPARATION = "preparation", _("In preparation")
    ACTIVE = "active", pgettext_lazy("partnership status", "Active")
    DORMANT = "dormant", _("Dormant")
    ENDED = "ended", pgettext_lazy("partnership status", "Ended")


class PartnershipForm(models.TextChoices):
    BILATERAL = "bilateral", _("Bilateral")
    MULTILATERAL = "multilateral", _("Multilateral")

    @classmethod
    def of(cls, party_count: int) -> "PartnershipForm":
        """Bilateral when exactly two parties, every party counted (published or not), multilateral otherwise."""
        return cls.BILATERAL if party_count == 2 else cls.MULTILATERAL


def partnership_title(title: dict | None, party_names: list[str], pk) -> str:
    """A partnership's display title: its title in the reader's language, else the names of the parties
    shown to the reader, else its number."""
    return localize(title) or " – ".join(party_names) or _("Partnership %(id)s") % {"id": pk}


def project_title(title: dict | None, pk) -> str:
    """A project's display title: its title in the reader's language, else its number."""
    return localize(title) or _("Project %(id)s") % {"id": pk}


class PartyRole(models.TextChoices):
    PARTNER = "partner", _("Partner")
    LEAD = "lead", _("Lead partner")
    FUNDER = "funder", _("Funder")
    IMPLEMENTING = "implementing", _("Implementing partner")
    ASSOCIATE = "associate", _("Associate")


class Partnership(RecordMixin):
    title = models.JSONField(
        _("title"),
        default=dict,
        blank=True,
        validators=[I18nTextValidator(TITLE_MAX)],
        help_text=_("Optional; the parties' names are shown otherwise."),
    )
    description = models.JSONField(
        _("description"), default=dict, blank=True, validators=[I18nTextValidator(TEXT_MAX, multiline=True)]
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=PartnershipKind.choices, default=PartnershipKind.TWINNING, db_index=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PartnershipStatus.choices, default=PartnershipStatus.ACTIVE, db_index=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    strategy_start_year = models.PositiveSmallIntegerField(_("strategy from (year)"), null=True, blank=True)
    strategy_end_year = models.PositiveSmallIntegerField(_("strategy to (year)"), null=True, blank=True)
    parties: "models.ManyToManyField[Organisation, PartnershipParty]" = models.ManyToManyField(
        "actors.Organisation", through="PartnershipParty", related_name="partnerships", verbose_name=_("parties")
    )
    # Themes of the partnership itself (an imported twinning has no project to carry them).
    axes = models.ManyToManyField(
        "vocabularies.Axis", blank=True, related_name="partnerships", verbose_name=_("cooperation axes")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(bases=[VersionRelations])
    _history_user: "AbstractBaseUser | None"  # set before save(): who changes it (read by simple_history)
    _change_reason: str  # set before save(): why (read by simple_history)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="partnership_dates_ordered",
            )
        ]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        # Only published organisations are named: a draft party's name is for its members only. (The parties
        # are read only when the title is empty.)
        names = [] if localize(self.title) else self._published_party_names()
        return partnership_title(self.title, names, self.pk)

    def _published_party_names(self) -> list[str]:
        return [party.organisation.display_name for party in self.party_links.all() if party.organisation.is_published]

    def get_absolute_url(self) -> str:
        return reverse("cooperation:partnership_detail", args=[self.pk])

    @property
    def form(self) -> str:
        return PartnershipForm.of(self.party_links.count())


class PartnershipParty(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="party_links", verbose_name=_("partnership")
    )
    organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.CASCADE, related_name="party_links", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices, default=PartyRole.PARTNER)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # set before save(): who changes it (read by simple_history)
    _change_reason: str  # set before save(): why (read by simple_history)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [models.UniqueConstraint(fields=["partnership", "organisation"], name="partnership_party_unique")]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


class ActivityStatus(models.TextChoices):
    """The IATI ActivityStatus codelist, used as is so that publishing loses nothing."""

    PIPELINE = "1", _("Pipeline/identification")
    IMPLEMENTATION = "2", _("Implementation")
    FINALISATION = "3", _("Finalisation")
    CLOSED = "4", _("Closed")
    CANCELLED = "5", _("Cancelled")
    SUSPENDED = "6", _("Suspended")


class SupportType(models.TextChoices):
    TECHNICAL = "technical", _("Technical")
    FINANCIAL = "financial", _("Financial")
    HUMAN = "human", _("Human (staff exchange)")
    IN_KIND = "in_kind", _("In kind")


class Project(RecordMixin):
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("partnership"),
    )
    lead_organisation = models.ForeignKey(
        "actors.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_projects",
        verbose_name=_("lead organisation"),
    )
    iati_identifier = models.CharField(_("IATI activity identifier"), max_length=200, blank=True)
    title = models.JSONField(_("title"), default=dict, validators=[I18nTextValidator(TITLE_MAX)])
    summary = models.JSONField(
        _("summary"), default=dict, blank=True, validators=[I18nTextValidator(SUMMARY_MAX, multiline=True)]
    )
    description = models.JSONField(
        _("description"), default=dict, blank=True, validators=[I18nTextValidator(TEXT_MAX, multiline=True)]
    )
    axes = models.ManyToManyField(
        "vocabularies.Axis", blank=True, related_name="projects", verbose_name=_("cooperation axes")
    )
    support_types = models.JSONField(_("support types"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=2, choices=ActivityStatus.choices, default=ActivityStatus.IMPLEMENTATION, db_index=True
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    beneficiaries_count = models.PositiveIntegerField(_("number of beneficiaries"), null=True, blank=True)
    beneficiary_groups = models.JSONField(_("beneficiary groups"), default=dict, blank=True)
    currency = models.CharField(_("default currency"), max_length=3, default="EUR")
    language = models.CharField(_("main language"), max_length=2, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(bases=[VersionRelations])
    _history_user: "AbstractBaseUser | None"  # set before save(): who changes it (read by simple_history)
    _change_reason: str  # set before save(): why (read by simple_history)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["iati_identifier"], condition=~Q(iati_identifier=""), name="project_iati_identifier_unique"
            ),
            models.CheckConstraint(
                condition=Q(partnership__isnull=False) | Q(lead_organisation__isnull=False),
                name="project_has_partnership_or_lead",
            ),
        ]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        return project_title(self.title, self.pk)

    def get_absolute_url(self) -> str:
        return reverse("cooperation:project_detail", args=[self.pk])

    @property
    def start_date(self):
        return self.actual_start or self.planned_start

    @property
    def end_date(self):
        return self.actual_end or self.planned_end


class ParticipantRole(models.TextChoices):
    """The IATI OrganisationRole codelist."""

    FUNDING = "1", _("Funding")
    ACCOUNTABLE = "2", _("Accountable")
    EXTENDING = "3", _("Extending")
    IMPLEMENTING = "4", _("Implementing")


class ProjectParticipant(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="participants", verbose_name=_("project")
    )
    organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.CASCADE, related_name="participations", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=2, choices=ParticipantRole.choices)
    activity_id = models.CharField(_("their activity identifier"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("participating organisation")
        verbose_name_plural = _("participating organisations")
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation", "role"], name="project_participant_unique")
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


class ProjectSector(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sectors", verbose_name=_("project"))
    vocabulary = models.CharField(
        _("vocabulary"),
        max_length=4,
        default="1",
        help_text=_("IATI SectorVocabulary: 1 = DAC 5-digit, 2 = DAC 3-digit."),
    )
    code = models.CharField(_("sector code"), max_length=20)
    percentage = models.DecimalField(
        _("percentage"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        constraints = [models.UniqueConstraint(fields=["project", "vocabulary", "code"], name="project_sector_unique")]

    def __str__(self):
        return f"{self.code} ({self.percentage}%)"

    @property
    def category(self) -> str:
        """The DAC 3-digit category of a 5-digit code."""
        return self.code[:3] if self.vocabulary in {"1", "2"} else ""


class ProjectSdg(models.Model):
    """An SDG goal ("6") or target ("6.1") the project contributes to."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sdgs", verbose_name=_("project"))
    target = models.CharField(_("SDG target or goal"), max_length=8)

    class Meta:
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")
        constraints = [models.UniqueConstraint(fields=["project", "target"], name="project_sdg_unique")]

    def __str__(self):
        return self.target

    @property
    def goal(self) -> str:
        return self.target.split(".")[0]


class ProjectCountry(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="recipient_countries", verbose_name=_("project")
    )
    country = models.ForeignKey(
        "territories.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    percentage = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("recipient country")
        verbose_name_plural = _("recipient countries")
        constraints = [models.UniqueConstraint(fields=["project", "country"], name="project_country_unique")]

    def __str__(self):
        return f"{self.country_id} ({self.percentage}%)" if self.percentage is not None else self.country_id


class ProjectLocation(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="locations", verbose_name=_("project"))
    locality = models.ForeignKey(
        "territories.Locality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("locality"),
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    country = models.ForeignKey(
        "territories.Country",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("country"),
    )
    ref = models.CharField(_("reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self):
        return self.name or (self.locality.name if self.locality is not None else f"{self.latitude}, {self.longitude}")


class ContributionKind(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")
    STAFF_TIME = "staff_time", _("Staff time")


class ContributorRole(models.TextChoices):
    PARTY = "party", _("Party")
    FUNDER = "funder", _("Funder")


class Contribution(models.Model):
    """A share of the project budget brought by a party or a funder."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("project")
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("organisation"),
    )
    contributor_name = models.CharField(_("contributor (if not registered)"), max_length=255, blank=True)
    role = models.CharField(_("role"), max_length=8, choices=ContributorRole.choices, default=ContributorRole.PARTY)
    kind = models.CharField(_("kind"), max_length=12, choices=ContributionKind.choices, default=ContributionKind.CASH)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # set before save(): who changes it (read by simple_history)
    _change_reason: str  # set before save(): why (read by simple_history)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self):
        return f"{self.amount} {self.currency}"


class Budget(models.Model):
    """An IATI budget line: the planned amount for a period."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budgets", verbose_name=_("project"))
    type = models.CharField(
        _("type"), max_length=2, default="1", help_text=_("IATI BudgetType: 1 original, 2 revised.")
    )
    status = models.CharField(
        _("status"), max_length=2, default="1", help_text=_("IATI BudgetStatus: 1 indicative, 2 committed.")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    value_date = models.DateField(_("value date"), null=True, blank=True)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["period_start"]

    def __str__(self):
        return f"{self.period_start}–{self.period_end}: {self.value} {self.currency}"


class Transaction(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="transactions", verbose_name=_("project")
    )
    type = models.CharField(_("type"), max_length=3, help_text=_("IATI TransactionType code."))
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    value_date = models.DateField(_("value date"), null=True, blank=True)
    description = models.JSONField(
        _("description"), default=dict, blank=True, validators=[I18nTextValidator(TEXT_MAX, multiline=True)]
    )
    provider_name = models.CharField(_("provider"), max_length=255, blank=True)
    provider_ref = models.CharField(_("provider reference"), max_length=150, blank=True)
    receiver_name = models.CharField(_("receiver"), max_length=255, blank=True)
    receiver_ref = models.CharField(_("receiver reference"), max_length=150, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.date}: {self.value} {self.currency}"


class ResultType(models.TextChoices):
    OUTPUT = "1", _("Output")
    OUTCOME = "2", _("Outcome")
    IMPACT = "3", _("Impact")
    OTHER = "9", _("Other")


_LINKS_HELP = _("IATI document links: address, format, title, categories, languages, date.")
_MEASURE_LINKS_HELP = _("IATI: the locations (refs of the project's locations) and documents of this measure.")


def _value_text(label):
    return models.CharField(
        label,
        max_length=VALUE_TEXT_MAX,
        blank=True,
        help_text=_("A value published as text rather than a number: shown as it is, never summed."),
    )


class Result(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="results", verbose_name=_("project"))
    type = models.CharField(_("type"), max_length=2, choices=ResultType.choices, default=ResultType.OUTPUT)
    aggregation_status = models.BooleanField(
        _("suitable for aggregation"),
        null=True,
        blank=True,
        help_text=_("IATI aggregation-status: whether the values can be added up with other activities'."),
    )
    title = models.JSONField(_("title"), default=dict, validators=[I18nTextValidator(TITLE_MAX)])
    description = models.JSONField(
        _("description"), default=dict, blank=True, validators=[I18nTextValidator(TEXT_MAX, multiline=True)]
    )
    position = models.PositiveSmallIntegerField(default=0)
    documents = models.JSONField(
        _("documents"), default=list, blank=True, validators=[validate_document_links], help_text=_LINKS_HELP
    )
    references = models.JSONField(
        _("reference codes"),
        default=list,
        blank=True,
        help_text=_("Codes of the result in external vocabularies: IATI reference (vocabulary, code, vocabulary URI)."),
    )

    class Meta:
        verbose_name = _("expected result")
        verbose_name_plural = _("expected results")
        ordering = ["position", "id"]

    def __str__(self):
        return localize(self.title)


class IndicatorMeasure(models.TextChoices):
    """The IATI IndicatorMeasure codelist."""

    UNIT = "1", _("Unit")
    PERCENTAGE = "2", _("Percentage")
    NOMINAL = "3", _("Nominal")
    ORDINAL = "4", _("Ordinal")
    QUALITATIVE = "5", _("Qualitative")


class Indicator(models.Model):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("result"))
    title = models.JSONField(_("title"), default=dict, validators=[I18nTextValidator(TITLE_MAX)])
    description = models.JSONField(
        _("description"), default=dict, blank=True, validators=[I18nTextValidator(TEXT_MAX, multiline=True)]
    )
    measure = models.CharField(
        _("measure"), max_length=2, choices=IndicatorMeasure.choices, default=IndicatorMeasure.UNIT
    )
    ascending = models.BooleanField(_("higher is better"), default=True)
    aggregation_status = models.BooleanField(
        _("suitable for aggregation"),
        null=True,
        blank=True,
        help_text=_("IATI aggregation-status: whether the values can be added up with other activities'."),
    )
    references = models.JSONField(
        _("reference codes"),
        default=list,
        blank=True,
        help_text=_("Codes of the indicator in external vocabularies: IATI reference (vocabulary, code, URI)."),
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    baseline_comment = models.JSONField(_("baseline comment"), default=dict, blank=True)
    baseline_links = models.JSONField(
        _("baseline links"),
        default=dict,
        blank=True,
        validators=[validate_measure_links],
        help_text=_MEASURE_LINKS_HELP,
    )
    other_baselines = models.JSONField(
        _("other baselines"),
        default=list,
        blank=True,
        validators=[validate_other_baselines],
        help_text=_("Baselines of other years (IATI): year, date, value, comment, dimensions, links."),
    )
    documents = models.JSONField(
        _("documents"), default=list, blank=True, validators=[validate_document_links], help_text=_LINKS_HELP
    )
    cumulative = models.BooleanField(
        _("cumulative"),
        default=False,
        help_text=_("Each period's actual includes the periods before it (otherwise each period counts alone)."),
    )
    standard = models.ForeignKey(
        "vocabularies.StandardIndicator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("standard indicator"),
        help_text=_("The same indicator of the shared library is summed across projects."),
    )
    approver = models.ForeignKey(
        "actors.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approver"),
        help_text=_("Organisation whose editors approve the updates (the other party, or the funder)."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "id"]

    def __str__(self):
        return localize(self.title)


class IndicatorValueStatus(models.TextChoices):
    """An update counts (in sums, strategies, scorecards, exports) only once approved."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")


class IndicatorValue(models.Model):
    """Baseline, target and actual of an indicator for one period, measured in one territory.

    Reciprocity: the same indicator is measured in each partner territory (``territory``);
    an empty territory means a single, project-wide measure.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    territory = models.ForeignKey(
        "actors.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("measured in"),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    baseline = models.DecimalField(_("baseline"), max_digits=18, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=4, null=True, blank=True)
    actual = models.DecimalField(_("actual"), max_digits=18, decimal_places=4, null=True, blank=True)
    baseline_value_text = _value_text(_("baseline (text)"))
    target_value_text = _value_text(_("target (text)"))
    actual_value_text = _value_text(_("actual (text)"))
    target_links = models.JSONField(
        _("target links"), default=dict, blank=True, validators=[validate_measure_links], help_text=_MEASURE_LINKS_HELP
    )
    actual_links = models.JSONField(
        _("actual links"), default=dict, blank=True, validators=[validate_measure_links], help_text=_MEASURE_LINKS_HELP
    )
    not_applicable = models.BooleanField(
        _("not applicable"), default=False, help_text=_("No actual can be measured for this period (say why).")
    )
    actual_text = models.JSONField(
        _("qualitative actual"), default=dict, blank=True, help_text=_("For a qualitative indicator.")
    )
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, help_text=_("For a qualitative indicator: 1 (poor) to 5 (excellent).")
    )
    comment = models.JSONField(_("comment"), default=dict, blank=True)
    target_comment = models.JSONField(_("comment on the target"), default=dict, blank=True)
    due_date = models.DateField(_("report due"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=IndicatorValueStatus.choices,
        default=IndicatorValueStatus.APPROVED,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["period_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="indicator_value_period_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.period_start}–{self.period_end}"


class DisaggregatedMeasure(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    TARGET = "target", _("Target")
    ACTUAL = "actual", _("Actual")


class IndicatorDisaggregation(models.Model):
    """Part of a period's baseline, target or actual for one combination of dimensions.

    ``dimensions`` is ``{name: value}`` as in IATI's ``dimension`` elements, e.g.
    ``{"sex": "female"}`` or ``{"sex": "female", "age": "15-24"}``.
    """

    indicator_value = models.ForeignKey(
        IndicatorValue, on_delete=models.CASCADE, related_name="disaggregations", verbose_name=_("indicator value")
    )
    measure = models.CharField(_("measure"), max_length=8, choices=DisaggregatedMeasure.choices)
    dimensions = models.JSONField(_("dimensions"), default=dict)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True, blank=True)
    value_text = _value_text(_("value (text)"))
    links = models.JSONField(
        _("links"), default=dict, blank=True, validators=[validate_measure_links], help_text=_MEASURE_LINKS_HELP
    )

    class Meta:
        verbose_name = _("disaggregation")
        verbose_name_plural = _("disaggregations")
        ordering = ["id"]

    def __str__(self):
        parts = ", ".join(f"{k}: {v}" for k, v in sorted(self.dimensions.items()))
        return f"{self.measure} ({parts}) = {self.value}"


class ReminderStage(models.TextChoices):
    DUE_SOON = "due_soon", _("Report due soon")
    OVERDUE = "overdue", _("Report overdue")
    WAITING = "waiting", _("Update waiting for approval")


class ResultReminder(models.Model):
    """A reminder of results monitoring sent to one person (``cooperation/reminders.py``): never sent twice.

    ``occasion`` is the date the reminder is about: the period's due date (due soon, overdue), or
    the day the update was submitted (waiting for approval), so that a new due date or a new
    submission is reminded again.
    """

    value = models.ForeignKey(
        IndicatorValue, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("indicator value")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person reminded")
    )
    stage = models.CharField(_("stage"), max_length=10, choices=ReminderStage.choices)
    occasion = models.DateField(_("about the date"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("results reminder")
        verbose_name_plural = _("results reminders")
        constraints = [
            models.UniqueConstraint(fields=["value", "user", "stage", "occasion"], name="result_reminder_once"),
        ]

    def __str__(self):
        return f"{self.stage} {self.value_id} → {self.user_id} ({self.occasion})"


def document_upload_to(instance, filename):
    return f"documents/{instance.__class__.__name__.lower()}/{filename}"


class Document(models.Model):
    """A document attached to a project (IATI document-link) or an agreement of a partnership."""

    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="documents", verbose_name=_("project")
    )
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("partnership"),
    )
    title = models.JSONField(_("title"), default=dict, validators=[I18nTextValidator(TITLE_MAX)])
    file = models.FileField(_("file"), upload_to=document_upload_to, blank=True)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    format = models.CharField(
        _("format"), max_length=100, blank=True, help_text=_("A MIME type, for example application/pdf.")
    )
    category = models.CharField(_("category"), max_length=4, blank=True, help_text=_("IATI DocumentCategory code."))
    language = models.CharField(_("language"), max_length=2, blank=True)
    document_date = models.DateField(_("date"), null=True, blank=True)
    # Agreements: signature and renewal.
    is_agreement = models.BooleanField(_("signed agreement"), default=False)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    renewal_on = models.DateField(_("renewal due on"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # set before save(): who changes it (read by simple_history)
    _change_reason: str  # set before save(): why (read by simple_history)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(partnership__isnull=False), name="document_has_owner"
            ),
        ]

    def __str__(self):
        return localize(self.title) or self.url or self.file.name
