"""The coordinators' review queue of drafts (per country) and imported records counted as unconfirmed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coopdec.actors.models import CountryCoordinator, Organisation
from coopdec.actors.selectors import is_stale, stale_filter
from coopdec.common.models import Source
from coopdec.cooperation import selectors
from tests.factories import (
    make_member,
    make_organisation,
    make_partnership,
    make_project,
    make_user,
)

pytestmark = pytest.mark.django_db

URL = "/coordination/review/"


@pytest.fixture
def drafts():
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    draft_fr = make_organisation("Commune brouillon", geonameid=2996944, published=False)
    draft_sn = make_organisation("Commune de Thiès", geonameid=2253354, published=False)
    partnership = make_partnership(lyon, dakar, published=False, title={"fr": "Lyon – Dakar (brouillon)"})
    project_fr = make_project(lead=lyon, published=False, title={"fr": "Jardins partagés"})
    return {
        "lyon": lyon,
        "dakar": dakar,
        "draft_fr": draft_fr,
        "draft_sn": draft_sn,
        "partnership": partnership,
        "project_fr": project_fr,
    }


def test_review_queue_url_is_the_coordination_review_page():
    assert reverse("cooperation:review_queue") == URL


def test_review_queue_lists_every_draft_newest_first_for_a_platform_coordinator(client, drafts):
    client.force_login(make_user(is_coordinator=True))
    response = client.get(URL)
    assert response.status_code == 200
    assert [o.name for o in response.context["organisations"]] == ["Commune de Thiès", "Commune brouillon"]
    assert response.context["partnerships"] == [drafts["partnership"]]
    assert response.context["projects"] == [drafts["project_fr"]]


def test_review_queue_filters_by_country_for_a_platform_coordinator(client, drafts):
    client.force_login(make_user(is_coordinator=True))
    response = client.get(URL, {"country": "sn"})
    assert [o.name for o in response.context["organisations"]] == ["Commune de Thiès"]
    # The partnership has a Senegalese party; the project's lead is French.
    assert response.context["partnerships"] == [drafts["partnership"]]
    assert response.context["projects"] == []


def test_review_queue_shows_a_country_coordinator_their_countries_only(client, drafts):
    french = make_user()
    CountryCoordinator.objects.create(user=french, country_id="FR")
    client.force_login(french)
    response = client.get(URL)
    assert [o.name for o in response.context["organisations"]] == ["Commune brouillon"]
    assert response.context["projects"] == [drafts["project_fr"]]
    # Another country in the query string is ignored: the queue stays on theirs.
    assert [o.name for o in client.get(URL, {"country": "SN"}).context["organisations"]] == ["Commune brouillon"]


def test_review_queue_is_refused_to_editors(client, drafts):
    client.force_login(make_member(drafts["lyon"]))
    assert client.get(URL).status_code == 403


def test_review_queue_sends_anonymous_visitors_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_review_queue_of_a_country_with_no_draft_says_so(drafts):
    assert selectors.review_queue(countries={"DE"}) == {
        "organisations": [],
        "organisation_count": 0,
        "partnerships": [],
        "partnership_count": 0,
        "projects": [],
        "project_count": 0,
    }


def test_imported_record_is_unconfirmed_until_someone_confirms_it(drafts):
    imported = drafts["dakar"]
    Organisation.objects.filter(pk=imported.pk).update(source=Source.TWINNINGS, confirmed_at=None)
    imported.refresh_from_db()
    assert is_stale(imported) is True
    assert list(Organisation.objects.filter(stale_filter()).values_list("name", flat=True)) == ["Ville de Dakar"]
    Organisation.objects.filter(pk=imported.pk).update(confirmed_at=timezone.now())
    imported.refresh_from_db()
    assert is_stale(imported) is False
    assert Organisation.objects.filter(stale_filter()).count() == 0


def test_record_entered_by_hand_counts_as_checked_when_recently_changed(drafts):
    assert drafts["lyon"].source == Source.MANUAL
    assert is_stale(drafts["lyon"]) is False
    old = timezone.now() - datetime.timedelta(days=400)
    Organisation.objects.filter(pk=drafts["lyon"].pk).update(updated_at=old)
    drafts["lyon"].refresh_from_db()
    assert is_stale(drafts["lyon"]) is True
