import pytest
from django.http import QueryDict

from coopdec.atlas.filters import FACETS, AtlasQuery, InvalidFilter, UnknownFilter, encode_cursor


def test_atlas_query_from_params_normalises_values():
    query = AtlasQuery.from_params(
        QueryDict("q=Eau%20%20potable&country=fr,SN&country=FR&sector=140&start_year=2015-2020&sdg=06")
    )

    assert query.q == "Eau potable"
    assert query.country == ("FR", "SN")
    assert query.sector == ("140",)
    assert query.sdg == ("6",)
    assert query.year_ranges() == [(2015, 2020)]
    assert query.filters() == {"country": ("FR", "SN"), "sector": ("140",), "sdg": ("6",), "start_year": ("2015-2020",)}


def test_atlas_query_to_params_round_trips():
    query = AtlasQuery.from_params({"q": "water", "type": ["project"], "axis": "water", "sort": "title", "page": "3"})

    assert query.urlencode() == "q=water&type=project&axis=water&sort=title&page=3"
    assert AtlasQuery.from_params(QueryDict(query.urlencode())) == query


def test_atlas_query_unknown_parameter_lists_allowed_filters():
    with pytest.raises(UnknownFilter) as error:
        AtlasQuery.from_params(QueryDict("pays=FR"))

    assert error.value.parameter == "pays"
    assert "partner_country" in str(error.value)
    assert "country" in error.value.allowed


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ("country=FRA", "country"),
        ("sdg=18", "sdg"),
        ("sector=14", "sector"),
        ("start_year=2020-2010", "start_year"),
        ("type=city", "type"),
        ("sort=price", "sort"),
        ("page=0", "page"),
        ("page_size=500", "page_size"),
        ("cursor=not-a-cursor", "cursor"),
        ("sort=title&sort=-updated", "sort"),
    ],
)
def test_atlas_query_malformed_value_is_refused(params, parameter):
    with pytest.raises(InvalidFilter) as error:
        AtlasQuery.from_params(QueryDict(params))

    assert error.value.parameter == parameter


def test_atlas_query_ignore_leaves_caller_parameters_alone():
    query = AtlasQuery.from_params(QueryDict("format=csv&country=SN"), ignore=("format",))

    assert query.country == ("SN",)


def test_atlas_query_cursor_sets_offset():
    query = AtlasQuery.from_params({"cursor": encode_cursor(40), "page_size": "20"})

    assert query.start == 40
    assert ("cursor", encode_cursor(40)) in query.to_params()


def test_atlas_query_toggled_adds_then_removes_and_resets_page():
    query = AtlasQuery.from_params({"page": "4"})

    added = query.toggled("country", "SN")
    assert added.country == ("SN",)
    assert added.page == 1
    assert added.toggled("country", "SN").country == ()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "eau potable"},
        {"q": "eau & <savon>", "country": ["FR", "SN"], "sort": "title", "page": "3"},
        {"type": "project", "start_year": "2015-2020", "page_size": "50", "cursor": encode_cursor(40)},
        {"partner_country": "SN", "axis": "water", "sdg": "6", "seeks": "culture"},
        {"start_year": "1999", "sort": "-start_year"},
    ],
)
def test_atlas_query_value_link_encodes_like_with_value(params):
    query = AtlasQuery.from_params(params)

    for name in FACETS:
        link = query.value_link(name)
        for value in ("SN", "14030", "a b&c=d", "é/ü"):
            if value not in getattr(query, name):
                assert link(value) == query.with_value(name, value).urlencode(), (name, value)
