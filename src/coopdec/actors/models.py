"""Organisations (local governments and their partners), their people, memberships and invitations."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coopdec.common.i18n import localize
from coopdec.common.models import RecordMixin
from coopdec.common.text import fold
from coopdec.common.validators import NAME_MAX, TEXT_MAX, I18nTextValidator, validate_line
from coopdec.territories.names import display_name


class VersionRelations(models.Model):
    """Added to the history tables of records with relations (``HistoricalRecords(bases=[...])``).

    ``relations`` holds those of the record's relations (parties, sectors, axes...) that changed
    since the version before, as written by ``coopdec.common.versions`` (``relations_at`` gives them
    all as they were); ``None`` when they were not recorded (a version written in bulk by an import,
    or before relations were recorded).
    """

    relations = models.JSONField(_("relations at this version"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class User(AbstractUser):
    is_coordinator = models.BooleanField(
        _("platform coordinator"), default=False, help_text=_("May edit and validate every record.")
    )
    results_reminders = models.BooleanField(
        _("results reminders"),
        default=True,
        help_text=_("E-mail me before a report is due, when it is late, and when updates wait for my approval."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class CountryCoordinator(models.Model):
    """A national coordinator: follows the records and the aid declarations of one country.

    Platform coordinators (``User.is_coordinator``) act everywhere; a country coordinator acts for
    the country named here (for example the French delegation for decentralised cooperation opening
    the yearly aid declaration campaign of France).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinated_countries", verbose_name=_("user")
    )
    country = models.ForeignKey(
        "territories.Country", on_delete=models.CASCADE, related_name="coordinators", verbose_name=_("country")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("country coordinator")
        verbose_name_plural = _("country coordinators")
        constraints = [models.UniqueConstraint(fields=["user", "country"], name="country_coordinator_unique")]

    def __str__(self):
        return f"{self.user} ({self.country_id})"


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    INTERMUNICIPAL = "intermunicipal", _("Inter-municipal body")
    COUNTY = "county", _("County, department or province")
    REGION = "region", _("Region or state")
    LGA_ASSOCIATION = "lga_association", _("National association of local governments")
    NGO = "ngo", _("NGO or association")
    CIVIL_SOCIETY = "civil_society", _("Civil-society group")
    ACADEMIC = "academic", _("University or school")
    NATIONAL_AGENCY = "national_agency", _("National agency or ministry")
    INTERNATIONAL = "international", _("International organisation")
    FOUNDATION = "foundation", _("Foundation")
    PRIVATE = "private", _("Company")


LOCAL_GOVERNMENT_KINDS = frozenset(
    {OrganisationKind.MUNICIPALITY, OrganisationKind.INTERMUNICIPAL, OrganisationKind.COUNTY, OrganisationKind.REGION}
)

# The closest IATI OrganisationType code for each kind (see docs/iati.md).
IATI_ORGANISATION_TYPE = {
    OrganisationKind.MUNICIPALITY: "10",
    OrganisationKind.INTERMUNICIPAL: "10",
    OrganisationKind.COUNTY: "10",
    OrganisationKind.REGION: "10",
    OrganisationKind.LGA_ASSOCIATION: "22",
    OrganisationKind.NGO: "22",
    OrganisationKind.CIVIL_SOCIETY: "22",
    OrganisationKind.ACADEMIC: "80",
    OrganisationKind.NATIONAL_AGENCY: "10",
    OrganisationKind.INTERNATIONAL: "40",
    OrganisationKind.FOUNDATION: "60",
    OrganisationKind.PRIVATE: "70",
}


class Organisation(RecordMixin):
    name = models.CharField(_("name"), max_length=NAME_MAX, validators=[validate_line])
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True, validators=[validate_line])
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices, db_index=True)
    description = models.JSONField(
        _("description"), default=dict, blank=True, validators=[I18nTextValidator(TEXT_MAX, multiline=True)]
    )
    # Canonical place of a local government: a GeoNames locality or an ISO 3166-2 subdivision.
    locality = models.ForeignKey(
        "territories.Locality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("locality"),
    )
    subdivision = models.ForeignKey(
        "territories.Subdivision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("subdivision"),
    )
    # Derived from the place for local governments, entered for the others.
    country = models.ForeignKey(
        "territories.Country", on_delete=models.PROTECT, related_name="organisations", verbose_name=_("country")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    iati_identifier = models.CharField(
        _("IATI organisation identifier"),
        max_length=150,
        blank=True,
        help_text=_("For example FR-RNA-W123456789 or XM-DAC-47066."),
    )
    website = models.URLField(_("website"), blank=True)
    languages = models.JSONField(_("working languages"), default=list, blank=True, help_text=_("ISO 639-1 codes."))
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    # When the record came from a bulk import: how sure the place resolution was, and why.
    resolution_confidence = models.FloatField(_("place resolution confidence"), null=True, blank=True)
    resolution_reason = models.CharField(_("place resolution reason"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A partner proposed from a partnership form (``services.organisation_propose``): a draft that
    # nobody administers until a coordinator reviews it or someone claims it (an access request).
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["name_folded"], bases=[VersionRelations])
    _history_user: "AbstractBaseUser | None"  # set before save(): who changes it (read by simple_history)
    _change_reason: str  # set before save(): why (read by simple_history)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["iati_identifier"], condition=~Q(iati_identifier=""), name="organisation_iati_identifier_unique"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("actors:organisation_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def is_local_government(self) -> bool:
        return self.kind in LOCAL_GOVERNMENT_KINDS

    @property
    def display_name(self) -> str:
        """The name as shown in the active language: a local government named after its place
        shows the place's name in that language, then its official name ("Hambourg (Hamburg)")."""
        return display_name(self.name, self.locality_id) if self.is_local_government else self.name

    @property
    def description_text(self) -> str:
        return localize(self.description)


class ContactKind(models.TextChoices):
    ELECTED = "elected", _("Elected official")
    STAFF = "staff", _("Staff")


class Contact(models.Model):
    """A person to reach at an organisation: visible to signed-in users only."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices, default=ContactKind.STAFF)
    name = models.CharField(_("name"), max_length=200, validators=[validate_line])
    function = models.CharField(_("function"), max_length=200, blank=True, validators=[validate_line])
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # set before save(): who changes it (read by simple_history)
    _change_reason: str  # set before save(): why (read by simple_history)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class MembershipRole(models.TextChoices):
    EDITOR = "editor", _("Editor")
    ADMIN = "admin", _("Administrator")


# The roles that may edit an organisation's records (and those it is a party to): every role today.
EDITING_ROLES = frozenset({MembershipRole.EDITOR, MembershipRole.ADMIN})


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.EDITOR)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.role})"


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.EDITOR)
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.organisation}"


class AccessRequestStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("E-mail address not yet confirmed")
    PENDING = "pending", _("Awaiting an answer")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


OPEN_ACCESS_REQUEST_STATUSES = (AccessRequestStatus.UNCONFIRMED, AccessRequestStatus.PENDING)


class AccessRequest(models.Model):
    """A person asks to become an editor of an organisation (their local government, often).

    Nothing is granted until the address is confirmed (a link sent to it) and the request approved
    by the organisation's administrators, or, when it has none, by the coordinators of its country
    and the platform coordinators (``selectors.access_request_answerers``).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="access_requests", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_line])
    email = models.EmailField(_("official e-mail"))
    function = models.CharField(_("role or function"), max_length=200, validators=[validate_line])
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_requests",
        verbose_name=_("account that asked"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AccessRequestStatus.choices,
        default=AccessRequestStatus.UNCONFIRMED,
        db_index=True,
    )
    client_address = models.GenericIPAddressField(_("sent from"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("address confirmed at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    reason = models.TextField(_("reason of the refusal"), blank=True)
    history = HistoricalRecords(excluded_fields=["client_address"])
    _history_user: "AbstractBaseUser | None"  # set before save(): who changes it (read by simple_history)
    _change_reason: str  # set before save(): why (read by simple_history)

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(status__in=["unconfirmed", "pending"]),
                name="access_request_one_open",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"
