"""A project's participating organisations (IATI participating-org) through the API: list, add,
change and remove, through the registry's services (history) and rules (the lead's editors)."""

import pytest

from coopdec.actors.models import MembershipRole
from coopdec.cooperation.models import ProjectParticipant
from tests.factories import (
    make_member,
    make_organisation,
    make_partnership,
    make_project,
    make_user,
)

from .conftest import bearer

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def world():
    paris = make_organisation("Ville de Paris", geonameid=2988507)
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    afd = make_organisation("Agence française de développement", geonameid=None, kind="agency", country_id="FR")
    project = make_project(partnership=make_partnership(paris, dakar), lead=paris)
    return {
        "paris": paris,
        "dakar": dakar,
        "afd": afd,
        "project": project,
        "url": f"/api/v1/projects/{project.pk}/participants",
        "lead_editor": make_member(paris),
    }


def _listed(project) -> list[tuple[str, str, str]]:
    return sorted(project.participants.values_list("organisation__name", "role", "activity_id"))


def test_participants_added_changed_removed_with_history(client, world):
    project, afd, url = world["project"], world["afd"], world["url"]
    headers = bearer(world["lead_editor"])
    added = client.post(
        url, {"organisation": afd.pk, "role": "1", "activity_id": " FR-6-CZZ1234 "}, content_type=JSON, headers=headers
    )
    assert added.status_code == 201, added.content
    assert added.json() == [
        {
            "organisation": {
                "id": afd.pk,
                "name": "Agence française de développement",
                "kind": "agency",
                "country": "FR",
            },
            "role": "1",
            "activity_id": "FR-6-CZZ1234",
        }
    ]
    changed = client.patch(f"{url}/{afd.pk}", {"role": "3"}, content_type=JSON, headers=headers)
    assert changed.status_code == 200, changed.content
    assert [(p["role"], p["activity_id"]) for p in changed.json()] == [("3", "FR-6-CZZ1234")]
    assert client.patch(f"{url}/{afd.pk}", {"activity_id": ""}, content_type=JSON, headers=headers).status_code == 200
    assert _listed(project) == [("Agence française de développement", "3", "")]
    assert client.get(url).json() == client.get(f"/api/v1/projects/{project.pk}").json()["participants"]
    assert client.delete(f"{url}/{afd.pk}", headers=headers).status_code == 204
    assert _listed(project) == []
    reasons = list(project.history.order_by("history_id").values_list("history_change_reason", "history_user_id"))
    assert reasons[-4:] == [
        ("participant added", world["lead_editor"].pk),
        ("participant changed", world["lead_editor"].pk),
        ("participant changed", world["lead_editor"].pk),
        ("participant removed", world["lead_editor"].pk),
    ]


def test_participants_listed_by_role_then_name_without_hidden_drafts(client, world):
    project, url = world["project"], world["url"]
    hidden = make_organisation("Brouillon", geonameid=None, kind="ngo", country_id="SN", published=False)
    for organisation, role in (
        (world["dakar"], "4"),
        (world["afd"], "1"),
        (world["paris"], "4"),
        (hidden, "4"),
        (world["paris"], "2"),
    ):
        ProjectParticipant.objects.create(project=project, organisation=organisation, role=role)
    expected = [
        ("1", "Agence française de développement"),
        ("2", "Ville de Paris"),
        ("4", "Ville de Dakar"),
        ("4", "Ville de Paris"),
    ]
    assert [(p["role"], p["organisation"]["name"]) for p in client.get(url).json()] == expected
    coordinator = bearer(make_user(is_coordinator=True))
    assert len(client.get(url, headers=coordinator).json()) == 5
    assert client.delete(f"{url}/{hidden.pk}", headers=bearer(world["lead_editor"])).status_code == 404
    assert client.get(url, {"role": "1"}).status_code == 400  # no query parameter on the list


