"""Benchmark: resolve and import the world's twinnings, scored against geocoded ground truth.

    python bench/twinnings.py [--db PATH] [--resolve-only] [--no-atlas] [--errors N] [--breakdown]

Without --db, copies var/coopdec.sqlite3 (which must hold the full reference data) to a temporary
file, so the figures come from a fresh database. Prints resolved %, agreement % (places resolved to
a locality within 25 km of the coordinates the ground-truth file gives for them; places resolved to
a subdivision are counted as resolved but scored apart), ambiguous %, unresolved %, the time (wall
and CPU) of the resolver, of the full import and of its atlas indexing, and the load average.
--breakdown groups the disagreements by resolution reason and tells those whose ground truth lies
in another country than the one written.

The ground truth (../shared/data/twinnings/twin_cities_geocoded.csv) is read here only, to score;
the importer never reads it.
"""

import argparse
import csv
import math
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "twinnings" / "twin_cities_raw.csv"
TRUTH = ROOT.parent / "shared" / "data" / "twinnings" / "twin_cities_geocoded.csv"
AGREEMENT_KM = 25.0


def ground_truth(path: Path = TRUTH) -> dict[tuple[str, str], tuple[float, float]]:
    truth: dict[tuple[str, str], tuple[float, float]] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for side in ("1", "2"):
                try:
                    truth[(row["city" + side], row["country" + side])] = (
                        float(row["lat" + side]),
                        float(row["lng" + side]),
                    )
                except ValueError:
                    continue
    return truth


def score(results: dict, truth: dict) -> dict:
    """Figures for {(city, country): Resolution}.

    Agreement is measured on places resolved to a locality (a point). A place resolved to a
    subdivision (a county, a region) is counted as resolved but is not scored by distance: a region is
    not a point, and its seat may lie far from the centre a geocoder gives for it. The figure that
    also scores subdivisions at their seat's coordinates is printed beside it.
    """
    from coopdec.territories.resolution import distance_km

    counts = Counter(r.status for r in results.values())
    scored = agree = subdivisions = subdivisions_scored = subdivisions_agree = 0
    wrong = []
    for place, result in results.items():
        if not result.is_resolved:
            continue
        if result.subdivision is not None:
            subdivisions += 1
            if place in truth and result.latitude is not None:
                subdivisions_scored += 1
                subdivisions_agree += distance_km(result.latitude, result.longitude, *truth[place]) <= AGREEMENT_KM
            continue
        if place not in truth:
            continue
        scored += 1
        d = distance_km(result.latitude, result.longitude, *truth[place])
        if d <= AGREEMENT_KM:
            agree += 1
        else:
            wrong.append((d, place, result))
    total = len(results)
    return {
        "places": total,
        "resolved": counts["resolved"],
        "ambiguous": counts["ambiguous"],
        "unresolved": counts["unresolved"],
        "scored": scored,
        "agree": agree,
        "subdivisions": subdivisions,
        "subdivisions_scored": subdivisions_scored,
        "subdivisions_agree": subdivisions_agree,
        "wrong": sorted(wrong, key=lambda w: -w[0]),
        "pct": lambda n: 100.0 * n / total if total else 0.0,
    }


def print_figures(figures: dict) -> None:
    pct = figures["pct"]
    print(f"distinct places      {figures['places']}")
    print(
        f"resolved             {figures['resolved']} ({pct(figures['resolved']):.1f} %), of which "
        f"{figures['subdivisions']} to a subdivision ({pct(figures['resolved'] - figures['subdivisions']):.1f} % "
        f"to a locality)"
    )
    print(f"ambiguous            {figures['ambiguous']} ({pct(figures['ambiguous']):.1f} %)")
    print(f"unresolved           {figures['unresolved']} ({pct(figures['unresolved']):.1f} %)")
    agreement = 100.0 * figures["agree"] / figures["scored"] if figures["scored"] else 0.0
    print(
        f"agreement            {agreement:.2f} % of {figures['scored']} places resolved to a locality with "
        f"ground truth lie within {AGREEMENT_KM:.0f} km"
    )
    both = figures["scored"] + figures["subdivisions_scored"]
    if figures["subdivisions_scored"]:
        print(
            f"                     {100.0 * (figures['agree'] + figures['subdivisions_agree']) / both:.2f} % of "
            f"{both} when subdivisions are also scored at their seat's coordinates "
            f"({figures['subdivisions_agree']} of {figures['subdivisions_scored']} within {AGREEMENT_KM:.0f} km)"
        )


