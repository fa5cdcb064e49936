"""coopdec import_spreadsheet PATH [--dry-run] [--report REPORT.csv] [--json]"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from coopdec.interop.spreadsheet.reader import ImportFileError
from coopdec.interop.spreadsheet.services import error_report, spreadsheet_import, spreadsheet_parse


class Command(BaseCommand):
    help = _(
        "Import organisations and partnerships from the coopdec spreadsheet template (CSV or XLSX, see docs/import.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("CSV or XLSX file"))
        parser.add_argument("--dry-run", action="store_true", help=_("check and count, write nothing"))
        parser.add_argument("--report", metavar="REPORT.csv", help=_("write the row-level report"))
        parser.add_argument("--json", action="store_true", help=_("print the summary as JSON"))

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            parsed = spreadsheet_parse(path.read_bytes(), filename=path.name)
        except OSError as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from None
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        summary = spreadsheet_import(parsed, dry_run=options["dry_run"])
        if options["report"]:
            Path(options["report"]).write_text(error_report(parsed), encoding="utf-8")
        if options["json"]:
            self.stdout.write(json.dumps(summary.__dict__, indent=2))
            return
        for row in parsed.error_rows[:50]:
            self.stdout.write(
                _("line %(line)s: %(problems)s") % {"line": row.line, "problems": " | ".join(row.problems)}
            )
        self.stdout.write(
            _(
                "Rows: %(rows)s, %(errors)s with problems (not imported). Organisations: %(created)s created, "
                "%(existing)s already registered. Partnerships: %(p_created)s created, %(p_existing)s already known."
            )
            % {
                "rows": summary.rows,
                "errors": summary.rows_with_errors,
                "created": summary.organisations_created,
                "existing": summary.organisations_existing,
                "p_created": summary.partnerships_created,
                "p_existing": summary.partnerships_existing,
            }
        )
        if summary.dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
