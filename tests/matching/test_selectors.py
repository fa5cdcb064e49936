"""Reasons in words and the country menus of matchmaking."""

import pytest
from django.utils import translation

from coopdec.matching.forms import _country_choices
from coopdec.matching.recommender import Reason
from coopdec.matching.selectors import reason_text
from coopdec.territories.models import Country

pytestmark = pytest.mark.django_db


def _text(code, *values):
    countries = {c.code: c for c in Country.objects.filter(code__in=["FR", "SN", "DE"])}
    return reason_text(Reason(code, values), countries)


def test_country_reasons_name_the_country_apart_from_the_sentence():
    assert _text("partners_with_your_country", "FR", 1) == (
        "already partner of a town of your country (France)"
    )
    assert _text("partners_with_your_country", "FR", 3) == (
        "already partner of 3 towns of your country (France)"
    )
    assert _text("partners_in_country", "SN") == "you already have partners in its country: Senegal"
    assert _text("country_affinity", "FR", "DE") == (
        "towns of your country (France) often partner with towns of its country (Germany)"
    )


def test_distance_and_name_root_reasons():
    assert _text("distance", 1234) == "about 1,234 km from you"
    assert _text("name_root", "Tarascon") == "its name begins like yours: Tarascon"


def test_country_menu_sorts_accented_names_among_their_letter():
    with translation.override("fr"):
        names = [name for _code, name in _country_choices()]
    assert names.index("Dominique") < names.index("Égypte") < names.index("Équateur")
    assert names.index("Équateur") < names.index("Érythrée") < names.index("Espagne")
