"""Results monitoring (issue 18, part 2): the one-screen editor, the sums of the standard indicators.

1. Editor. One project, one result with 10 indicators of 8 yearly periods each (80 periods, each
   with an actual broken down by sex); times ``GET`` of the editor (the whole page: queries, 91 rows
   of forms, template) and a ``POST`` that changes one actual (validates every row, writes one, one
   version), and counts the queries of the ``GET``.
2. Sums. ``selectors.standard_indicator_totals`` over 2,000 published projects naming 5 standard
   indicators (cumulative and periodic) with 4 approved yearly periods and a breakdown each (40,000
   values, 80,000 parts, plus a submitted update per indicator that must not count).
3. The coordinators' dashboard (late, returned and waiting updates) over the same register.

Benchmarks print figures and never assert them; the machine is shared and noisy, read the ratios.
Run::

    .venv/bin/python bench/results.py                  # SQLite, a fresh file under /tmp
    DATABASE_URL=postgres://coopdec:coopdec@127.0.0.1:5432/coopdec_bench_results .venv/bin/python bench/results.py
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(os.environ.get("COOPDEC_BENCH_DIR", "/tmp/coopdec-bench-results"))
STANDARDS = (
    "water-drinking-access",
    "health-services-reached",
    "classrooms",
    "jobs-created",
    "emissions-avoided",
)


def load() -> str:
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timed(function, runs: int) -> str:
    walls, cpus = [], []
    for _run in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return (
        f"wall p50 {percentile(walls, 0.5) * 1000:.0f} / p95 {percentile(walls, 0.95) * 1000:.0f} ms, "
        f"CPU p50 {percentile(cpus, 0.5) * 1000:.0f} / p95 {percentile(cpus, 0.95) * 1000:.0f} ms ({runs} runs)"
    )


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


def bench_editor(runs: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from coopdec.actors.models import Membership, Organisation
    from coopdec.cooperation import monitoring
    from coopdec.cooperation.models import Partnership, PartnershipParty, Project

    paris = Organisation.objects.create(name="Paris", name_folded="paris", kind="municipality", country_id="FR")
    dakar = Organisation.objects.create(name="Dakar", name_folded="dakar", kind="municipality", country_id="SN")
    partnership = Partnership.objects.create(kind="twinning")
    PartnershipParty.objects.bulk_create(
        [PartnershipParty(partnership=partnership, organisation=org) for org in (paris, dakar)]
    )
    project = Project.objects.create(partnership=partnership, lead_organisation=paris, title={"fr": "Eau"})
    user = get_user_model().objects.create_user("bench-editor")
    Membership.objects.create(user=user, organisation=paris, role="editor")
    result = monitoring.result_save(project=project, title={"fr": "Eau potable"}, user=None)
    with monitoring.results_edit(project, user=None):
        for number in range(10):
            indicator = monitoring.indicator_save(result=result, title={"fr": f"Indicateur {number}"}, user=None)
            for year in range(2020, 2028):
                value = monitoring.period_save(
                    indicator=indicator,
                    period_start=date(year, 1, 1),
                    period_end=date(year, 12, 31),
                    territory=dakar,
                    target=100,
                    user=None,
                ).value
                monitoring.update_save(
                    value=value,
                    actual=year - 2000,
                    actual_parts=[({"sex": "female"}, Decimal(10)), ({"sex": "male"}, Decimal(year - 2010))],
                    user=None,
                )
    client = Client()
    client.force_login(user)
    url = f"/projects/{project.pk}/results/{result.pk}/indicators/"
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    print(
        f"\neditor, 10 indicators x 8 periods: {len(queries)} queries, {len(page.content) / 1024:.0f} KiB "
        f"({len(page.content) / 1024 / 1024 * 1024 / 8:.0f} KiB per indicator)"
    )
    print(f"  GET  {timed(lambda: client.get(url), runs)}")
    data = _post_data(client.get(url).context["editor"])
    flip = [0]

    def save():
        flip[0] += 1
        key = next(name for name in data if name.endswith("-actual") and "-v" in name)
        data[key] = str(20 + flip[0] % 2)
        response = client.post(url, data)
        if response.status_code != 302:
            editor = response.context["editor"]
            forms = [
                editor.result_form,
                *(r.form for r in editor.rows),
                *(p.form for r in editor.rows for p in r.periods),
            ]
            raise SystemExit(f"refused: {[form.errors for form in forms if form.errors][:3]}")

    print(f"  POST {timed(save, max(5, runs // 4))} (one actual changed: one version)")


def _post_data(editor) -> dict:
    """What the browser sends back: every row's inputs as the page shows them."""
    data = {"result-type": "1", "result-title_fr": "Eau potable", "indicator_rows": [], "period_rows": []}
    for row in editor.rows:
        if row.indicator is None:
            continue
        data["indicator_rows"].append(row.prefix)
        for name, field in row.form.fields.items():
            value = row.form.initial.get(name, field.initial)
            if value not in (None, False, ""):
                data[f"{row.prefix}-{name}"] = "on" if value is True else str(value)
        for period in row.periods:
            if period.value is None:
                continue
            data["period_rows"].append(period.prefix)
            for name, field in period.form.fields.items():
                value = period.form.initial.get(name, field.initial)
                if value not in (None, False, ""):
                    data[f"{period.prefix}-{name}"] = "on" if value is True else str(value)
    return data


