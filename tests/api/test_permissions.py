"""The permission matrix over the API: who may read, create, update and delete what.

Callers: anonymous, a member (editor) of an unrelated organisation, an editor and an administrator
of a party, a platform coordinator. Records: organisations, partnerships and projects.
"""

import pytest

from coopdec.actors.models import MembershipRole
from coopdec.cooperation.models import Partnership, PartnershipParty, Project, ProjectParticipant
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

        Membership.objects.get_or_create(
            user=user, organisation=world["draft_organisation"], defaults={"role": user.memberships.first().role}
        )
    return bearer(user)


READ_DRAFT = {"anonymous": 404, "unrelated": 404, "party_editor": 200, "party_admin": 200, "coordinator": 200}
READ_PUBLISHED = dict.fromkeys(CALLERS, 200)
CREATE = {"anonymous": 401, "unrelated": 403, "party_editor": 201, "party_admin": 201, "coordinator": 201}
UPDATE = {"anonymous": 401, "unrelated": 403, "party_editor": 200, "party_admin": 200, "coordinator": 200}
DELETE = {"anonymous": 401, "unrelated": 403, "party_editor": 403, "party_admin": 204, "coordinator": 204}


@pytest.mark.parametrize("caller", CALLERS)
def test_project_matrix(client, world, caller):
    headers = headers_for(world, caller)
    assert (
        client.get(f"/api/v1/projects/{world['draft_project'].pk}", headers=headers).status_code == READ_DRAFT[caller]
    )
    assert client.get(f"/api/v1/projects/{world['project'].pk}", headers=headers).status_code == READ_PUBLISHED[caller]
    listed = {p["id"] for p in client.get("/api/v1/projects", headers=headers).json()["results"]}
    assert (world["draft_project"].pk in listed) == (READ_DRAFT[caller] == 200)
    created = client.post(
        "/api/v1/projects",
        {"title": {"fr": "Nouveau"}, "partnership": world["partnership"].pk},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == CREATE[caller], created.content
    updated = client.patch(
        f"/api/v1/projects/{world['project'].pk}",
        {"summary": {"fr": "Résumé"}},
        content_type="application/json",
        headers=headers,
    )
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
        content_type="application/json",
        headers=headers,
    )
    # The unrelated editor may create partnerships in general, but not between others' organisations.
    expected_create = 400 if caller == "unrelated" else CREATE[caller]
    assert created.status_code == expected_create, created.content
    updated = client.patch(
        f"/api/v1/partnerships/{published.pk}", {"status": "dormant"}, content_type="application/json", headers=headers
    )
    assert updated.status_code == UPDATE[caller], updated.content
    without_projects = make_partnership(world["paris"], world["dakar"])
    deleted = client.delete(f"/api/v1/partnerships/{without_projects.pk}", headers=headers)
    assert deleted.status_code == DELETE[caller]
    assert Partnership.objects.filter(pk=without_projects.pk).exists() == (DELETE[caller] != 204)


