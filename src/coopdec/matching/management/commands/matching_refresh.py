"""coopdec matching_refresh: daily, show on the atlas the offers and requests whose validity
started or ended (a date passing writes nothing, so nothing else reindexes them)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopdec.matching.services import listings_reindex_due


class Command(BaseCommand):
    help = _(
        "Reindex on the atlas the organisations whose offers or requests became valid or expired "
        "in the last days (run it daily, e.g. from cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=2, help=_("how many days to look back (default 2)"))

    def handle(self, *args, **options):
        if options["days"] < 1:
            raise CommandError(_("--days must be 1 or more."))
        count = listings_reindex_due(days=options["days"])
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "%(count)s organisation reindexed for its offers and requests.",
                    "%(count)s organisations reindexed for their offers and requests.",
                    count,
                )
                % {"count": count}
            )
        )
