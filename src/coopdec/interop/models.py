"""What IATI says about an activity that coopdec's own models do not hold.

Kept beside the project (one row per imported or published activity) so that publishing it back
loses nothing IATI can express, and so that re-importing an unchanged activity is detected by
its content hash and writes nothing.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IatiActivity(models.Model):
    project = models.OneToOneField(
        "cooperation.Project",
        on_delete=models.CASCADE,
        related_name="iati",
        verbose_name=_("project"),
    )
    reporting_org = models.ForeignKey(
        "actors.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reporting organisation"),
    )
    hierarchy = models.PositiveSmallIntegerField(_("hierarchy"), null=True, blank=True)
    scope = models.CharField(_("activity scope"), max_length=2, blank=True, help_text=_("IATI ActivityScope code."))
    collaboration_type = models.CharField(_("collaboration type"), max_length=2, blank=True)
    default_flow_type = models.CharField(_("default flow type"), max_length=4, blank=True)
    default_finance_type = models.CharField(_("default finance type"), max_length=4, blank=True)
    default_tied_status = models.CharField(_("default tied status"), max_length=2, blank=True)
    default_aid_types = models.JSONField(_("default aid types"), default=list, blank=True)
    humanitarian = models.BooleanField(_("humanitarian"), null=True, blank=True)
    other_identifiers = models.JSONField(_("other identifiers"), default=list, blank=True)
    recipient_regions = models.JSONField(_("recipient regions"), default=list, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True, help_text=_("Tags other than SDG goals and targets."))
    policy_markers = models.JSONField(_("policy markers"), default=list, blank=True)
    descriptions = models.JSONField(
        _("other descriptions"),
        default=dict,
        blank=True,
        help_text=_("Descriptions of IATI types other than general (1) and target groups (3), by type."),
    )
    sector_narratives = models.JSONField(
        _("sector narratives"),
        default=dict,
        blank=True,
        help_text=_("Names of sectors of publisher vocabularies (98, 99)."),
    )
    content_hash = models.CharField(_("content checksum"), max_length=64, blank=True)
    source_file = models.CharField(_("last imported from"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("last imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("IATI activity data")
        verbose_name_plural = _("IATI activity data")

    def __str__(self):
        return self.project.iati_identifier


class SpreadsheetImport(models.Model):
    """One web import of the spreadsheet template, written by a background task in batches.

    ``rows_done`` is saved in the same transaction as the batch it counts, so an interrupted task
    resumes after the last committed batch (and each row is idempotent anyway: organisations are
    found by identity, partnerships by their parties and kind).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for a worker")
        RUNNING = "running", _("importing")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    token = models.CharField(_("upload"), max_length=64, unique=True)
    user = models.ForeignKey(
        "actors.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    publish = models.BooleanField(_("publish at once"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows to import"), default=0)
    rows_done = models.PositiveIntegerField(_("rows imported"), default=0)
    rows_refused = models.PositiveIntegerField(_("rows with problems"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    organisation_ids = models.JSONField(_("organisations"), default=list, blank=True)
    partnership_ids = models.JSONField(_("partnerships created"), default=list, blank=True)
    refused = models.JSONField(_("rows refused"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")

    def __str__(self):
        return f"{self.filename} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return 100 if not self.rows_total else round(100 * self.rows_done / self.rows_total)
