"""Citizen and diaspora participation in a partnership (or in an organisation's whole cooperation).

The parties open a ``Space`` with a calendar of phases (proposals, support, review, vote, results)
and, optionally, a participatory budget. People of either territory sign up lightly (a
``Participant`` profile on a Django user: it grants no right on the register's records), propose
actions (``Proposal``), comment (``Comment``) and support them (``Support``, one per person and
proposal); the parties review each proposal's feasibility together (``Review``, one per deciding
party), answer it officially, and the public votes within the envelope (``Ballot``, one per person
and space). Moderators hide proposals and comments with a reason; anyone signed in reports abuse
(``Report``). Hidden items stay out of every listing, count, map and export.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coopdec.common.i18n import localize
from coopdec.common.validators import NAME_MAX, SUMMARY_MAX, TEXT_MAX, TITLE_MAX, I18nTextValidator, validate_line


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("Not open yet")
    PROPOSALS = "proposals", pgettext_lazy("participation phase", "Proposals")
    SUPPORT = "support", pgettext_lazy("participation phase", "Support")
    REVIEW = "review", _("Feasibility review")
    VOTE = "vote", pgettext_lazy("participation phase", "Vote")
    RESULTS = "results", pgettext_lazy("participation phase", "Results")


# The phases in order, each with the Space field holding the day it starts.
PHASE_STARTS = (
    (Phase.PROPOSALS, "proposals_from"),
    (Phase.SUPPORT, "support_from"),
    (Phase.REVIEW, "review_from"),
    (Phase.VOTE, "vote_from"),
    (Phase.RESULTS, "results_from"),
)


class Space(models.Model):
    """Where the people of the territories propose and choose what a cooperation does."""

    partnership = models.ForeignKey(
        "cooperation.Partnership",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="participation_spaces",
        verbose_name=_("partnership"),
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="participation_spaces",
        verbose_name=_("organisation"),
        help_text=_("For a space about all the cooperation of one organisation."),
    )
    title = models.JSONField(_("title"), default=dict, validators=[I18nTextValidator(TITLE_MAX)])
    description = models.JSONField(
        _("description"), default=dict, blank=True, validators=[I18nTextValidator(TEXT_MAX, multiline=True)]
    )
    proposals_from = models.DateField(_("proposals from"))
    support_from = models.DateField(_("support from"))
    review_from = models.DateField(_("feasibility review from"))
    vote_from = models.DateField(_("vote from"))
    results_from = models.DateField(_("results from"))
    budget = models.DecimalField(
        _("participatory budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Optional: the envelope the public shares out by its vote."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    is_demo = models.BooleanField(
        _("demonstration record"), default=False, help_text=_("Invented for the demonstration; not real.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("participation space")
        verbose_name_plural = _("participation spaces")
        ordering = ["-proposals_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(partnership__isnull=False) & Q(organisation__isnull=True))
                | (Q(partnership__isnull=True) & Q(organisation__isnull=False)),
                name="space_partnership_or_organisation",
            ),
            models.CheckConstraint(
                condition=Q(support_from__gte=models.F("proposals_from"))
                & Q(review_from__gte=models.F("support_from"))
                & Q(vote_from__gte=models.F("review_from"))
                & Q(results_from__gte=models.F("vote_from")),
                name="space_phases_ordered",
            ),
        ]

    def __str__(self):
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("participation:space_detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        return localize(self.title) or str(_("Participation space %(id)s") % {"id": self.pk})

    @property
    def record(self):
        """The partnership or organisation the space belongs to (its access follows that record's)."""
        return self.partnership if self.partnership_id else self.organisation

    def phase_on(self, day: date) -> str:
        current = Phase.UPCOMING
        for phase, field in PHASE_STARTS:
            if getattr(self, field) <= day:
                current = phase
        return current

    def phase_calendar(self) -> list[tuple[str, object, date, date | None]]:
        """(phase, label, first day, last day or None) for each phase, zero-length phases left out."""
        rows: list[tuple[str, object, date, date | None]] = []
        for index, (phase, field) in enumerate(PHASE_STARTS):
            start = getattr(self, field)
            end = getattr(self, PHASE_STARTS[index + 1][1]) if index + 1 < len(PHASE_STARTS) else None
            if end is not None and end <= start:
                continue
            rows.append((str(phase), Phase(phase).label, start, end))
        return rows

    @property
    def has_budget(self) -> bool:
        return self.budget is not None and self.budget > 0


class DisplayName(models.TextChoices):
    FULL = "full", _("My full name")
    INITIAL = "initial", _("My first name and the initial of my last name")
    ANONYMOUS = "anonymous", _("Nothing: “Participant from” my town")


class ParticipantKind(models.TextChoices):
    RESIDENT = "resident", _("A resident")
    ASSOCIATION = "association", _("An association of the territory")
    DIASPORA = "diaspora", _("A diaspora association")


class Participant(models.Model):
    """A person's participation profile. It gives no right on organisations, partnerships or projects:
    those come from memberships only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participant", verbose_name=_("user")
    )
    first_name = models.CharField(_("first name"), max_length=100, validators=[validate_line])
    last_name = models.CharField(_("last name"), max_length=100, blank=True, validators=[validate_line])
    display = models.CharField(_("name shown"), max_length=10, choices=DisplayName.choices, default=DisplayName.INITIAL)
    town = models.CharField(_("town"), max_length=120, validators=[validate_line])
    country = models.ForeignKey(
        "territories.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    kind = models.CharField(
        _("I take part as"), max_length=12, choices=ParticipantKind.choices, default=ParticipantKind.RESIDENT
    )
    language = models.CharField(_("language"), max_length=2, default="fr")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name others see: as the participant chose, nothing more."""
        if self.display == DisplayName.FULL and (self.first_name or self.last_name):
            return f"{self.first_name} {self.last_name}".strip()
        if self.display == DisplayName.INITIAL and self.first_name:
            initial = self.last_name[:1].upper()
            return f"{self.first_name} {initial}." if initial else self.first_name
        return str(_("Participant from %(town)s") % {"town": self.town})

    @property
    def shows_name(self) -> bool:
        return self.display != DisplayName.ANONYMOUS


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    NOT_FEASIBLE = "not_feasible", _("Not feasible")
    MERGED = "merged", _("Merged into another proposal")


class Moderated(models.Model):
    """Hidden by a moderator, with the reason (shown to the author and moderators only)."""

    is_hidden = models.BooleanField(_("hidden"), default=False, db_index=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True, validators=[validate_line])
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)

    class Meta:
        abstract = True


