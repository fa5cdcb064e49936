import pytest

from .factories import add_results, make_practice, world

pytestmark = pytest.mark.django_db


def test_api_lists_published_practices_with_facets(client, django_capture_on_commit_callbacks):
    w = world()
    with django_capture_on_commit_callbacks(execute=True):
        practice = make_practice(w, publish=True)
        make_practice(w, title={"fr": "Brouillon"})
    body = client.get("/api/v1/practices?axis=water-sanitation").json()
    assert body["total"] == 1
    assert [row["id"] for row in body["results"]] == [practice.pk]
    assert body["results"][0]["authors"] == [
        {"id": w["paris"].pk, "name": "Ville de Paris", "country": "FR", "kind": "municipality"}
    ]
    assert [f["value"] for f in body["facets"]["sdg"]] == ["6"]


def test_api_refuses_an_unknown_filter(client):
    response = client.get("/api/v1/practices?colour=red")
    assert response.status_code == 400


def test_api_detail_gives_sections_and_approved_values_only(client, django_capture_on_commit_callbacks):
    w = world()
    add_results(w["project"])
    with django_capture_on_commit_callbacks(execute=True):
        practice = make_practice(w, publish=True, lessons={"en": "Start small."})
    body = client.get(f"/api/v1/practices/{practice.pk}").json()
    assert body["sections"]["lessons"] == {"en": "Start small."}
    assert body["results"][0]["indicators"][0]["values"] == [
        {
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "measured_in": None,
            "baseline": None,
            "target": None,
            "actual": "120",
        }
    ]
