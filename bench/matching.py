"""Benchmark: partner recommendations on the real twinning network.

    python bench/matching.py [--db PATH] [--seed N] [--queries N]

Without --db, copies var/coopdec.sqlite3 (which must hold the full reference data) to a temporary
file, migrates it and imports data/twinnings/twin_cities_raw.csv with ``import_twinnings``, so the
network is the one the product builds. With --db, uses that SQLite file as is (already imported).

Protocol: 10% of the partnerships are hidden at random (fixed seed); the recommender is built from
the other 90%. Its weights are fitted on a validation split of those 90% only (never on the hidden
pairs). For each hidden pair (a, b) we ask for a's top 10 and b's top 10 (existing partners
excluded) and count a hit when the other side is there: recall@10 is hits / (2 x hidden pairs),
MRR@10 the mean reciprocal rank (0 beyond the top 10); the share of hidden pairs found from at
least one side is printed too. For coopdec and three baselines measured in the same run:

- popular: the most-partnered places first;
- country-popular: the most-partnered places of the countries the source's country already pairs with;
- partners-of-partners: places sharing the most partners with the source (ties: most partnered).

Then the p50/p95 time of one recommendation (top 10 among all local governments), in memory, and
through ``recommendations_for`` (database reads, version check, reasons in words).
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "twinnings" / "twin_cities_raw.csv"
SEED = 20261126


def setup(db_arg: str | None) -> str:
    if db_arg:
        db = db_arg
    else:
        folder = tempfile.mkdtemp(prefix="coopdec-bench-matching-")
        db = os.path.join(folder, "coopdec.sqlite3")
        shutil.copy(ROOT / "var" / "coopdec.sqlite3", db)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("SECRET_KEY", "coopdec-bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopdec.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if not db_arg:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("import_twinnings", str(RAW), stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"import_twinnings: {time.perf_counter() - started:.0f} s")
    return db


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def evaluate(name: str, rank, hidden, k: int = 10, strata=None) -> tuple[float, float, list[float], list[float]]:
    """recall@k and MRR@k of ``rank`` over both sides of the hidden pairs; ``strata`` (pair →
    label) also prints the recall of each kind of pair."""
    hits = 0
    reciprocal = 0.0
    times, cpu_times = [], []
    queries = 0
    pairs_found = 0
    by_stratum: Counter = Counter()
    for a, b in hidden:
        found = False
        for source, target in ((a, b), (b, a)):
            started, cpu_started = time.perf_counter(), time.process_time()
            top = rank(source)[:k]
            times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu_started)
            queries += 1
            if strata:
                by_stratum[strata[a, b], "queries"] += 1
            if target in top:
                hits += 1
                found = True
                reciprocal += 1.0 / (top.index(target) + 1)
                if strata:
                    by_stratum[strata[a, b], "hits"] += 1
        pairs_found += found
    recall, mrr = hits / queries, reciprocal / queries
    print(
        f"{name:<22} recall@{k} {recall:.3f}   MRR@{k} {mrr:.3f}   "
        f"(pairs found from either side: {pairs_found / len(hidden):.3f})"
    )
    if strata:
        labels = sorted({label for label, _kind in by_stratum})
        print(
            "  "
            + "; ".join(
                f"{label}: {by_stratum[label, 'queries'] / queries:.0%} of queries, "
                f"recall {by_stratum[label, 'hits'] / by_stratum[label, 'queries']:.3f}"
                for label in labels
            )
        )
    return recall, mrr, times, cpu_times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="SQLite file with the twinnings already imported (default: a fresh import)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--fit-queries", type=int, default=2000, help="validation queries used to fit the weights")
    args = parser.parse_args()
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    setup(args.db)

    from coopdec.cooperation.models import PartnershipKind
    from coopdec.matching import recommender, selectors
    from coopdec.matching.recommender import Network, fit_weights, split_edges

    full = selectors.build_network()
    twinning_ids = set(
        selectors.PartnershipParty.objects.filter(partnership__kind=PartnershipKind.TWINNING).values_list(
            "organisation_id", flat=True
        )
    )
    edges = sorted({tuple(sorted(edge)) for edge in selectors.partnership_edges()})
    places = list(full.places.values())
    print(f"network: {len(places)} local governments ({len(twinning_ids)} with a twinning), {len(edges)} partnerships")
    train, hidden = split_edges(edges, 0.1, args.seed)
    print(f"hidden: {len(hidden)} partnerships (seed {args.seed}); training on {len(train)}")

    started = time.perf_counter()
    weights, validation_recall = fit_weights(
        places,
        train,
        seed=args.seed + 1,
        max_queries=args.fit_queries,
        neighbours=full.neighbours,
        official_languages=full.official_languages,
    )
    print(
        f"weights fitted on a validation split of the training edges in {time.perf_counter() - started:.0f} s "
        f"(validation recall@10 {validation_recall:.3f}):"
    )
    print("  " + ", ".join(f"{name} {value:g}" for name, value in weights.items() if name not in recommender.HAND_SET))

    def build() -> Network:
        return Network(
            places,
            train,
            neighbours=full.neighbours,
            official_languages=full.official_languages,
            weights=weights,
        )

    started, cpu_started = time.perf_counter(), time.process_time()
    net = build()
    print(f"network built in {time.perf_counter() - started:.2f} s ({time.process_time() - cpu_started:.2f} s CPU)")
    tracemalloc.start()  # a second build, traced (tracing slows it down): the memory it keeps
    traced = build()
    kept, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced
    print(f"network memory: {kept / 2**20:.0f} MiB (indexes; the places themselves excluded)")
    # Kinds of hidden pairs, from the training graph: what a recommender can know of them.
    strata = {}
    for a, b in hidden:
        if net.partners(a) & net.partners(b):
            strata[a, b] = "sharing a partner"
        elif not net.degree(a) or not net.degree(b):
            strata[a, b] = "a side with no other partner"
        else:
            strata[a, b] = "no shared partner"

    degree = {pid: net.degree(pid) for pid in net.places}
    by_degree = sorted(net.places, key=lambda pid: (-degree[pid], pid))

    def popular(source):
        excluded = net.partners(source) | {source}
        return [pid for pid in by_degree[: 10 + len(excluded)] if pid not in excluded]

    def country_popular(source):
        excluded = net.partners(source) | {source}
        countries = set(net.country_pairs.get(net.places[source].country, ()))
        out = []
        for pid in by_degree:
            if net.places[pid].country in countries and pid not in excluded:
                out.append(pid)
                if len(out) == 10:
                    break
        return out

    def partners_of_partners(source):
        excluded = net.partners(source) | {source}
        shared = Counter(x for w in net.partners(source) for x in net.partners(w) if x not in excluded)
        return [pid for pid, _n in sorted(shared.items(), key=lambda item: (-item[1], -degree[item[0]], item[0]))[:10]]

    def coopdec(source):
        return [r.place.id for r in net.recommend(source, k=10)]

    print()
    baselines = [
        evaluate("popular", popular, hidden)[0],
        evaluate("country-popular", country_popular, hidden)[0],
        evaluate("partners-of-partners", partners_of_partners, hidden, strata=strata)[0],
    ]
    recall, _mrr, times, cpu_times = evaluate("coopdec", coopdec, hidden, strata=strata)
    best = max(baselines)
    print(f"coopdec / best baseline: {recall / best:.2f}x (target: recall@10 >= 0.25 and >= 1.3x)")
    print(
        f"one recommendation in memory (top 10 of {len(places)}): "
        f"p50 {percentile(times, 0.5) * 1000:.1f} ms, p95 {percentile(times, 0.95) * 1000:.1f} ms, "
        f"max {max(times) * 1000:.1f} ms; CPU p50 {percentile(cpu_times, 0.5) * 1000:.1f} ms, "
        f"p95 {percentile(cpu_times, 0.95) * 1000:.1f} ms"
    )

    # The full path of the web page and the API: version check, database reads, sentences.
    from coopdec.actors.models import Organisation

    selectors.network()  # first build (what a fresh process pays once)
    sample = [a for a, _b in hidden[:200]]
    organisations = Organisation.objects.select_related("country", "locality").in_bulk(sample)
    full_times = []
    for pid in sample:
        started = time.perf_counter()
        selectors.recommendations_for(organisations[pid], k=10)
        full_times.append(time.perf_counter() - started)
    print(
        f"recommendations_for (database, version check, reasons): "
        f"p50 {percentile(full_times, 0.5) * 1000:.1f} ms, p95 {percentile(full_times, 0.95) * 1000:.1f} ms"
    )
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
