from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceDataset(models.Model):
    """What reference data set was loaded, from which source checksum; makes loading idempotent."""

    name = models.CharField(_("name"), max_length=64, primary_key=True)
    checksum = models.CharField(_("checksum"), max_length=64)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("reference data set")
        verbose_name_plural = _("reference data sets")

    def __str__(self):
        return f"{self.name} ({self.row_count})"


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    TWINNINGS = "twinnings", _("Twin-towns list import")
    SPREADSHEET = "spreadsheet", _("Spreadsheet import")
    IATI = "iati", _("IATI import")
    DEMO = "demo", _("Demonstration data")


class RecordMixin(models.Model):
    """Publication state, provenance and freshness shared by organisations, partnerships, projects."""

    publication_status = models.CharField(
        _("publication status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        # No index of its own: nearly every row is published, and without table statistics
        # SQLite took such an index for a selective one and walked every published row of
        # queries such as ``partnership_id IN (...) AND publication_status = 'published'``.
    )
    is_demo = models.BooleanField(
        _("demonstration record"), default=False, help_text=_("Invented for the demonstration; not real.")
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    source_ref = models.CharField(_("source reference"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    confirmed_at = models.DateTimeField(
        _("confirmed accurate at"),
        null=True,
        blank=True,
        help_text=_("Last time an editor confirmed the record is still accurate."),
    )

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.publication_status == PublicationStatus.PUBLISHED

    @property
    def last_checked_at(self):
        """The later of the last change and the last "still accurate" confirmation."""
        if self.confirmed_at and self.confirmed_at > self.updated_at:
            return self.confirmed_at
        return self.updated_at


class RateCounter(models.Model):
    """How many requests one client made in its current and its previous rate-limit window
    (API calls, sign-in attempts, password-reset and invitation mails: ``coopdec.common.throttle``).

    Kept in the default database so that every worker process counts the same requests (a
    per-process cache would multiply the limit by the number of workers). One row per client,
    updated by one atomic ``INSERT ... ON CONFLICT DO UPDATE`` per request
    (``coopdec.common.throttle.rate_hit``); rows of clients gone quiet are purged now and then.
    """

    client = models.CharField(max_length=150, primary_key=True)
    period = models.BigIntegerField()  # number of the current window since the epoch: time // window length
    count = models.PositiveIntegerField()  # requests counted in the current window
    previous = models.PositiveIntegerField()  # requests counted in the window before
    last_seen = models.FloatField()  # epoch time of the client's last request, refused ones included
    expires = models.BigIntegerField()  # epoch second after which the row says nothing any more

    class Meta:
        db_table = "api_ratecounter"  # created by the API app, which counted its requests first
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self):
        return f"{self.client}: {self.count} (+{self.previous})"
