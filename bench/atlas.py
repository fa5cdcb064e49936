"""Benchmark of the public atlas: search with facets, facet counts, statistics, map data.

    python bench/atlas.py --size 10k|100k|1M [--database URL] [--keep]

Builds the synthetic data set of bench/synthetic.py (projects; organisations and partnerships in
proportion) in a fresh database, SQLite by default (a copy of var/coopdec.sqlite3, which holds the
reference data) or PostgreSQL with --database postgres://.../coopdec_bench_atlas (created and
dropped), then prints p50/p95 server-side times (selectors: full-text match, facet engine, page
of results) of:

- a text query with two facet filters and every facet count,
- the empty query with every facet count,
- statistics by country (with and without a filter),
- map data for a country.

Target (issue 7): p95 <= 100 ms at 1M projects on both databases; 100k -> 1M well below 10x.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
QUERIES = [
    ("eau potable", {"country": "FR", "type": "project"}),
    ("water", {"continent": "AF", "status": "2"}),
    ("formation", {"country": "DE", "axis": "education"}),
    ("climat", {"partner_country": "SN", "type": "project"}),
    ("jugend", {"country": "DE", "start_year": "2015-2026"}),
    ("santé", {"continent": "AF", "support": "technical"}),
    ("coopération décentralisée", {"country": "FR", "sdg": "16"}),
    ("déchets", {"partner_country": "BF", "form": "bilateral"}),
    ("school canteens", {"type": "project", "continent": "AF"}),
    ("cultural exchange", {"country": "IT", "type": "project"}),
    ("reconstruction", {"partner_country": "HT", "type": "project"}),
    ("microcredito", {"continent": "SA", "type": "project"}),
    ("budget participatif", {"country": "FR", "partner_country": "MA"}),
    ("agua", {"continent": "SA", "axis": "water-sanitation"}),
    ("dakar", {"type": "project", "status": "4"}),
]
COUNTRIES = ["FR", "SN", "DE", "BF", "MA", "BR", "VN", "IT", "ML", "HT"]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def timed(label, calls, rounds):
    """Wall time, and CPU time of this process (the part other processes on a loaded machine
    cannot stretch; with PostgreSQL it leaves out the database server's own work)."""
    times, cpu = [], []
    for _ in range(rounds):
        for call in calls:
            started, started_cpu = time.perf_counter(), time.process_time()
            call()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    print(
        f"  {label:<46} p50 {statistics.median(times):6.1f} ms  p95 {percentile(times, 0.95):6.1f} ms"
        f"  | CPU p50 {statistics.median(cpu):6.1f} ms  p95 {percentile(cpu, 0.95):6.1f} ms  (n={len(times)})"
    )
    return times


def setup_database(args, tmp: Path) -> str:
    if args.database:
        url = args.database
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run([sys.executable, "-m", "coopdec", "migrate", "--no-input", "-v", "0"], env=env, check=True)
        subprocess.run([sys.executable, "-m", "coopdec", "load_reference"], env=env, check=True, stdout=subprocess.DEVNULL)
        return url
    source = ROOT / "var" / "coopdec.sqlite3"
    target = tmp / "atlas-bench.sqlite3"
    with __import__("sqlite3").connect(source) as src, __import__("sqlite3").connect(target) as dst:
        src.backup(dst)
    url = f"sqlite:///{target}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "coopdec", "migrate", "--no-input", "-v", "0"], env=env, check=True)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="10k")
    parser.add_argument("--database", help="postgres://user:password@host:5432/name (dropped and created); default: SQLite copy")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite database and print its path")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--reuse", metavar="URL", help="measure a database already built by --keep (no build)")
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench")
    tmp = Path(tempfile.mkdtemp(prefix="coopdec-atlas-bench-", dir=os.environ.get("TMPDIR")))
    try:
        url = args.reuse or setup_database(args, tmp)
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopdec.settings")
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import django

        django.setup()
        from django.db import connection
        from synthetic import build

        from coopdec.atlas import facets, selectors
        from coopdec.atlas.filters import AtlasQuery

        n = SIZES[args.size]
        print(f"== atlas benchmark: {args.size} projects on {connection.vendor} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        if not args.reuse:
            counts = build(n, progress=lambda line: None)
            print(f"  data: {counts['organisations']} organisations, {counts['partnerships']} partnerships, {counts['projects']} projects; "
                  f"inserted in {counts['build_seconds']} s, indexed in {counts['reindex_seconds']} s")
        started = time.perf_counter()
        engine = facets.engine()
        print(f"  facet engine: {engine.n} documents loaded in {time.perf_counter() - started:.1f} s")

        text_queries = [AtlasQuery.from_params({"q": q, **f}) for q, f in QUERIES]
        calls = [lambda q=q: selectors.search(q) for q in text_queries]
        timed("text query + two facets + counts (first time)", calls, 1)
        # The same words again with other facets: what a user refining a search does.
        refined = [AtlasQuery.from_params({"q": q, "type": "partnership", "continent": "EU"}) for q, _f in QUERIES]
        timed("text query + two facets + counts (words seen)", [lambda q=q: selectors.search(q) for q in refined], args.rounds)
        timed("empty query + facet counts", [lambda: selectors.search(AtlasQuery())], args.rounds * 10)
        stats_queries = [AtlasQuery()] + [AtlasQuery.from_params({"axis": a}) for a in ("water-sanitation", "education", "culture")]
        timed("statistics by country", [lambda q=q: selectors.statistics(q, "country") for q in stats_queries], args.rounds * 3)
        map_queries = [AtlasQuery.from_params({"country": c}) for c in COUNTRIES]
        timed("map data for a country", [lambda q=q: selectors.map_data(q) for q in map_queries], args.rounds)
        from django.conf import settings
        from django.test import Client

        # Rendering only: static URLs without the collected manifest.
        settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
        client = Client(SERVER_NAME="localhost")
        pages = [f"/atlas/?q={q}&country={c}" for (q, _f), c in zip(QUERIES, COUNTRIES * 2, strict=False)]
        timed("atlas page, HTML rendered (text + facet)", [lambda url=url: client.get(url) for url in pages], 1)
    finally:
        if args.keep and not args.database:
            print(f"  database kept: {tmp}")
        elif args.reuse:
            pass
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
