"""coopdec atlas_reindex: rebuild the atlas search index (after a bulk import, or to repair it)."""

import time

from django.core.management.base import BaseCommand

from coopdec.atlas import facets
from coopdec.atlas.index import current_version, reindex_all


class Command(BaseCommand):
    help = (
        "Rebuild the atlas index of published organisations, partnerships and projects. "
        "Run it after imports that write with bulk_create (they bypass the signals that keep it current)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        last = [0.0]

        def progress(record_type, done, total):
            if options["verbosity"] >= 2 or time.monotonic() - last[0] > 5:
                last[0] = time.monotonic()
                self.stdout.write(f"  {record_type}: {done}/{total}")

        counts = reindex_all(progress=progress)
        total = sum(counts.values())
        facets.build(current_version())  # large indexes: kept on disk for the web workers
        self.stdout.write(
            self.style.SUCCESS(
                f"Atlas index rebuilt: {counts.get('organisation', 0)} organisations, {counts.get('partnership', 0)} "
                f"partnerships, {counts.get('project', 0)} projects ({total} documents) in {time.monotonic() - started:.1f} s."
            )
        )
