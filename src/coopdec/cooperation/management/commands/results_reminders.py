"""``coopdec results_reminders [--dry-run]``: e-mail the reminders of results monitoring (run daily).

The editors of a project are reminded ``RESULTS_REMINDER_DAYS`` days before a report is due and
when it is late; the approvers, of updates waiting for them for more than a week. One e-mail per
person, each reminder once: a second run the same day sends nothing (``cooperation/reminders.py``).
"""

from django.core.management.base import BaseCommand

from coopdec.cooperation.models import ReminderStage
from coopdec.cooperation.reminders import results_reminders_send


class Command(BaseCommand):
    help = "E-mail the editors of the reports due soon or late, and the approvers of the updates waiting for them."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the e-mails without sending them.")

    def handle(self, *args, dry_run: bool, **options):
        digests = results_reminders_send(dry_run=dry_run)
        counts = {stage: sum(len(digest.of(stage)) for digest in digests) for stage in ReminderStage.values}
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(
            f"{len(digests)} e-mails {verb}: {counts[ReminderStage.DUE_SOON]} reports due soon, "
            f"{counts[ReminderStage.OVERDUE]} overdue, {counts[ReminderStage.WAITING]} updates waiting for approval"
        )
