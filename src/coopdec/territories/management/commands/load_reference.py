import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand

from coopdec.territories import loaders as places
from coopdec.vocabularies import loaders as vocabularies
from coopdec.vocabularies.selectors import clear_caches


class Command(BaseCommand):
    help = (
        "Load the reference data: countries and subdivisions (ISO 3166), localities (GeoNames cities500), "
        "IATI codelists, SDGs, cooperation axes and standard indicators. Idempotent; each data set is loaded in one "
        "transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Reload even the data sets whose source has not changed."
        )

    def handle(self, *args, force=False, **options):
        started = time.monotonic()
        steps: list[Callable[..., Any]] = [
            places.load_countries,
            places.load_subdivisions,
            vocabularies.load_codelists,
            vocabularies.load_axes,
            vocabularies.load_standard_indicators,
            places.load_localities,
        ]
        for step in steps:
            t0 = time.monotonic()
            result = step(force=force)
            state = "unchanged" if result.skipped else "loaded"
            self.stdout.write(f"{result.name:<14} {result.rows:>8} rows  {state:<9} {time.monotonic() - t0:6.1f} s")
        clear_caches()
        self.stdout.write(self.style.SUCCESS(f"Reference data ready in {time.monotonic() - started:.1f} s."))
