"""The yearly declaration of official development assistance (APD / ODA) by local governments.

A national coordinator opens a ``Campaign`` for a country and a declared year; each local
government of that country then has at most one ``Declaration`` for it, made of ``DeclarationLine``
rows in the CRS shape (recipient, DAC sector, channel, flow, finance and aid type, amount, policy
markers). Lines are proposed from the register (``prefill.py``), checked (``checks.py``) and
submitted; national totals add up the submitted declarations (``selectors.py``).
"""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Campaign(models.Model):
    country = models.ForeignKey(
        "territories.Country", on_delete=models.PROTECT, related_name="aid_campaigns", verbose_name=_("country")
    )
    year = models.PositiveSmallIntegerField(_("declared year"), help_text=_("The calendar year whose aid is declared."))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), help_text=_("Last day a declaration may be submitted."))
    currency = models.CharField(_("declaration currency"), max_length=3, default="EUR")
    is_demo = models.BooleanField(
        _("demonstration record"), default=False, help_text=_("Invented for the demonstration; not real.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"
    _change_reason: str

    class Meta:
        verbose_name = _("aid declaration campaign")
        verbose_name_plural = _("aid declaration campaigns")
        ordering = ["-year", "country"]
        constraints = [
            models.UniqueConstraint(fields=["country", "year"], name="campaign_country_year_unique"),
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="campaign_dates_ordered"),
        ]

    def __str__(self):
        return _("Aid declaration %(year)s – %(country)s") % {"year": self.year, "country": self.country}

    def get_absolute_url(self) -> str:
        return reverse("declarations:campaign_detail", args=[self.pk])


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REOPENED = "reopened", _("Reopened")


class Declaration(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="declarations", verbose_name=_("campaign")
    )
    organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.CASCADE, related_name="aid_declarations", verbose_name=_("organisation")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeclarationStatus.choices, default=DeclarationStatus.DRAFT, db_index=True
    )
    is_nil = models.BooleanField(
        _("nil declaration"),
        default=False,
        help_text=_("No development assistance was paid out of own funds in the year."),
    )
    deadline = models.DateField(
        _("extended until"),
        null=True,
        blank=True,
        help_text=_("Set by a coordinator: this declaration may be submitted until then."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reopened by"),
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True, max_length=2000)
    total = models.DecimalField(
        _("declared total"),
        max_digits=18,
        decimal_places=2,
        default=0,
        editable=False,
        help_text=_("The sum of the lines' declared amounts, kept by every change."),
    )
    revision = models.PositiveIntegerField(
        _("revision"), default=1, help_text=_("Incremented by every change: two editors cannot overwrite each other.")
    )
    is_demo = models.BooleanField(_("demonstration record"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"
    _change_reason: str

    class Meta:
        verbose_name = _("aid declaration")
        verbose_name_plural = _("aid declarations")
        ordering = ["campaign", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "organisation"], name="declaration_unique")]

    def __str__(self):
        return f"{self.organisation} – {self.campaign.year}"

    def get_absolute_url(self) -> str:
        return reverse("declarations:declaration_detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status == DeclarationStatus.SUBMITTED

    @property
    def closes_on(self):
        """The last day this declaration may be submitted (the campaign's, or its extension)."""
        if self.deadline and self.deadline > self.campaign.closes_on:
            return self.deadline
        return self.campaign.closes_on


class Recipient(models.TextChoices):
    COUNTRY = "country", _("Country")
    REGION = "region", _("Region")
    UNALLOCATED = "unallocated", _("Unallocated (no recipient country or region)")


class LineSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    TRANSACTION = "transaction", _("Project disbursement or expenditure")
    CONTRIBUTION = "contribution", _("Project contribution")
    SPREADSHEET = "spreadsheet", _("Spreadsheet import")


# OECD DAC policy markers declared with each line: field name → IATI PolicyMarker code.
POLICY_MARKERS = {
    "marker_gender": "1",
    "marker_environment": "2",
    "marker_biodiversity": "5",
    "marker_climate_mitigation": "6",
    "marker_climate_adaptation": "7",
    "marker_desertification": "8",
    "marker_disability": "11",
    "marker_nutrition": "12",
}


# Their short names (IATI's are long: "Aid Targeting the Objectives of the Convention on Biological Diversity").
MARKER_LABELS = {
    "marker_gender": _("gender equality"),
    "marker_environment": _("environment"),
    "marker_biodiversity": _("biodiversity"),
    "marker_climate_mitigation": _("climate change mitigation"),
    "marker_climate_adaptation": _("climate change adaptation"),
    "marker_desertification": _("desertification"),
    "marker_disability": _("disability and inclusion"),
    "marker_nutrition": _("nutrition"),
}


def _marker(label):
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        choices=[(0, _("0 – not targeted")), (1, _("1 – significant objective")), (2, _("2 – principal objective"))],
        help_text=_("OECD policy marker significance; empty when not screened."),
    )


class DeclarationLine(models.Model):
    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="lines", verbose_name=_("declaration")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    recipient_type = models.CharField(
        _("recipient"), max_length=12, choices=Recipient.choices, default=Recipient.COUNTRY
    )
    recipient_code = models.CharField(
        _("recipient code"), max_length=4, blank=True, help_text=_("IATI Country (ISO 3166-1) or Region code.")
    )
    sector = models.CharField(
        _("DAC sector"), max_length=5, help_text=_("DAC 5-digit purpose code, for example 14030.")
    )
    channel = models.CharField(
        _("channel of delivery"),
        max_length=5,
        help_text=_("CRS channel code, for example 12000 (recipient government)."),
    )
    flow_type = models.CharField(_("flow type"), max_length=2, default="10")
    finance_type = models.CharField(_("finance type"), max_length=4, default="110")
    aid_type = models.CharField(_("aid type"), max_length=4, default="C01")
    amount = models.DecimalField(
        _("amount disbursed"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("In the declaration currency."),
    )
    original_amount = models.DecimalField(
        _("original amount"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    original_currency = models.CharField(_("original currency"), max_length=3)
    exchange_rate = models.DecimalField(
        _("exchange rate"),
        max_digits=20,
        decimal_places=10,
        null=True,
        blank=True,
        help_text=_("Units of the declaration currency for one unit of the original currency."),
    )
    rate_source = models.CharField(_("rate source"), max_length=120, blank=True)
    cofinancing = models.DecimalField(
        _("co-financing received"),
        max_digits=16,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Funds received from others for this line, deducted once confirmed: only own funds are declared."),
    )
    cofinancing_confirmed = models.BooleanField(
        _("co-financing deducted"),
        null=True,
        blank=True,
        help_text=_("Empty: to confirm. Yes: deducted. No: not deducted."),
    )
    net_amount = models.DecimalField(
        _("declared amount"),
        max_digits=16,
        decimal_places=2,
        default=0,
        editable=False,
        help_text=_("The amount less the co-financing deducted."),
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    project = models.ForeignKey(
        "cooperation.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="aid_declaration_lines",
        verbose_name=_("project"),
    )
    source = models.CharField(_("source"), max_length=12, choices=LineSource.choices, default=LineSource.MANUAL)
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    marker_gender = _marker(MARKER_LABELS["marker_gender"])
    marker_environment = _marker(MARKER_LABELS["marker_environment"])
    marker_biodiversity = _marker(MARKER_LABELS["marker_biodiversity"])
    marker_climate_mitigation = _marker(MARKER_LABELS["marker_climate_mitigation"])
    marker_climate_adaptation = _marker(MARKER_LABELS["marker_climate_adaptation"])
    marker_desertification = _marker(MARKER_LABELS["marker_desertification"])
    marker_disability = _marker(MARKER_LABELS["marker_disability"])
    marker_nutrition = _marker(MARKER_LABELS["marker_nutrition"])
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"
    _change_reason: str

    class Meta:
        verbose_name = _("declaration line")
        verbose_name_plural = _("declaration lines")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["declaration", "position"], name="declaration_line_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(cofinancing__gte=0), name="declaration_line_amounts_positive"
            ),
        ]

    def __str__(self):
        return f"{self.sector} {self.recipient_code or self.recipient_type}: {self.net_amount}"

    def save(self, *args, **kwargs):
        self.net_amount = self.compute_net_amount()
        super().save(*args, **kwargs)

    def compute_net_amount(self):
        deducted = self.cofinancing if self.cofinancing_confirmed else 0
        return max(self.amount - deducted, 0)


class CampaignTotal(models.Model):
    """One sum of a campaign's submitted declarations: the national totals, kept up to date.

    ``services`` adds a declaration's amounts when it is submitted and takes them away when it is
    reopened (or deleted while submitted), so reading the national totals reads a few hundred rows
    whatever the number of declarations; ``totals.rebuild`` recomputes them from the lines.
    ``dimension`` is ``total``, ``recipient`` (code ``country:SN``, ``region:289``, ``unallocated:``),
    ``sector``, ``channel`` or ``marker`` (code the IATI PolicyMarker, ``significance`` 1 or 2).
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="totals", verbose_name=_("campaign"))
    dimension = models.CharField(_("dimension"), max_length=10)
    code = models.CharField(_("code"), max_length=20, blank=True)
    significance = models.PositiveSmallIntegerField(_("significance"), default=0)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("campaign total")
        verbose_name_plural = _("campaign totals")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "dimension", "code", "significance"], name="campaign_total_unique"
            ),
        ]

    def __str__(self):
        return f"{self.dimension} {self.code}: {self.amount}"
