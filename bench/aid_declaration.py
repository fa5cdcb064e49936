"""Aid declaration: pre-fill of a large reporter and national totals (issue 14).

1. Pre-fill. Imports ``iom-577-activities.xml`` 60 times with distinct identifiers (about 35,000
   activities, as ``bench/iati.py`` builds them) and times ``prefill.propose`` for the reporting
   organisation (IOM) and the year with the most disbursements and expenditures (transaction types
   3 and 4): lines proposed, transactions read, p50/p95 wall and CPU time. Target: at most 2 s.
2. National totals. Creates 5,000 submitted declarations of 20 lines each (100,000 lines, bulk
   insert; recipients, DAC sectors, CRS channels and policy markers drawn from the codelists) in a
   campaign, then times ``selectors.national_totals`` (target p95 at most 200 ms) and
   ``selectors.campaign_progress``.

CPU time is this process's (on PostgreSQL the server's is not counted). Benchmarks print figures and
never assert them. Run::

    .venv/bin/python bench/aid_declaration.py                 # SQLite, a fresh file under /tmp
    DATABASE_URL=postgres://coopdec:coopdec@127.0.0.1:5432/coopdec_bench_aid .venv/bin/python bench/aid_declaration.py

The PostgreSQL database must exist (``su postgres -c "createdb -O coopdec coopdec_bench_aid"``); its
tables are emptied first unless ``--reuse`` (keep the data of an earlier run). ``--profile`` prints
cProfile's top functions and the query plans of the national totals.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "data" / "iati" / "samples" / "iom-577-activities.xml"
WORK = Path(os.environ.get("COOPDEC_BENCH_DIR", "/tmp/coopdec-bench-aid"))
REPORTER = "XM-DAC-47066"
PREFILL_TARGET = 2.0  # seconds
TOTALS_TARGET = 0.200  # seconds, p95
TOTALS_COUNTRY, TOTALS_YEAR = "FR", 2024
# Recipients of French decentralised cooperation, roughly by weight (docs: bench/synthetic.py).
RECIPIENTS = {
    "SN": 8,
    "BF": 7,
    "ML": 5,
    "MA": 6,
    "TN": 5,
    "BJ": 5,
    "CM": 4,
    "CI": 4,
    "MG": 4,
    "NE": 3,
    "TG": 3,
    "HT": 3,
    "VN": 4,
    "BR": 2,
    "MX": 1,
    "CO": 1,
    "PE": 1,
    "BO": 1,
    "NI": 1,
    "PS": 3,
    "LB": 3,
    "AM": 2,
    "UA": 3,
    "MZ": 1,
    "CV": 2,
    "GN": 2,
    "KH": 2,
    "LA": 1,
    "DZ": 2,
    "MR": 2,
    "TD": 1,
    "GH": 1,
}
REGIONS = ["289", "298", "498", "589", "619", "798", "889", "998"]  # south of Sahara, Africa, America, Middle East...
CHANNELS = {"12002": 45, "23000": 20, "11002": 15, "12001": 5, "51000": 5, "40000": 4, "63000": 3, "60000": 3}


def load() -> str:
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timed(function, runs: int) -> tuple[list[float], list[float], object]:
    walls, cpus, result = [], [], None
    for _run in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
    return walls, cpus, result


def figures(
    walls: list[float], cpus: list[float], target: float | None = None, *, unit: float = 1.0, name: str = "s"
) -> str:
    p50, p95 = percentile(walls, 0.5), percentile(walls, 0.95)
    text = (
        f"wall p50 {p50 * unit:.1f} / p95 {p95 * unit:.1f} {name}, CPU p50 {percentile(cpus, 0.5) * unit:.1f} / "
        f"p95 {percentile(cpus, 0.95) * unit:.1f} {name} ({len(walls)} runs)"
    )
    if target is not None:
        text += f"; p95 / target {p95 / target:.2f} (target <= {target * unit:g} {name})"
    return text


def prepare(reuse: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if not reuse:
        call_command("flush", interactive=False, verbosity=0)
    from coopdec.territories import loaders as places
    from coopdec.vocabularies import loaders as vocabularies

    places.load_countries()
    places.load_subdivisions()
    vocabularies.load_codelists()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")


def import_activities(copies: int) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from django.core.management import call_command
    from iati import build

    from coopdec.cooperation.models import Project

    wanted = copies * 577
    present = Project.objects.filter(lead_organisation__iati_identifier=REPORTER).count()
    if present >= wanted:
        print(f"reusing {present:,} activities of {REPORTER}")
        return
    large = WORK / "large.xml"
    count = build(large, 1, copies)
    started = time.perf_counter()
    call_command("iati_import", str(large), "--reader-process", "off", verbosity=0, stdout=open(os.devnull, "w"))
    print(f"iati_import of {count:,} activities: {time.perf_counter() - started:.0f} s")
    large.unlink()


def bench_prefill(runs: int, profile: bool) -> None:
    from django.db import connection
    from django.db.models import Count
    from django.db.models.functions import ExtractYear
    from django.test.utils import CaptureQueriesContext

    from coopdec.actors.models import Organisation
    from coopdec.cooperation.models import Contribution, Project
    from coopdec.declarations import prefill

    organisation = Organisation.objects.get(iati_identifier=REPORTER)
    projects = Project.objects.filter(lead_organisation=organisation).count()
    outgoing = prefill.Transaction.objects.filter(
        project__lead_organisation=organisation, type__in=prefill.OUTGOING_TYPES
    )
    if not outgoing.exists():
        # The IOM file's only transactions are incoming commitments (type 11, one per activity): as imported,
        # the pre-fill reads nothing. Each commitment is paid out here as a disbursement (type 3) on the same
        # date, of the same value and currency, so that the pre-fill has the volume of a large reporter.
        walls, cpus, proposal = timed(lambda: prefill.propose(organisation=organisation, year=2018), 3)
        print(
            f"\npre-fill as imported (no transaction of type 3 or 4 in the file), 2018: {len(proposal.lines)} lines, "
            f"{figures(walls, cpus, unit=1000, name='ms')}"
        )
        commitments = prefill.Transaction.objects.filter(project__lead_organisation=organisation, type="11")
        prefill.Transaction.objects.bulk_create(
            [
                prefill.Transaction(
                    project_id=pid, type="3", date=day, value=value, currency=currency, reference="bench-disbursement"
                )
                for pid, day, value, currency in commitments.values_list(
                    "project_id", "date", "value", "currency"
                ).iterator()
            ],
            batch_size=5000,
        )
        print(f"added {outgoing.count():,} disbursements (type 3), one per incoming commitment (type 11) of the file")
    by_year = list(
        outgoing.annotate(year=ExtractYear("date")).values("year").annotate(n=Count("id")).order_by("-n", "-year")[:5]
    )
    year = by_year[0]["year"]
    print(
        f"\n== pre-fill: {organisation.name} ({REPORTER}), {projects:,} projects; transactions of types 3/4 by year: "
        + ", ".join(f"{row['year']}: {row['n']:,}" for row in by_year)
    )
    read = prefill._own_transactions(organisation, year).filter(type__in=prefill.OUTGOING_TYPES).count()
    contributions = Contribution.objects.filter(organisation=organisation, year=year).count()
    with CaptureQueriesContext(connection) as queries:
        prefill.propose(organisation=organisation, year=year)  # warm: rates and codelists are cached per process
    walls, cpus, proposal = timed(lambda: prefill.propose(organisation=organisation, year=year), runs)
    print(
        f"declared year {year}: {len(proposal.lines):,} lines proposed from {read:,} transactions and "
        f"{contributions:,} "
        f"contributions read, {len(queries)} queries; gross "
        f"{', '.join(f'{v:,.0f} {c}' for c, v in proposal.gross.items())}"
    )
    print(f"propose: {figures(walls, cpus, PREFILL_TARGET, unit=1000, name='ms')}; {load()}")
    if profile:
        run_profile(lambda: prefill.propose(organisation=organisation, year=year))


def make_declarations(declarations: int, lines_each: int, seed: int = 14) -> object:
    from django.db import transaction
    from django.utils import timezone

    from coopdec.actors.models import Organisation
    from coopdec.common.models import PublicationStatus, Source
    from coopdec.common.text import fold
    from coopdec.declarations.models import (
        POLICY_MARKERS,
        Campaign,
        Declaration,
        DeclarationLine,
        DeclarationStatus,
    )
    from coopdec.vocabularies.selectors import codelist

    campaign = Campaign.objects.filter(country_id=TOTALS_COUNTRY, year=TOTALS_YEAR).first()
    if campaign is not None and campaign.declarations.count() >= declarations:
        print(f"reusing the {TOTALS_YEAR} campaign of {TOTALS_COUNTRY}: {campaign.declarations.count():,} declarations")
        return campaign
    rng = random.Random(seed)
    started = time.perf_counter()
    sectors = sorted(code for code, item in codelist("Sector").items() if not item.withdrawn)
    # A few sectors carry most of the money (water, education, governance...), the rest a long tail.
    favourites = [
        code
        for code in (
            "14030",
            "14031",
            "14050",
            "11110",
            "11330",
            "15112",
            "15150",
            "12220",
            "31120",
            "43030",
            "23210",
            "41010",
            "16010",
            "32130",
        )
        if code in sectors
    ]
    recipients, recipient_weights = list(RECIPIENTS), list(RECIPIENTS.values())
    channels, channel_weights = list(CHANNELS), list(CHANNELS.values())
    kinds = ["municipality"] * 8 + ["intermunicipal", "county", "region"]
    with transaction.atomic():
        campaign = Campaign.objects.create(
            country_id=TOTALS_COUNTRY,
            year=TOTALS_YEAR,
            opens_on=date(TOTALS_YEAR + 1, 4, 15),
            closes_on=date(TOTALS_YEAR + 1, 6, 30),
            is_demo=True,
        )
        names = [f"Collectivité de démonstration {number:05d}" for number in range(declarations)]
        Organisation.objects.bulk_create(
            [
                Organisation(
                    name=name,
                    name_folded=fold(name),
                    kind=rng.choice(kinds),
                    country_id=TOTALS_COUNTRY,
                    is_demo=True,
                    source=Source.DEMO,
                    source_ref=f"bench-aid-{number}",
                    publication_status=PublicationStatus.PUBLISHED,
                )
                for number, name in enumerate(names)
            ],
            batch_size=2000,
        )
        organisations = list(
            Organisation.objects.filter(source_ref__startswith="bench-aid-").values_list("id", flat=True)
        )
        now = timezone.now()
        Declaration.objects.bulk_create(
            [
                Declaration(
                    campaign=campaign,
                    organisation_id=pk,
                    status=DeclarationStatus.SUBMITTED,
                    submitted_at=now,
                    revision=2,
                    is_demo=True,
                )
                for pk in organisations
            ],
            batch_size=2000,
        )
        rows = []
        for declaration_id in campaign.declarations.values_list("id", flat=True):
            for position in range(1, lines_each + 1):
                draw = rng.random()
                if draw < 0.85:
                    recipient_type, code = "country", rng.choices(recipients, recipient_weights)[0]
                elif draw < 0.92:
                    recipient_type, code = "region", rng.choice(REGIONS)
                else:
                    recipient_type, code = "unallocated", ""
                amount = Decimal(round(rng.lognormvariate(9.5, 1.2), 2)).quantize(Decimal("0.01"))
                cofinancing = (amount * Decimal(rng.choice([0, 0, 0, 10, 25, 50])) / 100).quantize(Decimal("0.01"))
                line = DeclarationLine(
                    declaration_id=declaration_id,
                    position=position,
                    recipient_type=recipient_type,
                    recipient_code=code,
                    sector=rng.choice(favourites) if rng.random() < 0.7 else rng.choice(sectors),
                    channel=rng.choices(channels, channel_weights)[0],
                    amount=amount,
                    original_amount=amount,
                    original_currency="EUR",
                    cofinancing=cofinancing,
                    cofinancing_confirmed=bool(cofinancing) or None,
                    source="manual",
                    **{name: rng.choice([None, 0, 0, 1, 1, 2]) for name in POLICY_MARKERS},
                )
                line.net_amount = line.compute_net_amount()
                rows.append(line)
            if len(rows) >= 10_000:
                DeclarationLine.objects.bulk_create(rows, batch_size=2000)
                rows = []
        DeclarationLine.objects.bulk_create(rows, batch_size=2000)
    print(
        f"created {declarations:,} organisations and submitted declarations, {declarations * lines_each:,} lines: "
        f"{time.perf_counter() - started:.0f} s"
    )
    return campaign


def bench_totals(declarations: int, lines_each: int, runs: int, profile: bool) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coopdec.declarations import selectors
    from coopdec.declarations import totals as campaign_totals
    from coopdec.declarations.models import DeclarationLine

    print(f"\n== national totals: {declarations:,} submitted declarations of {lines_each} lines")
    campaign = make_declarations(declarations, lines_each)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"lines in the database: {DeclarationLine.objects.count():,}; {load()}")
    # The bulk load bypassed the services, which keep the campaign's sums: compute them once from the lines.
    walls, cpus, rows = timed(lambda: campaign_totals.rebuild(campaign), 3)
    print(
        f"totals.rebuild (sums computed from every line, after a bulk load): {rows} sums; "
        f"{figures(walls, cpus, unit=1000, name='ms')}; {load()}"
    )
    with CaptureQueriesContext(connection) as queries:
        totals = selectors.national_totals(campaign)
    walls, cpus, totals = timed(lambda: selectors.national_totals(campaign), runs)
    print(
        f"national_totals: total {totals.total:,} {totals.currency}, {totals.declarations:,} declarations, "
        f"{len(totals.by_recipient)} recipients, {len(totals.by_sector)} sectors, {len(totals.by_channel)} channels, "
        f"{len(queries)} queries"
    )
    print(f"national_totals: {figures(walls, cpus, TOTALS_TARGET, unit=1000, name='ms')}; {load()}")
    declaration = campaign.declarations.first()
    signs = iter([-1, 1] * runs)
    walls, cpus, _none = timed(lambda: campaign_totals.add(declaration, sign=next(signs)), runs * 2)
    print(
        f"totals.add (one {lines_each}-line declaration submitted or reopened): "
        f"{figures(walls, cpus, unit=1000, name='ms')}; {load()}"
    )
    with CaptureQueriesContext(connection) as queries:
        progress = selectors.campaign_progress(campaign)
    walls, cpus, progress = timed(lambda: selectors.campaign_progress(campaign), max(3, runs // 3))
    print(
        f"campaign_progress: {progress.total:,} organisations { ({str(k): v for k, v in progress.counts.items()}) }, "
        f"{len(queries)} queries"
    )
    print(f"campaign_progress: {figures(walls, cpus, unit=1000, name='ms')}; {load()}")
    walls, cpus, _progress = timed(
        lambda: selectors.campaign_progress(campaign, with_rows=False, region="FR-ARA"), max(3, runs // 3)
    )
    print(f"campaign_progress (counts only, one region): {figures(walls, cpus, unit=1000, name='ms')}")
    if profile:
        run_profile(lambda: selectors.national_totals(campaign))
        explain(selectors.submitted_lines(campaign).values("sector").order_by())


def run_profile(function) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(function)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)


def explain(queryset) -> None:
    from django.db.models import Sum

    print(queryset.annotate(amount=Sum("net_amount")).explain())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=60, help="copies of the 577 IOM activities (default 60: 34,620)")
    parser.add_argument("--prefill-runs", type=int, default=10)
    parser.add_argument("--declarations", type=int, default=5000)
    parser.add_argument("--lines", type=int, default=20, help="lines per declaration (default 20)")
    parser.add_argument("--totals-runs", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    parser.add_argument("--profile", action="store_true", help="cProfile and query plans")
    options = parser.parse_args()
    if not SAMPLE.is_file():
        print(f"skipped: {SAMPLE} is not there (the shared IATI samples are needed)")
        return
    WORK.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        database = WORK / "bench.sqlite3"
        if not options.reuse:
            for leftover in WORK.glob("bench.sqlite3*"):
                leftover.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("SECRET_KEY", "coopdec-bench-only")
    os.environ.setdefault("COOPDEC_VAR_DIR", str(WORK))
    os.environ["DJANGO_SETTINGS_MODULE"] = "coopdec.settings"
    import django

    django.setup()
    print(f"start: {date.today()}, {os.cpu_count()} CPUs, {load()}")
    prepare(options.reuse)
    import_activities(options.copies)
    bench_prefill(options.prefill_runs, options.profile)
    bench_totals(options.declarations, options.lines, options.totals_runs, options.profile)
    print(f"\nend: {load()}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
