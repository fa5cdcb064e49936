"""Forms for offers, requests, proposals, and the filters of the list pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coopdec.actors.forms import I18nField
from coopdec.actors.models import LOCAL_GOVERNMENT_KINDS, OrganisationKind
from coopdec.common.forms import DATE
from coopdec.common.text import fold
from coopdec.common.validators import TITLE_MAX
from coopdec.territories.models import Continent, Country
from coopdec.vocabularies.models import Axis
from coopdec.vocabularies.selectors import codelist_choices

from .models import OfferKind

LANGUAGE_CHOICES = [
    ("fr", _("French")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("de", _("German")),
    ("ar", _("Arabic")),
    ("it", _("Italian")),
]


def _country_choices():
    """Countries by name in the user's language, accents folded ("Égypte" among the E's)."""
    return sorted(
        ((country.code, country.name) for country in Country.objects.all()),
        key=lambda pair: (fold(pair[1]), pair[1]),
    )


def _axis_choices():
    return [(axis.code, axis.name) for axis in Axis.objects.all()]


class ListingForm(forms.Form):
    title = I18nField(label=_("Title"), max_length=TITLE_MAX)
    description = I18nField(label=_("Description"), textarea=True, required=False)
    axes = forms.MultipleChoiceField(label=_("Cooperation axes"), required=False, widget=forms.CheckboxSelectMultiple)
    sectors = forms.MultipleChoiceField(
        label=_("DAC sectors"),
        required=False,
        help_text=_("Optional, more precise than the axes."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DATE,
        help_text=_("Hidden from the lists and the atlas after this date."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axes"].choices = _axis_choices()  # type: ignore[attr-defined]
        self.fields["sectors"].choices = codelist_choices("Sector")  # type: ignore[attr-defined]


class OfferForm(ListingForm):
    kinds = forms.MultipleChoiceField(
        label=_("What you offer"), choices=OfferKind.choices, widget=forms.CheckboxSelectMultiple
    )
    field_order = ["title", "kinds", "axes", "sectors", "description", "valid_from", "valid_until"]


class RequestForm(ListingForm):
    countries = forms.MultipleChoiceField(
        label=_("Partner countries"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Your priority countries; leave empty for anywhere."),
    )
    continents = forms.MultipleChoiceField(
        label=_("Or parts of the world"),
        required=False,
        choices=Continent.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    organisation_kinds = forms.MultipleChoiceField(
        label=_("Kind of authority"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(kind.value, kind.label) for kind in OrganisationKind if kind in LOCAL_GOVERNMENT_KINDS],
    )
    population_min = forms.IntegerField(label=_("Population from"), required=False, min_value=0)
    population_max = forms.IntegerField(label=_("Population up to"), required=False, min_value=0)
    languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        required=False,
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = [
        "title",
        "axes",
        "sectors",
        "countries",
        "continents",
        "organisation_kinds",
        "population_min",
        "population_max",
        "languages",
        "description",
        "valid_from",
        "valid_until",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = _country_choices()  # type: ignore[attr-defined]


class ListingFilterForm(forms.Form):
    """The filters of the offers and requests list pages (and of their map layer)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    continent = forms.ChoiceField(
        label=_("Continent"), required=False, choices=[("", _("All"))] + list(Continent.choices)
    )
    axis = forms.ChoiceField(label=_("Axis"), required=False)
    sector = forms.CharField(label=_("DAC sector code"), required=False, max_length=5)
    kind = forms.ChoiceField(
        label=_("What is offered"),
        required=False,
        choices=[("", _("All"))] + list(OfferKind.choices),
    )

    def __init__(self, *args, offers: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Fields reached through self.fields are typed as any Field (these are ChoiceFields).
        self.fields["country"].choices = [("", _("All"))] + _country_choices()  # type: ignore[attr-defined]
        self.fields["axis"].choices = [("", _("All"))] + _axis_choices()  # type: ignore[attr-defined]
        if not offers:
            del self.fields["kind"]


class ProposalForm(forms.Form):
    sender = forms.ChoiceField(label=_("On behalf of"))
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        min_length=20,
        max_length=4000,
        help_text=_("Who you are, what you propose, and how to reach you."),
    )

    def __init__(self, *args, senders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender"].choices = [  # type: ignore[attr-defined]
            (organisation.pk, organisation.name) for organisation in senders
        ]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )
