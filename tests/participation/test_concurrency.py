"""Two requests of the same person casting a vote at the same moment: one counts, one is refused."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from coopdec.participation import services
from coopdec.participation.models import Ballot, Phase
from tests import factories

from .factories import make_participant, make_proposal, make_space, set_phase


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises every write: no race to test")
@pytest.mark.django_db(transaction=True)
def test_vote_sent_twice_at_once_counts_once():
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
    proposal = make_proposal(space, make_participant(), point=None)
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
