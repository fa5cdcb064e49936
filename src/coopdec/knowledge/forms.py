"""Forms of good practices and knowledge pages: they shape input; the rules live in ``services.py``."""

from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coopdec.actors.forms import I18nField, OrganisationsField
from coopdec.actors.models import EDITING_ROLES, Contact, Organisation
from coopdec.actors.selectors import is_coordinator, roles_of
from coopdec.common.i18n import localize
from coopdec.cooperation.models import Project
from coopdec.vocabularies.models import Axis

from .models import SECTIONS, SUMMARY_WORDS, Practice
from .services import projects_of

SECTION_HELP = {name: Practice._meta.get_field(name).help_text for name, _label in SECTIONS}  # type: ignore[union-attr]
PROJECT_CHOICES = 300  # the most recently changed projects of the authors offered as sources


def _codes(text: str, *, upper: bool = False) -> list[str]:
    parts = (part.strip() for part in (text or "").replace(";", ",").split(","))
    return [part.upper() if upper else part for part in parts if part]


def _contact_label(contact: Contact) -> str:
    """Name and function only: a contact's address is never shown."""
    if contact.function:
        return f"{contact.name}, {contact.function} ({contact.organisation.name})"
    return f"{contact.name} ({contact.organisation.name})"


class CodesField(forms.CharField):
    """Codes separated by commas ("14030, 14050"); checked against the reference data by the services."""

    def __init__(self, *, upper: bool = False, **kwargs):
        self.upper = upper
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 600)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def clean(self, value):
        return _codes(super().clean(value), upper=self.upper)


class PracticeForm(forms.Form):
    title = I18nField(label=_("Title"), max_length=300)
    summary = I18nField(label=_("Summary"), textarea=True)
    organisations = forms.ModelMultipleChoiceField(
        label=_("Written by"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The organisations that did it and describe it; their editors may change it."),
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects it comes from"),
        queryset=Project.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their results and approved indicator values are shown with the practice."),
    )
    axes = forms.ModelMultipleChoiceField(
        label=_("Cooperation axes"),
        queryset=Axis.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = CodesField(
        label=_("DAC sectors"), help_text=_("5-digit codes separated by commas, for example 14030, 14050.")
    )
    sdgs = CodesField(label=_("SDG goals"), help_text=_("Separated by commas, for example 6, 11."))
    countries = CodesField(
        label=_("Countries where it was done"),
        upper=True,
        help_text=_("ISO codes separated by commas, for example FR, SN. Empty: the authors' countries."),
    )
    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.none(),
        required=False,
        help_text=_("A contact of one of the authors. Visitors write through the site; no address is shown."),
    )

    def __init__(self, *args, user, practice: Practice | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary"].help_text = gettext(
            "About 250 words (at most %(max)s): what was done, where, with whom, and what changed."
        ) % {"max": SUMMARY_WORDS}
        for name, label in SECTIONS:
            self.fields[name] = I18nField(
                label=label, textarea=True, required=False, help_text=SECTION_HELP.get(name, "")
            )
        self.order_fields(["title", "summary", *(name for name, _label in SECTIONS)])
        editable = [pk for pk, role in roles_of(user).items() if role in EDITING_ROLES]
        current = list(practice.organisations.values_list("pk", flat=True)) if practice is not None else []
        author_ids = [*editable, *current]
        if is_coordinator(user):  # a coordinator records a practice for any organisations: picked by name
            self.fields["organisations"] = OrganisationsField(
                label=self.fields["organisations"].label,
                queryset=Organisation.objects.all(),
                help_text=_("Type the names of the organisations that did it; their editors may change it."),
            )
        organisations = cast(forms.ModelMultipleChoiceField, self.fields["organisations"])
        if not is_coordinator(user):
            organisations.queryset = Organisation.objects.filter(pk__in=author_ids).order_by("name")
        if practice is None and len(editable) == 1:
            self.initial.setdefault("organisations", editable)  # the one organisation its writer edits
        ids = list(
            projects_of(Organisation.objects.filter(pk__in=author_ids))
            .order_by("-updated_at")
            .values_list("pk", flat=True)[:PROJECT_CHOICES]
        )
        if practice is not None:
            ids += list(practice.projects.values_list("pk", flat=True))
        projects = cast(forms.ModelMultipleChoiceField, self.fields["projects"])
        projects.queryset = Project.objects.filter(pk__in=ids).order_by("-updated_at")
        projects.label_from_instance = lambda project: localize(project.title)  # type: ignore[method-assign,assignment]
        contact = cast(forms.ModelChoiceField, self.fields["contact"])
        contact.queryset = Contact.objects.filter(organisation_id__in=author_ids).select_related("organisation")
        contact.label_from_instance = _contact_label  # type: ignore[method-assign,assignment]
        axes = cast(forms.ModelMultipleChoiceField, self.fields["axes"])
        axes.label_from_instance = lambda axis: localize(axis.names)  # type: ignore[method-assign,assignment]

    def section_fields(self):
        return [self[name] for name, _label in SECTIONS]

    @classmethod
    def initial_for(cls, practice: Practice) -> dict:
        """The form's values: the practice's, or (a published practice) its changes waiting for review."""
        revision = practice.pending if practice.is_published else None
        source = Practice(**revision.fields) if revision is not None else practice
        if revision is not None:
            organisations = Organisation.objects.filter(pk__in=[pk for (pk,) in revision.relations["organisations"]])
            projects = Project.objects.filter(pk__in=[pk for (pk,) in revision.relations["projects"]])
        else:
            organisations, projects = practice.organisations.all(), practice.projects.all()
        initial = {name: getattr(source, name) for name in ("title", "summary", *(name for name, _label in SECTIONS))}
        initial.update(
            organisations=list(organisations),
            projects=list(projects),
            axes=list(source.axes),
            sectors=source.sectors,
            sdgs=source.sdgs,
            countries=source.countries,
            contact=source.contact,
        )
        return initial


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should the authors complete?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PracticeDocumentForm(forms.Form):
    title = I18nField(label=_("Title"), max_length=300)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("Or its address on the web"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "PDF, office document or image (PNG, JPEG, GIF, WebP), at most %(mb)s MB."
        ) % {"mb": settings.MAX_UPLOAD_MB}


class PageForm(forms.Form):
    title = I18nField(label=_("Title"), max_length=300)
    lead = I18nField(label=_("Introduction"), textarea=True, required=False)
    body = I18nField(
        label=_("Text"),
        textarea=True,
        required=False,
        help_text=_(
            "Markdown: a line “## Question” starts a section, “- ” a list item; **bold**, [link](https://…). "
            "HTML is shown as typed, never run."
        ),
    )
