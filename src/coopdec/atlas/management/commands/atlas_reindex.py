"""coopdec atlas_reindex: rebuild the atlas search index (after a bulk import, or to repair it)."""

import time

from django.core.management.base import BaseCommand

from coopdec.atlas.tasks import atlas_rebuild, atlas_reindex_enqueue


class Command(BaseCommand):
    help = (
        "Rebuild the atlas index of published organisations, partnerships and projects. "
        "Run it after imports that write with bulk_create (they bypass the signals that keep it current)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--background",
            action="store_true",
            help="queue the rebuild for the background worker (coopdec db_worker) and print the task id",
        )

    def handle(self, *args, **options):
        if options["background"]:
            task_id = atlas_reindex_enqueue()
            self.stdout.write(self.style.SUCCESS(f"Atlas reindex queued as task {task_id} (run by coopdec db_worker)."))
            return
        started = time.monotonic()
        last = [0.0]

        def progress(record_type, done, total):
            if options["verbosity"] >= 2 or time.monotonic() - last[0] > 5:
                last[0] = time.monotonic()
                self.stdout.write(f"  {record_type}: {done}/{total}")

        counts = atlas_rebuild(progress=progress)
        total = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Atlas index rebuilt: {counts.get('organisation', 0)} organisations, {counts.get('partnership', 0)} "
                f"partnerships, {counts.get('project', 0)} projects ({total} documents) in "
                f"{time.monotonic() - started:.1f} s."
            )
        )
