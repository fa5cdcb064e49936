"""Requests of the same person voting at the same moment: one ballot, holding exactly one of the choices."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from coopdec.participation import selectors, services
from coopdec.participation.models import Ballot, Phase
from tests import factories

from .factories import make_participant, make_proposal, make_space, set_phase

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises every write: no race to test"),
    pytest.mark.django_db(transaction=True),
]


def _vote_ready():
    """A space in its vote phase with three proposals on the ballot, and a voter."""
    from coopdec.territories import loaders as places
    from coopdec.territories.models import Country
    from coopdec.vocabularies import loaders as codelists
    from coopdec.vocabularies.selectors import clear_caches

    if not Country.objects.exists():  # a transactional test before this one emptied the database
        places.load_countries(force=True)
        codelists.load_codelists(force=True)
        clear_caches()
    paris = factories.make_organisation("Ville de Paris", geonameid=None, country_id="FR")
    dakar = factories.make_organisation("Ville de Dakar", geonameid=None, country_id="SN")
    space = make_space(factories.make_partnership(paris, dakar), budget=Decimal("50000"))
    author = make_participant()
    proposals = [make_proposal(space, author, point=None, title=f"Proposition {n}", cost="10000") for n in range(3)]
    set_phase(space, Phase.REVIEW)
    for proposal in proposals:
        for organisation in (paris, dakar):
            services.proposal_review(
                proposal=proposal, organisation=organisation, user=factories.make_member(organisation), feasible=True
            )
    set_phase(space, Phase.VOTE)
    return space, proposals, make_participant("FR", town="Paris").user


def _at_once(*actions) -> list[str]:
    """Run the actions in threads released together; what each did ("done" or its refusal)."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes.append("done")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _choice(space, voter) -> set[int]:
    return set(Ballot.objects.get(space=space, voter=voter).proposals.values_list("pk", flat=True))


def test_first_votes_sent_twice_at_once_make_one_ballot():
    space, (a, b, _c), voter = _vote_ready()
    outcomes = _at_once(
        lambda: services.ballot_cast(space=space, user=voter, proposal_ids=[a.pk]),
        lambda: services.ballot_cast(space=space, user=voter, proposal_ids=[b.pk]),
    )
    assert outcomes == ["done", "done"]  # the later one changed the vote the earlier one cast
    assert Ballot.objects.filter(space=space, voter=voter).count() == 1
    assert _choice(space, voter) in ({a.pk}, {b.pk})
    assert sum(selectors.vote_counts(space).values()) == 1


def test_two_changes_at_once_leave_one_choice_not_both():
    space, (a, b, c), voter = _vote_ready()
    services.ballot_cast(space=space, user=voter, proposal_ids=[a.pk])
    outcomes = _at_once(
        lambda: services.ballot_cast(space=space, user=voter, proposal_ids=[b.pk]),
        lambda: services.ballot_cast(space=space, user=voter, proposal_ids=[c.pk]),
    )
    assert outcomes == ["done", "done"]
    choice = _choice(space, voter)
    assert choice in ({b.pk}, {c.pk})
    ballot = Ballot.objects.get(space=space, voter=voter)
    assert ballot.total == Decimal("10000")
    assert selectors.vote_counts(space) == dict.fromkeys(choice, 1)


def test_change_and_withdrawal_at_once_leave_a_whole_vote_or_none():
    space, (a, b, _c), voter = _vote_ready()
    services.ballot_cast(space=space, user=voter, proposal_ids=[a.pk])
    outcomes = _at_once(
        lambda: services.ballot_cast(space=space, user=voter, proposal_ids=[a.pk, b.pk]),
        lambda: services.ballot_withdraw(space=space, user=voter),
    )
    assert outcomes == ["done", "done"]
    counts = selectors.vote_counts(space)
    assert counts in ({}, {a.pk: 1, b.pk: 1})
    assert Ballot.objects.filter(space=space, voter=voter).count() == len(set(counts.values()))
