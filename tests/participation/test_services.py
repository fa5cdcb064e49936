from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from coopdec.participation import selectors, services
from coopdec.participation.models import Ballot, Comment, Participant, Phase, Proposal, Support
from tests import factories

from .factories import (
    DAKAR_POINT,
    LYON_POINT,
    OCEAN_POINT,
    PARIS_POINT,
    make_participant,
    make_proposal,
    make_space,
    make_space_dates,
    set_phase,
    twinning,
)

pytestmark = pytest.mark.django_db


def test_space_phases_out_of_order_are_refused():
    _paris, _dakar, partnership = twinning()
    space = make_space(partnership)
    with pytest.raises(ValidationError, match="in that order"):
        services.space_update(space=space, vote_from=space.proposals_from)


def test_space_phase_follows_the_calendar():
    _paris, _dakar, partnership = twinning()
    space = make_space(partnership, Phase.REVIEW)
    assert space.phase_on(space.proposals_from) == Phase.PROPOSALS
    assert space.phase_on(space.review_from) == Phase.REVIEW
    assert space.phase_on(space.results_from) == Phase.RESULTS
    assert space.phase_on(space.proposals_from.replace(year=2000)) == Phase.UPCOMING


def test_proposal_in_either_territory_is_accepted():
    _paris, _dakar, partnership = twinning()
    space = make_space(partnership)
    senegalese = make_participant("SN")
    french = make_participant("FR", town="Paris")
    assert make_proposal(space, senegalese, point=DAKAR_POINT).place_country_id == "SN"
    assert make_proposal(space, french, point=PARIS_POINT).place_country_id == "FR"


def test_proposal_outside_both_territories_changes_nothing():
    _paris, _dakar, partnership = twinning()
    space = make_space(partnership)
    participant = make_participant("FR", town="Paris")
    for point in (OCEAN_POINT, LYON_POINT):  # at sea; in France but 390 km from Paris
        with pytest.raises(ValidationError, match="outside the territories"):
            make_proposal(space, participant, point=point)
    assert Proposal.objects.count() == 0


def test_proposal_after_the_proposals_phase_is_refused():
    _paris, _dakar, partnership = twinning()
    space = make_space(partnership, Phase.SUPPORT)
    with pytest.raises(ValidationError, match="time for proposals is over"):
        make_proposal(space, make_participant())
    assert Proposal.objects.count() == 0


def test_participant_of_another_country_may_not_propose():
    _paris, _dakar, partnership = twinning()
    space = make_space(partnership)
    with pytest.raises(ValidationError, match="people and associations of its territories"):
        make_proposal(space, make_participant("DE", town="Berlin"))


def test_proposal_keeps_html_as_text():
    _paris, _dakar, partnership = twinning()
    space = make_space(partnership)
    proposal = make_proposal(space, make_participant(), title="<script>alert(1)</script>")
    assert proposal.title == {"fr": "<script>alert(1)</script>"}
    assert proposal.language == "fr"


def test_support_counts_once_per_person():
    _paris, _dakar, partnership = twinning()
    space = make_space(partnership)
    proposal = make_proposal(space, make_participant())
    supporter = make_participant("FR", town="Paris")
    assert services.support_set(proposal=proposal, user=supporter.user, support=True) is True
    assert services.support_set(proposal=proposal, user=supporter.user, support=True) is True
    assert Support.objects.filter(proposal=proposal).count() == 1
    assert services.support_set(proposal=proposal, user=supporter.user, support=False) is False
    assert Support.objects.filter(proposal=proposal).count() == 0


def test_answer_not_feasible_needs_a_reason():
    paris, _dakar, partnership = twinning()
    space = make_space(partnership)
    proposal = make_proposal(space, make_participant())
    editor = factories.make_member(paris)
    with pytest.raises(ValidationError, match="Say why"):
        services.proposal_answer(proposal=proposal, user=editor, status="not_feasible")
    answered = services.proposal_answer(proposal=proposal, user=editor, status="not_feasible", answer="Zone inondable")
    assert (answered.status, answered.answer) == ("not_feasible", "Zone inondable")


def test_answer_merged_needs_another_proposal_of_the_space():
    paris, _dakar, partnership = twinning()
    space = make_space(partnership)
    participant = make_participant()
    first, second = make_proposal(space, participant), make_proposal(space, participant, title="Un autre puits")
    editor = factories.make_member(paris)
    with pytest.raises(ValidationError, match="merged into"):
        services.proposal_answer(proposal=second, user=editor, status="merged", merged_into=second)
    merged = services.proposal_answer(proposal=second, user=editor, status="merged", merged_into=first)
    assert merged.merged_into == first


