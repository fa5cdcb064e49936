"""Pages: lists, forms, the editors' page, the proposal flow over HTTP, permissions."""

import pytest
from django.urls import reverse

from coopdec.matching import services
from coopdec.matching.models import Offer, PartnerRequest, Proposal, ProposalStatus
from tests.factories import make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db

MESSAGE = "Bonjour, nous cherchons un partenaire pour la gestion des déchets."
RLO = "\u202e"


@pytest.fixture
def lyon():
    return make_organisation("Ville de Lyon", geonameid=2996944)


@pytest.fixture
def dakar():
    return make_organisation("Ville de Dakar", geonameid=2253354)


def test_offer_list_is_public_and_filters(client, lyon, dakar):
    services.offer_save(user=make_member(dakar), organisation=dakar, title={"fr": "Compostage"}, kinds=["expertise"])
    services.offer_save(user=make_member(lyon), organisation=lyon, title={"fr": "Accueil"}, kinds=["hosting"])
    page = client.get(reverse("matching:offers"), {"country": "SN"})
    assert page.status_code == 200
    assert "Compostage" in page.content.decode()
    assert "Accueil" not in page.content.decode()
    assert client.get(reverse("matching:requests")).status_code == 200


def test_offer_create_by_editor(client, lyon):
    client.force_login(make_member(lyon))
    url = reverse("matching:offer_create", args=[lyon.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title_fr": "Gestion de l'eau", "kinds": ["expertise", "staff_exchange"]})
    offer = Offer.objects.get()
    assert response.status_code == 302
    assert offer.title == {"fr": "Gestion de l'eau"}
    assert offer.kinds == ["expertise", "staff_exchange"]


def test_offer_title_takes_as_many_characters_as_the_model(client, lyon):
    """The form's limit is the model's (500 per language), not a narrower one of its own."""
    client.force_login(make_member(lyon))
    url = reverse("matching:offer_create", args=[lyon.pk])
    assert client.post(url, {"title_fr": "é" * 500, "kinds": ["expertise"]}).status_code == 302
    assert Offer.objects.get().title == {"fr": "é" * 500}
    response = client.post(url, {"title_fr": "é" * 501, "kinds": ["expertise"]})
    assert response.status_code == 200
    assert Offer.objects.count() == 1


def test_offer_create_by_stranger_is_forbidden(client, lyon):
    client.force_login(make_user())
    assert client.get(reverse("matching:offer_create", args=[lyon.pk])).status_code == 403
    assert (
        client.post(
            reverse("matching:offer_create", args=[lyon.pk]),
            {"title_fr": "x", "kinds": ["expertise"]},
        ).status_code
        == 403
    )
    assert not Offer.objects.exists()


def test_expired_offer_page_is_hidden_from_the_public(client, lyon):
    from datetime import date

    offer = services.offer_save(
        user=make_member(lyon),
        organisation=lyon,
        title={"fr": "Ancienne"},
        kinds=["expertise"],
        valid_from=date(2020, 1, 1),
        valid_until=date(2020, 12, 31),
    )
    assert client.get(reverse("matching:offer_detail", args=[offer.pk])).status_code == 404
    client.force_login(lyon.memberships.first().user)
    assert client.get(reverse("matching:offer_detail", args=[offer.pk])).status_code == 200


def test_editors_page_shows_recommendations(client, lyon, dakar):
    client.force_login(make_member(lyon))
    page = client.get(reverse("matching:organisation", args=[lyon.pk]))
    assert page.status_code == 200
    assert "Ville de Dakar" in page.content.decode()  # same-language, drawn from the country lists


def test_editors_page_is_for_editors_only(client, lyon):
    assert client.get(reverse("matching:organisation", args=[lyon.pk])).status_code == 302  # sign in first
    client.force_login(make_user())
    assert client.get(reverse("matching:organisation", args=[lyon.pk])).status_code == 403


def test_edit_forms_show_what_the_listing_holds(client, lyon):
    editor = make_member(lyon)
    offer = services.offer_save(
        user=editor, organisation=lyon, title={"fr": "Compostage"}, kinds=["hosting"], axes=["water-sanitation"]
    )
    request = services.request_save(
        user=editor,
        organisation=lyon,
        title={"fr": "Un partenaire au Sénégal"},
        countries=["SN"],
        population_min=20_000,
        languages=["fr"],
    )
    client.force_login(editor)
    form = client.get(reverse("matching:offer_update", args=[offer.pk])).context["form"]
    assert form["title"].value() == {"fr": "Compostage"}
    assert form["kinds"].value() == ["hosting"]
    assert form["axes"].value() == ["water-sanitation"]
    form = client.get(reverse("matching:request_update", args=[request.pk])).context["form"]
    assert form["countries"].value() == ["SN"]
    assert form["population_min"].value() == 20_000
    assert form["languages"].value() == ["fr"]


def test_request_recommendations_page(client, lyon, dakar):
    editor = make_member(lyon)
    request = services.request_save(
        user=editor, organisation=lyon, title={"fr": "Un partenaire au Sénégal"}, countries=["SN"]
    )
    client.force_login(editor)
    page = client.get(reverse("matching:request_recommendations", args=[request.pk]))
    assert page.status_code == 200
    assert "Ville de Dakar" in page.content.decode()


def test_proposal_flow_over_http(client, lyon, dakar):
    sender = make_member(lyon)
    recipient = make_member(dakar)
    client.force_login(sender)
    response = client.post(
        reverse("matching:proposal_create", args=[dakar.pk]),
        {"sender": lyon.pk, "message": MESSAGE},
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    # The sender cannot answer their own proposal.
    assert (
        client.post(reverse("matching:proposal_detail", args=[proposal.pk]), {"decision": "accept"}).status_code == 403
    )
    client.force_login(recipient)
    assert "1" in client.get(reverse("matching:notifications")).content.decode()
    response = client.post(
        reverse("matching:proposal_detail", args=[proposal.pk]),
        {"decision": "accept", "answer": ""},
    )
    proposal.refresh_from_db()
    assert response.status_code == 302
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.partnership is not None


def test_second_proposal_shows_a_clear_message(client, lyon, dakar):
    client.force_login(make_member(lyon))
    url = reverse("matching:proposal_create", args=[dakar.pk])
    client.post(url, {"sender": lyon.pk, "message": MESSAGE})
    page = client.post(url, {"sender": lyon.pk, "message": MESSAGE})
    assert page.status_code == 200
    assert "already awaiting an answer" in page.content.decode()
    assert Proposal.objects.count() == 1


def test_proposal_page_needs_an_organisation_to_send_from(client, dakar):
    client.force_login(make_user())
    assert client.get(reverse("matching:proposal_create", args=[dakar.pk])).status_code == 403


def test_proposal_is_private_to_both_sides(client, lyon, dakar):
    proposal = services.proposal_send(user=make_member(lyon), sender=lyon, recipient=dakar, message=MESSAGE)
    client.force_login(make_user())
    assert client.get(reverse("matching:proposal_detail", args=[proposal.pk])).status_code == 404


def test_map_points_of_current_offers(client, dakar):
    services.offer_save(user=make_member(dakar), organisation=dakar, title={"fr": "Compostage"}, kinds=["expertise"])
    body = client.get(reverse("matching:offer_points")).json()
    assert [point["organisation"] for point in body["results"]] == ["Ville de Dakar"]
    assert body["results"][0]["latitude"] == dakar.latitude
    assert client.get(reverse("matching:request_points")).json() == {"results": []}


def test_nav_shows_unread_count(client, lyon, dakar):
    services.proposal_send(user=make_member(lyon), sender=lyon, recipient=dakar, message=MESSAGE)
    client.force_login(dakar.memberships.first().user if dakar.memberships.exists() else make_member(dakar))
    page = client.get(reverse("matching:offers")).content.decode()
    assert reverse("matching:notifications") in page


def test_atlas_page_carries_the_offers_and_requests_layer(client):
    page = client.get("/atlas/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="matching-layer"' in body
    assert "matching/atlas-layer.js" in body


def test_map_points_follow_the_filters(client, lyon, dakar):
    services.offer_save(user=make_member(dakar), organisation=dakar, title={"fr": "Compostage"}, kinds=["expertise"])
    services.offer_save(user=make_member(lyon), organisation=lyon, title={"fr": "Accueil"}, kinds=["hosting"])
    body = client.get(reverse("matching:offer_points"), {"country": "FR"}).json()
    assert [point["title"] for point in body["results"]] == ["Accueil"]


def test_listing_and_proposal_forms_show_the_refusal_of_a_bad_text(client, lyon, dakar):
    client.force_login(make_member(lyon))
    offer = client.post(
        reverse("matching:offer_create", args=[lyon.pk]),
        {"title_fr": f"Gestion {RLO}uae'l ed", "kinds": ["expertise"]},
    )
    assert offer.status_code == 200
    one_line = "Write this on one line, without line breaks, control or text-direction characters."
    assert one_line in offer.content.decode()
    request = client.post(
        reverse("matching:request_create", args=[lyon.pk]),
        {"title_fr": "Partenaire", "description_fr": "x" * 20_001},
    )
    assert request.status_code == 200
    assert "The text in “fr” has 20001 characters; at most 20000 are accepted." in request.content.decode()
    proposal = client.post(
        reverse("matching:proposal_create", args=[dakar.pk]), {"sender": lyon.pk, "message": f"{MESSAGE}\u2066"}
    )
    assert proposal.status_code == 200
    assert "Remove the control or text-direction characters from this text." in proposal.content.decode()
    assert (Offer.objects.count(), PartnerRequest.objects.count(), Proposal.objects.count()) == (0, 0, 0)
