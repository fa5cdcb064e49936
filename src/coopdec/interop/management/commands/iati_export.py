import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from coopdec.common.models import PublicationStatus
from coopdec.interop.iati.exporter import activities_xml
from coopdec.interop.iati.selectors import organisation_by_ref


class Command(BaseCommand):
    help = "Write an organisation's published activities as an IATI 2.03 activity file (streamed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation",
            required=True,
            metavar="REF",
            help="Organisation id or IATI identifier.",
        )
        parser.add_argument("--output", metavar="FILE", help="Where to write (default: standard output).")

    def handle(self, *args, organisation: str, output: str | None = None, **options):
        found = organisation_by_ref(organisation)
        if found is None:
            raise CommandError(_("No organisation has the id or IATI identifier %(ref)s.") % {"ref": organisation})
        if found.publication_status != PublicationStatus.PUBLISHED:
            raise CommandError(
                _("%(name)s is not published; only published organisations are published in IATI.")
                % {"name": found.name}
            )
        stats: dict = {}
        if output:
            with open(output, "wb") as handle:
                for chunk in activities_xml(found, stats=stats):
                    handle.write(chunk)
        else:
            for chunk in activities_xml(found, stats=stats):
                sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
        self.stderr.write(
            _("%(exported)s activities exported, %(skipped)s skipped (no date: IATI requires one).") % stats
        )
