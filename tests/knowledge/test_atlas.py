"""Practices in the atlas: their own record type, their facets, and the similar practices."""

import pytest

from coopdec.atlas import selectors as atlas
from coopdec.atlas.filters import AtlasQuery
from coopdec.knowledge import selectors

from .factories import make_practice, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    w = world()
    with django_capture_on_commit_callbacks(execute=True):
        water = make_practice(w, publish=True)
        waste = make_practice(
            w,
            publish=True,
            title={"fr": "Compostage de quartier"},
            axes=["environment"],
            sectors=["41010"],
            sdgs=["11"],
            countries=["BF"],
        )
        other_water = make_practice(w, publish=True, title={"fr": "Branchements sociaux"}, countries=["FR"])
        make_practice(w, title={"fr": "Brouillon de pratique"})
    return w, water, waste, other_water


def test_atlas_search_filters_practices_by_type_and_facets(published):
    _w, water, _waste, other_water = published
    result = atlas.search(AtlasQuery(type=("practice",), axis=("water-sanitation",)))
    assert sorted(item.object_id for item in result.items) == sorted([water.pk, other_water.pk])
    assert result.counts["type"] == {"practice": 2}  # the world's project is not indexed (never committed)
    assert result.counts["sector"] == {"140": 2}
    assert result.counts["kind"] == {"municipality": 2}


def test_practice_search_counts_its_own_facets(published):
    result = selectors.search(selectors.practice_query({"country": "BF"}))
    assert result.total == 1
    assert set(result.counts) == {"axis", "sector", "sdg", "country", "kind"}
    assert result.counts["country"] == {"SN": 1, "BF": 1, "FR": 1}


def test_practice_search_finds_text_in_any_language_and_not_drafts(published):
    assert selectors.search(selectors.practice_query({"q": "branchements sociaux"})).total == 1
    assert selectors.search(selectors.practice_query({"q": "brouillon"})).total == 0


def test_type_filter_accepts_practice_in_the_atlas_query():
    query = AtlasQuery.from_params({"type": "practice"})
    assert query.type == ("practice",)


def test_similar_practices_share_the_axes_first(published):
    _w, water, _waste, other_water = published
    assert [item.object_id for item in selectors.similar(water)] == [other_water.pk]


def test_atlas_result_of_a_practice_links_to_its_page(published):
    _w, water, _waste, _other = published
    item = next(i for i in atlas.search(AtlasQuery(type=("practice",))).items if i.object_id == water.pk)
    assert (item.url, item.type_label) == (f"/practices/{water.pk}/", "Good practice")


def test_atlas_download_holds_the_practices_with_their_pages(client, published):
    _w, water, _waste, other_water = published
    response = client.get("/api/v1/downloads/atlas.csv?type=practice&axis=water-sanitation")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 3
    assert f"/practices/{water.pk}/" in lines[1] + lines[2] and f"/practices/{other_water.pk}/" in lines[1] + lines[2]


def test_map_layer_places_practices_at_their_first_local_government_author(client, published):
    _w, water, _waste, other_water = published
    body = client.get("/practices/map.json?axis=water-sanitation").json()
    assert body["total"] == 2
    assert sorted(point["id"] for point in body["results"]) == sorted([water.pk, other_water.pk])
    paris = next(point for point in body["results"] if point["id"] == water.pk)
    assert (paris["latitude"], paris["longitude"]) == (round(_w["paris"].latitude, 4), round(_w["paris"].longitude, 4))
    assert client.get("/practices/map.json?axis=NOT%20AN%20AXIS").status_code == 400
