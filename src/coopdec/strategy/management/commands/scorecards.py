"""``coopdec scorecards``: recompute and store every published partnership's principles scorecard, then
every organisation's (the statistics across a country or an axis read them; pages compute afresh)."""

import time

from django.core.management.base import BaseCommand

from coopdec.strategy.scorecard import scorecards_refresh


class Command(BaseCommand):
    help = "Recompute the principles scorecards of every published partnership and organisation."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = scorecards_refresh()
        self.stdout.write(f"{count} partnership scorecards computed in {time.perf_counter() - started:.1f} s.")
