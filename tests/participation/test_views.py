import json

import pytest
from django.urls import reverse

from coopdec.participation import selectors, services
from coopdec.participation.models import Ballot, Comment, Phase, Proposal, Space, Support
from tests import factories

from .factories import OCEAN_POINT, make_participant, make_proposal, make_space, set_phase, twinning

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    paris, dakar, partnership = twinning()
    space = make_space(partnership)
    author = make_participant("SN", display="full")
    shown = make_proposal(space, author, title="Un puits <script>alert(1)</script>")
    hidden = make_proposal(space, author, title="Publicité Qzxhidden")
    services.moderate(item=hidden, user=factories.make_user(is_coordinator=True), hide=True, reason="Publicité")
    return {
        "paris": paris,
        "dakar": dakar,
        "partnership": partnership,
        "space": space,
        "author": author,
        "shown": shown,
    }


def test_space_page_lists_shown_proposals_escaped(client, world):
    response = client.get(world["space"].get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Un puits &lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>alert(1)" not in content
    assert "Qzxhidden" not in content


def test_hidden_proposal_stays_out_of_map_api_and_statistics(client, world):
    space = world["space"]
    for url in (
        reverse("participation:space_geojson", args=[space.pk]),
        reverse("participation:space_statistics", args=[space.pk]),
        f"/api/v1/participation/spaces/{space.pk}/proposals",
        f"/api/v1/participation/spaces/{space.pk}/statistics",
        f"/api/v1/participation/spaces/{space.pk}",
        "/api/v1/participation/spaces",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"Qzxhidden" not in response.content, url
    assert client.get(f"/api/v1/participation/spaces/{space.pk}/statistics").json()["proposals"] == 1
    assert [row["proposals"] for row in client.get("/api/v1/participation/spaces").json()["results"]] == [1]


def test_hidden_proposal_page_is_for_its_author_and_moderators(client, world):
    hidden = Proposal.objects.get(is_hidden=True)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    client.force_login(factories.make_user())
    assert client.get(hidden.get_absolute_url()).status_code == 404
    client.force_login(world["author"].user)
    assert b"Hidden by the moderators: Publicit" in client.get(hidden.get_absolute_url()).content
    client.force_login(factories.make_member(world["dakar"]))
    assert client.get(hidden.get_absolute_url()).status_code == 200


def test_api_names_an_author_only_as_they_chose(client, world):
    anonymous = make_participant("FR", display="anonymous", town="Paris")
    make_proposal(world["space"], anonymous, point=None, title="Sans nom")
    rows = client.get(f"/api/v1/participation/spaces/{world['space'].pk}/proposals").json()["results"]
    assert {row["title"]["fr"]: row["author"] for row in rows} == {
        "Sans nom": None,
        "Un puits <script>alert(1)</script>": "Awa Diop",
    }
    assert "email" not in json.dumps(rows)


def test_propose_outside_the_territories_says_so_and_changes_nothing(client, world):
    participant = make_participant("FR", town="Paris")
    client.force_login(participant.user)
    response = client.post(
        reverse("participation:proposal_add", args=[world["space"].pk]),
        {
            "title": "Une bouée",
            "body": "Au milieu de l'océan.",
            "language": "fr",
            "latitude": OCEAN_POINT[0],
            "longitude": OCEAN_POINT[1],
            "cost": "1000",
        },
    )
    assert response.status_code == 200
    assert "outside the territories of this space" in response.content.decode()
    assert Proposal.objects.count() == 2


def test_propose_without_a_profile_leads_to_sign_up(client, world):
    client.force_login(factories.make_user())
    response = client.get(reverse("participation:proposal_add", args=[world["space"].pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("participation:join"))


def test_support_and_comment_through_the_pages(client, world):
    participant = make_participant("FR", town="Paris")
    client.force_login(participant.user)
    proposal = world["shown"]
    assert client.post(reverse("participation:support", args=[proposal.pk])).status_code == 302
    assert client.post(reverse("participation:support", args=[proposal.pk])).status_code == 302
    assert Support.objects.filter(proposal=proposal).count() == 1
    client.post(reverse("participation:comment", args=[proposal.pk]), {"text": "<img src=x onerror=alert(1)>"})
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "1 support" in page


def test_comment_rate_limit_is_per_account_not_per_shared_address(client, world, settings):
    settings.PARTICIPATION_RATES = {"comment": ("2/hour", "100/hour")}
    proposal = world["shown"]
    url = reverse("participation:comment", args=[proposal.pk])
    for town in ("Paris", "Paris", "Paris"):  # three people behind one town hall's address
        participant = make_participant("FR", town=town)
        client.force_login(participant.user)
        for text in ("Oui", "Bien sûr", "Encore"):
            response = client.post(url, {"text": text}, follow=True, REMOTE_ADDR="10.0.0.1")
        assert "Too many attempts" in response.content.decode()
    assert Comment.objects.count() == 6


def test_proposal_rate_limit_per_address_when_set_strict(client, world, settings):
    settings.PARTICIPATION_RATES = {"proposal": ("5/day", "1/day")}
    participant = make_participant("SN")
    client.force_login(participant.user)
    url = reverse("participation:proposal_add", args=[world["space"].pk])
    data = {"title": "Bancs", "body": "Des bancs.", "language": "fr", "cost": "100"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert "Too many attempts" in response.content.decode()
    assert Proposal.objects.count() == 3


def test_participant_never_edits_the_records(client, world):
    participant = make_participant("FR", town="Paris")
    client.force_login(participant.user)
    partnership = world["partnership"]
    assert client.get(f"/partnerships/{partnership.pk}/edit/").status_code == 403
    assert client.get(f"/organisations/{world['paris'].pk}/edit/").status_code == 403
    assert client.get(reverse("participation:space_edit", args=[world["space"].pk])).status_code == 403
    assert not participant.user.has_perm("cooperation.change_partnership", partnership)
    assert not participant.user.has_perm("participation.manage_space", world["space"])


def test_vote_page_after_the_phase_refuses_with_a_message(client, world):
    participant = make_participant("FR", town="Paris")
    client.force_login(participant.user)
    response = client.post(reverse("participation:vote", args=[world["space"].pk]), {"proposal": [world["shown"].pk]})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The vote is not open in this space: your vote was not counted." in page


def test_signup_page_sends_the_same_answer_for_a_known_address(client, world):
    data = {
        "email": world["author"].user.email,
        "first_name": "Awa",
        "display": "initial",
        "town": "Dakar",
        "country": "SN",
        "kind": "resident",
        "privacy": "on",
    }
    response = client.post(reverse("participation:join"), data)
    assert response.status_code == 200
    assert "Check your mail" in response.content.decode()


def test_account_deletion_signs_out_and_keeps_the_proposal(client, world):
    client.force_login(world["author"].user)
    response = client.post(reverse("participation:account_delete"))
    assert response.status_code == 302
    assert Proposal.objects.filter(author=None).count() == 2
    assert client.get(reverse("participation:account")).status_code == 302  # signed out: sign-in page


def test_space_page_shows_thirty_proposals_a_page(client, world):
    participant = make_participant("SN")
    for number in range(30):
        make_proposal(world["space"], participant, point=None, title=f"Idée {number}")
    first = client.get(world["space"].get_absolute_url()).content.decode()
    second = client.get(world["space"].get_absolute_url() + "?page=2").content.decode()
    assert (first.count('<li class="card">'), second.count('<li class="card">')) == (30, 1)
    assert "Page 1 of 2" in first


def test_sign_up_lists_countries_by_name(client):
    content = client.get(reverse("participation:join")).content.decode()
    assert content.index(">Senegal<") < content.index(">Serbia<") < content.index(">Spain<")


def test_vote_page_changes_and_withdraws_the_vote(client, world):
    space, shown = world["space"], world["shown"]
    second = make_proposal(space, world["author"], cost="5000", title="Des bancs")
    set_phase(space, Phase.REVIEW)
    for proposal in (shown, second):
        for organisation in (world["paris"], world["dakar"]):
            services.proposal_review(
                proposal=proposal, organisation=organisation, user=factories.make_member(organisation), feasible=True
            )
    set_phase(space, Phase.VOTE)
    client.force_login(make_participant("FR", town="Paris").user)
    url = reverse("participation:vote", args=[space.pk])
    client.post(url, {"proposal": [shown.pk]})
    page = client.get(url).content.decode()
    assert f'value="{shown.pk}" id="choice-{shown.pk}" data-cost="20000.00" checked' in page
    assert f'id="choice-{second.pk}" data-cost="5000.00">' in page
    assert "Withdraw my vote" in page
    response = client.post(url, {"proposal": [second.pk]})
    assert "Your vote is changed" in client.get(response["Location"]).content.decode()
    assert selectors.vote_counts(space) == {second.pk: 1}
    response = client.post(url, {"withdraw": "1"})
    assert "Your vote is withdrawn" in client.get(response["Location"]).content.decode()
    assert selectors.vote_counts(space) == {}
    assert Ballot.objects.count() == 0


def test_partnership_and_organisation_pages_link_to_the_spaces_the_reader_may_see(client, world):
    paris = world["paris"]
    draft = factories.make_partnership(paris, factories.make_organisation("Ville de Thiès"), published=False)
    Space.objects.filter(pk=make_space(draft).pk).update(title={"fr": "Espace Qzxdraft"})
    space_url = world["space"].get_absolute_url()
    page = client.get(world["partnership"].get_absolute_url()).content.decode()
    assert f'<a href="{space_url}">Paris–Dakar participatory budget</a> · Proposals' in page
    assert "Open a participation space" not in page
    page = client.get(paris.get_absolute_url()).content.decode()
    assert f'href="{space_url}"' in page
    assert "Qzxdraft" not in page
    client.force_login(factories.make_member(paris))
    page = client.get(paris.get_absolute_url()).content.decode()
    assert "Qzxdraft" in page
    assert reverse("participation:space_add", args=["organisation", paris.pk]) in page


def test_project_page_links_to_the_shown_proposals_it_came_from(client, world):
    project = factories.make_project(partnership=world["partnership"])
    Proposal.objects.update(project=project)  # the shown proposal and the hidden one
    page = client.get(project.get_absolute_url()).content.decode()
    assert f'href="{world["shown"].get_absolute_url()}"' in page
    assert "Qzxhidden" not in page
    assert f'href="{world["space"].get_absolute_url()}"' in page
