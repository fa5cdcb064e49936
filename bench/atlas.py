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

Times are wall and CPU (this process, plus the PostgreSQL backend's own CPU read from /proc): on
the shared 2-core machine the wall time mostly measures the queue for a core. Building 1M projects
through ``coopdec.atlas.index`` takes over an hour there, so the 1M figures may come from a 100k
index replicated ten times (``--replicate``: same text and facet values, ids shifted), and the
PostgreSQL figures from the documents of a SQLite run (``--documents-from``):

    python bench/atlas.py --size 100k --keep                          # prints the kept folder
    python bench/atlas.py --replicate K/atlas-bench.sqlite3 /tmp/1m.sqlite3 10
    python bench/atlas.py --size 1M --reuse sqlite:////tmp/1m.sqlite3
    python bench/atlas.py --size 100k --database postgres://.../atlas_100k --documents-from K/atlas-bench.sqlite3
    python bench/atlas.py --replicate postgres://.../atlas_100k postgres://.../atlas_1m 10
    python bench/atlas.py --size 1M --reuse postgres://.../atlas_1m
"""

import argparse
import os
import resource
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


# The PostgreSQL full-text indexes (atlas migration 0006: GIN over the stored vector columns,
# which PostgreSQL fills by itself on insert), dropped during bulk copies and built once after.
POSTGRESQL_FULLTEXT_INDEXES = {
    "atlas_document_text_vector": "(text_vector)",
    "atlas_document_title_vector": "(title_vector)",
}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _server_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (the same machine:
    /proc/<pid>/schedstat), 0 on SQLite (its work is this process's)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    if not hasattr(_server_cpu, "pid") or _server_cpu.connection is not connection.connection:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            _server_cpu.pid = cursor.fetchone()[0]
        _server_cpu.connection = connection.connection
    try:
        return int(Path(f"/proc/{_server_cpu.pid}/schedstat").read_text().split()[0]) / 1e9
    except OSError:  # another machine
        return 0.0


def timed(label, calls, rounds):
    """Wall time, and CPU time of this process plus, with PostgreSQL, of its backend process (the
    part other processes on a loaded machine cannot stretch)."""
    times, cpu = [], []
    for _ in range(rounds):
        for call in calls:
            started, started_cpu, started_server = time.perf_counter(), time.process_time(), _server_cpu()
            call()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu + _server_cpu() - started_server) * 1000)
    print(
        f"  {label:<46} p50 {statistics.median(times):6.1f} ms  p95 {percentile(times, 0.95):6.1f} ms"
        f"  | CPU p50 {statistics.median(cpu):6.1f} ms  p95 {percentile(cpu, 0.95):6.1f} ms  (n={len(times)})"
    )
    return times


def engine_columns(n_projects: int, seed: int = 1):
    """Index columns as the database would return them, drawn with bench/synthetic.py's
    distributions, for measuring the facet engine alone at sizes the database build cannot reach
    in the time at hand (no full-text search: text hits are random subsets)."""
    import random

    from synthetic import AXIS_SDGS, AXIS_WEIGHTS, NORTH, SOUTH

    from coopdec.atlas.facets import COLUMNS_READ
    from coopdec.vocabularies.models import Axis

    rng = random.Random(seed)
    sectors = {a.code: a.sectors for a in Axis.objects.all()}
    n_orgs, n_partnerships = n_projects // 16, n_projects // 10
    north, south = list(NORTH), list(SOUTH)
    org_country = [
        rng.choices(north, weights=list(NORTH.values()))[0]
        if rng.random() < 0.55
        else rng.choices(south, weights=list(SOUTH.values()))[0]
        for _ in range(n_orgs)
    ]
    columns = [[] for _ in range(18)]

    def add(*values):
        for column, value in zip(columns, values, strict=True):
            column.append(value)

    doc = 0
    for i in range(n_orgs):
        doc += 1
        add(
            doc,
            "organisation",
            i,
            org_country[i],
            " ".join(sorted({rng.choice(south)})),
            "",
            "",
            "",
            "",
            "",
            "municipality",
            "",
            None,
            rng.uniform(-40, 60),
            rng.uniform(-120, 120),
            rng.randint(0, 30),
            None,
            "",
        )
    parties = []
    for i in range(n_partnerships):
        doc += 1
        members = sorted({org_country[rng.randrange(n_orgs)] for _ in range(2 if rng.random() < 0.85 else 4)})
        parties.append(members)
        add(
            doc,
            "partnership",
            i,
            " ".join(members),
            " ".join(members),
            "",
            "",
            "",
            "",
            "bilateral",
            "twinning",
            "active",
            rng.randint(1960, 2026),
            None,
            None,
            0,
            None,
            "",
        )
    axis_codes, axis_weights = list(AXIS_WEIGHTS), list(AXIS_WEIGHTS.values())
    for i in range(n_projects):
        doc += 1
        countries = " ".join(parties[rng.randrange(n_partnerships)])
        axis = rng.choices(axis_codes, weights=axis_weights)[0]
        codes = sorted(
            {c for c in rng.sample(sectors[axis], k=min(2, len(sectors[axis])))} | {c[:3] for c in sectors[axis][:1]}
        )
        add(
            doc,
            "project",
            i,
            countries,
            countries,
            axis,
            " ".join(codes),
            AXIS_SDGS[axis],
            rng.choice(["technical", "financial", "human technical"]),
            "bilateral",
            "twinning",
            rng.choice("12344"),
            rng.randint(1995, 2026),
            None,
            None,
            0,
            rng.lognormvariate(10.5, 1.3),
            rng.choice(["EUR"] * 8 + ["XOF", "USD"]),
        )
    import numpy as np

    columns.extend([""] * doc for _ in range(len(COLUMNS_READ) - len(columns)))  # offers, seeks: none here
    ids = np.arange(1, doc + 1, dtype=np.int64)
    return columns, {"title": np.random.default_rng(seed).permutation(ids), "-updated": ids[::-1].copy()}


def engine_only(args) -> None:
    import numpy as np

    from coopdec.atlas import selectors
    from coopdec.atlas.facets import Engine
    from coopdec.atlas.filters import AtlasQuery

    n = SIZES[args.size]
    started = time.perf_counter()
    data = engine_columns(n)
    print(
        f"== facet engine alone: {args.size} projects, synthetic columns (load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores)"
    )
    started = time.perf_counter()
    engine = Engine(1, data=data)
    print(f"  engine: {engine.n} documents built in {time.perf_counter() - started:.1f} s")
    rng = np.random.default_rng(3)
    masks = [rng.random(engine.n) < fraction for fraction in (0.002, 0.01, 0.05, 0.2, 0.5)]
    filters = [
        {"country": "FR", "type": "project"},
        {"continent": "AF", "status": "2"},
        {"partner_country": "SN", "axis": "education"},
        {"country": "DE", "start_year": "2015-2026"},
        {"continent": "AF", "support": "technical"},
    ]
    calls = [lambda m=m, f=f: engine.search(AtlasQuery.from_params(f), m, m) for m in masks for f in filters]
    timed("text hits (0.2-50 %) + two facets + counts", calls, args.rounds)
    timed("empty query + facet counts", [lambda: engine.search(AtlasQuery(), None, None)], args.rounds * 10)
    stats = [AtlasQuery()] + [AtlasQuery.from_params({"axis": a}) for a in ("water-sanitation", "education", "culture")]
    timed(
        "statistics by country",
        [lambda q=q: selectors.statistics_of(engine, q, "country", None) for q in stats],
        args.rounds * 3,
    )
    maps = [AtlasQuery.from_params({"country": c}) for c in COUNTRIES]
    timed("map data for a country", [lambda q=q: selectors.map_data_of(engine, q, None) for q in maps], args.rounds)


def setup_database(args, tmp: Path) -> str:
    if args.database:
        url = args.database
        import psycopg

        base, name = url.rsplit("/", 1)
        reference = f"{name}_reference"  # migrated, with the reference data: the template of every run
        env = {**os.environ, "DATABASE_URL": f"{base}/{reference}"}
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [reference]).fetchone():
                conn.execute(f'CREATE DATABASE "{reference}"')
                subprocess.run(
                    [sys.executable, "-m", "coopdec", "migrate", "--no-input", "-v", "0"], env=env, check=True
                )
                subprocess.run(
                    [sys.executable, "-m", "coopdec", "load_reference"], env=env, check=True, stdout=subprocess.DEVNULL
                )
            else:  # migrations added since the template was made
                subprocess.run(
                    [sys.executable, "-m", "coopdec", "migrate", "--no-input", "-v", "0"], env=env, check=True
                )
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{reference}"')
        return url
    source = ROOT / "var" / "coopdec.sqlite3"
    target = tmp / "atlas-bench.sqlite3"
    with __import__("sqlite3").connect(source) as src, __import__("sqlite3").connect(target) as dst:
        src.backup(dst)
    url = f"sqlite:///{target}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "coopdec", "migrate", "--no-input", "-v", "0"], env=env, check=True)
    return url


def copy_documents(source: Path) -> int:
    """Fill PostgreSQL's atlas index with the documents a SQLite benchmark database holds (built
    by ``coopdec.atlas.index`` from the same synthetic records): COPY, then the full-text indexes
    built once rather than row by row. Returns the number of documents."""
    import sqlite3

    from django.db import connection

    from coopdec.atlas.index import DOCUMENT_FIELDS, bump_version

    columns = ["id", *DOCUMENT_FIELDS]
    fulltext = POSTGRESQL_FULLTEXT_INDEXES
    copied = 0
    with sqlite3.connect(source) as lite, connection.cursor() as cursor:
        for name in fulltext:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute("TRUNCATE atlas_searchdocument")
        rows = lite.execute(f"SELECT {', '.join(columns)} FROM atlas_searchdocument ORDER BY id")  # noqa: S608
        with cursor.cursor.copy(f"COPY atlas_searchdocument ({', '.join(columns)}) FROM STDIN") as copy:
            is_demo = columns.index("is_demo")
            for row in rows:
                row = list(row)
                row[is_demo] = bool(row[is_demo])
                copy.write_row(row)
                copied += 1
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for name, expression in fulltext.items():
            cursor.execute(f"CREATE INDEX {name} ON atlas_searchdocument USING gin {expression}")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('atlas_searchdocument', 'id'), (SELECT max(id) FROM "
            "atlas_searchdocument))"
        )
        cursor.execute("VACUUM ANALYZE atlas_searchdocument") if connection.get_autocommit() else cursor.execute(
            "ANALYZE atlas_searchdocument"
        )
        bump_version()
    return copied


def replicate(source: str, target: str, times: int) -> int:
    """A database whose atlas index holds ``times`` copies of ``source``'s documents (ids and
    record ids shifted; text and facet values identical), for measuring the search at ten times a
    size whose index could be built in the time at hand. The records themselves are not copied.
    SQLite files, or PostgreSQL URLs (the target is created from the source as a template).
    Returns the number of documents."""
    import sqlite3

    from coopdec.atlas.index import DOCUMENT_FIELDS

    fields = [f for f in DOCUMENT_FIELDS if f not in {"object_id"}]
    if source.startswith("postgres"):
        return _replicate_postgresql(source, target, times, fields)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    with sqlite3.connect(target) as db:
        shift = db.execute("SELECT max(id), max(object_id) FROM atlas_searchdocument").fetchone()
        step = max(shift) + 1
        for copy in range(1, times):
            db.execute(
                f"INSERT INTO atlas_searchdocument (id, object_id, {', '.join(fields)}) "  # noqa: S608 (fixed names)
                f"SELECT id + {copy * step}, object_id + {copy * step}, {', '.join(fields)} FROM "
                f"atlas_searchdocument WHERE id < {step}"
            )
        db.execute("INSERT INTO atlas_search_fts(atlas_search_fts) VALUES ('rebuild')")
        db.execute("INSERT INTO atlas_search_fts(atlas_search_fts) VALUES ('optimize')")
        db.execute("UPDATE atlas_indexstate SET version = abs(random()) % 4611686018427387904 + 1")
        db.execute("ANALYZE")
        return db.execute("SELECT count(*) FROM atlas_searchdocument").fetchone()[0]


def _replicate_postgresql(source: str, target: str, times: int, fields: list[str]) -> int:
    import psycopg

    base, name = target.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source.rsplit("/", 1)[1]}"')
    fulltext = POSTGRESQL_FULLTEXT_INDEXES
    with psycopg.connect(target, autocommit=True) as db:
        for index in fulltext:
            db.execute(f"DROP INDEX {index}")
        step = max(db.execute("SELECT max(id), max(object_id) FROM atlas_searchdocument").fetchone()) + 1
        db.execute(
            f"INSERT INTO atlas_searchdocument (id, object_id, {', '.join(fields)}) "  # noqa: S608 (fixed names)
            f"SELECT id + k * {step}, object_id + k * {step}, {', '.join(fields)} "
            f"FROM atlas_searchdocument, generate_series(1, {times - 1}) AS k WHERE id < {step}"
        )
        db.execute("SET maintenance_work_mem = '1GB'")
        for index, expression in fulltext.items():
            db.execute(f"CREATE INDEX {index} ON atlas_searchdocument USING gin {expression}")
        db.execute(
            "SELECT setval(pg_get_serial_sequence('atlas_searchdocument', 'id'), (SELECT max(id) FROM "
            "atlas_searchdocument))"
        )
        db.execute("UPDATE atlas_indexstate SET version = floor(random() * 4e18)::bigint + 1")
        db.execute("VACUUM ANALYZE atlas_searchdocument")
        return db.execute("SELECT count(*) FROM atlas_searchdocument").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="10k")
    parser.add_argument(
        "--database", help="postgres://user:password@host:5432/name (dropped and created); default: SQLite copy"
    )
    parser.add_argument("--keep", action="store_true", help="keep the SQLite database and print its path")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--reuse", metavar="URL", help="measure a database already built by --keep (no build)")
    parser.add_argument(
        "--replicate",
        nargs=3,
        metavar=("SOURCE", "TARGET", "TIMES"),
        help="write TARGET, a copy of SOURCE (SQLite files or PostgreSQL URLs) whose index holds TIMES copies "
        "of its documents, and stop",
    )
    parser.add_argument(
        "--documents-from",
        metavar="SQLITE_FILE",
        help="with --database: copy the atlas documents of a SQLite database kept by --keep instead of building",
    )
    parser.add_argument(
        "--engine-only",
        action="store_true",
        help="the facet engine alone on synthetic columns (reads reference data from var/coopdec.sqlite3)",
    )
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench")
    if args.replicate:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopdec.settings")
        import django

        django.setup()
        started = time.perf_counter()
        count = replicate(args.replicate[0], args.replicate[1], int(args.replicate[2]))
        print(f"{count} documents in {args.replicate[1]} ({time.perf_counter() - started:.0f} s)")
        return
    if args.engine_only:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopdec.settings")
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import django

        django.setup()
        engine_only(args)
        return
    tmp = Path(tempfile.mkdtemp(prefix="coopdec-atlas-bench-", dir=os.environ.get("TMPDIR")))
    try:
        url = args.reuse or setup_database(args, tmp)
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopdec.settings")
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import django

        django.setup()
        import numpy as np
        from django.db import connection
        from synthetic import build

        from coopdec.atlas import facets, selectors, wordbits
        from coopdec.atlas.filters import AtlasQuery

        n = SIZES[args.size]
        print(
            f"== atlas benchmark: {args.size} projects on {connection.vendor} (load average {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores)"
        )
        if args.documents_from:
            started = time.perf_counter()
            copied = copy_documents(Path(args.documents_from))
            print(
                f"  data: {copied} atlas documents copied from {args.documents_from} in "
                f"{time.perf_counter() - started:.0f} s "
                "(the index only: the records themselves stay in the SQLite file)"
            )
        elif not args.reuse:
            counts = build(n, progress=lambda line: None)
            print(
                f"  data: {counts['organisations']} organisations, {counts['partnerships']} partnerships, "
                f"{counts['projects']} projects; "
                f"inserted in {counts['build_seconds']} s, indexed in {counts['reindex_seconds']} s"
            )
        started, started_cpu, started_server = time.perf_counter(), time.process_time(), _server_cpu()
        engine = facets.engine()
        words = engine.words
        print(
            f"  facet engine: {engine.n} documents loaded in {time.perf_counter() - started:.1f} s "
            f"(CPU {time.process_time() - started_cpu:.1f} s here, {_server_cpu() - started_server:.1f} s in the "
            f"database server; of which words {getattr(engine, 'words_seconds', 0):.1f} s wall); "
            f"vocabulary {len(words.vocabulary or ())} terms, kept in memory: {len(words.terms)} terms and "
            f"{len(words.prefixes)} prefixes ({words.memory() / 1e6:.1f} MB), threshold "
            f"{wordbits.threshold(engine.n)} documents"
        )

        # A worker's first request loads the URL configuration and label caches: not a search cost.
        selectors.search(AtlasQuery())
        selectors.search(AtlasQuery.from_params({"q": "zz", "country": "FR"}))
        text_queries = [AtlasQuery.from_params({"q": q, **f}) for q, f in QUERIES]
        calls = [lambda q=q: selectors.search(q) for q in text_queries]
        timed("text query + two facets + counts (first time)", calls, 1)
        # Words the engine does not keep, the most frequent first (just under the threshold: the
        # database's worst case), each asked for the first time.
        rare = sorted(
            (t for t, c in (words.vocabulary or {}).items() if t not in words.terms and len(t) >= 4 and t.isalpha()),
            key=lambda t: -words.vocabulary[t],
        )[:15]
        if rare:
            rare_queries = [AtlasQuery.from_params({"q": t, **f}) for t, (_q, f) in zip(rare, QUERIES, strict=False)]
            timed(
                f"rare word + two facets (database; {words.vocabulary[rare[-1]]}-{words.vocabulary[rare[0]]} docs)",
                [lambda q=q: selectors.search(q) for q in rare_queries],
                1,
            )
        # The same words again with other facets: what a user refining a search does.
        refined = [AtlasQuery.from_params({"q": q, "type": "partnership", "continent": "EU"}) for q, _f in QUERIES]
        timed(
            "text query + two facets + counts (words seen)",
            [lambda q=q: selectors.search(q) for q in refined],
            args.rounds,
        )
        timed("empty query + facet counts", [lambda: selectors.search(AtlasQuery())], args.rounds * 10)
        stats_queries = [AtlasQuery()] + [
            AtlasQuery.from_params({"axis": a}) for a in ("water-sanitation", "education", "culture")
        ]
        timed(
            "statistics by country",
            [lambda q=q: selectors.statistics(q, "country") for q in stats_queries],
            args.rounds * 3,
        )
        map_queries = [AtlasQuery.from_params({"country": c}) for c in COUNTRIES]
        timed("map data for a country", [lambda q=q: selectors.map_data(q) for q in map_queries], args.rounds)
        # The pages, before the edit below: at 1M an edit makes this process's engine stale, and
        # ``facets.engine()`` then brings it up to date in a background thread (seconds of CPU)
        # while the stale one serves; pages timed meanwhile measured that thread, not the page.
        from django.conf import settings
        from django.test import Client

        # Rendering only: static URLs without the collected manifest.
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        client = Client(SERVER_NAME="localhost")
        pages = [f"/atlas/?q={q}&country={c}" for (q, _f), c in zip(QUERIES, COUNTRIES * 2, strict=False)]
        client.get(pages[0])  # templates compiled, translations loaded
        timed(
            "atlas page, HTML rendered (text + facet)", [lambda url=url: client.get(url) for url in pages], args.rounds
        )
        timed("atlas page, HTML rendered (empty query)", [lambda: client.get("/atlas/")], args.rounds * 5)
        maps = [url.replace("/atlas/", "/atlas/map.json") for url in pages]
        timed("map data JSON (text + facet)", [lambda url=url: client.get(url) for url in maps], args.rounds)
        # An edit: one project reindexed (its partnership, projects and parties with it), then the
        # engine brought up to date (what a web worker's background thread does).
        from coopdec.atlas import index

        project = int(engine.object_ids[np.flatnonzero(engine.types == 2)[0]])
        written = index.reindex(projects=[project])
        started, started_cpu = time.perf_counter(), time.process_time()
        updated = facets.refreshed(engine, index.current_version())
        print(
            f"  edit: {written} documents reindexed; engine brought up to date in "
            f"{time.perf_counter() - started:.2f} s "
            f"(CPU {time.process_time() - started_cpu:.2f} s; "
            f"{'delta' if updated.changes_since_saved else 'full rebuild'})"
        )
        # What the pages cost while ``facets.engine()`` brings this process's engine up to date
        # after that edit: in a thread above SYNC_RELOAD_LIMIT documents (at 1M, seconds of CPU
        # that the pages share), synchronously below (the first page waits for it).
        timed(
            "atlas page, during the engine update after an edit", [lambda url=url: client.get(url) for url in pages], 1
        )
        print(
            "  load average at the end: {:.1f} {:.1f} {:.1f}; peak memory of this process {:.0f} MB".format(
                *os.getloadavg(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            )
        )
    finally:
        if args.keep and not args.database:
            print(f"  database kept: {tmp}")
        elif args.reuse:
            pass
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
