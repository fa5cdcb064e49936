"""What a country coordinator (actors.CountryCoordinator) may do with the records of their country,
and their view of the "records to check" dashboard."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coopdec.actors.models import CountryCoordinator, Organisation
from coopdec.common.models import PublicationStatus
from coopdec.cooperation.models import Partnership
from tests.factories import make_organisation, make_partnership, make_project, make_user

pytestmark = pytest.mark.django_db


def _coordinator_of(*countries):
    user = make_user()
    for country in countries:
        CountryCoordinator.objects.create(user=user, country_id=country)
    return user


@pytest.fixture
def world():
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    return {
        "lyon": lyon,
        "dakar": dakar,
        "draft_sn": make_organisation("Commune de Thiès", geonameid=2253354, published=False),
        "draft_fr": make_organisation("Commune brouillon", geonameid=2996944, published=False),
        "partnership": make_partnership(lyon, dakar, published=False),
        "project_fr": make_project(lead=lyon, published=False),
    }


def test_country_coordinator_reviews_organisations_of_their_country_only(world):
    senegal = _coordinator_of("SN")
    for permission in ("view", "change", "confirm", "publish"):
        assert senegal.has_perm(f"actors.{permission}_organisation", world["draft_sn"]), permission
        assert not senegal.has_perm(f"actors.{permission}_organisation", world["draft_fr"]), permission
    assert senegal.has_perm("actors.view_organisation_history", world["draft_sn"])
    assert not senegal.has_perm("actors.delete_organisation", world["draft_sn"])
    assert not senegal.has_perm("actors.manage_members", world["draft_sn"])


def test_country_coordinator_reviews_partnerships_and_projects_with_a_party_of_their_country(world):
    senegal, france, germany = _coordinator_of("SN"), _coordinator_of("FR"), _coordinator_of("DE")
    partnership, project = world["partnership"], world["project_fr"]
    for permission in ("view", "change", "confirm", "publish"):
        assert senegal.has_perm(f"cooperation.{permission}_partnership", partnership), permission
        assert not germany.has_perm(f"cooperation.{permission}_partnership", partnership), permission
        assert france.has_perm(f"cooperation.{permission}_project", project), permission
        assert not senegal.has_perm(f"cooperation.{permission}_project", project), permission
    assert not senegal.has_perm("cooperation.delete_partnership", partnership)
    assert not senegal.has_perm("cooperation.manage_parties", partnership)
    assert not france.has_perm("cooperation.delete_project", project)


def test_country_coordinator_opens_and_publishes_a_draft_of_their_country(client, world):
    draft = world["draft_sn"]
    client.force_login(_coordinator_of("DE"))
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(_coordinator_of("SN"))
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert client.get(world["partnership"].get_absolute_url()).status_code == 200
    client.post(reverse("actors:organisation_publish", args=[draft.pk]))
    client.post(reverse("cooperation:partnership_publish", args=[world["partnership"].pk]))
    assert Organisation.objects.get(pk=draft.pk).publication_status == PublicationStatus.PUBLISHED
    assert Partnership.objects.get(pk=world["partnership"].pk).publication_status == PublicationStatus.PUBLISHED
    assert client.get(world["project_fr"].get_absolute_url()).status_code == 404


def _age(*records):
    old = timezone.now() - datetime.timedelta(days=400)
    for record in records:
        type(record).objects.filter(pk=record.pk).update(updated_at=old)


def test_coordinator_dashboard_shows_a_country_coordinator_their_countries_only(client, world):
    _age(world["lyon"], world["dakar"])
    url = reverse("actors:coordinator_dashboard")
    client.force_login(make_user())
    assert client.get(url).status_code == 403
    client.force_login(_coordinator_of("SN"))
    for query in ("", "?country=FR", "?country=SN"):
        response = client.get(url + query)
        assert response.status_code == 200
        assert [o.name for o in response.context["organisations"]] == ["Ville de Dakar"], query
    assert [c.code for c in response.context["countries"]] == ["SN"]
    assert f'href="{reverse("cooperation:review_queue")}?country=SN"' in response.content.decode()


def test_coordinator_dashboard_filters_by_country_for_a_platform_coordinator(client, world):
    _age(world["lyon"], world["dakar"])
    url = reverse("actors:coordinator_dashboard")
    client.force_login(make_user(is_coordinator=True))
    everywhere = client.get(url)
    assert {o.name for o in everywhere.context["organisations"]} == {"Ville de Lyon", "Ville de Dakar"}
    assert f'href="{reverse("cooperation:review_queue")}"' in everywhere.content.decode()
    in_france = client.get(url, {"country": "FR"}).context
    assert [o.name for o in in_france["organisations"]] == ["Ville de Lyon"]
    assert in_france["country"] == "FR"


def test_organisation_page_offers_a_coordinator_only_the_actions_it_may_take(client, world):
    """A coordinator edits the record of an organisation of their country, but neither invites its
    members, nor creates its partnerships and projects, nor reads its partner recommendations: the page
    offers no link that would answer 403. Its editor is offered every one."""
    from tests.factories import make_member

    lyon = world["lyon"]
    actions = [
        reverse("actors:organisation_update", args=[lyon.pk]),
        reverse("actors:members", args=[lyon.pk]),
        f"{reverse('cooperation:partnership_create')}?party={lyon.pk}",
        f"{reverse('cooperation:project_create')}?lead={lyon.pk}",
        reverse("matching:organisation", args=[lyon.pk]),
    ]
    client.force_login(_coordinator_of("FR"))
    page = client.get(lyon.get_absolute_url()).content.decode()
    offered = [url for url in actions if f'href="{url}"' in page]
    assert offered == actions[:1]
    assert [client.get(url).status_code for url in actions] == [200, 403, 403, 403, 403]
    client.force_login(make_member(lyon))
    page = client.get(lyon.get_absolute_url()).content.decode()
    assert [url for url in actions if f'href="{url}"' in page] == actions


def test_partnership_page_offers_a_coordinator_no_new_project(client, world):
    from tests.factories import make_member

    partnership = world["partnership"]
    new_project = f'href="{reverse("cooperation:project_create")}?partnership={partnership.pk}"'
    client.force_login(_coordinator_of("SN"))
    page = client.get(partnership.get_absolute_url()).content.decode()
    assert reverse("cooperation:partnership_update", args=[partnership.pk]) in page  # it edits the record
    assert new_project not in page
    client.force_login(make_member(world["lyon"]))
    assert new_project in client.get(partnership.get_absolute_url()).content.decode()