def nearest_country(points: list[tuple[float, float]]) -> list[str | None]:
    """The country of the gazetteer locality nearest to each point (to tell a geocoder's slips)."""
    from coopdec.territories.resolution import get_index

    grid: dict[tuple[int, int], list] = defaultdict(list)
    for place in get_index().places.values():
        grid[(math.floor(place.latitude), math.floor(place.longitude))].append(place)
    found = []
    for lat, lng in points:
        cell = (math.floor(lat), math.floor(lng))
        near = [p for dx in (-1, 0, 1) for dy in (-1, 0, 1) for p in grid.get((cell[0] + dx, cell[1] + dy), ())]
        scale = math.cos(math.radians(lat))
        best = min(near, key=lambda p: (p.latitude - lat) ** 2 + ((p.longitude - lng) * scale) ** 2, default=None)
        found.append(best.country if best else None)
    return found


def reason_family(reason: str) -> str:
    """A reason without its particulars (numbers, names after a colon), to group disagreements."""
    return re.sub(r"\d+", "N", re.sub(r"^(part of|subdivision) .*", r"\1 …", reason.split(": ")[0]))


def print_breakdown(figures: dict, results: dict, truth: dict) -> None:
    """Disagreements per reason of the resolution, and how many put the truth in another country."""
    abroad = nearest_country([truth[place] for _d, place, _r in figures["wrong"]])
    by_family: Counter = Counter()
    wrong: Counter = Counter()
    foreign: Counter = Counter()
    for place, result in results.items():
        if result.is_resolved and result.subdivision is None and place in truth:
            by_family[reason_family(result.reason)] += 1
    for (_d, _place, result), country in zip(figures["wrong"], abroad, strict=True):
        family = reason_family(result.reason)
        wrong[family] += 1
        foreign[family] += country is not None and country != result.country_code
    total_foreign = sum(foreign.values())
    print(
        f"\n-- disagreements per reason ({len(figures['wrong'])}, of which {total_foreign} with the ground-truth "
        f"point in another country than the one resolved)"
    )
    print(f"{'scored':>7} {'wrong':>6} {'abroad':>6} {'wrong %':>7}  reason")
    for family, n in by_family.most_common():
        if wrong[family] or n >= 50:
            print(f"{n:7} {wrong[family]:6} {foreign[family]:6} {100.0 * wrong[family] / n:7.1f}  {family}")
    kept = figures["scored"] - total_foreign
    print(
        f"agreement without the {total_foreign} ground-truth points lying abroad: "
        f"{100.0 * (figures['agree']) / kept:.2f} % of {kept}"
    )
    # A point the file also gives to a place of another name is often the geocoder's fallback (a
    # region's centre) or a partner's coordinates copied over ("Tacoronte" placed at Guimarães).
    names: dict[tuple[float, float], set[str]] = defaultdict(set)
    for (city, _country), point in truth.items():
        names[point].add(city.casefold())
    shared = sum(
        1
        for (_d, place, result), country in zip(figures["wrong"], abroad, strict=True)
        if len(names[truth[place]]) > 1 and country == result.country_code
    )
    print(
        f"of the other {len(figures['wrong']) - total_foreign} disagreements, {shared} have a ground-truth point "
        f"that the file also gives to a differently named place"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="SQLite file to use as is (default: a fresh copy of var/coopdec.sqlite3)")
    parser.add_argument("--resolve-only", action="store_true", help="score the resolver without importing")
    parser.add_argument("--errors", type=int, default=0, help="print this many disagreements and unresolved places")
    parser.add_argument("--breakdown", action="store_true", help="print the disagreements per resolution reason")
    parser.add_argument("--no-atlas", action="store_true", help="do not time the atlas indexing after the import")
    args = parser.parse_args()
    if not TRUTH.exists():
        print(f"skipped: ground truth {TRUTH} is absent")
        return 0

    tmp = None
    db = Path(args.db) if args.db else None
    if db is None:
        tmp = tempfile.mkdtemp(prefix="coopdec-bench-")
        db = Path(tmp) / "bench.sqlite3"
        # The SQLite backup API gives a consistent copy even while the dev server writes to it.
        with sqlite3.connect(ROOT / "var" / "coopdec.sqlite3") as source, sqlite3.connect(db) as target:
            source.backup(target)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("SECRET_KEY", "coopdec-bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopdec.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    from coopdec.interop.twinnings.reader import read_pairs
    from coopdec.interop.twinnings.services import atlas_update, twinnings_import
    from coopdec.territories.models import Locality
    from coopdec.territories.resolution import get_index

    translation.activate("en")
    try:
        call_command("migrate", verbosity=0)
        if Locality.objects.count() < 200_000:
            print("the database lacks the full gazetteer: run `coopdec load_reference` first")
            return 1
        truth = ground_truth()
        timings = []
        wall, cpu = time.perf_counter(), time.process_time()
        if args.resolve_only:
            get_index()
            summary = None
        else:  # a cold import: builds the index, resolves every place, writes everything
            summary = twinnings_import(path=RAW)
        timings.append(
            (
                "import (cold: index, resolution, writes)" if summary else "index build",
                time.perf_counter() - wall,
                time.process_time() - cpu,
            )
        )
        if summary and not args.no_atlas:  # what `coopdec import_twinnings` does next, after the transaction
            wall, cpu = time.perf_counter(), time.process_time()
            indexed = atlas_update(summary)
            timings.append(
                (
                    f"atlas indexing of the imported records ({indexed} documents)",
                    time.perf_counter() - wall,
                    time.process_time() - cpu,
                )
            )
        index = get_index()
        pairs = read_pairs(RAW).pairs
        places = {(p.city, p.country) for pair in pairs for p in pair}
        wall, cpu = time.perf_counter(), time.process_time()
        results = {place: index.resolve(*place) for place in places}
        if args.resolve_only:
            timings.append(("resolution", time.perf_counter() - wall, time.process_time() - cpu))
        figures = score(results, truth)
        print_figures(figures)
        if summary:
            print(
                f"pairs                {summary.pairs_imported} imported, {summary.pairs_skipped} skipped (a side "
                f"not resolved), {summary.pairs_duplicate} duplicates; {summary.organisations_created} organisations"
            )
            wall, cpu = time.perf_counter(), time.process_time()
            twinnings_import(path=RAW)
            timings.append(("second import (unchanged file)", time.perf_counter() - wall, time.process_time() - cpu))
            wall, cpu = time.perf_counter(), time.process_time()
            again = twinnings_import(path=RAW, force=True)
            timings.append(
                (
                    f"forced re-import (created {again.pairs_imported} partnerships, "
                    f"{again.organisations_created} organisations)",
                    time.perf_counter() - wall,
                    time.process_time() - cpu,
                )
            )
        for label, seconds, cpu_seconds in timings:
            print(f"time                 {seconds:.1f} s wall, {cpu_seconds:.1f} s CPU: {label}")
        print(f"load average         {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
        if args.breakdown:
            print_breakdown(figures, results, truth)
        if args.errors:
            print("\n-- farthest disagreements")
            for d, place, result in figures["wrong"][: args.errors]:
                ident = result.geonameid or (result.subdivision.code if result.subdivision else "")
                print(f"{d:8.0f} km  {place}  -> {result.name} ({ident}) {result.reason}")
            print("\n-- unresolved / ambiguous sample")
            flagged = [(p, r) for p, r in sorted(results.items()) if not r.is_resolved]
            for place, result in flagged[:: max(1, len(flagged) // args.errors)][: args.errors]:
                print(f"{result.status:10} {place}  {result.reason}")
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
