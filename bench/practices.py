"""Benchmark of good practices in the atlas: search with the practice facets at 10k or 100k practices.

    python bench/practices.py --size 10k|100k [--projects N] [--database URL | --reference FILE] [--rounds 4]

Builds, in a fresh database (SQLite copy of var/coopdec.sqlite3 by default, or PostgreSQL with
--database postgres://.../coopdec_bench_practices, created and dropped, as bench/atlas.py does),
(--reference: another SQLite file holding the reference data, ``coopdec load_reference``) the
synthetic cooperation data of bench/synthetic.py (--projects, default a tenth of the
practices, with organisations and partnerships in proportion) and SIZE published practices written
by those organisations (their axes, DAC sectors, SDGs and countries drawn with synthetic.py's
distributions, titles and summaries in one or two languages), indexes everything with
``coopdec.atlas.index.reindex_all`` (practices through ``coopdec.atlas.registry``), then prints
p50/p95 wall and CPU times of:

- the practices page's search: text + two practice facets, with the counts of the five practice
  facets (axis, sector, SDG, country, organisation kind): ``coopdec.knowledge.selectors.search``;
- the same without text, and the empty practice query;
- the atlas's own queries (bench/atlas.py's QUERIES) on the index that now holds the practices;
- a practice page's "similar practices" and "territories looking for partners on its themes".

The atlas targets (issue 7, bench/atlas.py): p95 <= 100 ms per search at 1M projects. The machine
is shared (2 cores): read the CPU columns and the load average printed with the figures.
"""

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"10k": 10_000, "100k": 100_000}
PRACTICE_QUERIES = [
    ("eau potable", {"country": "SN", "axis": "water-sanitation"}),
    ("school canteens", {"sdg": "4", "kind": "municipality"}),
    ("déchets", {"sector": "140", "country": "BF"}),
    ("formation", {"axis": "education", "kind": "municipality"}),
    ("agua", {"country": "BR", "sector": "140"}),
    ("santé", {"axis": "health", "country": "ML"}),
    ("jugend", {"axis": "youth-mobility", "sdg": "4"}),
    ("gouvernance", {"axis": "local-governance", "country": "MA"}),
]


def build_practices(n: int, seed: int = 1) -> float:
    """Insert ``n`` published practices by the synthetic organisations (bulk), then reindex the
    atlas; returns the seconds spent inserting."""
    from synthetic import AXIS_SDGS, AXIS_WEIGHTS, PHRASES, SOUTH, _insert

    from coopdec.actors.models import Organisation
    from coopdec.common.models import PublicationStatus, Source
    from coopdec.knowledge.models import Practice
    from coopdec.vocabularies.models import Axis

    rng = random.Random(seed)
    started = time.perf_counter()
    organisations = list(Organisation.objects.values_list("id", "country_id"))
    sectors = {axis.code: axis.sectors for axis in Axis.objects.all()}
    axis_codes, weights = list(AXIS_WEIGHTS), list(AXIS_WEIGHTS.values())
    south = list(SOUTH)
    rows, authors = [], []
    for i in range(1, n + 1):
        axis = rng.choices(axis_codes, weights=weights)[0]
        phrases = PHRASES.get(axis) or PHRASES["water-sanitation"]
        languages = rng.sample(sorted(phrases), k=min(len(phrases), 1 if rng.random() < 0.7 else 2))
        title = {code: rng.choice(phrases[code]) for code in languages}
        author = organisations[rng.randrange(len(organisations))]
        rows.append(
            {
                "id": i,
                "title": title,
                "summary": {
                    code: f"{text}: comités, formation et suivi partagé ({i})." for code, text in title.items()
                },
                "axes": [axis],
                "sectors": sorted(set(rng.sample(sectors[axis], k=min(2, len(sectors[axis]))))),
                "sdgs": [AXIS_SDGS[axis]],
                "countries": sorted({author[1], rng.choice(south)}),
                "publication_status": PublicationStatus.PUBLISHED,
                "is_demo": True,
                "source": Source.DEMO,
            }
        )
        authors.append({"practice_id": i, "organisation_id": author[0]})
    _insert(Practice, rows)
    _insert(Practice.organisations.through, authors)
    return time.perf_counter() - started


def _sqlite_copy(reference: Path, tmp: Path) -> str:
    """A migrated copy of a SQLite database holding the reference data."""
    import sqlite3
    import subprocess

    target = tmp / "practices-bench.sqlite3"
    with sqlite3.connect(reference) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    url = f"sqlite:///{target}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "coopdec", "migrate", "--no-input", "-v", "0"], env=env, check=True)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="10k")
    parser.add_argument("--projects", type=int, help="synthetic projects besides the practices (default: size / 10)")
    parser.add_argument("--database", help="postgres://user:password@host:5432/name (dropped and created)")
    parser.add_argument("--reference", help="a SQLite file with the reference data (default var/coopdec.sqlite3)")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from atlas import QUERIES, setup_database, timed  # bench/atlas.py

    tmp = Path(tempfile.mkdtemp(prefix="coopdec-practices-bench-", dir=os.environ.get("TMPDIR")))
    try:
        os.environ["DATABASE_URL"] = (
            _sqlite_copy(Path(args.reference), tmp) if args.reference else setup_database(args, tmp)
        )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopdec.settings")
        import django

        django.setup()
        from django.db import connection
        from synthetic import build

        from coopdec.atlas import facets
        from coopdec.atlas import selectors as atlas
        from coopdec.atlas.filters import AtlasQuery
        from coopdec.atlas.index import reindex_all
        from coopdec.knowledge import selectors
        from coopdec.knowledge.models import Practice

        n = SIZES[args.size]
        projects = args.projects or n // 10
        print(
            f"== practices benchmark: {n} practices and {projects} projects on {connection.vendor} "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
        counts = build(projects, reindex=False, progress=lambda line: None)
        inserted = build_practices(n)
        started = time.perf_counter()
        indexed = reindex_all()
        print(
            f"  data: {counts['organisations']} organisations, {counts['projects']} projects, {n} practices "
            f"(practices inserted in {inserted:.0f} s); atlas index rebuilt in {time.perf_counter() - started:.0f} s: "
            f"{ {str(k): v for k, v in indexed.items()} }"
        )
        started = time.perf_counter()
        engine = facets.engine()
        print(f"  facet engine: {engine.n} documents loaded in {time.perf_counter() - started:.1f} s")
        selectors.search(selectors.practice_query({}))  # warm the empty query's counts
        text_and_facets = [
            lambda q=q, f=f: selectors.search(selectors.practice_query({"q": q, **f})) for q, f in PRACTICE_QUERIES
        ]
        facets_only = [lambda f=f: selectors.search(selectors.practice_query(f)) for _q, f in PRACTICE_QUERIES]
        timed("practices: text + two facets + 5 facet counts", text_and_facets, args.rounds)
        timed("practices: two facets + 5 facet counts", facets_only, args.rounds)
        timed("practices: empty query + 5 facet counts", [lambda: selectors.search(selectors.practice_query({}))], 20)
        atlas_calls = [lambda q=q, f=f: atlas.search(AtlasQuery.from_params({"q": q, **f})) for q, f in QUERIES]
        timed("atlas: bench/atlas.py queries (target p95 <= 100)", atlas_calls, args.rounds)
        sample = list(Practice.objects.order_by("?")[:20])
        timed("practice page: similar practices", [lambda p=p: selectors.similar(p) for p in sample], 2)
        timed("practice page: territories seeking", [lambda p=p: selectors.territories_seeking(p) for p in sample], 2)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if args.database:
            import psycopg

            base, name = args.database.rsplit("/", 1)
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
