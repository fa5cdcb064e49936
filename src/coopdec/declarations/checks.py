"""What a declaration must satisfy before it is submitted (errors) and what deserves a second look
(warnings), each with a message a person can act on and the line it concerns."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from coopdec.common.i18n import localize
from coopdec.common.models import PublicationStatus
from coopdec.cooperation.models import Project, ProjectSector
from coopdec.vocabularies.selectors import codelist

from .models import Declaration, DeclarationStatus, Recipient

ERROR, WARNING = "error", "warning"
LARGE_LINE_FACTOR = 10  # a line ten times larger than last year's whole declaration is flagged


@dataclass(frozen=True)
class Issue:
    level: str
    message: str
    line: int | None = None  # the line's position


def code_problem(list_name: str, code: str) -> str | None:
    """Why ``code`` cannot be used from the IATI codelist ``list_name`` (None when it can)."""
    if not code:
        return _("Choose a code.")
    item = codelist(list_name).get(code)
    if item is None:
        return _("“%(code)s” is not in the IATI %(list)s codelist.") % {"code": code, "list": list_name}
    if item.withdrawn:
        return _("“%(code)s” (%(name)s) was withdrawn from the IATI %(list)s codelist: choose a current code.") % {
            "code": code,
            "name": item.name,
            "list": list_name,
        }
    return None


def previous_total(declaration: Declaration) -> Decimal | None:
    """The declared total of the same organisation's last submitted declaration of an earlier year."""
    earlier = (
        Declaration.objects.filter(
            organisation_id=declaration.organisation_id,
            status=DeclarationStatus.SUBMITTED,
            campaign__country_id=declaration.campaign.country_id,
            campaign__year__lt=declaration.campaign.year,
        )
        .order_by("-campaign__year")
        .first()
    )
    if earlier is None:
        return None
    return earlier.total.quantize(Decimal("0.01"))  # kept by the services at each change


def check(declaration: Declaration) -> list[Issue]:
    lines = list(declaration.lines.all())
    issues: list[Issue] = []
    if not lines and not declaration.is_nil:
        issues.append(
            Issue(
                ERROR,
                _("The declaration has no line: add the aid paid in %(year)s, or state that it is a nil declaration.")
                % {"year": declaration.campaign.year},
            )
        )
    if lines and declaration.is_nil:
        issues.append(Issue(ERROR, _("A nil declaration has no line: remove the lines or uncheck “nil declaration”.")))
    codes = [
        ("sector", "Sector", _("DAC sector")),
        ("channel", "CRSChannelCode", _("channel of delivery")),
        ("flow_type", "FlowType", _("flow type")),
        ("finance_type", "FinanceType", _("finance type")),
        ("aid_type", "AidType", _("aid type")),
    ]
    for line in lines:
        number = {"line": line.position}
        if line.recipient_type != Recipient.UNALLOCATED:
            problem = code_problem(
                "Country" if line.recipient_type == Recipient.COUNTRY else "Region", line.recipient_code
            )
            if problem:
                issues.append(Issue(ERROR, _("Line %(line)s, recipient: ") % number + problem, line.position))
        for field, list_name, label in codes:
            problem = code_problem(list_name, getattr(line, field))
            if problem:
                issues.append(
                    Issue(ERROR, _("Line %(line)s, %(field)s: ") % {**number, "field": label} + problem, line.position)
                )
        if line.amount < 0 or line.cofinancing < 0:
            issues.append(Issue(ERROR, _("Line %(line)s: amounts cannot be negative.") % number, line.position))
        if line.cofinancing and line.cofinancing_confirmed is None:
            issues.append(
                Issue(
                    ERROR,
                    _(
                        "Line %(line)s: %(amount)s of co-financing was received for this project; confirm "
                        "whether to deduct it (only own funds are declared)."
                    )
                    % {**number, "amount": line.cofinancing},
                    line.position,
                )
            )
    issues.extend(_warnings(declaration, lines))
    return issues


def _warnings(declaration: Declaration, lines) -> list[Issue]:
    issues: list[Issue] = []
    last_total = previous_total(declaration)
    if last_total:
        for line in lines:
            if line.net_amount > last_total * LARGE_LINE_FACTOR:
                issues.append(
                    Issue(
                        WARNING,
                        _(
                            "Line %(line)s (%(amount)s) is more than ten times last year's whole "
                            "declaration (%(total)s): check the amount."
                        )
                        % {"line": line.position, "amount": line.net_amount, "total": last_total},
                        line.position,
                    )
                )
    keys = Counter(
        (
            line.recipient_type,
            line.recipient_code,
            line.sector,
            line.channel,
            line.flow_type,
            line.finance_type,
            line.aid_type,
            line.original_amount,
            line.original_currency,
            line.project_id,
            line.source_ref,
        )
        for line in lines
    )
    for line in lines:
        key = (
            line.recipient_type,
            line.recipient_code,
            line.sector,
            line.channel,
            line.flow_type,
            line.finance_type,
            line.aid_type,
            line.original_amount,
            line.original_currency,
            line.project_id,
            line.source_ref,
        )
        if keys[key] > 1:
            issues.append(
                Issue(
                    WARNING,
                    _("Line %(line)s is the same as another line: remove it if it was entered twice.")
                    % {"line": line.position},
                    line.position,
                )
            )
    # Sector splits: a project whose DAC sector percentages do not add up to 100 was split proportionally.
    project_ids = {line.project_id for line in lines if line.project_id}
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for pid, percentage in ProjectSector.objects.filter(project_id__in=project_ids, vocabulary="1").values_list(
        "project_id", "percentage"
    ):
        totals[pid] += percentage or 0
    for pid in sorted(project_ids):
        if totals.get(pid) and totals[pid] != 100:
            issues.append(
                Issue(
                    WARNING,
                    _(
                        "Project %(project)s: its sector percentages add up to %(total)s %%, so its "
                        "lines were split in proportion; complete the project's sectors."
                    )
                    % {"project": pid, "total": totals[pid].normalize()},
                )
            )
    # The organisation's IATI file publishes its published projects: a declared project left in draft
    # would make the declaration and the open data disagree.
    drafts = Project.objects.filter(pk__in=project_ids).exclude(publication_status=PublicationStatus.PUBLISHED)
    for pid, title in drafts.order_by("pk").values_list("pk", "title"):
        issues.append(
            Issue(
                WARNING,
                _(
                    "Project %(project)s (%(title)s) is declared but still a draft: publish it so that "
                    "your IATI file shows what you declared."
                )
                % {"project": pid, "title": localize(title)},
            )
        )
    sources = defaultdict(set)
    for line in lines:
        if line.project_id and line.source_ref:
            sources[line.project_id].add(line.source_ref.split(":")[0])
    for pid, kinds in sorted(sources.items()):
        if {"transaction", "contribution"} <= kinds:
            issues.append(
                Issue(
                    WARNING,
                    _(
                        "Project %(project)s has both disbursements and contributions in this "
                        "declaration: remove one if the contribution was paid through those "
                        "disbursements, so nothing is counted twice."
                    )
                    % {"project": pid},
                )
            )
    return issues