def test_participant_refusals_are_clear_and_write_nothing(client, world):
    project, afd, url = world["project"], world["afd"], world["url"]
    headers = bearer(world["lead_editor"])
    ProjectParticipant.objects.create(project=project, organisation=afd, role="1")
    before = _listed(project)

    twice = client.post(
        url, {"organisation": afd.pk, "role": "1"}, content_type=JSON, headers=headers, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert twice.status_code == 400
    assert (
        twice.json()["message"] == "role: Agence française de développement is already listed with the role “Funding”."
    )

    unknown = client.post(
        url, {"organisation": 987654, "role": "1"}, content_type=JSON, headers=headers, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert unknown.status_code == 400
    assert unknown.json()["details"] == [
        {
            "field": "organisation",
            "message": "No organisation with the id 987654 (or you may not see it).",
            "type": "invalid",
        }
    ]

    bad_role = client.post(url, {"organisation": afd.pk, "role": "funding"}, content_type=JSON, headers=headers)
    assert bad_role.status_code == 400
    assert bad_role.json()["details"][0]["field"] == "role"
    for payload in (
        {"organisation": afd.pk},
        {"organisation": afd.pk, "role": "2", "activity_id": "x" * 201},
        {"organisation": afd.pk, "role": "2", "lead": True},
    ):
        assert client.post(url, payload, content_type=JSON, headers=headers).status_code == 400, payload
    for payload in ({"role": "5"}, {"organisation": afd.pk}):
        assert client.patch(f"{url}/{afd.pk}", payload, content_type=JSON, headers=headers).status_code == 400, payload
    assert (
        client.patch(f"{url}/{world['dakar'].pk}", {"role": "2"}, content_type=JSON, headers=headers).status_code == 404
    )
    assert client.delete(f"{url}/{afd.pk}?role=2", headers=headers).status_code == 404  # no such role
    assert client.delete(f"{url}/{afd.pk}?rôle=1", headers=headers).status_code == 400
    assert _listed(project) == before


def test_participant_with_several_roles_is_picked_by_role(client, world):
    project, afd, url = world["project"], world["afd"], world["url"]
    headers = bearer(world["lead_editor"])
    for role in ("1", "3"):
        ProjectParticipant.objects.create(project=project, organisation=afd, role=role)
    ambiguous = client.delete(f"{url}/{afd.pk}", headers=headers, HTTP_ACCEPT_LANGUAGE="en")
    assert ambiguous.status_code == 400
    assert ambiguous.json()["message"] == (
        "role: Agence française de développement has several roles in this project (1, 3): "
        "say which with the query parameter ?role=."
    )
    clash = client.patch(f"{url}/{afd.pk}?role=3", {"role": "1"}, content_type=JSON, headers=headers)
    assert clash.status_code == 400
    assert (
        client.patch(
            f"{url}/{afd.pk}?role=3", {"role": "4", "activity_id": "A-1"}, content_type=JSON, headers=headers
        ).status_code
        == 200
    )
    assert client.delete(f"{url}/{afd.pk}?role=1", headers=headers).status_code == 204
    assert _listed(project) == [("Agence française de développement", "4", "A-1")]


def test_participants_are_the_lead_organisations_business(client, world):
    """With a lead organisation, the other parties' editors (even administrators) may not change the participants."""
    project, url = world["project"], world["url"]
    dakar_admin = bearer(make_member(world["dakar"], role=MembershipRole.ADMIN))
    refused = client.post(
        url,
        {"organisation": world["afd"].pk, "role": "1"},
        content_type=JSON,
        headers=dakar_admin,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 403
    assert refused.json()["message"].startswith("Only the editors of the project's lead organisation")
    assert client.get(url, headers=dakar_admin).status_code == 200
    draft = make_project(partnership=project.partnership, lead=world["paris"], published=False)
    outsider = bearer(make_member(make_organisation("Ville de Lyon", geonameid=2996944)))
    assert (
        client.post(
            f"/api/v1/projects/{draft.pk}/participants",
            {"organisation": world["afd"].pk, "role": "1"},
            content_type=JSON,
            headers=outsider,
        ).status_code
        == 404
    )
    assert not ProjectParticipant.objects.exists()
