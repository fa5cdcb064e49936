"""The atlas index: one denormalised, searchable document per published organisation,
partnership and project, kept current by ``coopdec.atlas.index`` (signals and ``atlas_reindex``).

Facet values are stored as space-separated codes; the in-memory facet engine
(``coopdec.atlas.facets``) turns them into arrays. Full text lives in ``title_text`` and
``body_text`` (folded: lower case, no accents, every language of the record), indexed by SQLite
FTS5 or PostgreSQL full-text search (see migrations and ``coopdec.atlas.search``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordType(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    PARTNERSHIP = "partnership", _("Partnership")
    PROJECT = "project", _("Project")


class SearchDocument(models.Model):
    record_type = models.CharField(_("record type"), max_length=12, choices=RecordType.choices)
    object_id = models.BigIntegerField(_("record id"))
    titles = models.JSONField(_("title"), default=dict)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    title_text = models.TextField(editable=False)
    body_text = models.TextField(editable=False)
    # On PostgreSQL the table also has two generated columns the model does not declare
    # (migration 0006): ``text_vector`` (tsvector of title_text || ' ' || body_text, positions
    # stripped) and ``title_vector`` (of title_text), stored and GIN-indexed. The database fills
    # them on every insert and update; Django never selects them; ``coopdec.atlas.search`` reads them.
    sort_title = models.CharField(max_length=100, editable=False)
    countries = models.CharField(max_length=400, blank=True)
    partner_countries = models.TextField(blank=True)
    axes = models.TextField(blank=True)
    sectors = models.TextField(blank=True, help_text=_("DAC 5-digit codes and their 3-digit categories."))
    sdgs = models.CharField(max_length=100, blank=True)
    supports = models.CharField(max_length=100, blank=True)
    form = models.CharField(max_length=12, blank=True)
    kind = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=12, blank=True)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    partner_count = models.PositiveIntegerField(default=0, help_text=_("Organisations: number of partnerships."))
    amount = models.FloatField(null=True, blank=True, help_text=_("Projects: budget, else the sum of contributions."))
    currency = models.CharField(max_length=3, blank=True)
    money = models.TextField(
        blank=True, help_text=_("Projects: every amount by currency and year (coopdec.atlas.money).")
    )
    is_demo = models.BooleanField(
        _("demonstration record"), default=False, help_text=_("Invented for the demonstration; not real.")
    )
    offers = models.TextField(blank=True, help_text=_("Organisations: cooperation axes of their current offers."))
    seeks = models.TextField(
        blank=True, help_text=_("Organisations: cooperation axes their current partner requests seek.")
    )
    record_updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("atlas document")
        verbose_name_plural = _("atlas documents")
        constraints = [models.UniqueConstraint(fields=["record_type", "object_id"], name="atlas_document_unique")]
        indexes = [
            models.Index(fields=["sort_title", "id"], name="atlas_document_title_idx"),
            models.Index(fields=["record_updated_at", "id"], name="atlas_document_updated_idx"),
        ]

    def __str__(self):
        return f"{self.record_type} {self.object_id}"


class IndexState(models.Model):
    """One row: a token that changes whenever the index changes, so that every process knows
    when its in-memory facet engine is stale. Random rather than incremented, so that a rolled
    back transaction can never bring back a token that stood for other contents."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("atlas index state")
        verbose_name_plural = _("atlas index state")

    def __str__(self):
        return f"atlas index {self.version}"