def _ballot_ready(budget="50000"):
    paris, dakar, partnership = twinning()
    space = make_space(partnership, budget=Decimal(budget))
    author = make_participant()
    well = make_proposal(space, author, cost="30000")
    school = make_proposal(space, author, cost="25000", title="Une salle de classe")
    garden = make_proposal(space, author, cost="10000", title="Un jardin")
    set_phase(space, Phase.REVIEW)
    reviewers = {paris: factories.make_member(paris), dakar: factories.make_member(dakar)}
    for proposal in (well, school, garden):
        for organisation, user in reviewers.items():
            services.proposal_review(proposal=proposal, organisation=organisation, user=user, feasible=True)
    space.refresh_from_db()
    return space, (well, school, garden), reviewers


def test_ballot_needs_the_review_of_every_party():
    paris, _dakar, partnership = twinning()
    space = make_space(partnership, Phase.REVIEW)
    set_phase(space, Phase.PROPOSALS)
    proposal = make_proposal(space, make_participant())
    set_phase(space, Phase.REVIEW)
    services.proposal_review(proposal=proposal, organisation=paris, user=factories.make_member(paris), feasible=True)
    assert list(selectors.ballot_proposals(space)) == []


def test_vote_within_the_envelope_is_counted_once():
    space, (well, school, garden), _reviewers = _ballot_ready()
    set_phase(space, Phase.VOTE)
    voter = make_participant("FR", town="Paris")
    with pytest.raises(ValidationError, match="more than the budget"):
        services.ballot_cast(space=space, user=voter.user, proposal_ids=[well.pk, school.pk])
    ballot = services.ballot_cast(space=space, user=voter.user, proposal_ids=[well.pk, garden.pk])
    assert ballot.total == Decimal("40000")
    assert Ballot.objects.count() == 1
    assert selectors.vote_counts(space) == {well.pk: 1, garden.pk: 1}


def test_vote_changed_replaces_the_choice_and_keeps_one_ballot():
    space, (well, school, garden), _reviewers = _ballot_ready()
    set_phase(space, Phase.VOTE)
    voter = make_participant("FR", town="Paris")
    other = make_participant()
    first = services.ballot_cast(space=space, user=voter.user, proposal_ids=[well.pk, garden.pk])
    services.ballot_cast(space=space, user=other.user, proposal_ids=[garden.pk])
    changed = services.ballot_cast(space=space, user=voter.user, proposal_ids=[school.pk])
    assert changed.pk == first.pk
    assert changed.total == Decimal("25000")
    assert Ballot.objects.filter(space=space).count() == 2
    assert selectors.vote_counts(space) == {school.pk: 1, garden.pk: 1}


def test_vote_change_over_the_budget_keeps_the_earlier_vote():
    space, (well, school, garden), _reviewers = _ballot_ready()
    set_phase(space, Phase.VOTE)
    voter = make_participant("FR", town="Paris")
    services.ballot_cast(space=space, user=voter.user, proposal_ids=[garden.pk])
    with pytest.raises(ValidationError, match="more than the budget"):
        services.ballot_cast(space=space, user=voter.user, proposal_ids=[well.pk, school.pk])
    ballot = Ballot.objects.get(space=space, voter=voter.user)
    assert (ballot.total, list(ballot.proposals.values_list("pk", flat=True))) == (Decimal("10000"), [garden.pk])


def test_vote_withdrawn_is_no_longer_counted_and_may_be_cast_again():
    space, (well, school, _garden), _reviewers = _ballot_ready()
    set_phase(space, Phase.VOTE)
    voter = make_participant("FR", town="Paris")
    services.ballot_cast(space=space, user=voter.user, proposal_ids=[well.pk])
    assert services.ballot_withdraw(space=space, user=voter.user) is True
    assert selectors.vote_counts(space) == {}
    assert selectors.statistics(space)["ballots"] == 0
    assert services.ballot_withdraw(space=space, user=voter.user) is False
    services.ballot_cast(space=space, user=voter.user, proposal_ids=[school.pk])
    assert selectors.vote_counts(space) == {school.pk: 1}


