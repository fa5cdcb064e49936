"""Citizen participation (issue 19): placing a proposal, and a busy space's pages.

1. Where a proposal may be. Loads every GeoNames locality (about 235,000, as production has them)
   and times ``services.place_check`` for a Paris – Dakar space on 200 points: half in the two
   towns (accepted), half anywhere on land or sea (mostly refused). The nearest-town search reads
   the localities of a 1.2° box without an index on the coordinates.
2. A busy space: 10,000 proposals (bulk insert), 50,000 supports, 5,000 ballots of three proposals
   each; times the space page, the proposals API page (50 rows), the statistics and the results.

Targets (mine, not the issue's): a place check at most 150 ms p95 (it runs once per proposal sent);
each page or API call at most 300 ms p95 on a quiet machine. The machine is shared and noisy: read
the ratios, not the absolute figures. Benchmarks print figures and never assert them. Run::

    .venv/bin/python bench/participation.py          # SQLite, a fresh file under /tmp
    DATABASE_URL=postgres://coopdec:coopdec@127.0.0.1:5432/coopdec_bench_participation \\
        .venv/bin/python bench/participation.py
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

WORK = Path(os.environ.get("COOPDEC_BENCH_DIR", "/tmp/coopdec-bench-participation"))
PLACE_TARGET = 0.150
PAGE_TARGET = 0.300


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(name: str, call, runs: int, target: float) -> None:
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    p95 = percentile(walls, 0.95)
    print(
        f"{name}: wall p50 {percentile(walls, 0.5) * 1000:.1f} / p95 {p95 * 1000:.1f} ms, "
        f"CPU p50 {percentile(cpus, 0.5) * 1000:.1f} ms ({runs} runs); p95 / target {p95 / target:.2f}"
    )


def prepare():
    from django.core.management import call_command
    from django.db import connection

    from coopdec.territories import loaders as places
    from coopdec.territories.models import Locality
    from coopdec.vocabularies import loaders as vocabularies

    call_command("migrate", verbosity=0)
    places.load_countries()
    places.load_subdivisions()
    vocabularies.load_codelists()
    vocabularies.load_axes()
    if Locality.objects.count() < 100_000:
        started = time.perf_counter()
        places.load_localities(force=True)
        print(f"localities loaded: {Locality.objects.count():,} in {time.perf_counter() - started:.0f} s")
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")


def build_space():
    from django.contrib.auth import get_user_model

    from coopdec.actors.models import Organisation
    from coopdec.cooperation.models import Partnership, PartnershipParty
    from coopdec.participation import services
    from coopdec.participation.models import Ballot, Participant, Proposal, Space, Support
    from coopdec.territories.models import Locality

    Space.objects.all().delete()
    get_user_model().objects.filter(username__startswith="bench-p-").delete()
    paris_place, dakar_place = Locality.objects.get(pk=2988507), Locality.objects.get(pk=2253354)
    paris = Organisation.objects.create(
        name="Bench Paris",
        kind="municipality",
        country_id="FR",
        locality=paris_place,
        latitude=48.8566,
        longitude=2.3522,
    )
    dakar = Organisation.objects.create(
        name="Bench Dakar",
        kind="municipality",
        country_id="SN",
        locality=dakar_place,
        latitude=14.6937,
        longitude=-17.4441,
    )
    partnership = Partnership.objects.create(publication_status="published")
    PartnershipParty.objects.create(partnership=partnership, organisation=paris)
    PartnershipParty.objects.create(partnership=partnership, organisation=dakar)
    from django.utils import timezone

    today = timezone.localdate()
    space = services.space_create(
        partnership=partnership,
        title={"fr": "Banc d'essai"},
        proposals_from=today - timedelta(days=100),
        support_from=today - timedelta(days=80),
        review_from=today - timedelta(days=60),
        vote_from=today - timedelta(days=40),
        results_from=today - timedelta(days=1),
        budget=Decimal("500000"),
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench-p-{i}", email=f"bench-p-{i}@example.invalid") for i in range(5000)
    )
    users = list(get_user_model().objects.filter(username__startswith="bench-p-"))
    Participant.objects.bulk_create(
        Participant(user=u, first_name="A", display="initial", town="Dakar", country_id="SN") for u in users
    )
    rng = random.Random(19)
    proposals = Proposal.objects.bulk_create(
        Proposal(
            space=space,
            author=users[i % len(users)],
            title={"fr": f"Proposition {i}"},
            body={"fr": "Texte " * 40},
            language=rng.choice(["fr", "fr", "en", "pt"]),
            latitude=14.69 + rng.random() / 10,
            longitude=-17.45 + rng.random() / 10,
            cost=Decimal(rng.randrange(1000, 50000)),
            is_hidden=i % 50 == 0,
        )
        for i in range(10_000)
    )
    proposals = list(Proposal.objects.filter(space=space))
    Support.objects.bulk_create(
        (Support(proposal=proposals[rng.randrange(len(proposals))], user=users[i % len(users)]) for i in range(50_000)),
        ignore_conflicts=True,
        batch_size=5000,
    )
    from coopdec.participation.models import Review

    ballot_ids = proposals[:200]
    Review.objects.bulk_create(
        Review(proposal=p, organisation=o, feasible=True) for p in ballot_ids for o in (paris, dakar)
    )
    ballots = Ballot.objects.bulk_create(Ballot(space=space, voter=u, total=Decimal(0)) for u in users)
    through = Ballot.proposals.through
    through.objects.bulk_create(
        (
            through(ballot_id=b.pk, proposal_id=p.pk)
            for b in Ballot.objects.filter(space=space)
            for p in rng.sample(ballot_ids, 3)
        ),
        batch_size=5000,
    )
    print(f"space: {len(proposals):,} proposals, {Support.objects.count():,} supports, {len(ballots):,} ballots")
    return space


def main() -> None:
    if not os.environ.get("DATABASE_URL"):
        WORK.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
    os.environ.setdefault("SECRET_KEY", "coopdec-bench-only")
    os.environ.setdefault("COOPDEC_VAR_DIR", str(WORK))
    os.environ["DJANGO_SETTINGS_MODULE"] = "coopdec.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.test import Client

    from coopdec.participation import selectors, services

    prepare()
    space = build_space()
    rng = random.Random(6)
    points = [(14.69 + rng.random() / 20, -17.45 + rng.random() / 20) for _ in range(50)]
    points += [(48.85 + rng.random() / 20, 2.33 + rng.random() / 20) for _ in range(50)]
    points += [(rng.uniform(-60, 70), rng.uniform(-180, 180)) for _ in range(100)]
    accepted = 0
    remaining = iter(points)

    def check():
        nonlocal accepted
        try:
            services.place_check(space, *next(remaining))
            accepted += 1
        except ValidationError:
            pass

    timed("place check", check, len(points), PLACE_TARGET)
    print(f"  accepted {accepted} of {len(points)} points (100 in the two towns)")
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # The pages name static files without a collected manifest here (as in the tests).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client(raise_request_exception=True)
    for url in (space.get_absolute_url(), f"/api/v1/participation/spaces/{space.pk}/proposals?limit=50"):
        assert client.get(url).status_code == 200, url
    timed("space page", lambda: client.get(space.get_absolute_url()), 20, PAGE_TARGET)
    timed(
        "API proposals (50)",
        lambda: client.get(f"/api/v1/participation/spaces/{space.pk}/proposals?limit=50"),
        20,
        PAGE_TARGET,
    )
    timed("statistics", lambda: selectors.statistics(space), 10, PAGE_TARGET)
    timed("results", lambda: selectors.results(space), 10, PAGE_TARGET)
    timed("map layer", lambda: client.get(f"/participation/spaces/{space.pk}/proposals.geojson"), 10, PAGE_TARGET)


if __name__ == "__main__":
    main()
