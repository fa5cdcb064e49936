"""coopdec import_twinnings PATH [--dry-run] [--force] [--report REPORT.csv] [--json]"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from coopdec.interop.spreadsheet.reader import ImportFileError
from coopdec.interop.twinnings.services import (
    atlas_update,
    summary_json,
    twinnings_import,
    write_report,
)


class Command(BaseCommand):
    help = _(
        "Import a twin-towns list (CSV columns city1,country1,city2,country2): one local government per place, "
        "one twinning per pair. Idempotent; the whole import is one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("CSV file (UTF-8 or Latin-1, comma or semicolon separated)"))
        parser.add_argument("--dry-run", action="store_true", help=_("resolve and count, write nothing"))
        parser.add_argument(
            "--force", action="store_true", help=_("import even if this exact file was imported before")
        )
        parser.add_argument("--report", metavar="REPORT.csv", help=_("write one line per distinct input place"))
        parser.add_argument("--json", action="store_true", help=_("print the summary as JSON"))
        parser.add_argument(
            "--no-atlas",
            action="store_true",
            help=_("do not index the imported records in the atlas now (run atlas_reindex later)"),
        )

    def handle(self, *args, **options):
        try:
            summary = twinnings_import(
                path=options["path"], dry_run=options["dry_run"], force=options["force"], report=bool(options["report"])
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        if options["report"]:
            write_report(summary.report, options["report"])
        # After the import's own transaction: a failure here leaves the data imported and the
        # atlas to rebuild with `coopdec atlas_reindex`.
        indexed = 0 if options["no_atlas"] else atlas_update(summary)
        if options["json"]:
            self.stdout.write(summary_json(summary))
            return
        s = summary
        lines = []
        if s.places:
            lines.append(
                _(
                    "Places: %(total)s distinct, %(resolved)s resolved, %(ambiguous)s ambiguous, %(unresolved)s "
                    "unresolved."
                )
                % {
                    "total": s.places,
                    "resolved": s.places_resolved,
                    "ambiguous": s.places_ambiguous,
                    "unresolved": s.places_unresolved,
                }
            )
        if s.unchanged:
            lines.append(_("This file was already imported unchanged: nothing to do (use --force to import it again)."))
        else:
            lines.append(
                _(
                    "Pairs: %(total)s, %(imported)s imported, %(existing)s already known, %(skipped)s skipped "
                    "(a side ambiguous or unresolved), %(duplicate)s duplicates in the file, %(same)s with both sides "
                    "at the same place."
                )
                % {
                    "total": s.pairs,
                    "imported": s.pairs_imported,
                    "existing": s.pairs_existing,
                    "skipped": s.pairs_skipped,
                    "duplicate": s.pairs_duplicate,
                    "same": s.pairs_same_place,
                }
            )
            lines.append(
                _("Organisations: %(created)s created, %(existing)s already registered.")
                % {"created": s.organisations_created, "existing": s.organisations_existing}
            )
            if s.dry_run:
                lines.append(_("Dry run: nothing was written."))
        if indexed:
            lines.append(_("Atlas: %(count)s records indexed.") % {"count": indexed})
        if options["report"]:
            lines.append(_("Report written to %(path)s.") % {"path": options["report"]})
        for line in lines:
            self.stdout.write(line)
