"""Cities found and shown by their names in the page's language (``coopdec.territories.names``),
and exact names ranked first."""

from django.utils import translation

from coopdec.actors.models import OrganisationKind
from coopdec.atlas import selectors
from coopdec.atlas.filters import AtlasQuery
from coopdec.territories.names import display_name, names_for_query, place_names
from tests.factories import make_organisation, make_partnership

HAMBURG, LONDON, LYON, BERLIN = 2911298, 2643743, 2996944, 2950159


def _search(params):
    return selectors.search(AtlasQuery.from_params(params))


def test_display_name_shows_the_language_name_and_the_official_one():
    assert display_name("Hamburg", HAMBURG, "fr") == "Hambourg (Hamburg)"
    assert display_name("Hamburg", HAMBURG, "pt") == "Hamburgo (Hamburg)"
    assert display_name("Hamburg", HAMBURG, "en") == "Hamburg"
    assert display_name("Berlin", BERLIN, "fr") == "Berlin"


def test_display_name_keeps_names_not_of_the_place():
    assert display_name("Hamburg Port Authority", HAMBURG, "fr") == "Hamburg Port Authority"
    assert place_names("Hamburg Port Authority", HAMBURG) == []
    assert display_name("Lyon", LYON, "es") == "Lyon"  # a city without names of its own in the table


def test_names_for_query_maps_an_exonym_to_the_official_name():
    assert names_for_query("Hambourg") == {"hambourg", "hamburg"}
    assert names_for_query("Ouagadougou") == {"ouagadougou"}


def test_search_finds_a_city_by_its_french_name(atlas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hamburg = make_organisation("Hamburg", geonameid=HAMBURG)
        london = make_organisation("London", geonameid=LONDON)
        make_partnership(atlas.dakar, hamburg)
        make_partnership(atlas.paris, london)

    result = _search({"q": "Hambourg"})
    with translation.override("fr"):
        assert [(item.record_type, item.title) for item in result.items] == [
            ("organisation", "Hambourg (Hamburg)"),
            ("partnership", "Ville de Dakar – Hambourg (Hamburg)"),
        ]
    assert [item.title for item in _search({"q": "londres", "type": "organisation"}).items] == ["Londres (London)"]


def test_search_shows_an_ngo_by_its_own_name(atlas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_organisation("Hamburg", geonameid=HAMBURG, kind=OrganisationKind.NGO)

    assert [item.title for item in _search({"q": "Hamburg"}).items] == ["Hamburg"]
    assert _search({"q": "Hambourg"}).total == 0


def test_search_ranks_the_organisation_named_as_the_query_first(atlas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lyon = make_organisation("Lyon", geonameid=LYON)
        for partner in (atlas.paris, atlas.dakar, atlas.berlin):
            make_partnership(lyon, partner)

    result = _search({"q": "lyon"})
    first_page = _search({"q": "lyon", "page_size": "3"})
    second_page = _search({"q": "lyon", "page_size": "3", "page": "2"})

    # then the title matches, the latest first (the profile was written before its partnerships)
    assert [item.title for item in result.items][0] == "Lyon"
    assert [item.record_type for item in result.items] == ["organisation"] + ["partnership"] * 4 + [
        "organisation",
        "project",
    ]
    assert [item.title for item in first_page.items + second_page.items] == [item.title for item in result.items[:6]]
