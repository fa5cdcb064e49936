import pytest

from coopdec.actors.selectors import search_localities

pytestmark = pytest.mark.django_db


def test_search_localities_accents_optional_most_populated_first():
    names = [(locality.name, locality.country_id) for locality in search_localities("Thies")]
    assert names[0] == ("Thiès", "SN")
    assert search_localities("thiès")[0].name == "Thiès"


def test_search_localities_by_alternate_name_when_no_main_name_matches():
    assert [locality.name for locality in search_localities("Bruxelles")][:1] == ["Brussels"]


def test_search_localities_too_short_returns_nothing():
    assert search_localities("a") == []


def test_search_localities_in_one_country():
    assert {locality.country_id for locality in search_localities("saint", country="sn")} == {"SN"}
