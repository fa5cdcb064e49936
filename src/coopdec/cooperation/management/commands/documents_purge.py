"""``coopdec documents_purge [--days 90] [--dry-run]``: delete the stored files of documents removed long ago.

Removing a document keeps its file (served to no one) so that restoring an earlier version of its
project or partnership brings it back whole. Run this daily (cron, systemd timer): files that no
document has pointed to for ``--days`` days are deleted; after that a restore says the document
cannot come back.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopdec.cooperation.services import documents_purge


class Command(BaseCommand):
    help = _("Delete the stored files of documents removed more than --days days ago (90 by default).")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90, help=_("Keep the files of documents removed since (days)."))
        parser.add_argument("--dry-run", action="store_true", help=_("List the files without deleting them."))

    def handle(self, *args, days: int, dry_run: bool, verbosity: int, **options):
        if days < 0:
            raise CommandError(_("--days must be 0 or more."))
        names = documents_purge(older_than=timedelta(days=days), dry_run=dry_run)
        if verbosity >= 2 or dry_run:
            for name in names:
                self.stdout.write(name)
        message = (
            ngettext("%(count)s file would be deleted.", "%(count)s files would be deleted.", len(names))
            if dry_run
            else ngettext("%(count)s file deleted.", "%(count)s files deleted.", len(names))
        )
        self.stdout.write(message % {"count": len(names)})
