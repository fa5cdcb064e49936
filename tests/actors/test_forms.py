"""The shared form widgets: language tabs and the picker that works without JavaScript."""

import pytest
from django.http import QueryDict

from coopdec.actors.forms import OrganisationForm

pytestmark = pytest.mark.django_db


def _data(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update(fields)
    return data


def test_place_picker_without_javascript_offers_candidates():
    form = OrganisationForm(_data(name="Ville de Thiès", kind="municipality", locality_q="thies"))
    assert form.is_valid() is False
    assert form.errors["locality"] == ["Choose one of the places or organisations suggested below “thies”."]
    html = str(form["locality"])
    assert 'type="radio" name="locality" value="2244802"' in html
    assert "Thiès (" in html


def test_language_tabs_keep_each_language():
    form = OrganisationForm(
        _data(
            name="Eau Vive",
            kind="ngo",
            country="FR",
            description_fr="Bonjour",
            description_en="  Hello  ",
            description_es="",
        )
    )
    assert form.is_valid() is True
    assert form.cleaned_data["description"] == {"fr": "Bonjour", "en": "Hello"}
    assert 'lang="pt"' in str(form["description"])


def test_languages_must_be_two_letter_codes():
    form = OrganisationForm(_data(name="Eau Vive", kind="ngo", country="FR", languages="fr, french"))
    assert form.errors["languages"] == ["Use two-letter language codes (ISO 639-1): french."]
