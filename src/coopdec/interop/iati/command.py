"""What the IATI commands that take files share: PATH... and --json; usage errors exit 2, failures 1."""

import json

from django.core.management.base import BaseCommand


class FilesCommand(BaseCommand):
    json_help = "Print JSON instead of text."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--json", action="store_true", help=self.json_help)

    def run_from_argv(self, argv):
        # argparse exits with 2 on usage errors; keep 0 and 1 (all good / some file or activity failed).
        try:
            super().run_from_argv(argv)
        except SystemExit as exc:
            raise SystemExit(2 if exc.code not in (0, 1) else exc.code) from None

    def write_json(self, value) -> None:
        self.stdout.write(json.dumps(value, ensure_ascii=False))
