"""How long another write waits during a 5,000-row web spreadsheet import (issue 16), on SQLite.

A second thread (its own database connection) writes one small row every 50 ms while the import
runs, and records how long each write waited for SQLite's write lock: first for the former import
(``spreadsheet_import``: all rows in one transaction; skipped with ``--task-only``), then for the
background task's (``spreadsheet_import_run``: batches closed after 0.25 s of writing, one
transaction each). Each import writes 5,000 rows of 10,000 new organisations and 5,000 partnerships
(drafts; published with ``--publish``, which indexes them in the atlas too) into a fresh file under
/tmp. Prints the load average, the import time and the writes' count, median, p95 and longest wait.
Benchmarks never assert. Run::

    .venv/bin/python bench/import_lock.py [--task-only] [--publish]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

WORK = Path(os.environ.get("COOPDEC_BENCH_DIR", "/tmp/coopdec-bench-import-lock"))
ROWS = 5000


def sheet_csv(prefix: str) -> bytes:
    lines = ["organisation_1,kind_1,city_1,country_1,organisation_2,kind_2,city_2,country_2,partnership_kind"]
    for i in range(ROWS):
        lines.append(f"{prefix} association {i},ngo,,France,{prefix} fondation {i},foundation,,Senegal,agreement")
    return "\n".join(lines).encode()


def writer(stop: threading.Event, waits: list[float], failures: list[int]) -> None:
    from django.db import OperationalError, connection

    from coopdec.common.models import RateCounter

    n = 0
    while not stop.is_set():
        n += 1
        started = time.perf_counter()
        try:
            RateCounter.objects.create(
                client=f"bench-{id(waits)}-{n}", period=n, count=1, previous=0, last_seen=0, expires=0
            )
        except OperationalError:  # "database is locked" after the 10 s busy timeout
            failures.append(n)
        waits.append(time.perf_counter() - started)
        time.sleep(0.05)
    connection.close()


def load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def measure(label: str, run) -> None:
    print(f"{label}: {load()} before")
    waits: list[float] = []
    failures: list[int] = []
    stop = threading.Event()
    thread = threading.Thread(target=writer, args=(stop, waits, failures))
    thread.start()
    time.sleep(0.3)
    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    stop.set()
    thread.join()
    waits.sort()
    p95 = waits[int(len(waits) * 0.95) - 1] if waits else 0.0
    print(
        f"{label}: import {elapsed:.1f} s; {len(waits)} other writes, wait median "
        f"{statistics.median(waits) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, longest {waits[-1] * 1000:.0f} ms, "
        f"{len(failures)} refused (database is locked); {load()} after"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--task-only", action="store_true", help="skip the former one-transaction import")
    parser.add_argument("--publish", action="store_true", help="publish (and index) the imported records")
    options = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
    os.environ.setdefault("SECRET_KEY", "coopdec-bench-only")
    os.environ["COOPDEC_VAR_DIR"] = str(WORK)
    os.environ["DJANGO_SETTINGS_MODULE"] = "coopdec.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from coopdec.actors.models import User
    from coopdec.interop.models import SpreadsheetImport
    from coopdec.interop.spreadsheet.jobs import spreadsheet_import_run
    from coopdec.interop.spreadsheet.services import spreadsheet_import, spreadsheet_parse
    from coopdec.interop.spreadsheet.storage import upload_store
    from coopdec.territories import loaders as places

    call_command("migrate", verbosity=0)
    places.load_countries()
    user = User.objects.create_user("bench", "bench@example.org", "a-long-passphrase-42")

    if not options.task_only:
        before = spreadsheet_parse(sheet_csv("Before"), filename="before.csv")
        print(f"{len(before.valid_rows)} rows to import")
        measure("one transaction", lambda: spreadsheet_import(before, user=user, publish=options.publish))

    after = spreadsheet_parse(sheet_csv("After"), filename="after.csv")
    token = upload_store(parsed=after, user=user, filename="after.csv")
    job = SpreadsheetImport.objects.create(token=token, user=user, filename="after.csv", publish=options.publish)
    measure("task, in batches", lambda: spreadsheet_import_run(job_id=job.pk))


if __name__ == "__main__":
    main()
