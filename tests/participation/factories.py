"""Participation records for the tests: a Paris–Dakar twinning with a space in a chosen phase."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from coopdec.participation import services
from coopdec.participation.models import Participant, Phase, Space
from tests import factories

# Paris 2988507, Dakar 2253354 (GeoNames). A point in each city, one in Lyon, one in the Atlantic.
PARIS_POINT = (48.8606, 2.3376)
DAKAR_POINT = (14.6928, -17.4467)
LYON_POINT = (45.7640, 4.8357)
OCEAN_POINT = (30.0, -40.0)


def twinning():
    paris = factories.make_organisation("Ville de Paris", geonameid=2988507)
    dakar = factories.make_organisation("Ville de Dakar", geonameid=2253354)
    return paris, dakar, factories.make_partnership(paris, dakar)


def make_space(partnership, phase: str = Phase.PROPOSALS, *, budget: Decimal | None = Decimal("100000")) -> Space:
    """A space whose current phase (today) is ``phase``: each phase lasts ten days."""
    order = [Phase.PROPOSALS, Phase.SUPPORT, Phase.REVIEW, Phase.VOTE, Phase.RESULTS]
    today = timezone.localdate()
    start = today - timedelta(days=10 * order.index(phase) + 1)
    return services.space_create(
        partnership=partnership,
        title={"fr": "Budget participatif Paris–Dakar", "en": "Paris–Dakar participatory budget"},
        proposals_from=start,
        support_from=start + timedelta(days=10),
        review_from=start + timedelta(days=20),
        vote_from=start + timedelta(days=30),
        results_from=start + timedelta(days=40),
        budget=budget,
        currency="EUR",
    )


def set_phase(space: Space, phase: str) -> Space:
    """Move the space's calendar so that ``phase`` is the current one."""
    services.space_update(space=space, **make_space_dates(phase))
    space.refresh_from_db()
    return space


def make_space_dates(phase: str) -> dict:
    order = [Phase.PROPOSALS, Phase.SUPPORT, Phase.REVIEW, Phase.VOTE, Phase.RESULTS]
    start = timezone.localdate() - timedelta(days=10 * order.index(phase) + 1)
    return {
        "title": {"fr": "Budget participatif Paris–Dakar"},
        "proposals_from": start,
        "support_from": start + timedelta(days=10),
        "review_from": start + timedelta(days=20),
        "vote_from": start + timedelta(days=30),
        "results_from": start + timedelta(days=40),
    }


def make_participant(country: str = "SN", *, display: str = "initial", user=None, town: str = "Dakar") -> Participant:
    user = user or factories.make_user()
    return services.participant_create(
        user=user,
        first_name="Awa",
        last_name="Diop",
        display=display,
        town=town,
        country=country,
        kind="resident",
        language="fr",
    )


def make_proposal(space, participant, *, cost="20000", point=DAKAR_POINT, title="Un puits pour le quartier", **extra):
    return services.proposal_submit(
        space=space,
        user=participant.user,
        title=title,
        body="Creuser un puits près de l'école.",
        language="fr",
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        place_name="Médina",
        cost=Decimal(cost) if cost is not None else None,
        **extra,
    )
