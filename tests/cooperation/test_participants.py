"""A project's participating organisations (IATI participating-org): services, pages and who may manage them."""

import gzip

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coopdec.cooperation import services
from coopdec.cooperation.models import ProjectParticipant
from tests.cooperation.test_views import outcome
from tests.factories import (
    make_member,
    make_organisation,
    make_partnership,
    make_project,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Lyon leads a project of its partnership with Dakar; the Agence française de développement funds it."""
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    afd = make_organisation(
        "Agence française de développement", geonameid=None, kind="national_agency", country_id="FR"
    )
    project = make_project(partnership=make_partnership(lyon, dakar), lead=lyon)
    return lyon, dakar, afd, project


def listed(project):
    return sorted(project.participants.values_list("organisation__name", "role", "activity_id"))


# Services


def test_participant_add_update_remove_recorded_in_history(world):
    lyon, _dakar, afd, project = world
    editor = make_member(lyon)
    participant = services.participant_add(
        project=project, organisation=afd, role="1", activity_id=" FR-6-CZZ1234 ", user=editor
    )
    services.participant_update(participant=participant, role="3", activity_id="FR-6-CZZ1234", user=editor)
    assert listed(project) == [("Agence française de développement", "3", "FR-6-CZZ1234")]
    services.participant_remove(participant=participant, user=editor)
    assert listed(project) == []
    reasons = list(project.history.order_by("history_id").values_list("history_change_reason", "history_user"))
    assert reasons[-3:] == [
        ("participant added", editor.pk),
        ("participant changed", editor.pk),
        ("participant removed", editor.pk),
    ]


def test_participant_same_role_twice_refused_other_role_accepted(world):
    lyon, _dakar, afd, project = world
    services.participant_add(project=project, organisation=afd, role="1")
    with pytest.raises(ValidationError) as raised:
        services.participant_add(project=project, organisation=afd, role="1")
    assert raised.value.message_dict == {
        "role": ["Agence française de développement is already listed with the role “Funding”."]
    }
    services.participant_add(project=project, organisation=afd, role="3")
    assert [role for _name, role, _activity in listed(project)] == ["1", "3"]


def test_participant_change_to_a_role_it_already_has_refused(world):
    _lyon, _dakar, afd, project = world
    services.participant_add(project=project, organisation=afd, role="1")
    extending = services.participant_add(project=project, organisation=afd, role="3")
    with pytest.raises(ValidationError, match="already listed with the role “Funding”"):
        services.participant_update(participant=extending, role="1")
    assert [role for _name, role, _activity in listed(project)] == ["1", "3"]


def test_participant_unknown_role_refused_writes_nothing(world):
    _lyon, _dakar, afd, project = world
    versions = project.history.count()
    with pytest.raises(ValidationError) as raised:
        services.participant_add(project=project, organisation=afd, role="9")
    assert raised.value.message_dict == {
        "role": ["Unknown role: choose funding, accountable, extending or implementing."]
    }
    assert (ProjectParticipant.objects.count(), project.history.count()) == (0, versions)


# Pages


def test_participants_page_adds_without_javascript(client, world):
    lyon, _dakar, afd, project = world
    client.force_login(make_member(lyon))
    url = reverse("cooperation:participants", args=[project.pk])
    page = client.get(url).content.decode()
    assert "No participating organisation is listed yet." in page
    assert 'hx-get="/organisations/search/"' in page
    response = client.post(url, {"organisation": afd.pk, "role": "1", "activity_id": ""})
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "Agence française de développement is listed as Funding." in page
    assert listed(project) == [("Agence française de développement", "1", "")]


def test_participants_page_typed_name_offers_candidates_and_writes_nothing(client, world):
    lyon, _dakar, afd, project = world
    client.force_login(make_member(lyon))
    response = client.post(
        reverse("cooperation:participants", args=[project.pk]), {"organisation_q": "agence francaise", "role": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose one of the places or organisations suggested below “agence francaise”." in page
    assert f'type="radio" name="organisation" value="{afd.pk}"' in page
    assert ProjectParticipant.objects.count() == 0


def test_participants_htmx_answers_with_the_section_and_its_message(client, world):
    lyon, _dakar, afd, project = world
    client.force_login(make_member(lyon))
    response = client.post(
        reverse("cooperation:participants", args=[project.pk]),
        {"organisation": afd.pk, "role": "4"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<section id="participants">')
    assert "<html" not in html
    assert "Agence française de développement is listed as Implementing." in html
    participant = ProjectParticipant.objects.get()
    response = client.post(
        reverse("cooperation:participant_change", args=[project.pk, participant.pk]),
        {"role": "2", "activity_id": "SN-ABC-1"},
        HTTP_HX_REQUEST="true",
    )
    assert "Saved." in response.content.decode()
    assert listed(project) == [("Agence française de développement", "2", "SN-ABC-1")]
    response = client.post(
        reverse("cooperation:participant_remove", args=[project.pk, participant.pk]), HTTP_HX_REQUEST="true"
    )
    assert "Agence française de développement is no longer listed as Accountable." in response.content.decode()
    assert ProjectParticipant.objects.count() == 0


def test_participant_change_with_unknown_role_shows_a_message(client, world):
    lyon, _dakar, afd, project = world
    participant = services.participant_add(project=project, organisation=afd, role="1")
    client.force_login(make_member(lyon))
    response = client.post(
        reverse("cooperation:participant_change", args=[project.pk, participant.pk]), {"role": "7"}, follow=True
    )
    assert "Select a valid choice. 7 is not one of the available choices." in response.content.decode()
    assert listed(project) == [("Agence française de développement", "1", "")]


def test_participants_shown_on_the_project_page_with_a_link_for_managers(client, world):
    lyon, dakar, afd, project = world
    services.participant_add(project=project, organisation=afd, role="1")
    manage = reverse("cooperation:participants", args=[project.pk])
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Agence française de développement</a> · Funding" in page and manage not in page
    client.force_login(make_member(dakar))
    assert manage not in client.get(project.get_absolute_url()).content.decode()
    client.force_login(make_member(lyon))
    assert manage in client.get(project.get_absolute_url()).content.decode()


def test_participants_page_is_light(client, world):
    lyon, _dakar, _afd, project = world
    for index in range(40):
        organisation = make_organisation(
            f"Organisation partenaire numéro {index}", geonameid=None, kind="ngo", country_id="SN"
        )
        services.participant_add(
            project=project, organisation=organisation, role=str(index % 4 + 1), activity_id=f"SN-RNA-{index:06d}"
        )
    client.force_login(make_member(lyon))
    html = client.get(reverse("cooperation:participants", args=[project.pk])).content
    assert len(gzip.compress(html, compresslevel=9)) <= 30 * 1024


# Who may manage them: the permission matrix over HTTP

PARTICIPANT_PERSONAS = ["anonymous", "unrelated_admin", "partner_admin", "lead_editor", "lead_admin", "coordinator"]
PARTICIPANT_ACTIONS = ["list_draft", "list", "add", "change", "remove"]
# ok (200, or a redirect after success), login (sent to sign in), forbidden (403), missing (404): see ``outcome``.
EXPECTED_PARTICIPANTS = {
    "anonymous": {"list_draft": "missing", "list": "login", "add": "login", "change": "login", "remove": "login"},
    "unrelated_admin": {
        "list_draft": "missing",
        "list": "forbidden",
        "add": "forbidden",
        "change": "forbidden",
        "remove": "forbidden",
    },
    "partner_admin": {
        "list_draft": "forbidden",
        "list": "forbidden",
        "add": "forbidden",
        "change": "forbidden",
        "remove": "forbidden",
    },
    "lead_editor": {"list_draft": "ok", "list": "ok", "add": "ok", "change": "ok", "remove": "ok"},
    "lead_admin": {"list_draft": "ok", "list": "ok", "add": "ok", "change": "ok", "remove": "ok"},
    "coordinator": {"list_draft": "ok", "list": "ok", "add": "ok", "change": "ok", "remove": "ok"},
}


def test_permission_matrix_participant_pages(client):
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    bordeaux = make_organisation("Bordeaux", geonameid=3031582)
    afd = make_organisation(
        "Agence française de développement", geonameid=None, kind="national_agency", country_id="FR"
    )
    partnership = make_partnership(lyon, dakar)
    published = make_project(partnership=partnership, lead=lyon)
    draft = make_project(partnership=partnership, lead=lyon, published=False)
    users = {
        "anonymous": None,
        "unrelated_admin": make_member(bordeaux, role="admin"),
        "partner_admin": make_member(dakar, role="admin"),
        "lead_editor": make_member(lyon, role="editor"),
        "lead_admin": make_member(lyon, role="admin"),
        "coordinator": make_user(is_coordinator=True),
    }
    got = {}
    for persona in PARTICIPANT_PERSONAS:
        client.logout()
        if users[persona] is not None:
            client.force_login(users[persona])
        participant = services.participant_add(project=published, organisation=afd, role="1")
        got[persona] = {
            "list_draft": outcome(client.get(reverse("cooperation:participants", args=[draft.pk]))),
            "list": outcome(client.get(reverse("cooperation:participants", args=[published.pk]))),
            "change": outcome(
                client.post(
                    reverse("cooperation:participant_change", args=[published.pk, participant.pk]), {"role": "2"}
                )
            ),
            "remove": outcome(
                client.post(reverse("cooperation:participant_remove", args=[published.pk, participant.pk]))
            ),
            "add": outcome(
                client.post(
                    reverse("cooperation:participants", args=[published.pk]), {"organisation": afd.pk, "role": "4"}
                )
            ),
        }
        ProjectParticipant.objects.all().delete()
    assert got == EXPECTED_PARTICIPANTS


def test_project_without_lead_participants_managed_by_the_parties_editors():
    lyon, dakar = (
        make_organisation("Ville de Lyon", geonameid=2996944),
        make_organisation("Ville de Dakar", geonameid=2253354),
    )
    project = make_project(partnership=make_partnership(lyon, dakar))
    assert make_member(dakar, role="editor").has_perm("cooperation.manage_participants", project) is True
    outsider = make_member(make_organisation("Bordeaux", geonameid=3031582), role="admin")
    assert outsider.has_perm("cooperation.manage_participants", project) is False
