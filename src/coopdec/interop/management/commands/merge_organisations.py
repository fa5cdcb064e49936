"""coopdec merge_organisations KEEP DROP"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from coopdec.actors.duplicates import organisations_merge
from coopdec.actors.models import Organisation


class Command(BaseCommand):
    help = _("Merge organisation DROP into KEEP: every link moves to KEEP, both histories are kept, DROP is removed.")

    def add_arguments(self, parser):
        parser.add_argument("keep", type=int, help=_("id of the organisation to keep"))
        parser.add_argument("drop", type=int, help=_("id of the duplicate to merge into it"))

    def handle(self, *args, **options):
        records = Organisation.objects.in_bulk([options["keep"], options["drop"]])
        for key in ("keep", "drop"):
            if options[key] not in records:
                raise CommandError(_("No organisation with id %(id)s.") % {"id": options[key]})
        try:
            moved = organisations_merge(keep=records[options["keep"]], drop=records[options["drop"]])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for label, count in sorted(moved.items()):
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(_("Merged #%(drop)s into #%(keep)s.") % {"drop": options["drop"], "keep": options["keep"]})
