"""Offers, requests and the proposal flow, through the services."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coopdec.actors.models import MembershipRole
from coopdec.cooperation.models import PartnershipStatus
from coopdec.matching import selectors, services
from coopdec.matching.models import (
    Notification,
    NotificationKind,
    Offer,
    PartnerRequest,
    Proposal,
    ProposalStatus,
)
from tests.factories import make_member, make_organisation, make_partnership, make_user

pytestmark = pytest.mark.django_db

MESSAGE = "Bonjour, nous cherchons un partenaire pour la gestion des déchets."
ONE_LINE = "Write this on one line, without line breaks, control or text-direction characters."
NO_CONTROLS = "Remove the control or text-direction characters from this text."
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: shows the text after it reversed


@pytest.fixture
def lyon():
    return make_organisation("Ville de Lyon", geonameid=2996944)


@pytest.fixture
def dakar():
    return make_organisation("Ville de Dakar", geonameid=2253354)


def _offer(user, organisation, **fields):
    defaults = {
        "title": {"fr": "Gestion des déchets"},
        "kinds": ["expertise"],
        "axes": [],
        "sectors": ["14050"],
    }
    defaults.update(fields)
    return services.offer_save(user=user, organisation=organisation, **defaults)


def test_offer_save_by_editor_is_listed(lyon):
    offer = _offer(make_member(lyon), lyon)
    assert list(selectors.current_offers()) == [offer]
    assert offer.sectors == ["14050"]


def test_offer_save_by_stranger_is_refused(lyon):
    with pytest.raises(PermissionDenied):
        _offer(make_user(), lyon)


def test_offer_needs_a_kind_and_known_sectors(lyon):
    editor = make_member(lyon)
    with pytest.raises(ValidationError) as error:
        _offer(editor, lyon, kinds=[])
    assert "kinds" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _offer(editor, lyon, sectors=["99999"])
    assert error.value.message_dict["sectors"] == ["Not a DAC 5-digit sector code: 99999; pick from the list."]


def test_expired_and_future_offers_are_hidden(lyon):
    editor = make_member(lyon)
    today = timezone.localdate()
    _offer(editor, lyon, valid_from=today - timedelta(days=30), valid_until=today - timedelta(days=1))
    _offer(editor, lyon, valid_from=today + timedelta(days=1))
    current = _offer(editor, lyon, valid_until=today)
    assert list(selectors.current_offers()) == [current]
    assert selectors.offers_of(lyon).count() == 3


def test_offers_of_draft_organisations_are_hidden():
    draft = make_organisation("Brouillon", geonameid=3031582, published=False)
    _offer(make_member(draft), draft)
    assert list(selectors.current_offers()) == []


def test_validity_end_before_start_is_refused(lyon):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        _offer(make_member(lyon), lyon, valid_from=today, valid_until=today - timedelta(days=1))
    assert "valid_until" in error.value.message_dict


def test_request_save_checks_countries_and_population(lyon):
    editor = make_member(lyon)
    request = services.request_save(
        user=editor,
        organisation=lyon,
        title={"en": "A partner in Senegal"},
        countries=["sn"],
        population_min=10_000,
        population_max=500_000,
        languages=["fr"],
    )
    assert request.countries == ["SN"]
    assert list(selectors.current_requests()) == [request]
    with pytest.raises(ValidationError):
        services.request_save(user=editor, organisation=lyon, title={"en": "x"}, countries=["ZZ"])
    with pytest.raises(ValidationError):
        services.request_save(user=editor, organisation=lyon, title={"en": "x"}, population_min=10, population_max=5)


def test_filter_listings_by_country_and_axis(lyon, dakar):
    _offer(
        make_member(lyon),
        lyon,
        axes=["water-sanitation"] if _axis_exists("water-sanitation") else [],
    )
    dakar_offer = _offer(make_member(dakar), dakar)
    assert list(selectors.filter_listings(selectors.current_offers(), {"country": "SN"})) == [dakar_offer]
    assert list(selectors.filter_listings(selectors.current_offers(), {"q": "dakar"})) == [dakar_offer]


def _axis_exists(code):
    from coopdec.vocabularies.models import Axis

    return Axis.objects.filter(code=code).exists()


# -- proposals --------------------------------------------------------------------------------------


def test_proposal_notifies_recipient_editors_by_mail_and_in_app(lyon, dakar, django_capture_on_commit_callbacks):
    sender = make_member(lyon)
    recipient_editor = make_member(dakar)
    make_member(dakar, role=MembershipRole.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.proposal_send(user=sender, sender=lyon, recipient=dakar, message=MESSAGE)
    assert proposal.status == ProposalStatus.OPEN
    assert Notification.objects.filter(proposal=proposal, kind=NotificationKind.PROPOSAL_RECEIVED).count() == 2
    assert selectors.unread_count(recipient_editor) == 1
    assert len(mail.outbox) == 2
    assert MESSAGE in mail.outbox[0].body


def test_accepting_creates_a_partnership_in_preparation(lyon, dakar):
    proposal = services.proposal_send(user=make_member(lyon), sender=lyon, recipient=dakar, message=MESSAGE)
    proposal = services.proposal_answer(user=make_member(dakar), proposal=proposal, accept=True, answer="Avec plaisir")
    partnership = proposal.partnership
    assert proposal.status == ProposalStatus.ACCEPTED
    assert partnership.status == PartnershipStatus.PREPARATION
    assert not partnership.is_published
    assert set(partnership.parties.values_list("pk", flat=True)) == {lyon.pk, dakar.pk}
    assert selectors.partner_ids(lyon) == {dakar.pk}
    assert Notification.objects.filter(kind=NotificationKind.PROPOSAL_ACCEPTED).count() == 1


def test_accepting_a_proposal_sent_before_texts_were_validated(lyon, dakar):
    """A message stored before control and text-direction characters were refused still makes a
    partnership: its description is the message without them."""
    proposal = services.proposal_send(user=make_member(lyon), sender=lyon, recipient=dakar, message=MESSAGE)
    Proposal.objects.filter(pk=proposal.pk).update(message=f"{RLO}{MESSAGE}\x07")
    proposal = services.proposal_answer(user=make_member(dakar), proposal=proposal, accept=True)
    assert proposal.status == ProposalStatus.ACCEPTED
    assert list(proposal.partnership.description.values()) == [MESSAGE]


def test_declining_creates_nothing_and_tells_the_sender(lyon, dakar):
    sender = make_member(lyon)
    proposal = services.proposal_send(user=sender, sender=lyon, recipient=dakar, message=MESSAGE)
    proposal = services.proposal_answer(user=make_member(dakar), proposal=proposal, accept=False)
    assert proposal.status == ProposalStatus.DECLINED
    assert proposal.partnership is None
    assert selectors.partner_ids(lyon) == set()
    assert list(selectors.notifications_of(sender).values_list("kind", flat=True)) == [
        NotificationKind.PROPOSAL_DECLINED
    ]


def test_only_editors_send_and_only_recipient_editors_answer(lyon, dakar):
    with pytest.raises(PermissionDenied):
        services.proposal_send(user=make_user(), sender=lyon, recipient=dakar, message=MESSAGE)
    sender = make_member(lyon)
    proposal = services.proposal_send(user=sender, sender=lyon, recipient=dakar, message=MESSAGE)
    with pytest.raises(PermissionDenied):
        services.proposal_answer(user=sender, proposal=proposal, accept=True)
    with pytest.raises(PermissionDenied):
        services.proposal_answer(user=make_user(), proposal=proposal, accept=True)


def test_answering_twice_is_refused(lyon, dakar):
    proposal = services.proposal_send(user=make_member(lyon), sender=lyon, recipient=dakar, message=MESSAGE)
    editor = make_member(dakar)
    services.proposal_answer(user=editor, proposal=proposal, accept=False)
    with pytest.raises(ValidationError):
        services.proposal_answer(user=editor, proposal=proposal, accept=True)


def test_one_open_proposal_per_pair_in_either_direction(lyon, dakar):
    services.proposal_send(user=make_member(lyon), sender=lyon, recipient=dakar, message=MESSAGE)
    with pytest.raises(ValidationError) as error:
        services.proposal_send(user=make_member(dakar), sender=dakar, recipient=lyon, message=MESSAGE)
    assert "already awaiting an answer" in error.value.messages[0]


def test_proposal_to_an_existing_partner_is_refused(lyon, dakar):
    make_partnership(lyon, dakar)
    with pytest.raises(ValidationError) as error:
        services.proposal_send(user=make_member(lyon), sender=lyon, recipient=dakar, message=MESSAGE)
    assert error.value.messages == ["Ville de Lyon and Ville de Dakar are already partners."]


def test_short_message_is_refused(lyon, dakar):
    with pytest.raises(ValidationError) as error:
        services.proposal_send(user=make_member(lyon), sender=lyon, recipient=dakar, message="Hi")
    assert "message" in error.value.message_dict


def test_rate_limit_per_user_per_day(lyon, settings, monkeypatch):
    monkeypatch.setattr(services, "PROPOSALS_PER_USER_PER_DAY", 2)
    sender = make_member(lyon)
    targets = [
        make_organisation(name, geonameid=geonameid)
        for name, geonameid in (("Dakar", 2253354), ("Bordeaux", 3031582), ("Ouagadougou", 2357048))
    ]
    for target in targets[:2]:
        services.proposal_send(user=sender, sender=lyon, recipient=target, message=MESSAGE)
    with pytest.raises(ValidationError) as error:
        services.proposal_send(user=sender, sender=lyon, recipient=targets[2], message=MESSAGE)
    assert "try again tomorrow" in error.value.messages[0]
    assert selectors.proposals_for(sender)[1].count() == 2


def test_mark_read(lyon, dakar):
    editor = make_member(dakar)
    services.proposal_send(user=make_member(lyon), sender=lyon, recipient=dakar, message=MESSAGE)
    late_editor = make_member(dakar)
    assert selectors.unread_count(late_editor) == 0  # joined after the proposal: not notified
    assert selectors.unread_count(editor) == 1
    assert services.notifications_mark_read(user=editor) == 1
    assert selectors.unread_count(editor) == 0


def test_country_languages_main_and_multilingual_states():
    languages = selectors.country_languages()
    assert languages["FR"] == frozenset({"fr"})
    assert languages["IT"] == frozenset({"it"})
    assert languages["SN"] == frozenset({"fr"})
    assert {"de", "fr", "it"} <= languages["CH"]


def test_filter_listings_by_sector_and_kind(lyon, dakar):
    waste = _offer(make_member(dakar), dakar, sectors=["14050"], kinds=["co_funding"])
    _offer(make_member(lyon), lyon, sectors=["14030"], kinds=["expertise"])
    offers = selectors.current_offers()
    assert list(selectors.filter_listings(offers, {"sector": "14050"})) == [waste]
    assert list(selectors.filter_listings(offers, {"kind": "co_funding"})) == [waste]
    assert list(selectors.filter_listings(offers, {"continent": "AF"})) == [waste]


@pytest.mark.parametrize("title", ["Gestion\ndes déchets", "Gestion\r des déchets", f"Gestion {RLO}sehcéd", "Eau\x00"])
def test_offer_title_is_one_line_without_control_or_text_direction_characters(lyon, title):
    with pytest.raises(ValidationError) as refused:
        _offer(make_member(lyon), lyon, title={"fr": "Gestion des déchets", "en": title})
    assert refused.value.message_dict == {"title": [ONE_LINE]}
    assert not Offer.objects.exists()


def test_offer_update_with_a_bad_text_changes_nothing(lyon):
    editor = make_member(lyon)
    offer = _offer(editor, lyon, description={"fr": "Deux lignes.\r\nLa seconde,\tavec une tabulation."})
    with pytest.raises(ValidationError) as refused:
        _offer(editor, lyon, offer=offer, description={"fr": f"Texte {RLO}inversé"})
    assert refused.value.message_dict == {"description": [NO_CONTROLS]}
    offer.refresh_from_db()
    assert offer.description == {"fr": "Deux lignes.\r\nLa seconde,\tavec une tabulation."}


def test_request_texts_are_bounded_per_language(lyon):
    editor = make_member(lyon)
    with pytest.raises(ValidationError) as title:
        services.request_save(user=editor, organisation=lyon, title={"pt": "x" * 501})
    assert title.value.message_dict == {"title": ["The text in “pt” has 501 characters; at most 500 are accepted."]}
    with pytest.raises(ValidationError) as description:
        services.request_save(
            user=editor, organisation=lyon, title={"fr": "Partenaire"}, description={"es": "x" * 20_001}
        )
    assert description.value.message_dict == {
        "description": ["The text in “es” has 20001 characters; at most 20000 are accepted."]
    }
    assert not PartnerRequest.objects.exists()
    services.request_save(user=editor, organisation=lyon, title={"fr": "x" * 500}, description={"es": "x" * 20_000})
    assert PartnerRequest.objects.count() == 1


def test_proposal_message_and_answer_refuse_text_direction_characters(lyon, dakar):
    with pytest.raises(ValidationError) as message:
        services.proposal_send(user=make_member(lyon), sender=lyon, recipient=dakar, message=f"{MESSAGE} {RLO}")
    assert message.value.message_dict == {"message": [NO_CONTROLS]}
    assert not Proposal.objects.exists()
    proposal = services.proposal_send(
        user=make_member(lyon), sender=lyon, recipient=dakar, message=f"{MESSAGE}\r\nCordialement,\tLyon"
    )
    with pytest.raises(ValidationError) as answer:
        services.proposal_answer(user=make_member(dakar), proposal=proposal, accept=True, answer="Oui\x1b[31m")
    assert answer.value.message_dict == {"answer": [NO_CONTROLS]}
    proposal.refresh_from_db()
    assert (proposal.status, proposal.answer, proposal.partnership) == (ProposalStatus.OPEN, "", None)
