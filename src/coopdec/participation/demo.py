"""The participation part of ``coopdec demo_data``: two participation spaces on the demo Chambéry – Louga
partnership (France – Senegal), with demo-marked proposals in French and in English by invented participants
(accounts that cannot sign in). The first takes proposals (supports, a comment and an official answer); in the
second, a youth participatory budget, the vote is open (proposals found feasible by both towns, two ballots).

Idempotent: a second run finds the spaces and creates nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from coopdec.actors.models import Organisation
from coopdec.cooperation.models import Partnership

from . import selectors, services
from .models import Participant, Space

# Invented participants: (user name, first name, last name, name shown, town, country, kind).
PEOPLE = [
    ("demo-participant-louga-1", "Aminata", "Sarr", "initial", "Louga", "SN", "resident"),
    ("demo-participant-louga-2", "Moussa", "Fall", "anonymous", "Louga", "SN", "resident"),
    ("demo-participant-chambery-1", "Claire", "Martin", "full", "Chambéry", "FR", "association"),
    ("demo-participant-chambery-2", "Ibrahima", "Ndiaye", "initial", "Chambéry", "FR", "diaspora"),
]
# Proposals: (author index, language, title, text, latitude, longitude, place, cost in EUR, axes).
PROPOSALS = [
    (
        0,
        "fr",
        "Des bornes-fontaines au quartier Keur Serigne Louga",
        "Les familles du quartier marchent plus d'un kilomètre pour chercher de l'eau. Trois bornes-fontaines "
        "raccordées au nouveau réseau et gérées par un comité de quartier soulageraient surtout les femmes et les "
        "enfants.",
        15.6100,
        -16.2350,
        "Keur Serigne Louga",
        Decimal("18000"),
    ),
    (
        1,
        "fr",
        "Un jardin scolaire à l'école élémentaire de Louga",
        "Un potager irrigué au goutte-à-goutte pour apprendre aux élèves à cultiver et améliorer la cantine.",
        15.6230,
        -16.2200,
        "École élémentaire, Louga",
        Decimal("7500"),
    ),
    (
        3,
        "en",
        "Exchange visits between young people of Chambéry and Louga",
        "Our diaspora association proposes two-week exchanges of secondary-school pupils, hosted by families, "
        "around a joint project on water and the environment.",
        45.5660,
        5.9200,
        "Chambéry",
        Decimal("12000"),
    ),
]


def _person(username: str, first: str, last: str, display: str, town: str, country: str, kind: str):
    User = get_user_model()  # noqa: N806
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=f"{username}@example.invalid", first_name=first, last_name=last)
        user.set_unusable_password()  # invented; `coopdec demo_accounts` lets one sign in as the first
        user.save()
    if not Participant.objects.filter(user=user).exists():
        services.participant_create(
            user=user,
            first_name=first,
            last_name=last,
            display=display,
            town=town,
            country=country,
            kind=kind,
            language="fr",
        )
    return user


# A second space, whose vote is open: a visitor of the demo sees a ballot, and can vote and change the vote.
VOTE_SPACE_TITLE = {
    "fr": "Budget participatif des jeunes de Louga : votez",
    "en": "Louga youth participatory budget: vote",
}
VOTE_PROPOSALS = [
    (
        1,
        "fr",
        "Un terrain de basket au lycée de Louga",
        "Un terrain éclairé, ouvert aux jeunes du quartier le soir et le week-end, entretenu par l'association "
        "sportive du lycée.",
        15.6180,
        -16.2280,
        "Lycée de Louga",
        Decimal("9000"),
    ),
    (
        0,
        "fr",
        "Une bibliothèque numérique à la maison des jeunes",
        "Dix ordinateurs et une connexion partagée pour les devoirs, les candidatures et les formations en ligne.",
        15.6150,
        -16.2250,
        "Maison des jeunes, Louga",
        Decimal("7000"),
    ),
    (
        3,
        "en",
        "A radio studio run by young people of both towns",
        "A small studio where young people of Louga and Chambéry make a weekly programme together, online.",
        15.6200,
        -16.2230,
        "Louga",
        Decimal("5000"),
    ),
]


def _proposals(space: Space, people: list, specs: list, *, today: date) -> list:
    """Demo-marked proposals of ``specs`` (author index, language, title, text, latitude, longitude, place,
    cost), submitted on ``today``."""
    return [
        services.proposal_submit(
            space=space,
            user=people[author],
            title=title,
            body=text,
            language=language,
            latitude=latitude,
            longitude=longitude,
            place_name=place,
            cost=cost,
            is_demo=True,
            today=today,
        )
        for author, language, title, text, latitude, longitude, place, cost in specs
    ]


def _vote_space(partnership: Partnership, people: list, *, today: date) -> int:
    """A space past its proposals, support and review, with its vote open today: three proposals found
    feasible by both towns, and two ballots already cast."""
    space = services.space_create(
        partnership=partnership,
        title=VOTE_SPACE_TITLE,
        description={
            "fr": "Les jeunes de Louga ont proposé, les deux communes ont vérifié la faisabilité : votez pour "
            "répartir 15 000 € entre les projets retenus.",
            "en": "The young people of Louga proposed, both towns checked feasibility: vote to share out €15,000 "
            "among the projects put to the vote.",
        },
        proposals_from=today - timedelta(days=60),
        support_from=today - timedelta(days=40),
        review_from=today - timedelta(days=20),
        vote_from=today - timedelta(days=3),
        results_from=today + timedelta(days=25),
        budget=Decimal("15000"),
        currency="EUR",
        is_demo=True,
    )
    proposals = _proposals(space, people, VOTE_PROPOSALS, today=today - timedelta(days=50))
    parties = selectors.deciding_parties(space)
    for proposal in proposals:
        for party in parties:
            services.proposal_review(
                proposal=proposal, organisation=party, user=None, feasible=True, today=today - timedelta(days=10)
            )
    services.ballot_cast(space=space, user=people[2], proposal_ids=[proposals[0].pk, proposals[2].pk], today=today)
    services.ballot_cast(space=space, user=people[3], proposal_ids=[proposals[1].pk, proposals[2].pk], today=today)
    return 1 + len(proposals) + 2


def build(organisations: dict[str, Organisation], *, today: date | None = None) -> int:
    """Create what is missing; the number of records created."""
    partnership = Partnership.objects.filter(source="demo", source_ref="partnership-chambery-louga").first()
    if partnership is None:
        return 0
    today = today or date.today()
    if Space.objects.filter(partnership=partnership, is_demo=True).exists():
        if Space.objects.filter(partnership=partnership, is_demo=True, title__fr=VOTE_SPACE_TITLE["fr"]).exists():
            return 0
        people = [_person(*spec) for spec in PEOPLE]
        return _vote_space(partnership, people, today=today)  # a demo built before the vote space existed
    space = services.space_create(
        partnership=partnership,
        title={
            "fr": "Chambéry – Louga : vos idées pour la coopération",
            "en": "Chambéry – Louga: your ideas for the cooperation",
        },
        description={
            "fr": "Habitants et associations de Chambéry et de Louga, y compris les associations de la diaspora : "
            "proposez des actions, soutenez celles qui vous plaisent, puis votez pour répartir 40 000 €.",
            "en": "Residents and associations of Chambéry and Louga, diaspora associations included: propose "
            "actions, support the ones you like, then vote to share out €40,000.",
        },
        proposals_from=today - timedelta(days=7),
        support_from=today + timedelta(days=21),
        review_from=today + timedelta(days=35),
        vote_from=today + timedelta(days=49),
        results_from=today + timedelta(days=63),
        budget=Decimal("40000"),
        currency="EUR",
        is_demo=True,
    )
    people = [_person(*spec) for spec in PEOPLE]
    proposals = _proposals(space, people, PROPOSALS, today=today)
    for proposal, supporters in zip(proposals, ([1, 2, 3], [0, 2], [0, 1]), strict=True):
        for index in supporters:
            services.support_set(proposal=proposal, user=people[index], support=True, today=today)
    services.comment_add(
        proposal=proposals[0],
        user=people[2],
        text="Notre association peut aider à former le comité de gestion.",
        language="fr",
        today=today,
    )
    services.proposal_answer(
        proposal=proposals[0],
        user=None,
        status="accepted",
        answer="Les deux communes retiennent cette proposition : elle complète le projet d'accès à l'eau en cours.",
    )
    return 1 + len(people) + len(proposals) + _vote_space(partnership, people, today=today)
