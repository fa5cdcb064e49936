"""Reminders of results monitoring (run daily from cron or a systemd timer: ``coopdec results_reminders``).

- The editors of a project's parties (editors and administrators of its lead organisation and of
  its partnership's parties) are reminded of a reporting period ``RESULTS_REMINDER_DAYS`` days
  (14 by default) before its due date, and once more when the due date has passed, while its
  update is neither submitted nor approved (a draft, or returned to them).
- The editors of the approving organisations (``monitoring.approver_ids``) are reminded of an update
  submitted more than ``APPROVAL_WAIT_DAYS`` days ago and still waiting for them; never its author.

Each person gets one e-mail per run listing everything that concerns them, in the working language
of their organisations (``actors.selectors.working_language``; otherwise the site's language). What
was sent is recorded (``ResultReminder``, one row per period, person, stage and date): a rerun the
same day sends nothing more, and a run stopped mid-way sends the rest when run again. The rows and
the mail of one person are one transaction; the mail is queued when it commits.

Nothing is sent about draft projects, projects closed, cancelled or suspended, or approved periods,
nor to inactive users, users without an address, or users who turned the reminders off
(``User.results_reminders``, on their *Mail reminders* page).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from coopdec.actors.models import EDITING_ROLES, Membership, User
from coopdec.actors.selectors import working_language
from coopdec.common.mail import mail_render_enqueue
from coopdec.common.models import PublicationStatus

from .models import (
    ActivityStatus,
    IndicatorValue,
    IndicatorValueStatus,
    PartnershipParty,
    Project,
    ReminderStage,
    ResultReminder,
)
from .monitoring import approver_ids

APPROVAL_WAIT_DAYS = 7
# Projects that report no more: their periods are never reminded.
ENDED_STATUSES = (ActivityStatus.CLOSED, ActivityStatus.CANCELLED, ActivityStatus.SUSPENDED)
# An update the editors still owe: not entered or not submitted yet, or returned to them.
OWED = (IndicatorValueStatus.DRAFT, IndicatorValueStatus.RETURNED)


@dataclass(frozen=True)
class Item:
    """One period to remind one person of, at one stage; ``occasion``: the due date, or the day it was submitted."""

    value: IndicatorValue
    stage: str
    occasion: datetime.date

    @property
    def project(self) -> Project:
        return self.value.indicator.result.project

    @property
    def link(self) -> str:
        project = self.project
        if self.stage == ReminderStage.WAITING:
            path = reverse("cooperation:update_review", args=[project.pk, self.value.pk])
        else:
            path = reverse("cooperation:result_edit", args=[project.pk, self.value.indicator.result_id])
        return settings.SITE_URL.rstrip("/") + path

    @property
    def territory(self) -> str:
        """Where the period is measured, named only when that organisation is published."""
        territory = self.value.territory
        return territory.name if territory is not None and territory.is_published else ""


@dataclass
class Digest:
    """The one e-mail of one person: every period that concerns them, by stage."""

    user: User
    language: str
    items: list[Item] = field(default_factory=list)

    def of(self, stage: str) -> list[Item]:
        return [item for item in self.items if item.stage == stage]


def _open_values():
    """Periods of published projects that still report."""
    return (
        IndicatorValue.objects.filter(indicator__result__project__publication_status=PublicationStatus.PUBLISHED)
        .exclude(indicator__result__project__status__in=ENDED_STATUSES)
        .select_related("indicator__result__project", "territory")
        .order_by("due_date", "indicator__result__project_id", "indicator_id", "period_start", "id")
    )


def _editors_of_organisations(organisation_ids) -> dict[int, set[int]]:
    """Organisation id → ids of its editors and administrators."""
    editors: dict[int, set[int]] = defaultdict(set)
    for organisation_id, user_id in Membership.objects.filter(
        organisation_id__in=set(organisation_ids), role__in=EDITING_ROLES
    ).values_list("organisation_id", "user_id"):
        editors[organisation_id].add(user_id)
    return editors


def _project_editors(projects: list[Project]) -> dict[int, set[int]]:
    """Project id → ids of the editors of its parties (lead organisation, partnership's parties): two queries."""
    parties: dict[int, set[int]] = defaultdict(set)
    for partnership_id, organisation_id in PartnershipParty.objects.filter(
        partnership_id__in={p.partnership_id for p in projects if p.partnership_id}
    ).values_list("partnership_id", "organisation_id"):
        parties[partnership_id].add(organisation_id)
    organisations: dict[int, set[int]] = {}
    for project in projects:
        organisations[project.pk] = set(parties[project.partnership_id]) if project.partnership_id else set()
        if project.lead_organisation_id:
            organisations[project.pk].add(project.lead_organisation_id)
    editors = _editors_of_organisations(set().union(*organisations.values()))
    return {
        project_id: set().union(*(editors.get(org_id, set()) for org_id in org_ids))
        for project_id, org_ids in organisations.items()
    }


def _approvers(values: list[IndicatorValue]) -> dict[int, set[int]]:
    """Indicator id → ids of the editors of its approving organisations (a few queries per project)."""
    organisations: dict[int, set[int]] = {}
    by_project: dict[int, set[int]] = {}  # without an approver of its own, an indicator's are its project's
    for value in values:
        indicator = value.indicator
        if indicator.approver_id:
            organisations[indicator.pk] = {indicator.approver_id}
        else:
            project_id = indicator.result.project_id
            if project_id not in by_project:
                by_project[project_id] = approver_ids(indicator)
            organisations[indicator.pk] = by_project[project_id]
    editors = _editors_of_organisations(set().union(*organisations.values()))
    return {
        indicator_id: set().union(*(editors.get(org_id, set()) for org_id in org_ids))
        for indicator_id, org_ids in organisations.items()
    }


def _items(now: datetime.datetime, days_before: int) -> dict[int, list[Item]]:
    """User id → the items due to them (sent or not)."""
    today = timezone.localdate(now)
    horizon = today + datetime.timedelta(days=days_before)
    owed = list(_open_values().filter(status__in=OWED, due_date__isnull=False, due_date__lte=horizon))
    waiting = list(
        _open_values().filter(
            status=IndicatorValueStatus.SUBMITTED,
            submitted_at__lt=now - datetime.timedelta(days=APPROVAL_WAIT_DAYS),
        )
    )
    items: dict[int, list[Item]] = defaultdict(list)
    editors = _project_editors(list({value.indicator.result.project for value in owed}))
    for value in owed:
        stage = ReminderStage.OVERDUE if value.due_date < today else ReminderStage.DUE_SOON
        for user_id in editors[value.indicator.result.project_id]:
            items[user_id].append(Item(value, stage, value.due_date))
    approvers = _approvers(waiting)
    for value in waiting:
        occasion = timezone.localdate(value.submitted_at)
        for user_id in approvers[value.indicator_id] - {value.submitted_by_id}:
            items[user_id].append(Item(value, ReminderStage.WAITING, occasion))
    return items


def pending(*, now: datetime.datetime | None = None, days_before: int | None = None) -> list[Digest]:
    """The e-mails due now and not sent yet, one per person (ordered by address)."""
    now = now or timezone.now()
    items = _items(now, settings.RESULTS_REMINDER_DAYS if days_before is None else days_before)
    sent = set(
        ResultReminder.objects.filter(
            user_id__in=list(items), value_id__in={item.value.pk for found in items.values() for item in found}
        ).values_list("value_id", "user_id", "stage", "occasion")
    )
    recipients = User.objects.filter(pk__in=list(items), is_active=True, results_reminders=True).exclude(email="")
    organisations: dict[int, list] = defaultdict(list)
    for membership in Membership.objects.filter(user__in=recipients).select_related("organisation").order_by("id"):
        organisations[membership.user_id].append(membership.organisation)
    digests = []
    for user in recipients.order_by("email", "id"):
        due = [item for item in items[user.pk] if (item.value.pk, user.pk, item.stage, item.occasion) not in sent]
        if due:
            language = working_language(organisations[user.pk]) or settings.LANGUAGE_CODE
            digests.append(Digest(user, language, due))
    return digests


def results_reminders_send(
    *, now: datetime.datetime | None = None, days_before: int | None = None, dry_run: bool = False
) -> list[Digest]:
    """Queue the e-mails due (unless ``dry_run``), record each reminder, and return the e-mails."""
    digests = pending(now=now, days_before=days_before)
    if dry_run:
        return digests
    preferences = settings.SITE_URL.rstrip("/") + reverse("actors:reminders")
    sent = []
    for digest in digests:
        try:
            with transaction.atomic():
                ResultReminder.objects.bulk_create(
                    ResultReminder(value=item.value, user=digest.user, stage=item.stage, occasion=item.occasion)
                    for item in digest.items
                )
                mail_render_enqueue(
                    template="cooperation/mail/results_reminders.txt",
                    context={
                        "user": digest.user,
                        "count": len(digest.items),
                        "due_soon": digest.of(ReminderStage.DUE_SOON),
                        "overdue": digest.of(ReminderStage.OVERDUE),
                        "waiting": digest.of(ReminderStage.WAITING),
                        "approval_days": APPROVAL_WAIT_DAYS,
                        "preferences": preferences,
                    },
                    recipients=[digest.user.email],
                    language=digest.language,
                )
        except IntegrityError:  # a run at the same time recorded (and mailed) them first
            continue
        sent.append(digest)
    return sent
