import json
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from coopdec.interop.iati.validate import validate_file


class Command(BaseCommand):
    help = "Validate IATI 2.03 activity or organisation files: schema errors, then the standard's rules as warnings."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--json", action="store_true", help="Print one JSON array, an object per file.")

    def run_from_argv(self, argv):
        # Usage errors exit with status 2 (argparse's convention), invalid files with 1.
        try:
            super().run_from_argv(argv)
        except SystemExit as exc:
            raise SystemExit(2 if exc.code not in (0, 1) else exc.code) from None

    def handle(self, *args, paths, json: bool = False, **options):
        reports = [validate_file(path) for path in paths]
        if json:
            self.stdout.write(_json_dumps([report.as_dict() for report in reports]))
        else:
            for report in reports:
                verdict = _("valid") if report.valid else _("INVALID")
                self.stdout.write(f"{report.path}: {verdict}")
                for error in report.errors:
                    self.stdout.write("  " + _("error: %(message)s") % {"message": error})
                for warning in report.warnings:
                    self.stdout.write("  " + _("warning: %(message)s") % {"message": warning})
        if not all(report.valid for report in reports):
            sys.stdout.flush()
            raise SystemExit(1)


def _json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)

