"""Calls for projects: the eligibility of 1,000 organisations against one call (issue 17).

Builds 1,000 French local governments (half confirmed within the year, a third with last year's aid
declaration submitted), 800 partnerships with a Senegalese or Burkinabè municipality (half with a
signed agreement uploaded), a call with every prerequisite, and 200 awarded applications of which 50
have an overdue report; then times ``selectors.eligibility_many`` (the facts read in a few queries,
then the pure rules): p50/p95 wall and CPU time, queries, how many organisations are eligible.
Target: at most 2 s for the 1,000.

CPU time is this process's (on PostgreSQL the server's is not counted); the machine is shared and
noisy, so compare the ratio to the target rather than the absolute figures. Run::

    .venv/bin/python bench/calls.py                 # SQLite, a fresh file under /tmp
    DATABASE_URL=postgres://coopdec:coopdec@127.0.0.1:5432/coopdec_bench_calls .venv/bin/python bench/calls.py

The PostgreSQL database must exist (``su postgres -c "createdb -O coopdec coopdec_bench_calls"``);
its tables are emptied first.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(os.environ.get("COOPDEC_BENCH_DIR", "/tmp/coopdec-bench-calls"))
TARGET = 2.0  # seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


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
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")


def build(n: int, seed: int = 17):
    from django.utils import timezone

    from coopdec.actors.models import Organisation
    from coopdec.cooperation.models import Document, Partnership, PartnershipParty, Project
    from coopdec.declarations.models import Campaign, Declaration
    from coopdec.funding import services
    from coopdec.funding.models import Application, ApplicationStatus, Report, ReportKind

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    applicants = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Commune {i}",
                name_folded=f"commune {i}",
                kind=rng.choice(["municipality", "municipality", "county", "region", "ngo"]),
                country_id="FR",
                publication_status="published",
                confirmed_at=now - timedelta(days=rng.randint(1, 700)) if rng.random() < 0.8 else None,
            )
            for i in range(n)
        ]
    )
    partners = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Commune partenaire {i}",
                name_folded=f"commune partenaire {i}",
                kind="municipality",
                country_id=rng.choice(["SN", "BF"]),
                publication_status="published",
            )
            for i in range(n)
        ]
    )
    partnerships = Partnership.objects.bulk_create(
        [Partnership(publication_status="published") for _i in range(int(n * 0.8))]
    )
    PartnershipParty.objects.bulk_create(
        [
            PartnershipParty(partnership=p, organisation=org)
            for p, a, b in zip(partnerships, applicants, partners, strict=False)
            for org in (a, b)
        ]
    )
    Document.objects.bulk_create(
        [
            Document(partnership=p, title={"fr": "Convention"}, url="https://example.org/c", is_agreement=True)
            for p in partnerships[::2]
        ]
    )
    campaign = Campaign.objects.create(
        country_id="FR", year=today.year - 1, opens_on=today - timedelta(days=30), closes_on=today + timedelta(days=30)
    )
    Declaration.objects.bulk_create(
        [Declaration(campaign=campaign, organisation=org, status="submitted") for org in applicants[::3]]
    )
    funder = Organisation.objects.create(
        name="Ministère",
        name_folded="ministere",
        kind="national_agency",
        country_id="FR",
        publication_status="published",
    )
    call = services.call_create(
        funder=funder,
        title={"fr": "Appel à projets jeunesse"},
        envelope=Decimal("5000000"),
        opens_on=today - timedelta(days=10),
        deadline=today + timedelta(days=50),
        eligible_kinds=["municipality", "county", "region", "intermunicipal"],
        eligible_countries=["FR"],
        max_rate_ldc=Decimal(90),
        max_rate_other=Decimal(70),
        min_own_share=Decimal(10),
        max_in_kind_share=Decimal(50),
        prerequisites=["confirmed", "declaration", "reports", "agreement", "partner"],
        criteria=[({"fr": "Pertinence"}, 1)],
    )
    projects = Project.objects.bulk_create(
        [Project(lead_organisation=org, title={"fr": f"Projet {i}"}) for i, org in enumerate(applicants[:200])]
    )
    applications = Application.objects.bulk_create(
        [
            Application(call=call, organisation=p.lead_organisation, project=p, status=ApplicationStatus.AWARDED)
            for p in projects
        ]
    )
    Report.objects.bulk_create(
        [
            Report(
                application=a,
                kind=ReportKind.INTERIM,
                period_start=today - timedelta(days=500),
                period_end=today - timedelta(days=135),
                due_on=today - timedelta(days=75),
            )
            for a in applications[:50]
        ]
    )
    return call, applicants


def bench(runs: int, n: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from coopdec.actors.models import Organisation
    from coopdec.funding import selectors

    call, applicants = build(n)
    organisations = Organisation.objects.filter(pk__in=[o.pk for o in applicants])
    walls, cpus, result = [], [], {}
    for _run in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            result = selectors.eligibility_many(call, organisations, today=timezone.localdate(), now=timezone.now())
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    eligible = sum(1 for r in result.values() if r.eligible)
    p50, p95 = percentile(walls, 0.5), percentile(walls, 0.95)
    print(f"\neligibility of {len(result)} organisations against one call ({runs} runs)")
    print(f"  wall p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; CPU p50 {percentile(cpus, 0.5) * 1000:.0f} ms")
    print(f"  queries per run: {len(queries)}; eligible: {eligible}; checks per organisation: 8")
    print(f"  p95 / target ({TARGET:.0f} s): {p95 / TARGET:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        database = WORK / "bench.sqlite3"
        for leftover in WORK.glob("bench.sqlite3*"):
            leftover.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("SECRET_KEY", "coopdec-bench-only")
    os.environ.setdefault("COOPDEC_VAR_DIR", str(WORK))
    os.environ["DJANGO_SETTINGS_MODULE"] = "coopdec.settings"
    import django

    django.setup()
    print(f"start: {date.today()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    prepare()
    bench(options.runs, options.organisations)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