def build_register(projects: int) -> None:
    from coopdec.actors.models import Organisation
    from coopdec.cooperation.models import (
        Indicator,
        IndicatorDisaggregation,
        IndicatorValue,
        Partnership,
        PartnershipParty,
        Project,
        Result,
    )

    started = time.perf_counter()
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Commune {i}", name_folded=f"commune {i}", kind="municipality", country_id=country)
            for i, country in enumerate(["FR", "SN"] * 200)
        ]
    )
    partnerships = Partnership.objects.bulk_create(
        [Partnership(kind="twinning", publication_status="published") for _ in range(200)]
    )
    PartnershipParty.objects.bulk_create(
        [
            PartnershipParty(partnership=partnership, organisation=orgs[2 * i + side])
            for i, partnership in enumerate(partnerships)
            for side in (0, 1)
        ]
    )
    project_rows = Project.objects.bulk_create(
        [
            Project(
                partnership=partnerships[i % 200],
                lead_organisation=orgs[2 * (i % 200)],
                title={"fr": f"Projet {i}"},
                publication_status="published",
            )
            for i in range(projects)
        ],
        batch_size=1000,
    )
    results = Result.objects.bulk_create(
        [Result(project=project, title={"fr": "R"}) for project in project_rows], batch_size=2000
    )
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(result=result, title={"fr": code}, standard_id=code, cumulative=code == STANDARDS[0])
            for result in results
            for code in STANDARDS
        ],
        batch_size=2000,
    )
    values = IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                indicator=indicator,
                period_start=date(year, 1, 1),
                period_end=date(year, 12, 31),
                due_date=date(year + 1, 1, 31),
                actual=Decimal(10 * (year - 2020)),
                status="approved" if year < 2025 else "submitted",
            )
            for indicator in indicators
            for year in (2021, 2022, 2023, 2024, 2025)
        ],
        batch_size=5000,
    )
    IndicatorDisaggregation.objects.bulk_create(
        [
            IndicatorDisaggregation(
                indicator_value=value, measure="actual", dimensions={"sex": sex}, value=value.actual / 2
            )
            for value in values
            if value.status == "approved"
            for sex in ("female", "male")
        ],
        batch_size=5000,
    )
    print(
        f"\nregister: {projects} projects, {len(indicators)} indicators, {len(values)} values "
        f"written in {time.perf_counter() - started:.1f} s"
    )


def bench_sums(runs: int) -> None:
    from coopdec.cooperation import selectors
    from coopdec.cooperation.models import Project

    totals = selectors.standard_indicator_totals(projects=Project.objects.filter(selectors.PUBLISHED))
    print(
        "  totals: "
        + ", ".join(
            f"{code} {total.total.normalize():f} ({len(total.projects)} projects)" for code, total in totals.items()
        )
    )
    print(f"standard_indicator_totals, every project: {timed(selectors.standard_indicator_totals, runs)}")
    print(
        "standard_indicator_totals, one code, 2023: "
        + timed(lambda: selectors.standard_indicator_totals(codes=[STANDARDS[1]], year=2023), runs)
    )
    print(f"results_dashboard, every country: {timed(lambda: selectors.results_dashboard(), runs)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
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
    from django.conf import settings
    from django.test.utils import setup_test_environment

    # Pages render without collectstatic having run (as in the tests).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    setup_test_environment()  # the test client's context (the editor's rows) and in-memory mail
    print(f"start: {date.today()}, {os.cpu_count()} CPUs, {load()}")
    prepare()
    bench_editor(options.runs)
    build_register(options.projects)
    bench_sums(options.runs)
    print(f"\nend: {load()}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
