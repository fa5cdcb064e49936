"""The API of the scorecard and of strategies: the documented shape, the same access as the records."""

import pytest

from coopdec.strategy import services
from tests import factories

from .factories import make_world, value

pytestmark = pytest.mark.django_db


def test_partnership_scorecard_answers_the_documented_shape(client):
    world = make_world()
    body = client.get(f"/api/v1/partnerships/{world['partnership'].pk}/scorecard").json()
    assert [p["principle"] for p in body["principles"]] == ["partnership", "subsidiarity", "sustainability", "equity"]
    first = body["principles"][0]["evidence"][0]
    assert first == {
        "label": "A signed agreement of the partnership is recorded",
        "met": False,
        "known": True,
        "detail": "",
        "record": f"http://testserver/partnerships/{world['partnership'].pk}/",
    }
    assert all(p["score"] is None or 0 <= p["score"] <= 100 for p in body["principles"])


def test_scorecard_of_a_draft_record_is_not_found(client):
    paris = factories.make_organisation("Ville de Paris", geonameid=2988507)
    draft = factories.make_partnership(paris, published=False)
    hidden = factories.make_organisation("Brouillon", geonameid=None, published=False)
    assert client.get(f"/api/v1/partnerships/{draft.pk}/scorecard").status_code == 404
    assert client.get(f"/api/v1/organisations/{hidden.pk}/scorecard").status_code == 404
    assert client.get(f"/api/v1/organisations/{paris.pk}/scorecard?x=1").status_code == 400


def test_organisation_scorecard_lists_its_partnerships(client):
    world = make_world()
    body = client.get(f"/api/v1/organisations/{world['dakar'].pk}/scorecard").json()
    evidence = body["principles"][0]["evidence"]
    assert [item["record"] for item in evidence] == [f"http://testserver/partnerships/{world['partnership'].pk}/"]


def test_strategy_api_rolls_up_like_the_page(client):
    world = make_world()
    services.indicator_save(
        objective=world["objective"],
        title={"en": "Households"},
        project_indicators=[world["households"]],
        targets={2025: 200},
    )
    value(world["households"], world["dakar"], 2025, 150)
    url = f"/api/v1/strategies/{world['strategy'].pk}"
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/strategies").json() == {"results": []}
    world["strategy"].publication_status = "published"
    world["strategy"].save()
    body = client.get(url).json()
    indicator = body["objectives"][0]["indicators"][0]
    assert (indicator["title"], indicator["achieved"], indicator["progress"]) == ("Households", "150.0000", 75)
    assert indicator["years"][0] == {"year": 2025, "target": "200.0000", "achieved": "150.0000", "progress": 75}
    assert body["objectives"][0]["projects"] == sorted([world["water"].pk, world["schools"].pk], reverse=True)
    assert [row["id"] for row in client.get("/api/v1/strategies").json()["results"]] == [world["strategy"].pk]
