"""Calls for projects and co-financing.

A funder organisation (a ministry, an agency, a region, a network) publishes a ``Call`` with its
rules: who may apply, for what, with which co-financing (maximum rate by recipient-country group,
minimum own share, cap on in-kind), which prerequisites taken from the register and which review
grid (``Criterion``). An organisation applies with one of its projects (``Application``: the
funding plan; the rest is the project record, frozen into a snapshot at submission). Reviewers
(``Review``) declare no conflict of interest, then score. An award becomes the funder's contribution
on the project, a schedule of ``Report`` rows due and ``Tranche`` rows paid once their report is
approved.
"""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coopdec.common.i18n import localize
from coopdec.common.models import PublicationStatus
from coopdec.common.validators import TEXT_MAX, TITLE_MAX, I18nTextValidator

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
CONCEPT_MAX = 6000


class Stages(models.IntegerChoices):
    """One stage: the full application at once. Two: a concept note first, the full application on invitation."""

    ONE = 1, _("One stage: the full application")
    TWO = 2, _("Two stages: a concept note, then a full application for those shortlisted")


class Prerequisite(models.TextChoices):
    """What the register must show before an organisation may apply (computed, never declared)."""

    CONFIRMED = "confirmed", _("Organisation record confirmed within the last 12 months")
    DECLARATION = "declaration", _("Last year's aid declaration submitted")
    REPORTS = "reports", _("Reports due on earlier grants filed")
    AGREEMENT = "agreement", _("Signed agreement with the partner uploaded")
    PARTNER = "partner", _("Partner authority registered")


