"""Strategies and the principles scorecard (issue 18).

1. Strategy page. A published strategy 2025-2028 of one local government: 5 objectives of 40
   projects each (200 projects), every project with 10 indicators reporting a value per year (8,000
   approved values, plus a pending update per indicator that must not count), a budget line per year,
   two disbursements and two contributions; each objective has two strategy indicators, one naming its
   40 projects' first indicator, one summing a standard indicator carried by their second indicator.
   Times ``GET /strategies/<id>/`` as an anonymous visitor (the whole page: queries, roll-up, template)
   and ``selectors.strategy_overview`` alone. Target: p95 at most 150 ms.
2. Scorecards. 20,000 published partnerships of two parties (a French and a partner local government),
   30,000 projects with recipient countries, participants, contributions (cash and staff time, parties
   and funders), budget lines, approved and disaggregated indicator values, agreements on 40% of the
   partnerships and their versions by users of both sides; times ``scorecard.scorecards_refresh()``
   (compute and store every partnership's and organisation's scorecard). Target: at most 60 s.

Benchmarks print figures and never assert them; the machine is shared and noisy, so compare the
ratios to the targets. Run::

    .venv/bin/python bench/strategy.py                  # SQLite, a fresh file under /tmp
    DATABASE_URL=postgres://coopdec:coopdec@127.0.0.1:5432/coopdec_bench_strategy .venv/bin/python bench/strategy.py

The PostgreSQL database must exist (``su postgres -c "createdb -O coopdec coopdec_bench_strategy"``);
its tables are emptied first. ``--partnerships`` and ``--runs`` change the sizes.
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import random
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(os.environ.get("COOPDEC_BENCH_DIR", "/tmp/coopdec-bench-strategy"))
PAGE_TARGET = 0.150  # seconds, p95
SCORECARD_TARGET = 60.0  # seconds
YEARS = (2025, 2026, 2027, 2028)
PARTNER_COUNTRIES = ("SN", "BF", "ML", "MA", "BJ", "CM", "MG", "TN", "HT", "VN")


def load() -> str:
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def figures(walls: list[float], cpus: list[float], target: float) -> str:
    p50, p95 = percentile(walls, 0.5), percentile(walls, 0.95)
    return (
        f"wall p50 {p50 * 1000:.0f} / p95 {p95 * 1000:.0f} ms, CPU p50 {percentile(cpus, 0.5) * 1000:.0f} / "
        f"p95 {percentile(cpus, 0.95) * 1000:.0f} ms ({len(walls)} runs); p95 / target: wall "
        f"{p95 / target:.2f}, CPU {percentile(cpus, 0.95) / target:.2f} (target <= {target * 1000:.0f} ms)"
    )


def timed(function, runs: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _run in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def prepare() -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    from coopdec.territories import loaders as places
    from coopdec.vocabularies import loaders as vocabularies

    places.load_countries()
    vocabularies.load_codelists()
    vocabularies.load_axes()
    vocabularies.load_standard_indicators()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")


def organisations(count: int, country: str, prefix: str) -> list:
    from coopdec.actors.models import Organisation

    rows = [
        Organisation(
            name=f"{prefix} {index}",
            name_folded=f"{prefix.lower()} {index}",
            kind="municipality",
            country_id=country,
            publication_status="published",
        )
        for index in range(count)
    ]
    return Organisation.objects.bulk_create(rows, batch_size=2000)


def build_register(partnership_count: int, rng: random.Random) -> None:
    """The 20,000 partnerships of the scorecard benchmark, written in bulk."""
    from django.contrib.auth import get_user_model
    from simple_history.utils import bulk_create_with_history

    from coopdec.actors.models import Membership, Organisation
    from coopdec.cooperation.models import (
        Budget,
        Contribution,
        Document,
        Indicator,
        IndicatorDisaggregation,
        IndicatorValue,
        Partnership,
        PartnershipParty,
        Project,
        ProjectCountry,
        ProjectParticipant,
        Result,
    )

    started = time.perf_counter()
    french = organisations(partnership_count // 10, "FR", "Commune")
    partners = []
    for country in PARTNER_COUNTRIES:
        partners += organisations(partnership_count // 50, country, f"Commune {country}")
    ngos = Organisation.objects.bulk_create(
        [
            Organisation(name=f"ONG {i}", name_folded=f"ong {i}", kind="ngo", country_id=rng.choice(PARTNER_COUNTRIES))
            for i in range(500)
        ]
    )
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"bench{i}", email=f"bench{i}@example.org") for i in range(400)]
    )
    Membership.objects.bulk_create(
        [Membership(user=users[i], organisation=french[i]) for i in range(min(200, len(french)))]
        + [Membership(user=users[200 + i], organisation=partners[i]) for i in range(min(200, len(partners)))]
    )
    pairs = [(rng.choice(french), rng.choice(partners)) for _ in range(partnership_count)]
    partnerships = bulk_create_with_history(
        [Partnership(kind="twinning", publication_status="published") for _ in pairs], Partnership, batch_size=2000
    )
    partnerships = list(Partnership.objects.order_by("-id")[:partnership_count])[::-1]
    # Versions by users of each side for a quarter of them (joint steering).
    history = Partnership.history.model
    north_user = {organisation.pk: users[index % 200] for index, organisation in enumerate(french)}
    south_user = {organisation.pk: users[200 + index % 200] for index, organisation in enumerate(partners)}
    pair_of = {partnership.pk: pair for partnership, pair in zip(partnerships, pairs, strict=True)}
    versions = []
    for row in history.objects.filter(id__in=[p.pk for p in partnerships[: partnership_count // 4]]):
        north, south = pair_of[row.id]
        for user in (north_user[north.pk], south_user[south.pk]):
            row.history_id, row.history_user, row.history_type = None, user, "~"
            versions.append(copy.copy(row))
    history.objects.bulk_create(versions, batch_size=2000)
    PartnershipParty.objects.bulk_create(
        [
            PartnershipParty(partnership=partnership, organisation=organisation)
            for partnership, pair in zip(partnerships, pairs, strict=True)
            for organisation in pair
        ],
        batch_size=5000,
    )
    Document.objects.bulk_create(
        [
            Document(
                partnership=partnership,
                title={"fr": "Convention"},
                url="https://example.org/c.pdf",
                is_agreement=True,
                signed_on=date(2020, 1, 1),
                renewal_on=date(2025 + rng.randint(0, 3), 1, 1),
            )
            for partnership in partnerships
            if rng.random() < 0.4
        ],
        batch_size=5000,
    )
    projects = []
    for partnership, (north, south) in zip(partnerships, pairs, strict=True):
        for _ in range(1 if rng.random() < 0.5 else 2):
            projects.append(
                Project(
                    partnership=partnership,
                    lead_organisation=north if rng.random() < 0.7 else south,
                    title={"fr": "Projet"},
                    publication_status="published",
                    support_types=["technical", "human"] if rng.random() < 0.3 else ["financial"],
                    beneficiaries_count=rng.choice([None, 1200]),
                    planned_start=date(2021, 1, 1),
                    planned_end=date(2027 if rng.random() < 0.5 else 2023, 12, 31),
                )
            )
    projects = Project.objects.bulk_create(projects, batch_size=5000)
    partner_of = {partnership.pk: pair for partnership, pair in zip(partnerships, pairs, strict=True)}
    ProjectCountry.objects.bulk_create(
        [
            ProjectCountry(project=project, country_id=partner_of[project.partnership_id][1].country_id)
            for project in projects
        ],
        batch_size=5000,
    )
    ProjectParticipant.objects.bulk_create(
        [
            ProjectParticipant(project=project, organisation=rng.choice(ngos), role="4")
            for project in projects
            if rng.random() < 0.3
        ],
        batch_size=5000,
    )
    contributions, budgets = [], []
    for project in projects:
        north, south = partner_of[project.partnership_id]
        contributions += [
            Contribution(project=project, organisation=north, amount=Decimal(40000), year=2022),
            Contribution(project=project, organisation=south, kind="staff_time", amount=Decimal(3000), year=2023),
            Contribution(project=project, role="funder", contributor_name="AFD", amount=Decimal(50000), year=2022),
        ]
        budgets.append(
            Budget(
                project=project,
                period_start=date(2022, 1, 1),
                period_end=date(2022, 12, 31),
                value=Decimal(60000),
                currency=rng.choice(["EUR", "XOF"]),
            )
        )
    Contribution.objects.bulk_create(contributions, batch_size=5000)
    Budget.objects.bulk_create(budgets, batch_size=5000)
    results = Result.objects.bulk_create([Result(project=p, title={"fr": "R"}) for p in projects], batch_size=5000)
    indicators = Indicator.objects.bulk_create(
        [Indicator(result=result, title={"fr": "I"}) for result in results], batch_size=5000
    )
    values = []
    for indicator, project in zip(indicators, projects, strict=True):
        north, south = partner_of[project.partnership_id]
        for territory in (north, south) if rng.random() < 0.3 else (south,):
            values.append(
                IndicatorValue(
                    indicator=indicator,
                    territory=territory,
                    period_start=date(2023, 1, 1),
                    period_end=date(2023, 12, 31),
                    actual=Decimal(rng.randint(1, 500)),
                )
            )
    values = IndicatorValue.objects.bulk_create(values, batch_size=5000)
    IndicatorDisaggregation.objects.bulk_create(
        [
            IndicatorDisaggregation(indicator_value=value, measure="actual", dimensions={"sex": "female"}, value=1)
            for value in values
            if rng.random() < 0.2
        ],
        batch_size=5000,
    )
    print(
        f"register: {len(partnerships)} partnerships, {len(projects)} projects, {len(contributions)} contributions, "
        f"{len(values)} indicator values, {len(versions)} versions by a party's user "
        f"(built in {time.perf_counter() - started:.0f} s)"
    )


def build_strategy(rng: random.Random):
    """One organisation's strategy of 200 projects x 10 indicators x 4 years."""
    from coopdec.actors.models import Organisation
    from coopdec.cooperation.models import (
        Budget,
        Contribution,
        Indicator,
        IndicatorValue,
        Partnership,
        PartnershipParty,
        Project,
        Result,
        Transaction,
    )
    from coopdec.strategy import services
    from coopdec.vocabularies.models import StandardIndicator

    owner = Organisation.objects.create(
        name="Région Bench", name_folded="region bench", kind="region", country_id="FR", publication_status="published"
    )
    partner = Organisation.objects.create(
        name="Commune Bench",
        name_folded="commune bench",
        kind="municipality",
        country_id="SN",
        publication_status="published",
    )
    partnership = Partnership.objects.create(publication_status="published")
    PartnershipParty.objects.bulk_create(
        [
            PartnershipParty(partnership=partnership, organisation=owner),
            PartnershipParty(partnership=partnership, organisation=partner),
        ]
    )
    projects = Project.objects.bulk_create(
        [
            Project(
                partnership=partnership,
                lead_organisation=owner,
                title={"fr": f"Projet {i}"},
                publication_status="published",
            )
            for i in range(200)
        ]
    )
    results = Result.objects.bulk_create([Result(project=p, title={"fr": "R"}) for p in projects])
    standard = StandardIndicator.objects.order_by("code").first()
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                result=result,
                title={"fr": f"I{k}"},
                position=k,
                standard=standard if k == 1 else None,
                cumulative=k % 2 == 0,
            )
            for result in results
            for k in range(10)
        ]
    )
    values = []
    for indicator in indicators:
        for year in YEARS:
            values.append(
                IndicatorValue(
                    indicator=indicator,
                    territory=partner,
                    period_start=date(year, 1, 1),
                    period_end=date(year, 12, 31),
                    actual=Decimal(rng.randint(1, 100)),
                )
            )
        values.append(
            IndicatorValue(
                indicator=indicator,
                period_start=date(2026, 1, 1),
                period_end=date(2026, 6, 30),
                actual=Decimal(999),
                status="submitted",
            )
        )
    IndicatorValue.objects.bulk_create(values, batch_size=5000)
    Budget.objects.bulk_create(
        [
            Budget(project=p, period_start=date(y, 1, 1), period_end=date(y, 12, 31), value=Decimal(25000), currency=c)
            for p in projects
            for y, c in zip(YEARS, ("EUR", "XOF", "EUR", "EUR"), strict=True)
        ]
    )
    Transaction.objects.bulk_create(
        [
            Transaction(project=p, type="3", date=date(y, 6, 1), value=Decimal(10000))
            for p in projects
            for y in (2025, 2026)
        ]
    )
    Contribution.objects.bulk_create(
        [
            Contribution(project=p, organisation=owner, amount=Decimal(5000), year=2025)
            for p in projects
            for _ in range(2)
        ]
    )
    strategy = services.strategy_create(
        organisation=owner, title={"fr": "Stratégie 2025-2028"}, start_year=2025, end_year=2028, published=True
    )
    by_project = {}
    for indicator in indicators:
        by_project.setdefault(indicator.result.project_id, []).append(indicator)
    for index in range(5):
        chunk = projects[index * 40 : (index + 1) * 40]
        objective = services.objective_save(strategy=strategy, title={"fr": f"Objectif {index}"}, territories=[partner])
        services.objective_set_projects(objective=objective, projects=chunk)
        for k in range(10):
            if k == 1:  # the standard indicator: every linked project's indicator that carries it
                services.indicator_save(
                    objective=objective, title={"fr": "Standard"}, standard=standard, targets=dict.fromkeys(YEARS, 2000)
                )
                continue
            services.indicator_save(
                objective=objective,
                title={"fr": f"Indicateur {k}"},
                project_indicators=[by_project[p.pk][k] for p in chunk],
                cumulative=k % 3 == 0,
                targets=dict.fromkeys(YEARS, 4000),
            )
    return strategy


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def bench_page(strategy, runs: int) -> None:
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection, reset_queries
    from django.test import Client

    from coopdec.gunicorn_conf import settle
    from coopdec.strategy.selectors import strategy_overview

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # The pages name static files without a collected manifest here (as in the tests).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    url = f"/strategies/{strategy.pk}/"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    settle()  # as a worker does after its first request (coopdec/gunicorn_conf.py, post_request)
    settings.DEBUG = True
    reset_queries()
    client.get(url)
    queries = len(connection.queries)
    settings.DEBUG = False
    walls, cpus = timed(lambda: client.get(url), runs)
    print(
        f"\nstrategy page (200 projects x 10 indicators x 4 years, {len(response.content) // 1024} KiB, "
        f"{queries} queries):"
    )
    print(f"  GET {figures(walls, cpus, PAGE_TARGET)}")
    walls, cpus = timed(lambda: strategy_overview(strategy, user=AnonymousUser()), runs)
    print(f"  strategy_overview alone: {figures(walls, cpus, PAGE_TARGET)}")


