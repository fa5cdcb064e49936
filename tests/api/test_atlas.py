"""Contract tests: atlas search with facet counts, statistics (published records only)."""

import pytest

from tests.atlas.conftest import build_atlas

pytestmark = pytest.mark.django_db


@pytest.fixture
def atlas(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return build_atlas()


def test_search_returns_total_results_and_facets(client, atlas):
    body = client.get("/api/v1/search?type=project").json()
    assert body["total"] == 3
    assert {item["id"] for item in body["results"]} == {atlas.water.pk, atlas.school.pk, atlas.culture.pk}
    assert atlas.draft_project.pk not in {item["id"] for item in body["results"]}
    types = {facet["value"]: facet["count"] for facet in body["facets"]["type"]}
    assert types["project"] == 3  # counted with the other filters: every type stays visible
    assert types["partnership"] == 3


def test_search_text_and_filters(client, atlas):
    body = client.get("/api/v1/search?q=eau potable&type=project").json()
    assert [item["id"] for item in body["results"]] == [atlas.water.pk]
    assert client.get("/api/v1/search?type=project&sector=112").json()["total"] == 1


def test_search_pages_with_next(client, atlas):
    first = client.get("/api/v1/search?page_size=4").json()
    assert len(first["results"]) == 4
    ids, page = [], first
    while True:
        ids += [(i["record_type"], i["id"]) for i in page["results"]]
        if page["next"] is None:
            break
        page = client.get(page["next"]).json()
    assert len(ids) == len(set(ids)) == first["total"] == 12


def test_search_rejects_unknown_and_invalid_filters(client, atlas):
    unknown = client.get("/api/v1/search?colour=red")
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "unknown_parameter"
    invalid = client.get("/api/v1/search?sdg=18")
    assert invalid.status_code == 400
    assert invalid.json() == {
        "error": "invalid_filter",
        "message": invalid.json()["message"],
        "details": {"parameter": "sdg"},
    }
    assert "18" in invalid.json()["message"]


def test_statistics_by_country(client, atlas):
    body = client.get("/api/v1/statistics?dimension=country&type=project").json()
    assert body["dimension"] == "country"
    assert body["projects"] == 3
    rows = {row["value"]: row for row in body["rows"]}
    assert rows["FR"]["projects"] >= 1


def test_statistics_unknown_dimension(client, atlas):
    response = client.get("/api/v1/statistics?dimension=colour")
    assert response.status_code == 400
    assert response.json()["details"] == {"parameter": "dimension"}


def test_atlas_page_links_the_downloads_of_its_search(client, atlas):
    page = client.get("/atlas/?country=SN").content.decode()
    assert 'href="/api/v1/downloads/atlas.csv?country=SN"' in page
    assert 'href="/api/v1/downloads/atlas.geojson?country=SN"' in page


def test_search_text_with_underscores_is_split_into_words(client, atlas):
    # Found by the schemathesis run: "partners_in_country" made an FTS5 phrase query (a 500 on SQLite).
    response = client.get("/api/v1/search?q=partners_in_country")
    assert response.status_code == 200
    assert client.get("/api/v1/statistics?q=eau_potable&type=project").json()["projects"] == 1