class Call(models.Model):
    funder = models.ForeignKey(
        "actors.Organisation", on_delete=models.PROTECT, related_name="calls", verbose_name=_("funder")
    )
    title = models.JSONField(_("title"), default=dict, validators=[I18nTextValidator(TITLE_MAX)])
    description = models.JSONField(
        _("text of the call"), default=dict, blank=True, validators=[I18nTextValidator(TEXT_MAX, multiline=True)]
    )
    envelope = models.DecimalField(_("envelope"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    opens_on = models.DateField(_("opens on"))
    deadline = models.DateField(_("deadline"), help_text=_("Last day an application may be submitted."))
    stages = models.PositiveSmallIntegerField(_("stages"), choices=Stages.choices, default=Stages.ONE)
    concept_deadline = models.DateField(
        _("concept note deadline"),
        null=True,
        blank=True,
        help_text=_("Two-stage calls: last day a concept note may be submitted."),
    )
    concept_guidance = models.JSONField(
        _("what the concept note asks"),
        default=dict,
        blank=True,
        validators=[I18nTextValidator(TEXT_MAX, multiline=True)],
    )
    eligible_kinds = models.JSONField(_("eligible applicant kinds"), default=list, blank=True)
    eligible_countries = models.JSONField(
        _("eligible applicant countries"), default=list, blank=True, help_text=_("ISO codes; empty: any country.")
    )
    eligible_axes = models.JSONField(_("eligible cooperation axes"), default=list, blank=True)
    eligible_sectors = models.JSONField(
        _("eligible DAC sectors"), default=list, blank=True, help_text=_("3- or 5-digit codes; empty: any sector.")
    )
    max_rate_ldc = models.DecimalField(
        _("maximum rate in the least developed countries (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    max_rate_other = models.DecimalField(
        _("maximum rate elsewhere (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    min_own_share = models.DecimalField(
        _("minimum own share (%)"), max_digits=5, decimal_places=2, default=0, validators=PERCENT
    )
    max_in_kind_share = models.DecimalField(
        _("in-kind cap (% of the own share)"), max_digits=5, decimal_places=2, default=100, validators=PERCENT
    )
    min_amount = models.DecimalField(_("smallest grant"), max_digits=16, decimal_places=2, null=True, blank=True)
    max_amount = models.DecimalField(_("largest grant"), max_digits=16, decimal_places=2, null=True, blank=True)
    max_duration_months = models.PositiveSmallIntegerField(_("maximum duration (months)"), null=True, blank=True)
    required_documents = models.JSONField(
        _("required documents"), default=list, blank=True, help_text=_("IATI document categories.")
    )
    prerequisites = models.JSONField(_("prerequisites"), default=list, blank=True)
    retained_share = models.DecimalField(
        _("share retained until the final report (%)"), max_digits=5, decimal_places=2, default=20, validators=PERCENT
    )
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=3,
        decimal_places=2,
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Weighted average score (1 to 5) an application needs to be ranked."),
    )
    publication_status = models.CharField(
        _("publication status"), max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    is_demo = models.BooleanField(
        _("demonstration record"), default=False, help_text=_("Invented for the demonstration; not real.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"
    _change_reason: str

    class Meta:
        verbose_name = _("call for projects")
        verbose_name_plural = _("calls for projects")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=models.F("opens_on")), name="call_dates_ordered"),
            models.CheckConstraint(
                condition=Q(concept_deadline__isnull=True)
                | Q(concept_deadline__gte=models.F("opens_on"), concept_deadline__lte=models.F("deadline")),
                name="call_concept_deadline_ordered",
            ),
        ]

    def __str__(self):
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("funding:call_detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        return localize(self.title) or _("Call %(id)s") % {"id": self.pk}

    @property
    def description_text(self) -> str:
        return localize(self.description)

    @property
    def is_published(self) -> bool:
        return self.publication_status == PublicationStatus.PUBLISHED

    @property
    def is_two_stage(self) -> bool:
        return self.stages == Stages.TWO

    @property
    def concept_guidance_text(self) -> str:
        return localize(self.concept_guidance)


class Criterion(models.Model):
    """A line of the call's scoring grid: each reviewer scores it 1 to 5; weights make the average."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call"))
    title = models.JSONField(_("criterion"), default=dict, validators=[I18nTextValidator(TITLE_MAX)])
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=[MinValueValidator(1)])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "id"]

    def __str__(self):
        return localize(self.title)


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONCEPT = "concept", _("Concept note submitted")
    SHORTLISTED = "shortlist", _("Shortlisted: full application invited")
    NOT_SHORTLISTED = "declined", _("Not shortlisted")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "review", _("Under review")
    AWARDED = "awarded", _("Awarded")
    RESERVE = "reserve", _("Reserve list")
    REJECTED = "rejected", _("Rejected")


DECIDED = (ApplicationStatus.AWARDED, ApplicationStatus.RESERVE, ApplicationStatus.REJECTED)
# Before the full application is submitted: neither ranked, reviewed nor decided.
NOT_SUBMITTED = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.CONCEPT,
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.NOT_SHORTLISTED,
)


class Application(models.Model):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call"))
    organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant")
    )
    project = models.ForeignKey(
        "cooperation.Project", on_delete=models.PROTECT, related_name="applications", verbose_name=_("project")
    )
    partner = models.ForeignKey(
        "actors.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_applications",
        verbose_name=_("partner authority"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, db_index=True
    )
    requested = models.DecimalField(
        _("amount requested"), max_digits=16, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    own_cash = models.DecimalField(
        _("own share in cash"), max_digits=16, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    own_in_kind = models.DecimalField(
        _("own share in kind"), max_digits=16, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    other_funding = models.DecimalField(
        _("other co-financing"), max_digits=16, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    concept_note = models.TextField(_("concept note"), blank=True, max_length=CONCEPT_MAX)
    concept_submitted_at = models.DateTimeField(_("concept note submitted at"), null=True, blank=True)
    shortlist_note = models.TextField(_("message on the concept note"), blank=True, max_length=4000)
    shortlisted_at = models.DateTimeField(_("concept note answered at"), null=True, blank=True)
    snapshot = models.JSONField(_("submitted copy"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    partner_confirmed_at = models.DateTimeField(_("partner confirmed at"), null=True, blank=True)
    partner_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    awarded_amount = models.DecimalField(_("amount awarded"), max_digits=16, decimal_places=2, null=True, blank=True)
    decision_note = models.TextField(_("reasons of the decision"), blank=True, max_length=4000)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    is_demo = models.BooleanField(_("demonstration record"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["snapshot"])
    _history_user: "AbstractBaseUser | None"
    _change_reason: str

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["call", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "project"], name="application_call_project_unique"),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.project}"

    def get_absolute_url(self) -> str:
        return reverse("funding:application_detail", args=[self.pk])

    @property
    def own_share(self):
        return self.own_cash + self.own_in_kind

    @property
    def total_cost(self):
        return self.requested + self.own_cash + self.own_in_kind + self.other_funding

    @property
    def is_editable(self) -> bool:
        """The plan may change: a draft, or a shortlisted application preparing its full application."""
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.SHORTLISTED)

    @property
    def at_concept_stage(self) -> bool:
        """A draft of a two-stage call: its concept note is still to submit."""
        return self.status == ApplicationStatus.DRAFT and self.call.is_two_stage


class ReviewStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned: conflict of interest to declare")
    ACCEPTED = "accepted", _("No conflict declared: scoring")
    DECLINED = "declined", _("Declined (conflict of interest)")
    DONE = "done", _("Scored")


class Review(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("application")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="funding_reviews", verbose_name=_("reviewer")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.ASSIGNED, db_index=True
    )
    declared_at = models.DateTimeField(_("declaration made at"), null=True, blank=True)
    scores = models.JSONField(
        _("scores"), default=dict, blank=True, help_text=_("Per criterion id: {'score': 1–5, 'comment': text}.")
    )
    total = models.DecimalField(_("weighted score"), max_digits=4, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("overall comment"), blank=True, max_length=4000)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"
    _change_reason: str

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["application", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="review_unique")]

    def __str__(self):
        return f"{self.reviewer} – {self.application}"

    def get_absolute_url(self) -> str:
        return reverse("funding:review_detail", args=[self.pk])


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("Interim report")
    FINAL = "final", _("Final report")


class ReportStatus(models.TextChoices):
    DUE = "due", _("Due")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")


class Report(models.Model):
    """A report an awarded application owes its funder: narrative, financial, indicator values of the period."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reports", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ReportKind.choices, default=ReportKind.INTERIM)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DUE, db_index=True
    )
    narrative = models.TextField(_("narrative report"), blank=True, max_length=TEXT_MAX)
    spent = models.DecimalField(
        _("spent in the period"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    financial_note = models.TextField(_("financial report"), blank=True, max_length=TEXT_MAX)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(_("funder's comment"), blank=True, max_length=2000)
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"
    _change_reason: str

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="report_period_ordered"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}"

    def get_absolute_url(self) -> str:
        return reverse("funding:report_detail", args=[self.pk])


class Tranche(models.Model):
    """A payment of an award, released once the report it depends on is approved (none: at once)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="tranches", verbose_name=_("application")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    share = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2, validators=PERCENT)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    report = models.OneToOneField(
        Report, null=True, blank=True, on_delete=models.PROTECT, related_name="tranche", verbose_name=_("released on")
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"
    _change_reason: str

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["application", "position"]
        constraints = [models.UniqueConstraint(fields=["application", "position"], name="tranche_position_unique")]

    def __str__(self):
        return f"{self.position}: {self.amount}"
