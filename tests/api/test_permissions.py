"""The permission matrix over the API: who may read, create, update and delete what.

Callers: anonymous, a member (editor) of an unrelated organisation, an editor and an administrator
of a party, a platform coordinator. Records: organisations, partnerships and projects.
"""

import pytest

from coopdec.actors.models import MembershipRole
from coopdec.cooperation.models import Partnership, Project
from tests.factories import (
    make_member,
    make_organisation,
    make_partnership,
    make_project,
    make_user,
)

from .conftest import bearer

pytestmark = pytest.mark.django_db

CALLERS = ["anonymous", "unrelated", "party_editor", "party_admin", "coordinator"]


@pytest.fixture
def world():
    paris = make_organisation("Ville de Paris", geonameid=2988507)
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    other = make_organisation("Ville de Lyon", geonameid=2996944)
    partnership = make_partnership(paris, dakar)
    draft_partnership = make_partnership(paris, dakar, published=False)
    return {
        "paris": paris,
        "dakar": dakar,
        "draft_organisation": make_organisation("Brouillon", geonameid=2988507, published=False),
        "partnership": partnership,
        "draft_partnership": draft_partnership,
        "project": make_project(partnership=partnership),
        "draft_project": make_project(partnership=partnership, published=False),
        "users": {
            "unrelated": make_member(other),
            "party_editor": make_member(paris),
            "party_admin": make_member(paris, role=MembershipRole.ADMIN),
            "coordinator": make_user(is_coordinator=True),
        },
    }


def headers_for(world, caller: str) -> dict:
    if caller == "anonymous":
        return {}
    user = world["users"][caller]
    if caller in {"party_editor", "party_admin"}:
        # Members of the party: also member of the draft organisation, to test its visibility.
        from coopdec.actors.models import Membership

        Membership.objects.get_or_create(user=user, organisation=world["draft_organisation"], defaults={"role": user.memberships.first().role})
    return bearer(user)


READ_DRAFT = {"anonymous": 404, "unrelated": 404, "party_editor": 200, "party_admin": 200, "coordinator": 200}
READ_PUBLISHED = dict.fromkeys(CALLERS, 200)
CREATE = {"anonymous": 401, "unrelated": 403, "party_editor": 201, "party_admin": 201, "coordinator": 201}
UPDATE = {"anonymous": 401, "unrelated": 403, "party_editor": 200, "party_admin": 200, "coordinator": 200}
DELETE = {"anonymous": 401, "unrelated": 403, "party_editor": 403, "party_admin": 204, "coordinator": 204}


@pytest.mark.parametrize("caller", CALLERS)
def test_project_matrix(client, world, caller):
    headers = headers_for(world, caller)
    assert client.get(f"/api/v1/projects/{world['draft_project'].pk}", headers=headers).status_code == READ_DRAFT[caller]
    assert client.get(f"/api/v1/projects/{world['project'].pk}", headers=headers).status_code == READ_PUBLISHED[caller]
    listed = {p["id"] for p in client.get("/api/v1/projects", headers=headers).json()["results"]}
    assert (world["draft_project"].pk in listed) == (READ_DRAFT[caller] == 200)
    created = client.post("/api/v1/projects", {"title": {"fr": "Nouveau"}, "partnership": world["partnership"].pk},
                          content_type="application/json", headers=headers)
    assert created.status_code == CREATE[caller], created.content
    updated = client.patch(f"/api/v1/projects/{world['project'].pk}", {"summary": {"fr": "Résumé"}},
                           content_type="application/json", headers=headers)
    assert updated.status_code == UPDATE[caller], updated.content
    deleted = client.delete(f"/api/v1/projects/{world['project'].pk}", headers=headers)
    assert deleted.status_code == DELETE[caller]
    assert Project.objects.filter(pk=world["project"].pk).exists() == (DELETE[caller] != 204)


@pytest.mark.parametrize("caller", CALLERS)
def test_partnership_matrix(client, world, caller):
    headers = headers_for(world, caller)
    draft, published = world["draft_partnership"], world["partnership"]
    assert client.get(f"/api/v1/partnerships/{draft.pk}", headers=headers).status_code == READ_DRAFT[caller]
    assert client.get(f"/api/v1/partnerships/{published.pk}", headers=headers).status_code == READ_PUBLISHED[caller]
    created = client.post(
        "/api/v1/partnerships",
        {"parties": [{"organisation": world["paris"].pk}, {"organisation": world["dakar"].pk}]},
        content_type="application/json", headers=headers,
    )
    # The unrelated editor may create partnerships in general, but not between others' organisations.
    expected_create = 400 if caller == "unrelated" else CREATE[caller]
    assert created.status_code == expected_create, created.content
    updated = client.patch(f"/api/v1/partnerships/{published.pk}", {"status": "dormant"},
                           content_type="application/json", headers=headers)
    assert updated.status_code == UPDATE[caller], updated.content
    without_projects = make_partnership(world["paris"], world["dakar"])
    deleted = client.delete(f"/api/v1/partnerships/{without_projects.pk}", headers=headers)
    assert deleted.status_code == DELETE[caller]
    assert Partnership.objects.filter(pk=without_projects.pk).exists() == (DELETE[caller] != 204)


def test_deleting_a_partnership_that_carries_lead_less_projects_is_refused(client, world):
    response = client.delete(
        f"/api/v1/partnerships/{world['partnership'].pk}", headers=bearer(world["users"]["coordinator"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid_request"
    assert "lead organisation" in response.json()["message"]
    assert Partnership.objects.filter(pk=world["partnership"].pk).exists()


ORG_CREATE = {"anonymous": 401, "unrelated": 201, "party_editor": 201, "party_admin": 201, "coordinator": 201}


@pytest.mark.parametrize("caller", CALLERS)
def test_organisation_matrix(client, world, caller):
    headers = headers_for(world, caller)
    draft, published = world["draft_organisation"], world["paris"]
    assert client.get(f"/api/v1/organisations/{draft.pk}", headers=headers).status_code == READ_DRAFT[caller]
    assert client.get(f"/api/v1/organisations/{published.pk}", headers=headers).status_code == READ_PUBLISHED[caller]
    created = client.post("/api/v1/organisations", {"name": "Eau Vive", "kind": "ngo", "country": "FR"},
                          content_type="application/json", headers=headers)
    assert created.status_code == ORG_CREATE[caller], created.content  # any signed-in user may register one
    updated = client.patch(f"/api/v1/organisations/{published.pk}", {"acronym": "VdP"},
                           content_type="application/json", headers=headers)
    assert updated.status_code == UPDATE[caller], updated.content
    deleted = client.delete(f"/api/v1/organisations/{draft.pk}", headers=headers)
    assert deleted.status_code == {"anonymous": 401, "unrelated": 404, "party_editor": 403, "party_admin": 204,
                                   "coordinator": 204}[caller]
