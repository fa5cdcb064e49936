from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from coopdec.participation import selectors
from coopdec.participation.models import Ballot, Phase, Proposal, Space

pytestmark = pytest.mark.django_db


def test_demo_data_opens_a_space_on_the_french_senegalese_twinning():
    call_command("demo_data", stdout=StringIO())
    call_command("demo_data", stdout=StringIO())  # idempotent

    space, _vote = Space.objects.order_by("pk")
    assert (space.is_demo, space.partnership.source_ref, space.phase_on(timezone.localdate())) == (
        True,
        "partnership-chambery-louga",
        Phase.PROPOSALS,
    )
    proposals = Proposal.objects.filter(space=space)
    assert {(p.language, p.is_demo, p.place_country_id) for p in proposals} == {
        ("fr", True, "SN"),
        ("en", True, "FR"),
    }
    assert proposals.count() == 3
    assert proposals.filter(status="accepted").count() == 1
    assert selectors.statistics(space)["supports"] == 7
    assert not any(p.author.has_usable_password() for p in proposals)


def test_demo_data_opens_a_vote_with_feasible_proposals_and_ballots():
    call_command("demo_data", stdout=StringIO())
    call_command("demo_data", stdout=StringIO())  # idempotent

    _space, vote = Space.objects.order_by("pk")
    assert (vote.is_demo, vote.phase_on(timezone.localdate())) == (True, Phase.VOTE)
    on_ballot = list(selectors.ballot_proposals(vote))
    assert len(on_ballot) == 3
    assert sum(p.cost for p in on_ballot) > vote.budget  # a choice must be made
    counts = selectors.vote_counts(vote)
    assert sorted(counts.values()) == [1, 1, 2]
    assert Ballot.objects.filter(space=vote).count() == 2
