"""GET /api/v1/organisations/{id}/recommendations."""

import pytest

from tests.factories import make_organisation, make_partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def twinned():
    """Lyon twins with Dakar and Berlin; Dakar and Berlin both twin with Munich; Bordeaux stands apart."""
    lyon = make_organisation("Lyon", geonameid=2996944)
    dakar = make_organisation("Dakar", geonameid=2253354)
    berlin = make_organisation("Berlin", geonameid=2950159)
    munich = make_organisation("München", geonameid=2867714)
    bordeaux = make_organisation("Bordeaux", geonameid=3031582)
    make_partnership(lyon, dakar)
    make_partnership(lyon, berlin)
    make_partnership(dakar, munich)
    make_partnership(berlin, munich)
    return {"lyon": lyon, "dakar": dakar, "berlin": berlin, "munich": munich, "bordeaux": bordeaux}


def test_recommendations_shape_and_order(client, twinned):
    response = client.get(
        f"/api/v1/organisations/{twinned['lyon'].pk}/recommendations?k=10",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    results = response.json()["results"]
    first = results[0]
    assert set(first) == {"id", "name", "country", "geonameid", "score", "reasons"}
    assert first["id"] == twinned["munich"].pk
    assert first["country"] == "DE"
    assert first["geonameid"] == 2867714
    assert "partner of 2 of your partners (Berlin and Dakar)" in first["reasons"]
    ids = [item["id"] for item in results]
    assert twinned["dakar"].pk not in ids and twinned["berlin"].pk not in ids and twinned["lyon"].pk not in ids
    assert [item["score"] for item in results] == sorted((item["score"] for item in results), reverse=True)


def test_recommendations_k_limits_the_list(client, twinned):
    response = client.get(f"/api/v1/organisations/{twinned['lyon'].pk}/recommendations?k=1", HTTP_ACCEPT_LANGUAGE="fr")
    assert len(response.json()["results"]) == 1


def test_recommendations_k_is_bounded(client, twinned):
    response = client.get(f"/api/v1/organisations/{twinned['lyon'].pk}/recommendations?k=500")
    assert response.status_code in {400, 422}


def test_recommendations_unknown_parameter_is_refused(client, twinned):
    response = client.get(f"/api/v1/organisations/{twinned['lyon'].pk}/recommendations?kk=3")
    assert response.status_code == 400


def test_recommendations_of_a_draft_organisation_are_not_found(client):
    draft = make_organisation("Brouillon", geonameid=3031582, published=False)
    assert client.get(f"/api/v1/organisations/{draft.pk}/recommendations").status_code == 404
