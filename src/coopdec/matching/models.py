"""Offers and requests of partnership, proposals between organisations and in-app notifications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopdec.common.i18n import localize
from coopdec.common.validators import TEXT_MAX, TITLE_MAX, I18nTextValidator, validate_text


class OfferKind(models.TextChoices):
    EXPERTISE = "expertise", _("Expertise")
    STAFF_EXCHANGE = "staff_exchange", _("Staff exchanges")
    HOSTING = "hosting", _("Hosting delegations")
    CO_FUNDING = "co_funding", _("Co-funding")


class ValidityQuerySet(models.QuerySet):
    def current(self, today=None):
        """Valid today: started, and not expired (no end date means open-ended)."""
        today = today or timezone.localdate()
        return self.filter(Q(valid_from__lte=today), Q(valid_until__isnull=True) | Q(valid_until__gte=today))


class Listing(models.Model):
    """What offers and requests share: an organisation, a text, topics and validity dates."""

    organisation = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    title = models.JSONField(_("title"), default=dict, validators=[I18nTextValidator(TITLE_MAX)])
    description = models.JSONField(
        _("description"), default=dict, blank=True, validators=[I18nTextValidator(TEXT_MAX, multiline=True)]
    )
    axes = models.ManyToManyField(
        "vocabularies.Axis",
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("cooperation axes"),
    )
    sectors = models.JSONField(_("DAC sectors"), default=list, blank=True, help_text=_("DAC 5-digit purpose codes."))
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Hidden after this date."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-valid_from", "-id"]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        return localize(self.title) or str(self.pk)

    @property
    def description_text(self) -> str:
        return localize(self.description)

    def is_current(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.valid_from <= today and (self.valid_until is None or self.valid_until >= today)


class Offer(Listing):
    """What an organisation offers to partners: expertise, staff exchanges, hosting, co-funding."""

    organisation = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.CASCADE,
        related_name="offers",
        verbose_name=_("organisation"),
    )
    kinds = models.JSONField(
        _("what is offered"),
        default=list,
        help_text=_("Expertise, staff exchanges, hosting, co-funding."),
    )

    class Meta(Listing.Meta):
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="offer_validity_ordered",
            )
        ]

    def get_kinds_display(self) -> list[str]:
        labels = dict(OfferKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.kinds]


class PartnerRequest(Listing):
    """What an organisation seeks in a partner: place, topics, kind and size, working language."""

    organisation = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.CASCADE,
        related_name="partner_requests",
        verbose_name=_("organisation"),
    )
    countries = models.JSONField(_("partner countries"), default=list, blank=True, help_text=_("ISO 3166-1 codes."))
    continents = models.JSONField(_("partner continents"), default=list, blank=True)
    organisation_kinds = models.JSONField(_("kinds of authority"), default=list, blank=True)
    population_min = models.PositiveBigIntegerField(_("population from"), null=True, blank=True)
    population_max = models.PositiveBigIntegerField(_("population up to"), null=True, blank=True)
    languages = models.JSONField(_("working languages"), default=list, blank=True, help_text=_("ISO 639-1 codes."))

    class Meta(Listing.Meta):
        verbose_name = _("partner request")
        verbose_name_plural = _("partner requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="partner_request_validity_ordered",
            ),
            models.CheckConstraint(
                condition=Q(population_min__isnull=True)
                | Q(population_max__isnull=True)
                | Q(population_max__gte=models.F("population_min")),
                name="partner_request_population_ordered",
            ),
        ]


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Awaiting an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ProposalDelivery(models.TextChoices):
    EDITORS = "editors", _("Sent to the organisation's editors")
    COORDINATORS = "coordinators", _("Sent to the coordinators of its country (it has no editor yet)")
    HELD = "held", _("Kept until someone joins the organisation (it has no editor yet)")


class Proposal(models.Model):
    """A partnership proposal sent by an organisation's editor to another organisation."""

    sender = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.CASCADE,
        related_name="proposals_sent",
        verbose_name=_("from"),
    )
    recipient = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.CASCADE,
        related_name="proposals_received",
        verbose_name=_("to"),
    )
    request = models.ForeignKey(
        PartnerRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        verbose_name=_("in answer to the request"),
    )
    message = models.TextField(_("message"), max_length=4000, validators=[validate_text])
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.OPEN,
        db_index=True,
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="proposals_sent",
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    # Who it reached: an organisation with no editor gets it through its country's coordinators, or
    # it waits for the first person who joins it (``services.proposals_deliver_held``).
    delivery = models.CharField(
        _("delivered to"), max_length=12, choices=ProposalDelivery.choices, default=ProposalDelivery.EDITORS
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), max_length=4000, blank=True, validators=[validate_text])
    partnership = models.ForeignKey(
        "cooperation.Partnership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("partnership"),
    )

    class Meta:
        verbose_name = _("partnership proposal")
        verbose_name_plural = _("partnership proposals")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=Q(status="open"),
                name="proposal_one_open_per_pair",
            ),
            models.CheckConstraint(condition=~Q(sender=models.F("recipient")), name="proposal_not_to_self"),
        ]

    def __str__(self):
        return f"{self.sender} → {self.recipient}"


class NotificationKind(models.TextChoices):
    PROPOSAL_RECEIVED = "proposal_received", _("Partnership proposal received")
    PROPOSAL_ACCEPTED = "proposal_accepted", _("Partnership proposal accepted")
    PROPOSAL_DECLINED = "proposal_declined", _("Partnership proposal declined")


class Notification(models.Model):
    """An in-app notice for one user; the sentence is made from ``kind`` and the proposal when shown."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=NotificationKind.choices)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("proposal")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()}"
