"""Good practices (what worked, written by the organisations that did it, tied to the projects that
prove it) and the editable knowledge pages (About, FAQ).

A practice is a record like an organisation or a project (``RecordMixin``: draft or published,
demonstration flag, provenance, "still accurate" confirmation) with a history
(django-simple-history; its authors and projects kept with each version through
``coopdec.common.versions``, ``knowledge/versions.py``). Its authors write it as a draft and ask
for a review; a coordinator publishes it or sends it back with a note. An edit of a published
practice waits, as a ``PracticeRevision``, for a coordinator to publish it: until then the public
reads the practice as last reviewed. Its axes, sectors, SDGs and
countries are lists of codes checked against the reference data by the services; the results and
indicators of its projects are never copied: the page reads them live from ``cooperation``.

A knowledge page is Markdown per language, rendered through a sanitiser (``knowledge.markup``):
no raw HTML written by users ever reaches a page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coopdec.actors.models import VersionRelations
from coopdec.common.i18n import localize
from coopdec.common.models import RecordMixin
from coopdec.common.validators import TEXT_MAX, TITLE_MAX, I18nTextValidator

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

SUMMARY_WORDS = 400  # "about 250 words": a summary is refused above this many words in one language
SUMMARY_CHARS = 3_000
SECTION_MAX = 8_000  # characters of one section in one language
PAGE_URLS = {"about": "about", "faq": "faq"}  # pages with an address of their own (URL names in ``web``)
PAGE_BODY_MAX = TEXT_MAX * 5  # an About page in Markdown is about 4,000 characters

# The narrative sections of a practice, in the order of the page and of the form.
SECTIONS = (
    ("situation", _("Situation before")),
    ("objectives", _("Objectives")),
    ("resources", _("Resources")),
    ("process", _("Process")),
    ("results", _("Results")),
    ("sustainability", _("Sustainability")),
    ("lessons", _("Lessons learned")),
    ("transferability", _("Transferability")),
)


def _section(label, help_text=""):
    return models.JSONField(
        label,
        default=dict,
        blank=True,
        help_text=help_text,
        validators=[I18nTextValidator(SECTION_MAX, multiline=True)],
    )


class Practice(RecordMixin):
    title = models.JSONField(_("title"), default=dict, validators=[I18nTextValidator(TITLE_MAX)])
    summary = models.JSONField(
        _("summary"),
        default=dict,
        help_text=_("About 250 words: what was done, where, and what changed (at most 400 words)."),
        validators=[I18nTextValidator(SUMMARY_CHARS, multiline=True)],
    )
    situation = _section(_("situation before"), _("What the territory faced before."))
    objectives = _section(_("objectives"))
    resources = _section(_("resources"), _("People, money, equipment and time it took."))
    process = _section(_("process"), _("The steps, who did what, in which order."))
    results = _section(_("results"), _("What changed; the projects' measured results are shown with it."))
    sustainability = _section(_("sustainability"), _("What keeps it going once the project ends."))
    lessons = _section(_("lessons learned"))
    transferability = _section(
        _("transferability"), _("What another territory needs to reproduce it: conditions, skills, costs, partners.")
    )
    axes = models.JSONField(_("cooperation axes"), default=list, blank=True)
    sectors = models.JSONField(_("DAC sectors"), default=list, blank=True, help_text=_("DAC 5-digit codes."))
    sdgs = models.JSONField(_("Sustainable Development Goals"), default=list, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True, help_text=_("Where it was done."))
    organisations = models.ManyToManyField("actors.Organisation", related_name="practices", verbose_name=_("authors"))
    projects = models.ManyToManyField(
        "cooperation.Project", related_name="practices", blank=True, verbose_name=_("projects it comes from")
    )
    contact = models.ForeignKey(
        "actors.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact"),
        help_text=_("A contact of one of the authors; their address is never shown."),
    )
    contact_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact person"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("review requested at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField(
        _("reviewer's note"), blank=True, max_length=2000, help_text=_("What the authors should complete.")
    )
    history = HistoricalRecords(bases=[VersionRelations])
    _history_user: AbstractBaseUser | None  # set before save(): who changes it (read by simple_history)
    _change_reason: str  # set before save(): why (read by simple_history)

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["publication_status", "submitted_at"], name="practice_review_idx")]

    def __str__(self):
        return localize(self.title) or f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("knowledge:practice_detail", args=[self.pk])

    @property
    def awaits_review(self) -> bool:
        return not self.is_published and self.submitted_at is not None

    @property
    def pending(self) -> PracticeRevision | None:
        """The changes waiting for review, if any (a published practice only)."""
        try:
            return self.revision
        except PracticeRevision.DoesNotExist:
            return None


class PracticeRevision(models.Model):
    """Changes to a published practice waiting for a coordinator's review (at most one per practice).

    The practice itself stays as last reviewed, and so do its page, the atlas and the API, until a
    coordinator publishes the changes (they then become its new version) or sends them back with a
    note (the authors edit them again). ``fields`` holds the new values of the practice's own fields
    by attribute name (``title``... ``contact_id``), ``relations`` its authors and projects as
    ``coopdec.common.versions`` keeps them with a version (``{"organisations": [[id], ...], ...}``).
    """

    practice = models.OneToOneField(
        Practice, on_delete=models.CASCADE, related_name="revision", verbose_name=_("good practice")
    )
    fields = models.JSONField(default=dict, editable=False)
    relations = models.JSONField(default=dict, editable=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(_("changed at"), auto_now=True)
    submitted_at = models.DateTimeField(_("review requested at"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True, max_length=2000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("changes waiting for review")
        verbose_name_plural = _("changes waiting for review")

    def __str__(self):
        return str(self.practice)


def practice_upload_to(instance, filename):
    return f"documents/practice/{filename}"


class PracticeDocument(models.Model):
    """A document of a practice: a file (checked like the projects' documents) or a link."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="documents", verbose_name=_("good practice")
    )
    title = models.JSONField(_("title"), default=dict, validators=[I18nTextValidator(TITLE_MAX)])
    file = models.FileField(_("file"), upload_to=practice_upload_to, blank=True)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    format = models.CharField(_("format"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document of a good practice")
        verbose_name_plural = _("documents of good practices")
        ordering = ["created_at", "id"]

    def __str__(self):
        return localize(self.title) or self.url or self.file.name


class Page(models.Model):
    """An editable knowledge page (About, FAQ): a title and a Markdown body per language."""

    slug = models.SlugField(_("address"), max_length=60, unique=True)
    title = models.JSONField(_("title"), default=dict, validators=[I18nTextValidator(TITLE_MAX)])
    lead = models.JSONField(
        _("introduction"),
        default=dict,
        blank=True,
        help_text=_("One paragraph shown in larger type under the title."),
        validators=[I18nTextValidator(TEXT_MAX, multiline=True)],
    )
    body = models.JSONField(
        _("text"),
        default=dict,
        blank=True,
        help_text=_("Markdown: ## for a heading, - for a list item, **bold**, [link](https://…)."),
        validators=[I18nTextValidator(PAGE_BODY_MAX, multiline=True)],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()
    _history_user: AbstractBaseUser | None
    _change_reason: str

    class Meta:
        verbose_name = _("knowledge page")
        verbose_name_plural = _("knowledge pages")
        ordering = ["slug"]

    def __str__(self):
        return localize(self.title) or self.slug

    def get_absolute_url(self):
        name = PAGE_URLS.get(self.slug)
        return reverse(name) if name else reverse("knowledge:page", args=[self.slug])
