"""coopdec aid_declaration prefill | export | remind: the aid declaration from the command line.

    coopdec aid_declaration prefill --organisation ID --year YYYY [--currency EUR] [--json]
    coopdec aid_declaration export --year YYYY --country CC --format csv|xlsx|crs|crs-xlsx --output FILE [--all]
    coopdec aid_declaration remind --campaign ID [--dry-run]

``prefill`` prints what the register proposes, saving nothing; ``export`` writes a campaign's file;
``remind`` (for cron) e-mails the editors of the local governments that have not submitted.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from coopdec.actors.models import Organisation
from coopdec.declarations import exports, prefill
from coopdec.declarations.models import Campaign
from coopdec.declarations.reminders import send_reminders
from coopdec.declarations.services import FIRST_YEAR


class Command(BaseCommand):
    help = "Aid declarations: print a pre-fill, export a campaign, send reminders."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="prefill|export|remind")
        propose = actions.add_parser("prefill", help="Print the lines the register proposes (nothing is saved).")
        propose.add_argument("--organisation", type=int, required=True, help="Organisation id.")
        propose.add_argument("--year", type=int, required=True, help="Declared year.")
        propose.add_argument("--currency", default="EUR", help="Declaration currency (default EUR).")
        propose.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
        export = actions.add_parser("export", help="Write the file of a campaign.")
        export.add_argument("--year", type=int, required=True)
        export.add_argument("--country", required=True, help="ISO 3166-1 alpha-2 code, e.g. FR.")
        export.add_argument("--format", dest="format_name", choices=["csv", "xlsx", "crs", "crs-xlsx"], default="csv")
        export.add_argument("--output", required=True, help="File to write.")
        export.add_argument(
            "--all",
            dest="everything",
            action="store_true",
            help="Every declaration, not only the submitted ones (not for crs).",
        )
        remind = actions.add_parser("remind", help="E-mail the editors of the organisations that have not submitted.")
        remind.add_argument("--campaign", type=int, required=True, help="Campaign id.")
        remind.add_argument("--dry-run", action="store_true", help="Count the e-mails without sending them.")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def _year(self, year: int) -> int:
        if year > date.today().year:
            raise CommandError(f"{year} is in the future: give a year that is over (at most {date.today().year - 1}).")
        if year < FIRST_YEAR:
            raise CommandError(f"declarations start with {FIRST_YEAR}")
        return year

    def handle_prefill(self, *, organisation, year, currency, json: bool = False, **options):
        found = Organisation.objects.filter(pk=organisation).first()
        if found is None:
            raise CommandError(f"no organisation with id {organisation}")
        proposal = prefill.propose(organisation=found, year=self._year(year), currency=currency.upper())
        if json:
            self.stdout.write(_json(proposal.as_json()))
            return
        self.stdout.write(f"{found.name} – {year}, amounts in {proposal.currency} ({len(proposal.lines)} lines)")
        header = ("recipient", "sector", "channel", "aid type", "amount", "co-financing", "original", "project")
        rows = [header] + [
            (
                line.recipient_code or "unallocated",
                line.sector or "-",
                line.channel,
                line.aid_type,
                str(line.amount),
                str(line.cofinancing),
                f"{line.original_amount} {line.original_currency}",
                str(line.project or ""),
            )
            for line in proposal.lines
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        for name, totals in (("gross", proposal.gross), ("co-financing received", proposal.cofinancing_received)):
            amounts = ", ".join(f"{value} {code}" for code, value in sorted(totals.items())) or "0"
            self.stdout.write(f"{name}: {amounts}")
        for note in proposal.notes:
            self.stdout.write(f"note: {note}")

    def handle_export(self, *, year, country, format_name, output, everything, **options):
        campaign = Campaign.objects.filter(country_id=country.upper(), year=self._year(year)).first()
        if campaign is None:
            raise CommandError(f"no aid declaration campaign for {country.upper()} in {year}")
        if everything and format_name.startswith("crs"):
            raise CommandError("the CRS file holds submitted declarations only: leave out --all")
        try:
            exports.write_campaign(campaign, output, format_name=format_name, everything=everything)
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror}") from None
        self.stdout.write(f"{campaign.country_id} {campaign.year}: written to {output}")

    def handle_remind(self, *, campaign, dry_run, **options):
        found = Campaign.objects.select_related("country").filter(pk=campaign).first()
        if found is None:
            raise CommandError(f"no aid declaration campaign with id {campaign}")
        sent = send_reminders(found, dry_run=dry_run)
        organisations = len({item.organisation.pk for item in sent})
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(f"{len(sent)} reminders {verb} to the editors of {organisations} organisations")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