def test_vote_neither_changed_nor_withdrawn_once_closed():
    space, (well, school, _garden), _reviewers = _ballot_ready()
    set_phase(space, Phase.VOTE)
    voter = make_participant("FR", town="Paris")
    services.ballot_cast(space=space, user=voter.user, proposal_ids=[well.pk])
    set_phase(space, Phase.RESULTS)
    with pytest.raises(ValidationError, match="vote is not open"):
        services.ballot_cast(space=space, user=voter.user, proposal_ids=[school.pk])
    with pytest.raises(ValidationError, match="vote is closed"):
        services.ballot_withdraw(space=space, user=voter.user)
    assert selectors.vote_counts(space) == {well.pk: 1}


def test_vote_after_the_phase_closed_changes_nothing():
    space, (well, _school, _garden), _reviewers = _ballot_ready()
    set_phase(space, Phase.RESULTS)
    voter = make_participant("FR", town="Paris")
    with pytest.raises(ValidationError, match="vote is not open"):
        services.ballot_cast(space=space, user=voter.user, proposal_ids=[well.pk])
    assert Ballot.objects.count() == 0


def test_results_fill_the_envelope_by_votes():
    space, (well, school, garden), _reviewers = _ballot_ready()
    set_phase(space, Phase.VOTE)
    for ids in ([school.pk, garden.pk], [school.pk], [well.pk, garden.pk]):
        services.ballot_cast(space=space, user=make_participant().user, proposal_ids=ids)
    rows = {row["proposal"].pk: (row["votes"], row["winner"]) for row in selectors.results(space)}
    # school 2 votes (25,000), garden 2 (10,000), well 1 (30,000 no longer fits in 50,000 - 35,000)
    assert rows == {school.pk: (2, True), garden.pk: (2, True), well.pk: (1, False)}


def test_hidden_proposal_leaves_the_ballot_results_and_statistics():
    space, (well, school, garden), reviewers = _ballot_ready()
    set_phase(space, Phase.VOTE)
    services.ballot_cast(space=space, user=make_participant().user, proposal_ids=[well.pk])
    services.moderate(item=well, user=next(iter(reviewers.values())), hide=True, reason="Publicité")
    assert well.pk not in {p.pk for p in selectors.ballot_proposals(space)}
    assert well.pk not in {row["proposal"].pk for row in selectors.results(space)}
    assert selectors.statistics(space)["proposals"] == 2
    assert selectors.vote_counts(space) == {}


def test_hidden_comment_is_not_counted():
    _paris, _dakar, partnership = twinning()
    space = make_space(partnership)
    participant = make_participant()
    proposal = make_proposal(space, participant)
    comment = services.comment_add(proposal=proposal, user=participant.user, text="<b>Bravo</b>", language="fr")
    services.moderate(item=comment, user=factories.make_user(is_coordinator=True), hide=True, reason="Insulte")
    assert selectors.statistics(space)["comments"] == 0
    assert list(selectors.shown_comments(proposal)) == []
    assert Comment.objects.get().hidden_reason == "Insulte"


def test_accepted_proposal_becomes_a_draft_project_of_the_partnership():
    paris, _dakar, partnership = twinning()
    space = make_space(partnership)
    proposal = make_proposal(space, make_participant())
    editor = factories.make_member(paris)
    with pytest.raises(ValidationError, match="Only an accepted proposal"):
        services.proposal_to_project(proposal=proposal, user=editor)
    services.proposal_answer(proposal=proposal, user=editor, status="accepted", answer="Bonne idée")
    project = services.proposal_to_project(proposal=proposal, user=editor)
    assert (project.partnership, project.title, project.publication_status) == (
        partnership,
        {"fr": "Un puits pour le quartier"},
        "draft",
    )
    assert project.locations.get().country_id == "SN"
    proposal.refresh_from_db()
    assert proposal.project == project


def test_path_shows_approved_indicator_values_only():
    from datetime import date

    from coopdec.cooperation import services as cooperation_services

    paris, dakar, partnership = twinning()
    space = make_space(partnership)
    proposal = make_proposal(space, make_participant())
    editor = factories.make_member(paris)
    services.proposal_answer(proposal=proposal, user=editor, status="accepted")
    project = services.proposal_to_project(proposal=proposal, user=editor)
    project.publication_status = "published"
    project.save()
    result = cooperation_services.result_create(project=project, title={"fr": "Eau"})
    indicator = cooperation_services.indicator_create(result=result, title={"fr": "Foyers raccordés"})
    value = cooperation_services.indicator_value_set(
        indicator=indicator, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), territory=dakar, actual=80
    )
    proposal.refresh_from_db()
    value.status = "submitted"
    value.save()
    assert selectors.proposal_path(proposal, factories.make_user())["values"] == []
    value.status = "approved"
    value.save()
    assert selectors.proposal_path(proposal, factories.make_user())["values"] == [value]


