import sys

from django.utils.translation import gettext as _

from coopdec.common.progress import progress
from coopdec.interop.iati.command import FilesCommand
from coopdec.interop.iati.importer import iati_files_import


class Command(FilesCommand):
    help = (
        "Import IATI 2.0x activity files (streamed): organisations, partnerships, projects and their details. "
        "Upserts by iati-identifier; unchanged activities are not written again."
    )
    json_help = "Print the summary as one JSON object."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--reader-process",
            choices=["auto", "on", "off"],
            default="auto",
            help=(
                "Read files in a second process while this one writes: auto (files of 4 MB and more, "
                "when a core is free), on, off."
            ),
        )

    def handle(self, *args, paths, json: bool = False, reader_process: str = "auto", **options):
        def wrap(items, path):
            return progress(items, desc=str(path), stream=sys.stderr)

        summary = iati_files_import(
            paths=paths, wrap=wrap, reader_process={"auto": None, "on": True, "off": False}[reader_process]
        )
        for failure in summary.failures:
            self.stderr.write(str(failure))
        if json:
            self.write_json(summary.counts())
        else:
            self.stdout.write(
                _(
                    "%(activities)s activities read: %(created)s created, %(updated)s updated, %(unchanged)s "
                    "unchanged, "
                    "%(failed)s failed."
                )
                % summary.counts()
            )
            if summary.organisations:
                self.stdout.write(
                    _("%(count)s organisations created from organisation files.") % {"count": summary.organisations}
                )
        if summary.failures:
            raise SystemExit(1)
