"""The partner search is reachable: from the menu, the lists and the organisation page; an empty list
says why and where to publish."""

import pytest
from django.urls import reverse

from coopdec.matching import services
from tests.factories import make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def lyon():
    return make_organisation("Ville de Lyon", geonameid=2996944)


def test_offer_list_without_filter_and_without_offers_invites_to_publish(client, lyon):
    body = client.get(reverse("matching:offers")).content.decode()
    assert "No offer is published yet; publish yours." in body
    assert "Nothing matches these filters." not in body
    assert "Sign in to publish an offer or a request for your local government." in body
    requests = client.get(reverse("matching:requests")).content.decode()
    assert "No request is published yet; publish yours." in requests


def test_offer_list_with_a_filter_and_no_match_says_so(client, lyon):
    body = client.get(reverse("matching:offers"), {"country": "SN"}).content.decode()
    assert "Nothing matches these filters." in body
    assert "No offer is published yet" not in body


def test_offer_list_links_an_editor_to_their_organisation_page(client, lyon):
    client.force_login(make_member(lyon))
    body = client.get(reverse("matching:offers")).content.decode()
    assert f'href="{reverse("matching:organisation", args=[lyon.pk])}"' in body
    assert "Publish an offer or a request for Ville de Lyon" in body


def test_offer_list_tells_a_user_of_no_organisation_how_to_publish(client, lyon):
    services.offer_save(user=make_member(lyon), organisation=lyon, title={"fr": "Accueil"}, kinds=["hosting"])
    client.force_login(make_user())
    body = client.get(reverse("matching:offers")).content.decode()
    assert "become an editor of your local government" in body
    assert reverse("matching:organisation", args=[lyon.pk]) not in body


def test_organisation_page_links_its_editors_to_the_partner_search(client, lyon):
    url = reverse("matching:organisation", args=[lyon.pk])
    assert url not in client.get(lyon.get_absolute_url()).content.decode()
    client.force_login(make_member(lyon))
    assert f'href="{url}"' in client.get(lyon.get_absolute_url()).content.decode()


def test_menu_links_the_partner_search(client):
    body = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("matching:offers")}"' in body
