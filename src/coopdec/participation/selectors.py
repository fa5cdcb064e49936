"""Reads shared by the pages, the map layer, the API and the statistics.

Hidden proposals and comments never leave this module except in the moderation queue and to their
own author: every listing, count, map layer, result and statistic starts from ``shown_proposals``.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from coopdec.actors.models import EDITING_ROLES, Organisation
from coopdec.actors.selectors import organisations_visible_to, roles_of
from coopdec.cooperation.models import IndicatorValue, IndicatorValueStatus, PartnershipParty, Project
from coopdec.cooperation.selectors import partnerships_visible_to, projects_visible_to

from .models import PHASE_STARTS, Ballot, Comment, Phase, Proposal, ProposalStatus, Report, Review, Space, Support


def spaces_visible_to(user) -> QuerySet[Space]:
    """Spaces whose partnership or organisation ``user`` may see."""
    return Space.objects.filter(
        Q(partnership__in=partnerships_visible_to(user)) | Q(organisation__in=organisations_visible_to(user))
    ).select_related("partnership", "organisation")


def deciding_parties(space: Space) -> list[Organisation]:
    """The organisations that answer and review the proposals: the partnership's parties, or the
    organisation of an organisation-wide space."""
    if space.partnership_id:
        return [
            link.organisation
            for link in PartnershipParty.objects.filter(partnership_id=space.partnership_id)
            .select_related("organisation__locality")
            .order_by("organisation__name")
        ]
    return [Organisation.objects.select_related("locality").get(pk=space.organisation_id or 0)]


def territory_parties(space: Space) -> list[Organisation]:
    """The organisations whose territories the space covers: the deciding parties and, for an
    organisation-wide space, its partners in its partnerships."""
    parties = deciding_parties(space)
    if space.organisation_id:
        partnerships = PartnershipParty.objects.filter(organisation_id=space.organisation_id).values("partnership_id")
        partners = (
            Organisation.objects.filter(party_links__partnership_id__in=partnerships)
            .exclude(pk=space.organisation_id)
            .select_related("locality")
            .distinct()
            .order_by("name")
        )
        parties += list(partners)
    return parties


def manages(user, space: Space) -> bool:
    roles = roles_of(user)
    return any(roles.get(party.pk) in EDITING_ROLES for party in deciding_parties(space))


def reviewing_organisations(user, space: Space) -> list[Organisation]:
    """The deciding parties ``user`` edits (their review is in those parties' names)."""
    roles = roles_of(user)
    return [party for party in deciding_parties(space) if roles.get(party.pk) in EDITING_ROLES]


def shown_proposals(space: Space) -> QuerySet[Proposal]:
    return Proposal.objects.filter(space=space, is_hidden=False)


def proposals_listed(space: Space, *, axis: str = "", status: str = "") -> QuerySet[Proposal]:
    """The space's proposals that are not hidden, with their counts of supports and shown comments."""
    proposals = shown_proposals(space)
    if axis:
        proposals = proposals.filter(axes__code=axis)
    if status:
        proposals = proposals.filter(status=status)
    # Counted by subqueries, not joins: computed for the rows of the page only, not for every
    # proposal of the space before the page is cut (1.5 s → see bench/participation.py).
    return (
        proposals.annotate(
            support_count=_count(Support.objects.filter(proposal=OuterRef("pk"))),
            comment_count=_count(Comment.objects.filter(proposal=OuterRef("pk"), is_hidden=False)),
        )
        .select_related("author__participant", "on_behalf_of")
        .prefetch_related("axes")
    )


def _count(queryset) -> Coalesce:
    counted = queryset.order_by().values("proposal").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def axes_used(space: Space) -> QuerySet:
    """The codes of the themes of the space's shown proposals (for the filter)."""
    return (
        Proposal.axes.through.objects.filter(proposal__space=space, proposal__is_hidden=False)
        .values_list("axis_id", flat=True)
        .distinct()
    )


def shown_comments(proposal: Proposal) -> QuerySet[Comment]:
    return proposal.comments.filter(is_hidden=False).select_related("author__participant")


def feasible_everywhere(space: Space) -> Q:
    """Proposals every deciding party found feasible."""
    parties = [party.pk for party in deciding_parties(space)]
    condition = Q()
    for party in parties:
        condition &= Q(Exists(Review.objects.filter(proposal=OuterRef("pk"), organisation_id=party, feasible=True)))
    return condition


def ballot_proposals(space: Space) -> QuerySet[Proposal]:
    """What the public votes on: shown proposals with a cost, found feasible by every deciding party,
    neither refused nor merged."""
    return (
        shown_proposals(space)
        .filter(feasible_everywhere(space), cost__isnull=False)
        .exclude(status__in=[ProposalStatus.NOT_FEASIBLE, ProposalStatus.MERGED])
        .order_by("cost", "id")
    )


def vote_counts(space: Space) -> dict[int, int]:
    rows = (
        Ballot.proposals.through.objects.filter(ballot__space=space, proposal__is_hidden=False)
        .values("proposal_id")
        .annotate(votes=Count("ballot_id"))
    )
    return {row["proposal_id"]: row["votes"] for row in rows}


def results(space: Space) -> list[dict]:
    """The ballot's proposals by votes (ties: the cheaper, then the earlier), each marked a winner
    while the envelope holds it: the usual rule of participatory budgets (a proposal that no longer
    fits is passed over for the next that does)."""
    counts = vote_counts(space)
    proposals = sorted(ballot_proposals(space), key=lambda p: (-counts.get(p.pk, 0), p.cost or 0, p.pk))
    left = space.budget or Decimal(0)
    rows = []
    for proposal in proposals:
        votes = counts.get(proposal.pk, 0)
        wins = votes > 0 and (proposal.cost or 0) <= left
        if wins:
            left -= proposal.cost or 0
        rows.append({"proposal": proposal, "votes": votes, "winner": wins})
    return rows


def space_projects(space: Space) -> QuerySet[Project]:
    if space.partnership_id:
        return Project.objects.filter(partnership_id=space.partnership_id)
    return Project.objects.filter(lead_organisation_id=space.organisation_id)


def proposal_path(proposal: Proposal, user) -> dict | None:
    """Proposal → project → results: the project (if ``user`` may see it) and its approved indicator values."""
    if not proposal.project_id or not projects_visible_to(user).filter(pk=proposal.project_id).exists():
        return None
    project = proposal.project
    values = (
        IndicatorValue.objects.filter(indicator__result__project=project, status=IndicatorValueStatus.APPROVED)
        .select_related("indicator__result")
        .order_by("indicator__result__position", "indicator__position", "period_start")
    )
    return {"project": project, "values": list(values)}


def open_reports(space: Space) -> QuerySet[Report]:
    return (
        Report.objects.filter(proposal__space=space, closed_at__isnull=True)
        .select_related("proposal", "comment")
        .order_by("created_at", "id")
    )


def phase_of_day(space: Space, day) -> str:
    return space.phase_on(day)


def statistics(space: Space) -> dict:
    """Aggregates only (no person named): proposals, supports, comments and votes, by phase in which
    the proposals were sent, theme, language and answer. Hidden proposals and comments are left out.
    Counted by the database (a few queries, whatever the number of proposals)."""
    proposals = shown_proposals(space)
    by_phase = _phase_counts(space, proposals)
    return {
        "proposals": sum(_grouped(proposals, "status").values()),
        "supports": Support.objects.filter(proposal__in=proposals).count(),
        "comments": Comment.objects.filter(proposal__in=proposals, is_hidden=False).count(),
        "ballots": Ballot.objects.filter(space=space).count(),
        "by_phase": by_phase,
        "by_language": _grouped(proposals, "language"),
        "by_status": _grouped(proposals, "status"),
        "by_axis": _grouped(Proposal.axes.through.objects.filter(proposal__in=proposals), "axis_id"),
    }


def _grouped(queryset, field: str) -> dict[str, int]:
    rows = queryset.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n")
    return dict(sorted(rows))


def _midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _phase_counts(space: Space, proposals: QuerySet[Proposal]) -> dict[str, int]:
    """Proposals by the phase (of the space's calendar, in the site's time zone) they were sent in."""
    starts = [(str(phase), getattr(space, field)) for phase, field in PHASE_STARTS]
    counts = {}
    for index, (phase, day) in enumerate(starts):
        condition = Q(created_at__gte=_midnight(day))
        if index + 1 < len(starts):
            condition &= Q(created_at__lt=_midnight(starts[index + 1][1]))
        counts[f"phase_{phase}"] = Count("pk", filter=condition)
    totals = proposals.aggregate(**counts)
    return {phase: totals[f"phase_{phase}"] for phase, _day in starts if totals[f"phase_{phase}"]}


def phase_label(phase: str) -> str:
    return str(Phase(phase).label)
