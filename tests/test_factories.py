import pytest

from tests.factories import make_organisation, make_partnership, make_project

pytestmark = pytest.mark.django_db


def test_factories_build_a_bilateral_partnership_with_a_project():
    paris = make_organisation()
    dakar = make_organisation(geonameid=2253354)
    partnership = make_partnership(paris, dakar)
    project = make_project(partnership=partnership)
    assert dakar.country_id == "SN"
    assert partnership.form == "bilateral"
    assert partnership.display_title == "Paris – Dakar"
    assert project.display_title in {"Accès à l'eau potable", "Access to drinking water"}
    assert list(project.sectors.values_list("code", "percentage")) == [("14030", 100)]
