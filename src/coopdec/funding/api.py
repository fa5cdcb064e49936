"""API of the calls for projects (mounted under /api/v1/).

Published calls and their rules are public. The eligibility of an organisation for a call is for the
organisation's editors and the call's funder only (a personal token; others get 404 for an
organisation they may not see, 403 otherwise).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from coopdec.actors.models import Organisation
from coopdec.api.access import require
from coopdec.api.auth import token_required
from coopdec.api.params import MAX_ID, StrictQuery, no_query
from coopdec.common.i18n import localize
from coopdec.common.models import PublicationStatus

from . import selectors
from .models import Application, Call

router = Router(tags=["calls for projects"])


class CriterionOut(Schema):
    title: str
    weight: int


class CallOut(Schema):
    id: int
    title: str
    description: str
    funder: int
    funder_name: str
    envelope: Decimal
    currency: str
    opens_on: date
    deadline: date
    stages: int = Field(description="1: the full application at once; 2: a concept note first, then, on invitation.")
    concept_deadline: date | None = Field(description="Two-stage calls: last day a concept note may be submitted.")
    concept_guidance: str
    is_open: bool
    eligible_kinds: list[str]
    eligible_countries: list[str] = Field(description="ISO 3166-1 alpha-2 codes; empty: any country.")
    eligible_axes: list[str]
    eligible_sectors: list[str] = Field(description="DAC 3- or 5-digit codes; empty: any sector.")
    max_rate_ldc: Decimal = Field(description="Maximum grant in % of the cost when every recipient country is an LDC.")
    max_rate_other: Decimal
    min_own_share: Decimal = Field(description="Minimum own share in % of the cost.")
    max_in_kind_share: Decimal = Field(description="Maximum in-kind part in % of the own share.")
    min_amount: Decimal | None
    max_amount: Decimal | None
    max_duration_months: int | None
    required_documents: list[str] = Field(description="IATI DocumentCategory codes.")
    prerequisites: list[str]
    retained_share: Decimal
    pass_mark: Decimal
    criteria: list[CriterionOut]
    is_demo: bool


class CallList(Schema):
    results: list[CallOut]


class CheckOut(Schema):
    rule: str
    passed: bool
    reason: str


class EligibilityOut(Schema):
    eligible: bool
    checks: list[CheckOut]


class EligibilityQuery(StrictQuery):
    organisation: int = Field(ge=1, le=MAX_ID, description="Id of the organisation to check.")


def call_out(call: Call, *, today: date) -> dict:
    return {
        "id": call.pk,
        "title": localize(call.title),
        "description": localize(call.description),
        "funder": call.funder_id,
        "funder_name": call.funder.name,
        "envelope": call.envelope,
        "currency": call.currency,
        "opens_on": call.opens_on,
        "deadline": call.deadline,
        "stages": call.stages,
        "concept_deadline": call.concept_deadline,
        "concept_guidance": call.concept_guidance_text,
        "is_open": call.opens_on <= today <= call.deadline,
        **{
            name: getattr(call, name)
            for name in (
                "eligible_kinds",
                "eligible_countries",
                "eligible_axes",
                "eligible_sectors",
                "max_rate_ldc",
                "max_rate_other",
                "min_own_share",
                "max_in_kind_share",
                "min_amount",
                "max_amount",
                "max_duration_months",
                "required_documents",
                "prerequisites",
                "retained_share",
                "pass_mark",
                "is_demo",
            )
        },
        "criteria": [{"title": localize(c.title), "weight": c.weight} for c in call.criteria.all()],
    }


def _call(user, pk: int) -> Call:
    call = get_object_or_404(Call.objects.select_related("funder"), pk=pk)
    if not user.has_perm("funding.view_call", call):
        raise Http404
    return call


@router.get("/calls", response=CallList, summary="Calls for projects")
@no_query
def list_calls(request):
    """Every published call, the open ones first (earliest deadline first), then the closed ones."""
    today = timezone.localdate()
    calls = (
        Call.objects.filter(publication_status=PublicationStatus.PUBLISHED)
        .select_related("funder")
        .prefetch_related("criteria")
    )
    ordered = sorted(
        calls, key=lambda c: (c.deadline < today, c.deadline if c.deadline >= today else -c.deadline.toordinal())
    )
    return {"results": [call_out(call, today=today) for call in ordered]}


@router.get("/calls/{int:call_id}", response=CallOut, summary="One call for projects")
@no_query
def get_call(request, call_id: int):
    """Its rules: eligibility, co-financing, documents, prerequisites, scoring grid."""
    return call_out(_call(request.user, call_id), today=timezone.localdate())


@router.get(
    "/calls/{int:call_id}/eligibility",
    response=EligibilityOut,
    auth=token_required,
    summary="Is an organisation eligible for a call?",
)
def call_eligibility(request, call_id: int, query: Query[EligibilityQuery]):
    """Each rule the register can check before a project is chosen, passed or failed with a reason to act on.
    For the organisation's editors and the call's funder."""
    call = _call(request.user, call_id)
    organisation = get_object_or_404(Organisation, pk=query.organisation)
    probe = Application(call=call, organisation=organisation)
    if not request.user.has_perm("actors.view_organisation", organisation) and not request.user.has_perm(
        "funding.check_eligibility", probe
    ):
        raise Http404
    require(request.user, "funding.check_eligibility", probe)
    return selectors.eligibility_of(organisation, call).as_json()
