"""Benchmark: the gazetteer search behind the place picker (``actors.selectors.search_localities``).

Runs against the configured database (default: var/coopdec.sqlite3 with all 234,908 localities;
set DATABASE_URL for PostgreSQL). Prints the median and worst time per query over a set of
typical prefixes, short and long, accented or not, plus the number of candidate rows a prefix matches.
"""

import os
import statistics
import time

os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopdec.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from coopdec.actors.selectors import _prefix_range, search_localities  # noqa: E402
from coopdec.common.text import fold  # noqa: E402
from coopdec.territories.models import Locality  # noqa: E402

QUERIES = [
    "sa",
    "san",
    "sao pa",
    "São Paulo",
    "thies",
    "Thiès",
    "bobo",
    "lou",
    "saint-e",
    "Saint-Étienne",
    "ber",
    "berlin",
    "Bruxelles",
    "munchen",
    "Genf",
    "chamb",
    "ouaga",
    "ziguinchor",
    "ma",
    "mont",
    "villeur",
    "dak",
    "xx",
]
ROUNDS = 5


def main() -> None:
    total = Locality.objects.count()
    print(f"database: {connection.vendor}, {total} localities")
    for query in QUERIES:
        low, high = _prefix_range(fold(query))
        matches = Locality.objects.filter(name_folded__gte=low, name_folded__lt=high).count()
        times = []
        for _round in range(ROUNDS):
            started = time.perf_counter()
            results = search_localities(query)
            times.append((time.perf_counter() - started) * 1000)
        first = f"{results[0].name} ({results[0].country_id})" if results else "-"
        print(
            f"{query!r:18} matches {matches:6}  median {statistics.median(times):6.1f} ms  "
            f"max {max(times):6.1f} ms  first: {first}"
        )


if __name__ == "__main__":
    main()
