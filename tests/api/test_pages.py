"""List pages: a page costs the same few queries whatever its size, and what is served is exactly
the documented shape (lists are encoded without a second pass through the response schema)."""

import json
import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ninja.responses import NinjaJSONEncoder

from coopdec.actors.models import Contact
from coopdec.api.routers.actors import OrganisationPage
from coopdec.api.routers.cooperation import PartnershipPage, ProjectDetailOut, ProjectPage
from coopdec.api.routers.territories import LocalityPage
from coopdec.cooperation.models import (
    Budget,
    Contribution,
    ProjectCountry,
    ProjectParticipant,
    ProjectSdg,
)
from coopdec.vocabularies.models import Axis
from tests.factories import make_member, make_organisation, make_partnership, make_project

from .conftest import bearer

pytestmark = pytest.mark.django_db

DAKAR, LYON = 2253354, 2996944
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


@pytest.fixture
def many():
    """12 published organisations and a draft one; 12 partnerships of three parties (one the draft)
    and 12 projects carrying every list (sectors, SDGs, axes, recipient countries), led by turns by
    a published and by the draft organisation."""
    paris = make_organisation("Ville de Paris")
    dakar = make_organisation("Ville de Dakar", geonameid=DAKAR)
    draft = make_organisation("Métropole de Lyon", geonameid=LYON, published=False)
    for n in range(10):
        make_organisation(f"Association {n}", kind="ngo", geonameid=None, country_id="FR")
    projects = []
    for n in range(12):
        partnership = make_partnership(paris, dakar, draft, title={"fr": f"Jumelage {n}"})
        project = make_project(
            partnership=partnership, lead=paris if n % 2 else draft, sectors={"14030": 60, "14050": 40}, status="2"
        )
        ProjectSdg.objects.create(project=project, target="6")
        ProjectSdg.objects.create(project=project, target="6.1")
        ProjectCountry.objects.create(project=project, country_id="SN")
        project.axes.add("water-sanitation", "local-governance")
        projects.append(project)
    return {"paris": paris, "dakar": dakar, "draft": draft, "projects": projects}


def queries(client, path: str, **headers) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries), response.json()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # rate counter, the page, then what its rows carry: projects' lists, partnerships' parties,
        # and for both the draft organisations they name (as models, for the access rules)
        ("/api/v1/projects?status=2&country=SN&", 4),
        ("/api/v1/partnerships?country=SN&", 4),
        ("/api/v1/organisations?", 2),
        ("/api/v1/localities?", 2),
    ],
)
def test_list_queries_do_not_grow_with_the_page_size(client, many, path, expected):
    small, small_page = queries(client, f"{path}limit=2")
    large, large_page = queries(client, f"{path}limit=12")
    assert len(small_page["results"]) == 2
    assert len(large_page["results"]) == 12
    assert (small, large) == (expected, expected)


def test_list_queries_for_a_member_who_sees_drafts_do_not_grow_either(client, many):
    """A member of the draft organisation sees it as lead and as party: its permission is checked
    without one query per row."""
    headers = bearer(make_member(many["draft"]))
    client.get("/api/v1/axes", headers=headers)  # the token's first use is recorded (once a minute)
    small, small_page = queries(client, "/api/v1/projects?limit=2", headers=headers)
    large, large_page = queries(client, "/api/v1/projects?limit=12", headers=headers)
    assert small == large
    assert {p["lead_organisation"]["name"] for p in large_page["results"]} == {"Ville de Paris", "Métropole de Lyon"}
    small, _page = queries(client, "/api/v1/partnerships?limit=2", headers=headers)
    large, large_page = queries(client, "/api/v1/partnerships?limit=12", headers=headers)
    assert small == large
    assert all(len(p["parties"]) == 3 for p in large_page["results"])


def test_project_page_carries_every_list_in_order(client, many):
    project = client.get("/api/v1/projects?limit=1").json()["results"][0]
    assert project["id"] == many["projects"][-1].pk
    assert project["sectors"] == [
        {"vocabulary": "1", "code": "14030", "percentage": "60.00"},
        {"vocabulary": "1", "code": "14050", "percentage": "40.00"},
    ]
    assert project["sdgs"] == ["6", "6.1"]
    assert project["axes"] == list(
        Axis.objects.filter(code__in=["water-sanitation", "local-governance"])
        .order_by("position")
        .values_list("code", flat=True)
    )
    assert project["recipient_countries"] == ["SN"]
    assert project["lead_organisation"] == {
        "id": many["paris"].pk,
        "name": "Ville de Paris",
        "kind": "municipality",
        "country": "FR",
    }


def _through_schema(schema, body: dict) -> dict:
    """What ninja would have served for ``body`` with the response schema applied."""
    return json.loads(json.dumps(schema.model_validate(body).model_dump(), cls=NinjaJSONEncoder))


def _instants(value):
    """``value`` with its date-times parsed: the encoder writes milliseconds, and none at all when
    they are zero, so "12:00:00.000Z" read back is written "12:00:00Z", the same instant."""
    if isinstance(value, dict):
        return {key: _instants(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_instants(item) for item in value]
    if isinstance(value, str) and DATETIME.match(value):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def assert_documented(schema, body: dict) -> None:
    assert _instants(body) == _instants(_through_schema(schema, body))


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("/api/v1/projects", ProjectPage),
        ("/api/v1/partnerships", PartnershipPage),
        ("/api/v1/organisations", OrganisationPage),
        ("/api/v1/localities?country=SN", LocalityPage),
    ],
)
def test_list_pages_are_exactly_their_documented_shape(client, many, path, schema):
    body = client.get(path, headers=bearer(make_member(many["draft"]))).json()
    assert body["results"]
    assert_documented(schema, body)


def test_project_detail_is_exactly_its_documented_shape(client, many):
    project = many["projects"][0]
    ProjectParticipant.objects.create(project=project, organisation=many["dakar"], role="4")
    Budget.objects.create(project=project, period_start="2025-01-01", period_end="2025-12-31", value=Decimal("1200.50"))
    Contribution.objects.create(project=project, organisation=many["paris"], amount=Decimal("300"), currency="EUR")
    Contact.objects.create(organisation=many["paris"], name="Jeanne Martin", email="jeanne@example.org")
    body = client.get(f"/api/v1/projects/{project.pk}", headers=bearer(make_member(many["draft"]))).json()
    assert_documented(ProjectDetailOut, body)
    assert [p["organisation"]["name"] for p in body["participants"]] == ["Ville de Dakar"]
    assert body["budgets"][0]["value"] == "1200.50"
    assert body["contributions"][0]["organisation"]["name"] == "Ville de Paris"
