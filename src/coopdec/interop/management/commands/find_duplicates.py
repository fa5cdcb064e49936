"""coopdec find_duplicates [--json] [--limit N]"""

import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from coopdec.actors.duplicates import find_duplicates


class Command(BaseCommand):
    help = _("List probable duplicate organisations (same place, similar names), the most certain first.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help=_("show at most this many pairs (0: all)"))
        parser.add_argument("--json", action="store_true", help=_("print JSON"))

    def handle(self, *args, **options):
        pairs = find_duplicates()
        shown = pairs[: options["limit"]] if options["limit"] else pairs
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "keep": p.keep.pk,
                            "keep_name": p.keep.name,
                            "drop": p.drop.pk,
                            "drop_name": p.drop.name,
                            "score": p.score,
                            "reason": p.reason,
                        }
                        for p in shown
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        for p in shown:
            self.stdout.write(f"{p.keep.pk}\t{p.drop.pk}\t{p.score:.2f}\t{p.keep.name} | {p.drop.name}\t{p.reason}")
        self.stdout.write(
            _("%(count)s probable duplicate pairs. Merge one with: coopdec merge_organisations KEEP DROP")
            % {"count": len(pairs)}
        )
