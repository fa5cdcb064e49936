"""A proposal to an organisation with no editor: sent to the coordinators of its country, or kept
until someone joins it; the sender is told which."""

import pytest
from django.core import mail
from django.urls import reverse

from coopdec.actors import services as actor_services
from coopdec.actors.models import CountryCoordinator
from coopdec.matching import services
from coopdec.matching.models import Notification, Proposal, ProposalDelivery
from tests.factories import make_member, make_organisation, make_user
from tests.matching.test_views import MESSAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def lyon():
    return make_organisation("Ville de Lyon", geonameid=2996944)


@pytest.fixture
def dakar(lyon):  # a Senegalese partner of no editor, after Lyon (the sender)
    return make_organisation("Ville de Dakar", geonameid=2253354)


def _send(client, lyon, dakar):
    client.force_login(make_member(lyon))
    return client.post(
        reverse("matching:proposal_create", args=[dakar.pk]), {"sender": lyon.pk, "message": MESSAGE}, follow=True
    )


def test_proposal_to_editors_says_sent_to_its_editors(client, lyon, dakar):
    editor = make_member(dakar)
    page = _send(client, lyon, dakar).content.decode()
    assert "Your proposal was sent to the editors of Ville de Dakar." in page
    assert Proposal.objects.get().delivery == ProposalDelivery.EDITORS
    assert list(Notification.objects.values_list("user", flat=True)) == [editor.pk]


def test_proposal_to_no_editor_goes_to_the_country_coordinators(
    client, lyon, dakar, django_capture_on_commit_callbacks
):
    coordinator = make_user("coord-sn")
    CountryCoordinator.objects.create(user=coordinator, country_id="SN")
    CountryCoordinator.objects.create(user=make_user("coord-fr"), country_id="FR")
    with django_capture_on_commit_callbacks(execute=True):
        page = _send(client, lyon, dakar).content.decode()
    proposal = Proposal.objects.get()
    assert proposal.delivery == ProposalDelivery.COORDINATORS
    assert "Ville de Dakar has no editor on coopdec yet: your proposal was sent to the coordinators of Senegal" in page
    assert list(Notification.objects.values_list("user", flat=True)) == [coordinator.pk]
    assert [message.to for message in mail.outbox] == [["coord-sn@example.org"]]
    assert "as a coordinator of its country" in mail.outbox[0].body
    client.force_login(coordinator)
    assert client.get(reverse("matching:proposal_detail", args=[proposal.pk])).status_code == 200


def test_proposal_to_no_editor_and_no_coordinator_is_kept_and_says_so(client, lyon, dakar):
    page = _send(client, lyon, dakar).content.decode()
    assert Proposal.objects.get().delivery == ProposalDelivery.HELD
    assert "nobody has read your proposal yet. It is kept and will reach the first person who joins" in page
    assert Notification.objects.count() == 0


def test_proposal_kept_reaches_the_editor_of_an_approved_access_request(
    lyon, dakar, django_capture_on_commit_callbacks
):
    proposal = services.proposal_send(user=make_member(lyon), sender=lyon, recipient=dakar, message=MESSAGE)
    assert proposal.delivery == ProposalDelivery.HELD
    access_request = actor_services.access_request_create(
        organisation=dakar, name="Awa Ndiaye", email="awa@dakar.sn", function="Maire adjointe"
    )
    actor_services.access_request_confirm(access_request=access_request)
    with django_capture_on_commit_callbacks(execute=True):
        membership = actor_services.access_request_approve(
            access_request=access_request, user=make_user(is_coordinator=True)
        )
    proposal.refresh_from_db()
    assert proposal.delivery == ProposalDelivery.EDITORS
    assert list(Notification.objects.values_list("user", "proposal")) == [(membership.user_id, proposal.pk)]
    assert sorted(message.subject for message in mail.outbox if message.to == ["awa@dakar.sn"]) == [
        "Partnership proposal from Ville de Lyon",
        "You can now edit the records of Ville de Dakar",
    ]
