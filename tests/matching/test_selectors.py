"""Reasons in words and the country menus of matchmaking."""

import pytest
from django.utils import translation

from coopdec.matching.forms import _country_choices
from coopdec.matching.recommender import Reason
from coopdec.matching.selectors import reason_text

pytestmark = pytest.mark.django_db


def _text(code, *values):
    return reason_text(Reason(code, values))


def test_country_reasons_name_the_country_apart_from_the_sentence():
    assert _text("partners_with_your_country", "FR", 1) == ("already partner of a town of your country (France)")
    assert _text("partners_with_your_country", "FR", 3) == ("already partner of 3 towns of your country (France)")
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


def _recommended(source, request=None):
    from coopdec.matching.selectors import recommendations_for

    return {row["name"]: row["reasons"] for row in recommendations_for(source, request=request)}


def test_recommendations_say_french_speaking_only_of_recorded_french():
    from tests.factories import make_organisation

    lyon = make_organisation("Lyon", geonameid=None, country_id="FR", languages=["fr"])
    make_organisation("Toronto", geonameid=None, country_id="CA")
    make_organisation("Montréal", geonameid=None, country_id="CA", languages=["fr"])
    reasons = _recommended(lyon)
    assert "French-speaking" not in reasons["Toronto"]
    assert "French-speaking" in reasons["Montréal"]


def test_recommendations_for_an_education_request_put_education_work_first():
    from coopdec.matching.models import PartnerRequest
    from coopdec.vocabularies.models import Axis
    from tests.factories import make_organisation, make_partnership, make_project

    lyon = make_organisation("Lyon", geonameid=None, country_id="FR")
    berlin = make_organisation("Berlin", geonameid=None, country_id="DE")
    make_partnership(lyon, berlin)
    for n in range(4):  # partners of Lyon's partner, no education work
        make_partnership(berlin, make_organisation(f"Ville {n}", geonameid=None, country_id="SN"))
    school = make_organisation("Thiès", geonameid=None, country_id="SN")
    make_project(lead=school, sectors={"11220": 100})  # primary education
    request = PartnerRequest.objects.create(organisation=lyon, title={"en": "Schools"})
    education = Axis.objects.get(code="education")
    request.axes.add(education)
    reasons = _recommended(lyon, request)
    assert list(reasons)[0] == "Thiès"
    assert reasons["Thiès"][0] == f"works on what you seek: {education.name.lower()}"
    assert not any(reason.startswith("works on") for reason in reasons["Ville 0"])