def profile_page(strategy) -> None:
    """cProfile of ten page requests, the 25 functions of most cumulative time."""
    import cProfile
    import pstats

    from django.test import Client

    client, url = Client(), f"/strategies/{strategy.pk}/"
    profiler = cProfile.Profile()
    profiler.enable()
    for _run in range(10):
        client.get(url)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def bench_scorecards() -> None:
    from coopdec.strategy.models import Scorecard
    from coopdec.strategy.scorecard import scorecards_refresh

    started, cpu = time.perf_counter(), time.process_time()
    count = scorecards_refresh()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    known = Scorecard.objects.filter(partnership__isnull=False, partnership_score__isnull=False).count()
    print(
        f"\nscorecards: {count} partnerships (and {Scorecard.objects.filter(organisation__isnull=False).count()} "
        f"organisations) in {wall:.1f} s wall, {cpu:.1f} s CPU; {count / wall:.0f} per second; "
        f"wall / target {wall / SCORECARD_TARGET:.2f} (target <= {SCORECARD_TARGET:.0f} s); "
        f"{known} with a partnership score"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--page-only", action="store_true", help="time the strategy page only (no scorecards)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of 10 page requests")
    options = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        for leftover in WORK.glob("bench.sqlite3*"):
            leftover.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
    os.environ.setdefault("SECRET_KEY", "coopdec-bench-only")
    os.environ.setdefault("COOPDEC_VAR_DIR", str(WORK))
    os.environ["DJANGO_SETTINGS_MODULE"] = "coopdec.settings"
    import django

    django.setup()
    from coopdec.gunicorn_conf import settle

    print(f"start: {date.today()}, {os.cpu_count()} CPUs, {load()}")
    rng = random.Random(18)
    prepare()
    strategy = build_strategy(rng)
    analyse()  # the planner's statistics, as autovacuum (PostgreSQL) keeps them on a running site
    settle()  # as a gunicorn worker does once it has started (coopdec/gunicorn_conf.py)
    bench_page(strategy, options.runs)
    if options.profile:
        profile_page(strategy)
    if options.page_only:
        print(f"\nend: {load()}")
        return
    build_register(options.partnerships, rng)
    bench_scorecards()
    print(f"\nend: {load()}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