def test_signup_sends_a_link_and_creates_the_account_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_request(
            email="awa@example.sn",
            first_name="Awa",
            last_name="Diop",
            display="anonymous",
            town="Thiès",
            country="SN",
            kind="resident",
            language="fr",
        )
    assert Participant.objects.count() == 0
    link = mail.outbox[0].body.split("/participation/join/")[1].split("/")[0]
    user = services.signup_confirm(signed=link, password="a-long-passphrase-42")
    assert (user.email, user.participant.public_name) == ("awa@example.sn", "Participant from Thiès")
    with pytest.raises(ValidationError, match="already uses this address"):
        services.signup_confirm(signed=link, password="a-long-passphrase-42")
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_request(
            email="AWA@example.sn",
            first_name="Awa",
            display="full",
            town="Thiès",
            country="SN",
            kind="resident",
            language="en",
        )
    assert "already has an account" in mail.outbox[1].body


def test_signup_link_tampered_is_refused():
    with pytest.raises(ValidationError, match="not valid"):
        services.signup_from_signed("abc:def")


def test_display_name_as_chosen():
    assert make_participant(display="full").public_name == "Awa Diop"
    assert make_participant(display="initial").public_name == "Awa D."
    assert make_participant(display="anonymous", town="Rufisque").public_name == "Participant from Rufisque"


def test_deleting_a_participant_keeps_proposals_and_votes_anonymous():
    space, (well, _school, _garden), _reviewers = _ballot_ready()
    author = well.author
    set_phase(space, Phase.VOTE)
    services.ballot_cast(space=space, user=author, proposal_ids=[well.pk])
    assert services.participant_delete(user=author) is True
    well.refresh_from_db()
    assert well.author is None
    assert Ballot.objects.get().voter is None
    assert selectors.vote_counts(space) == {well.pk: 1}


def test_deleting_an_editor_participation_keeps_the_account():
    paris, _dakar, _partnership = twinning()
    editor = factories.make_member(paris)
    make_participant("FR", user=editor, town="Paris")
    assert services.participant_delete(user=editor) is False
    editor.refresh_from_db()
    assert not Participant.objects.filter(user=editor).exists()


def test_statistics_count_by_phase_language_and_answer():
    paris, _dakar, partnership = twinning()
    space = make_space(partnership)
    participant = make_participant()
    first = make_proposal(space, participant)
    make_proposal(space, participant, title="Un autre")
    services.proposal_answer(proposal=first, user=factories.make_member(paris), status="accepted")
    stats = selectors.statistics(space)
    assert (stats["proposals"], stats["by_phase"], stats["by_language"], stats["by_status"]) == (
        2,
        {"proposals": 2},
        {"fr": 2},
        {"accepted": 1, "open": 1},
    )


def test_organisation_space_covers_its_partners_territories_and_is_answered_by_it_alone():
    paris, dakar, _partnership = twinning()
    space = services.space_create(organisation=paris, **{**make_space_dates("proposals"), "budget": None})
    assert [o.pk for o in selectors.deciding_parties(space)] == [paris.pk]
    assert {o.pk for o in selectors.territory_parties(space)} == {paris.pk, dakar.pk}
    proposal = make_proposal(space, make_participant("SN"), cost=None)
    assert proposal.place_country_id == "SN"
    set_phase(space, Phase.REVIEW)
    with pytest.raises(ValidationError, match="Only the parties"):
        services.proposal_review(
            proposal=proposal, organisation=dakar, user=factories.make_member(dakar), feasible=True
        )


def test_report_then_keep_closes_the_report_and_keeps_the_proposal():
    _paris, _dakar, partnership = twinning()
    space = make_space(partnership)
    proposal = make_proposal(space, make_participant())
    reporter = make_participant("FR", town="Paris").user
    first = services.report_create(proposal=proposal, user=reporter, reason="Doublon")
    assert services.report_create(proposal=proposal, user=reporter, reason="Encore") == first
    assert list(selectors.open_reports(space)) == [first]
    services.moderate(item=proposal, user=factories.make_user(is_coordinator=True), hide=False)
    assert list(selectors.open_reports(space)) == []
    proposal.refresh_from_db()
    assert proposal.is_hidden is False
