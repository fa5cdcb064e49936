"""Forms for organisations, contacts, members and invitations, and the widgets other forms share.

- ``I18nField``: one JSON text value per language ({"fr": …, "en": …}), shown as language tabs.
- ``PickerField`` / ``PlaceField`` / ``OrganisationField``: search-as-you-type pickers (htmx) over the
  gazetteer or the organisations; without JavaScript, the typed text is searched on submit and the
  candidates are offered as choices.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from coopdec.territories.models import Country, Locality, Subdivision

from .models import ContactKind, MembershipRole, Organisation, OrganisationKind
from .selectors import search_localities, search_organisations

LANGUAGE_NAMES = dict(settings.LANGUAGES)


class I18nWidget(forms.MultiWidget):
    template_name = "actors/widgets/i18n.html"

    def __init__(self, *, textarea: bool = False, attrs=None):
        widget = forms.Textarea(attrs={"rows": 5}) if textarea else forms.TextInput()
        super().__init__({code: widget for code in settings.CONTENT_LANGUAGES}, attrs)

    def decompress(self, value):
        value = value or {}
        if isinstance(value, str):
            value = {settings.LANGUAGE_CODE: value}
        return [value.get(code, "") for code in settings.CONTENT_LANGUAGES]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for code, subwidget in zip(settings.CONTENT_LANGUAGES, context["widget"]["subwidgets"], strict=True):
            subwidget["language"] = code
            subwidget["language_name"] = LANGUAGE_NAMES[code]
            subwidget["attrs"]["lang"] = code
        return context


class I18nField(forms.MultiValueField):
    """Text in several languages; at least one language is required when the field is required."""

    def __init__(self, *, textarea: bool = False, max_length: int | None = None, **kwargs):
        fields = [forms.CharField(required=False, max_length=max_length) for _code in settings.CONTENT_LANGUAGES]
        kwargs.setdefault("help_text", _("Write in one language at least; readers see their language, else another."))
        super().__init__(fields, widget=I18nWidget(textarea=textarea), require_all_fields=False, **kwargs)

    def compress(self, data_list):
        return {
            code: text.strip()
            for code, text in zip(settings.CONTENT_LANGUAGES, data_list or [], strict=False)
            if text and text.strip()
        }

    def clean(self, value):
        result = super().clean(value)
        if self.required and not result:
            raise ValidationError(_("Write this in at least one language."), code="required")
        return result


class PickerWidget(forms.Widget):
    """A search box (htmx, as-you-type) whose results are radio buttons or checkboxes named after the field."""

    template_name = "actors/widgets/picker.html"

    def __init__(self, *, search_url, multiple: bool = False, attrs=None):
        super().__init__(attrs)
        self.search_url = search_url
        self.multiple = multiple
        self.choices_for: Callable[[Any], list[tuple[Any, str]]] | None = (
            None  # set by the field: value(s) -> [(id, label)]
        )
        self.search: Callable[[str], list[tuple[Any, str]]] | None = None  # set by the field: text -> [(id, label)]
        self.query = ""

    def value_from_datadict(self, data, files, name):
        self.query = (data.get(f"{name}_q") or "").strip()
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_q" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = [v for v in (value if isinstance(value, list | tuple) else [value]) if v not in (None, "")]
        selected = self.choices_for(values) if self.choices_for and values else []
        selected_ids = {str(pk) for pk, _label in selected}
        candidates = []
        if self.query and self.search:
            candidates = [(pk, label) for pk, label in self.search(self.query) if str(pk) not in selected_ids]
        context["widget"].update(
            {
                "search_url": str(self.search_url),
                "multiple": self.multiple,
                "selected": selected,
                "candidates": candidates,
                "query": self.query,
                "input_type": "checkbox" if self.multiple else "radio",
            }
        )
        return context


def place_label(locality: Locality) -> str:
    return f"{locality.name} ({locality.country.name})"


class PickerChoiceMixin(forms.Field):
    """A picker whose search box holds text but whose choice is empty: offer the candidates, write nothing."""

    widget: PickerWidget

    def clean(self, value):
        if value in self.empty_values and self.widget.query:
            raise ValidationError(
                _("Choose one of the places or organisations suggested below “%(text)s”.") % {"text": self.widget.query}
            )
        return super().clean(value)


class PlaceField(PickerChoiceMixin, forms.ModelChoiceField):
    """A locality from the gazetteer, picked by typing its name (accents optional)."""

    def __init__(self, **kwargs):
        widget = PickerWidget(search_url=reverse_lazy("actors:place_search"))
        widget.choices_for = lambda ids: [
            (loc.pk, place_label(loc)) for loc in Locality.objects.select_related("country").filter(pk__in=ids)
        ]
        widget.search = lambda text: [(loc.pk, place_label(loc)) for loc in search_localities(text)]
        kwargs.setdefault("error_messages", {"invalid_choice": _("Choose a place from the suggestions.")})
        super().__init__(queryset=Locality.objects.all(), widget=widget, **kwargs)


def _organisation_picker(field, queryset, *, multiple: bool) -> PickerWidget:
    """The search box over ``queryset`` (the organisations the user may see) for an organisation field."""
    widget = PickerWidget(search_url=reverse_lazy("actors:organisation_search"), multiple=multiple)
    widget.choices_for = lambda ids: [
        (org.pk, org_label(org)) for org in Organisation.objects.select_related("country").filter(pk__in=ids)
    ]
    field._visible = queryset
    widget.search = lambda text: [
        (org.pk, org_label(org)) for org in search_organisations(text, queryset=field._visible)
    ]
    return widget


class OrganisationsField(PickerChoiceMixin, forms.ModelMultipleChoiceField):
    """Several organisations, picked by typing their names."""

    def __init__(self, *, queryset, **kwargs):
        super().__init__(queryset=queryset, widget=_organisation_picker(self, queryset, multiple=True), **kwargs)


class OrganisationField(PickerChoiceMixin, forms.ModelChoiceField):
    """One organisation, picked by typing its name."""

    def __init__(self, *, queryset, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": _("Choose an organisation from the suggestions.")})
        super().__init__(queryset=queryset, widget=_organisation_picker(self, queryset, multiple=False), **kwargs)


def org_label(organisation: Organisation) -> str:
    return f"{organisation.name} ({organisation.country.name})"


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    acronym = forms.CharField(label=_("Acronym"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    locality = PlaceField(
        label=_("Place (municipality)"),
        required=False,
        help_text=_(
            "Local governments: type the name of the town; its country, coordinates and population are taken from it."
        ),
    )
    subdivision = forms.CharField(
        label=_("Subdivision code (ISO 3166-2)"),
        max_length=10,
        required=False,
        help_text=_("Regions, departments, provinces: for example FR-IDF, SN-DK, DE-BW, BR-MG."),
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        help_text=_("Other organisations: the country of their seat."),
    )
    latitude = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False)
    longitude = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180, required=False)
    population = forms.IntegerField(label=_("Population"), min_value=0, required=False)
    description = I18nField(label=_("Description"), textarea=True, required=False)
    iati_identifier = forms.CharField(label=_("IATI organisation identifier"), max_length=150, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    languages = forms.CharField(
        label=_("Working languages"),
        max_length=100,
        required=False,
        help_text=_("ISO 639-1 codes separated by commas, for example fr, en, wo."),
    )
    logo = forms.ImageField(
        label=_("Logo"), required=False, help_text=_("PNG, JPEG or WebP image; SVG is not accepted.")
    )

    def clean_subdivision(self):
        code = self.cleaned_data["subdivision"].strip().upper()
        if not code:
            return None
        subdivision = Subdivision.objects.filter(code=code).first()
        if subdivision is None:
            raise ValidationError(_("“%(code)s” is not an ISO 3166-2 code; for example FR-IDF.") % {"code": code})
        return subdivision

    def clean_languages(self):
        codes = [code.strip().lower() for code in self.cleaned_data["languages"].split(",") if code.strip()]
        wrong = [code for code in codes if len(code) != 2 or not code.isalpha()]
        if wrong:
            raise ValidationError(
                _("Use two-letter language codes (ISO 639-1): %(codes)s.") % {"codes": ", ".join(wrong)}
            )
        return codes

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "size") and logo.size > settings.MAX_UPLOAD_SIZE:
            raise ValidationError(
                _("The image is too large; the limit is %(limit)s MB.") % {"limit": settings.MAX_UPLOAD_SIZE // 1048576}
            )
        if (
            logo
            and getattr(logo, "image", None) is not None
            and logo.image.format not in {"PNG", "JPEG", "WEBP", "GIF"}
        ):
            raise ValidationError(_("Use a PNG, JPEG, GIF or WebP image."))
        return logo

    @classmethod
    def initial_for(cls, organisation: Organisation) -> dict:
        return {
            "name": organisation.name,
            "acronym": organisation.acronym,
            "kind": organisation.kind,
            "locality": organisation.locality_id,
            "subdivision": organisation.subdivision_id or "",
            "country": organisation.country_id,
            "latitude": organisation.latitude,
            "longitude": organisation.longitude,
            "population": organisation.population,
            "description": organisation.description,
            "iati_identifier": organisation.iati_identifier,
            "website": organisation.website,
            "languages": ", ".join(organisation.languages or []),
        }

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("logo"):
            data.pop("logo", None)
        if not data.get("country"):
            data.pop("country", None)
        return data


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    function = forms.CharField(label=_("Function"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to invite"))
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.EDITOR)

    def __init__(self, *args, can_invite_admins: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_invite_admins:
            self.fields["role"].choices = [(MembershipRole.EDITOR, MembershipRole.EDITOR.label)]  # type: ignore[attr-defined]
            self.fields["role"].help_text = _("Administrators may also invite administrators.")


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class RemindersForm(forms.Form):
    results_reminders = forms.BooleanField(
        label=_("Remind me of the results to report and approve"),
        required=False,
        help_text=_(
            "An e-mail before a report of your projects is due, when it is late, and when an update has "
            "waited for your approval for more than a week."
        ),
    )


class SignUpForm(UserCreationForm):
    """An account created from an invitation: its address is the invited one and cannot be changed."""

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]  # the stubs declare no Meta
        model = get_user_model()
        fields = ("username", "email")

    def __init__(self, *args, invited_email: str, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.required = True
        email.disabled = True
        email.initial = invited_email
        email.help_text = _("The invitation is for this address.")

    def clean_email(self):
        email = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("An account already uses this address: sign in with it, then open the invitation link again.")
            )
        return email


class AccessRequestForm(forms.Form):
    """Ask to become an editor of one's organisation: found by name among the published ones."""

    organisation = OrganisationField(
        label=_("Your organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("Type the name of your local government (or organisation), then choose it below."),
    )
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your official e-mail address"),
        help_text=_(
            "Your address at the organisation: we send a link to it, and the request is sent only once you have "
            "opened it."
        ),
    )
    function = forms.CharField(
        label=_("Your role or function"),
        max_length=200,
        help_text=_("For example: head of international relations, elected official in charge of cooperation."),
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = queryset  # type: ignore[attr-defined]
        field._visible = queryset  # type: ignore[attr-defined]  # what the picker's search offers
        # As one types too: the proposed partners nobody administers yet (``organisations_to_join``).
        field.widget.search_url = reverse("actors:organisation_search") + "?scope=join"


class AccessRequestAnswerForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason of the refusal (sent to the requester)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
