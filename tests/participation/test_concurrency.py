"""Two requests of the same person casting a vote at the same moment: one counts, one is refused."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from coopdec.participation import services
from coopdec.participation.models import Ballot, Phase
from tests import factories

from .factories import make_participant, make_proposal, make_space, set_phase, twinning


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises every write: no race to test")
@pytest.mark.django_db(transaction=True)
def test_vote_sent_twice_at_once_counts_once():
    paris, dakar, partnership = twinning()
    space = make_space(partnership, budget=Decimal("50000"))
    proposal = make_proposal(space, make_participant())
    set_phase(space, Phase.REVIEW)
    for organisation in (paris, dakar):
        services.proposal_review(
            proposal=proposal, organisation=organisation, user=factories.make_member(organisation), feasible=True
        )
    set_phase(space, Phase.VOTE)
    voter = make_participant("FR", town="Paris").user
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def vote():
        try:
            barrier.wait(timeout=10)
            services.ballot_cast(space=space, user=voter, proposal_ids=[proposal.pk])
            outcomes.append("counted")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["You have already voted in this space: each person votes once.", "counted"]
    assert Ballot.objects.filter(space=space, voter=voter).count() == 1
