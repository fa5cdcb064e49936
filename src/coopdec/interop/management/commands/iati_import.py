import json
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from coopdec.common.progress import progress
from coopdec.interop.iati.importer import iati_files_import


class Command(BaseCommand):
    help = (
        "Import IATI 2.0x activity files (streamed): organisations, partnerships, projects and their details. "
        "Upserts by iati-identifier; unchanged activities are not written again."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--json", action="store_true", help="Print the summary as one JSON object.")

    def run_from_argv(self, argv):
        try:
            super().run_from_argv(argv)
        except SystemExit as exc:
            raise SystemExit(2 if exc.code not in (0, 1) else exc.code) from None

    def handle(self, *args, paths, json: bool = False, **options):
        def wrap(items, path):
            return progress(items, desc=str(path), stream=sys.stderr)

        summary = iati_files_import(paths=paths, wrap=wrap)
        for failure in summary.failures:
            self.stderr.write(str(failure))
        if json:
            self.stdout.write(_json_dumps(summary.counts()))
        else:
            self.stdout.write(_(
                "%(activities)s activities read: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                "%(failed)s failed."
            ) % summary.counts())
            if summary.organisations:
                self.stdout.write(_("%(count)s organisations created from organisation files.") % {"count": summary.organisations})
        if summary.failures:
            raise SystemExit(1)


def _json_dumps(value) -> str:
    return json.dumps(value)