class Proposal(Moderated):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("space"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participation_proposals",
        verbose_name=_("author"),
        help_text=_("Empty once the author deleted their account."),
    )
    on_behalf_of = models.ForeignKey(
        "actors.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participation_proposals",
        verbose_name=_("on behalf of"),
    )
    title = models.JSONField(_("title"), default=dict, validators=[I18nTextValidator(TITLE_MAX)])
    body = models.JSONField(_("proposal"), default=dict, validators=[I18nTextValidator(SUMMARY_MAX, multiline=True)])
    language = models.CharField(_("language"), max_length=2)
    axes = models.ManyToManyField(
        "vocabularies.Axis", blank=True, related_name="participation_proposals", verbose_name=_("themes")
    )
    place_name = models.CharField(_("place"), max_length=NAME_MAX, blank=True, validators=[validate_line])
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    place_country = models.ForeignKey(
        "territories.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cost = models.DecimalField(
        _("estimated cost"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    status = models.CharField(
        _("answer"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.OPEN, db_index=True
    )
    answer = models.TextField(_("official answer"), blank=True, max_length=SUMMARY_MAX)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("merged into")
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    project = models.ForeignKey(
        "cooperation.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participation_proposals",
        verbose_name=_("project"),
    )
    is_demo = models.BooleanField(_("demonstration record"), default=False)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["space", "is_hidden"], name="proposal_space_hidden_idx")]

    def __str__(self):
        return localize(self.title)

    def get_absolute_url(self) -> str:
        return reverse("participation:proposal_detail", args=[self.pk])


class Comment(Moderated):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="comments", verbose_name=_("proposal")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participation_comments"
    )
    text = models.TextField(_("comment"), max_length=SUMMARY_MAX)
    language = models.CharField(_("language"), max_length=2)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:60]


class Support(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participation_supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="support_once_per_person")]

    def __str__(self):
        return f"{self.user_id} → {self.proposal_id}"


class Review(models.Model):
    """One deciding party's feasibility review of a proposal (a proposal goes to the vote only once
    every deciding party found it feasible)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    organisation = models.ForeignKey("actors.Organisation", on_delete=models.CASCADE, related_name="+")
    feasible = models.BooleanField(_("feasible"))
    note = models.CharField(_("note"), max_length=1000, blank=True, validators=[validate_line])
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("feasibility review")
        verbose_name_plural = _("feasibility reviews")
        constraints = [models.UniqueConstraint(fields=["proposal", "organisation"], name="review_once_per_party")]

    def __str__(self):
        return f"{self.organisation_id}: {self.feasible}"


class Ballot(models.Model):
    """A participant's vote in a space: the proposals they chose, within the envelope. One per person
    and space (the constraint holds under concurrent requests); changed or withdrawn by its voter while
    the vote is open; kept, without its voter, when the voter deletes their account."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="participation_ballots"
    )
    proposals = models.ManyToManyField(Proposal, related_name="ballots")
    total = models.DecimalField(max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [models.UniqueConstraint(fields=["space", "voter"], name="ballot_once_per_person")]

    def __str__(self):
        return f"{self.space_id}/{self.pk}"


class Report(models.Model):
    """Someone signed in reports a proposal or a comment to the moderators."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("what is wrong"), max_length=500, validators=[validate_line])
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.reason
