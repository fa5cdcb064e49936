"""Open data of participation (mounted under /api/v1/participation/): aggregates and proposals only.

Spaces are read by whoever may see their partnership or organisation. Proposals never carry their
author's identity unless the author chose to show a name (then the name as chosen, nothing more:
no account, no e-mail, no town of an anonymous author); hidden proposals are left out everywhere.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from coopdec.api.pagination import page_response, paginate
from coopdec.api.params import PageQuery, no_query

from . import selectors
from .models import Proposal, Space

router = Router(tags=["participation"])


class PhaseOut(Schema):
    phase: str
    starts_on: date


class SpaceOut(Schema):
    id: int
    title: dict = Field(description="Title per language.")
    description: dict
    partnership: int | None = Field(description="The partnership the space belongs to, if any.")
    organisation: int | None = Field(description="The organisation whose whole cooperation it covers, if any.")
    phase: str = Field(description="Current phase: upcoming, proposals, support, review, vote or results.")
    calendar: list[PhaseOut]
    budget: Decimal | None = Field(description="The participatory budget (envelope), if any.")
    currency: str
    proposals: int = Field(description="Number of shown proposals.")
    is_demo: bool
    url: str


class SpacePage(Schema):
    next: str | None
    results: list[SpaceOut]


class ProposalOut(Schema):
    id: int
    title: dict
    body: dict
    language: str = Field(description="The language the author wrote in.")
    author: str | None = Field(description="The name the author chose to show; null when they chose not to.")
    on_behalf_of: int | None = Field(description="The organisation (e.g. a diaspora association) it comes from.")
    axes: list[str]
    latitude: float | None
    longitude: float | None
    place: str
    cost: Decimal | None
    status: str = Field(description="open, accepted, not_feasible or merged.")
    answer: str
    merged_into: int | None
    project: int | None = Field(description="The project it became or is linked to (if published).")
    supports: int
    created_at: datetime
    is_demo: bool


class ProposalPage(Schema):
    next: str | None
    results: list[ProposalOut]


class StatisticsOut(Schema):
    space: int
    phase: str
    proposals: int
    supports: int
    comments: int
    ballots: int
    by_phase: dict[str, int] = Field(description="Proposals by the phase in which they were sent.")
    by_language: dict[str, int]
    by_status: dict[str, int]
    by_axis: dict[str, int]


def space_out(space: Space, proposal_count: int | None = None) -> dict:
    count = proposal_count if proposal_count is not None else selectors.shown_proposals(space).count()
    return {
        "id": space.pk,
        "title": space.title,
        "description": space.description,
        "partnership": space.partnership_id,
        "organisation": space.organisation_id,
        "phase": space.phase_on(timezone.localdate()),
        "calendar": [{"phase": phase, "starts_on": start} for phase, _label, start, _end in space.phase_calendar()],
        "budget": space.budget,
        "currency": space.currency,
        "proposals": count,
        "is_demo": space.is_demo,
        "url": space.get_absolute_url(),
    }


def _space(user, space_id: int) -> Space:
    return get_object_or_404(selectors.spaces_visible_to(user), pk=space_id)


@router.get("/participation/spaces", response=SpacePage, summary="Participation spaces")
def list_spaces(request, params: Query[PageQuery]):
    """The spaces whose partnership or organisation the caller may see, newest first."""
    return page_response(
        paginate(
            request,
            selectors.spaces_visible_to(request.user).annotate(
                shown=Count("proposals", filter=Q(proposals__is_hidden=False))
            ),
            ordering=("-id",),
            cursor=params.cursor,
            limit=params.limit,
            serialize=lambda space: space_out(space, space.shown),
        )
    )


@router.get("/participation/spaces/{int:space_id}", response=SpaceOut, summary="One participation space")
@no_query
def get_space(request, space_id: int):
    return space_out(_space(request.user, space_id))


def _project_ids(proposals: list[Proposal], user) -> set[int]:
    from coopdec.cooperation.selectors import projects_visible_to

    ids = {p.project_id for p in proposals if p.project_id}
    return set(projects_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def proposal_rows(proposals: list[Proposal], user) -> list[dict]:
    visible_projects = _project_ids(proposals, user)
    rows = []
    for p in proposals:
        participant = getattr(p.author, "participant", None) if p.author_id else None
        rows.append(
            {
                "id": p.pk,
                "title": p.title,
                "body": p.body,
                "language": p.language,
                "author": participant.public_name if participant is not None and participant.shows_name else None,
                "on_behalf_of": p.on_behalf_of_id,
                "axes": sorted(axis.code for axis in p.axes.all()),
                "latitude": p.latitude,
                "longitude": p.longitude,
                "place": p.place_name,
                "cost": p.cost,
                "status": p.status,
                "answer": p.answer,
                "merged_into": p.merged_into_id if p.merged_into_id else None,
                "project": p.project_id if p.project_id in visible_projects else None,
                "supports": getattr(p, "support_count", 0),
                "created_at": p.created_at,
                "is_demo": p.is_demo,
            }
        )
    return rows


@router.get("/participation/spaces/{int:space_id}/proposals", response=ProposalPage, summary="A space's proposals")
def list_proposals(request, space_id: int, params: Query[PageQuery]):
    """Shown proposals (never hidden ones), newest first; the author only as they chose to be named."""
    space = _space(request.user, space_id)
    cache: dict[int, dict] = {}

    def load(rows):
        for row in proposal_rows(rows, request.user):
            cache[row["id"]] = row
        return None

    return page_response(
        paginate(
            request,
            selectors.proposals_listed(space),
            ordering=("-id",),
            cursor=params.cursor,
            limit=params.limit,
            serialize=lambda proposal: cache[proposal.pk],
            load=load,
        )
    )


@router.get("/participation/spaces/{int:space_id}/statistics", response=StatisticsOut, summary="A space's statistics")
@no_query
def space_statistics(request, space_id: int):
    """Counts only: no person is named or can be singled out."""
    space = _space(request.user, space_id)
    return {"space": space.pk, "phase": space.phase_on(timezone.localdate()), **selectors.statistics(space)}