def test_deleting_a_partnership_that_carries_lead_less_projects_is_refused(client, world):
    response = client.delete(
        f"/api/v1/partnerships/{world['partnership'].pk}",
        headers=bearer(world["users"]["coordinator"]),
        HTTP_ACCEPT_LANGUAGE="en",
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
    created = client.post(
        "/api/v1/organisations",
        {"name": "Eau Vive", "kind": "ngo", "country": "FR"},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == ORG_CREATE[caller], created.content  # any signed-in user may register one
    updated = client.patch(
        f"/api/v1/organisations/{published.pk}", {"acronym": "VdP"}, content_type="application/json", headers=headers
    )
    assert updated.status_code == UPDATE[caller], updated.content
    deleted = client.delete(f"/api/v1/organisations/{draft.pk}", headers=headers)
    assert (
        deleted.status_code
        == {"anonymous": 401, "unrelated": 404, "party_editor": 403, "party_admin": 204, "coordinator": 204}[caller]
    )


MANAGE_PARTIES_ADD = {"anonymous": 401, "unrelated": 403, "party_editor": 403, "party_admin": 201, "coordinator": 201}


@pytest.mark.parametrize("caller", CALLERS)
def test_partnership_parties_matrix(client, world, caller):
    """Adding and removing parties: the parties' administrators and coordinators, as on the web."""
    headers = headers_for(world, caller)
    partnership, lyon = world["partnership"], make_organisation("Métropole de Lyon", geonameid=2996944)
    added = client.post(
        f"/api/v1/partnerships/{partnership.pk}/parties",
        {"organisation": lyon.pk, "role": "associate"},
        content_type="application/json",
        headers=headers,
    )
    assert added.status_code == MANAGE_PARTIES_ADD[caller], added.content
    parties = set(partnership.party_links.values_list("organisation_id", "role"))
    if added.status_code == 201:
        assert {(p["organisation"]["id"], p["role"]) for p in added.json()["parties"]} == parties
        assert parties == {(world["paris"].pk, "partner"), (world["dakar"].pk, "partner"), (lyon.pk, "associate")}
    else:
        assert parties == {(world["paris"].pk, "partner"), (world["dakar"].pk, "partner")}
        PartnershipParty.objects.create(partnership=partnership, organisation=lyon, role="associate")
    removed = client.delete(f"/api/v1/partnerships/{partnership.pk}/parties/{lyon.pk}", headers=headers)
    assert removed.status_code == {**MANAGE_PARTIES_ADD, "party_admin": 204, "coordinator": 204}[caller], (
        removed.content
    )
    assert partnership.party_links.filter(organisation=lyon).exists() == (removed.status_code != 204)


def test_party_changes_of_a_draft_partnership_are_hidden_from_outsiders(client, world):
    draft = world["draft_partnership"]
    headers = bearer(world["users"]["unrelated"])
    assert (
        client.post(
            f"/api/v1/partnerships/{draft.pk}/parties",
            {"organisation": world["paris"].pk},
            content_type="application/json",
            headers=headers,
        ).status_code
        == 404
    )
    assert (
        client.delete(f"/api/v1/partnerships/{draft.pk}/parties/{world['paris'].pk}", headers=headers).status_code
        == 404
    )


def test_party_changes_keep_the_registry_rules(client, world):
    """Two parties at least, no party twice, organisations the caller can see; nothing written otherwise."""
    partnership = world["partnership"]
    headers = headers_for(world, "party_admin")
    url = f"/api/v1/partnerships/{partnership.pk}/parties"
    twice = client.post(
        url,
        {"organisation": world["dakar"].pk},
        content_type="application/json",
        headers=headers,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert twice.status_code == 400
    assert twice.json()["message"] == "organisation: Ville de Dakar is already a party to this partnership."
    last_two = client.delete(f"{url}/{world['dakar'].pk}", headers=headers, HTTP_ACCEPT_LANGUAGE="en")
    assert last_two.status_code == 400
    assert last_two.json()["message"].startswith("A partnership keeps at least two parties")
    hidden = make_organisation("Brouillon ailleurs", geonameid=2996944, published=False)
    unseen = client.post(url, {"organisation": hidden.pk}, content_type="application/json", headers=headers)
    assert unseen.status_code == 400
    assert unseen.json()["details"][0]["field"] == "organisation"
    assert client.delete(f"{url}/{hidden.pk}", headers=headers).status_code == 404
    assert (
        client.post(
            url, {"organisation": world["paris"].pk, "role": "boss"}, content_type="application/json", headers=headers
        ).status_code
        == 400
    )
    assert set(partnership.party_links.values_list("organisation_id", flat=True)) == {
        world["paris"].pk,
        world["dakar"].pk,
    }


MANAGE_PARTIES_CHANGE = {
    "anonymous": 401,
    "unrelated": 403,
    "party_editor": 403,
    "party_admin": 200,
    "coordinator": 200,
}


@pytest.mark.parametrize("caller", CALLERS)
def test_partnership_party_change_matrix(client, world, caller):
    """Changing a party's role or joining date: the parties' administrators and coordinators, as on the web."""
    headers = headers_for(world, caller)
    partnership, dakar = world["partnership"], world["dakar"]
    changed = client.patch(
        f"/api/v1/partnerships/{partnership.pk}/parties/{dakar.pk}",
        {"role": "funder", "joined_on": "2019-03-01"},
        content_type="application/json",
        headers=headers,
    )
    assert changed.status_code == MANAGE_PARTIES_CHANGE[caller], changed.content
    party = partnership.party_links.get(organisation=dakar)
    if changed.status_code == 200:
        assert {"organisation": dakar.pk, "role": "funder", "joined_on": "2019-03-01"} in [
            {**p, "organisation": p["organisation"]["id"]} for p in changed.json()["parties"]
        ]
        assert (party.role, party.joined_on.isoformat()) == ("funder", "2019-03-01")
        assert partnership.history.latest().history_change_reason == "party changed"
    else:
        assert (party.role, party.joined_on) == ("partner", None)


def test_party_change_keeps_unsent_fields_and_refuses_bad_input(client, world):
    partnership, dakar = world["partnership"], world["dakar"]
    headers = headers_for(world, "party_admin")
    url = f"/api/v1/partnerships/{partnership.pk}/parties/{dakar.pk}"
    assert (
        client.patch(url, {"joined_on": "2019-03-01"}, content_type="application/json", headers=headers).status_code
        == 200
    )
    assert client.patch(url, {"role": "lead"}, content_type="application/json", headers=headers).status_code == 200
    party = partnership.party_links.get(organisation=dakar)
    assert (party.role, party.joined_on.isoformat()) == ("lead", "2019-03-01")
    cleared = client.patch(url, {"joined_on": None}, content_type="application/json", headers=headers)
    assert cleared.status_code == 200
    assert partnership.party_links.get(organisation=dakar).joined_on is None
    for payload in ({"role": "boss"}, {"joined_on": "yesterday"}, {"organisation": 3}):
        assert client.patch(url, payload, content_type="application/json", headers=headers).status_code == 400, payload
    assert (
        client.patch(
            f"/api/v1/partnerships/{partnership.pk}/parties/{world['draft_organisation'].pk}",
            {"role": "lead"},
            content_type="application/json",
            headers=headers,
        ).status_code
        == 404
    )
    draft = world["draft_partnership"]
    assert (
        client.patch(
            f"/api/v1/partnerships/{draft.pk}/parties/{dakar.pk}",
            {"role": "lead"},
            content_type="application/json",
            headers=bearer(world["users"]["unrelated"]),
        ).status_code
        == 404
    )
    assert partnership.party_links.get(organisation=dakar).role == "lead"


# The project has no lead organisation: its parties' editors manage its participants (as on the web).
MANAGE_PARTICIPANTS_ADD = {
    "anonymous": 401,
    "unrelated": 403,
    "party_editor": 201,
    "party_admin": 201,
    "coordinator": 201,
}
MANAGE_PARTICIPANTS_CHANGE = {**MANAGE_PARTICIPANTS_ADD, "party_editor": 200, "party_admin": 200, "coordinator": 200}
MANAGE_PARTICIPANTS_REMOVE = {**MANAGE_PARTICIPANTS_ADD, "party_editor": 204, "party_admin": 204, "coordinator": 204}


@pytest.mark.parametrize("caller", CALLERS)
def test_project_participants_matrix(client, world, caller):
    """Listing is open to whoever sees the project; adding, changing and removing follow manage_participants."""
    headers = headers_for(world, caller)
    project, dakar = world["project"], world["dakar"]
    url = f"/api/v1/projects/{project.pk}/participants"
    assert client.get(url, headers=headers).status_code == 200
    assert (
        client.get(f"/api/v1/projects/{world['draft_project'].pk}/participants", headers=headers).status_code
        == READ_DRAFT[caller]
    )
    added = client.post(url, {"organisation": dakar.pk, "role": "4"}, content_type="application/json", headers=headers)
    assert added.status_code == MANAGE_PARTICIPANTS_ADD[caller], added.content
    if added.status_code != 201:
        assert not project.participants.exists()
        ProjectParticipant.objects.create(project=project, organisation=dakar, role="4")
    changed = client.patch(f"{url}/{dakar.pk}", {"role": "2"}, content_type="application/json", headers=headers)
    assert changed.status_code == MANAGE_PARTICIPANTS_CHANGE[caller], changed.content
    assert list(project.participants.values_list("role", flat=True)) == ["2" if changed.status_code == 200 else "4"]
    removed = client.delete(f"{url}/{dakar.pk}", headers=headers)
    assert removed.status_code == MANAGE_PARTICIPANTS_REMOVE[caller], removed.content
    assert project.participants.exists() == (removed.status_code != 204)
