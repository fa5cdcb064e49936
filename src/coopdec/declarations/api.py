"""API of the aid declarations (mounted under /api/v1/aid/).

Campaigns and their national totals (submitted declarations only) are public. A declaration is read
with a token by its organisation's members and the campaign's coordinators, and changed by its
editors (``rules.py``); a caller who may not see it gets 404. Every write carries the ``revision``
the client read: if someone saved in between, the answer is 409 with the service's message and
nothing is written; a submitted declaration is locked (409 too).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from coopdec.api.access import require
from coopdec.api.auth import token_required
from coopdec.api.errors import ApiError
from coopdec.api.params import no_query

from . import checks, selectors, services
from .exports import line_row
from .models import Campaign, Declaration, DeclarationLine, DeclarationStatus
from .spreadsheet import declarable_projects

router = Router(tags=["aid declarations"])

CODE = Field(min_length=1, max_length=5)
MARKER = Field(
    None, ge=0, le=2, description="OECD policy marker: 0 not targeted, 1 significant, 2 principal; null: not screened."
)


# Shapes ------------------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    year: int = Field(description="The declared year.")
    opens_on: date
    closes_on: date
    currency: str
    submitted: int = Field(description="Number of submitted declarations.")


class CampaignList(Schema):
    results: list[CampaignOut]


class AmountRow(Schema):
    code: str
    label: str
    amount: str


class MarkerRow(Schema):
    code: str = Field(description="IATI PolicyMarker code.")
    label: str
    significant: str
    principal: str


class TrendRow(Schema):
    campaign: int
    year: int
    total: str
    declarations: int


class TotalsOut(Schema):
    campaign: int
    country: str
    year: int
    currency: str
    total: str
    declarations: int = Field(description="Submitted declarations.")
    nil: int = Field(description="Submitted nil declarations.")
    by_recipient: list[AmountRow]
    by_sector: list[AmountRow]
    by_channel: list[AmountRow]
    by_policy_marker: list[MarkerRow]
    trend: list[TrendRow] = Field(description="Every campaign of the country, oldest first.")


class LineOut(Schema):
    id: int
    position: int
    recipient_type: str
    recipient_code: str
    recipient_label: str
    sector: str
    sector_label: str
    channel: str
    flow_type: str
    finance_type: str
    aid_type: str
    original_amount: Decimal
    original_currency: str
    exchange_rate: Decimal | None
    rate_source: str
    amount: Decimal = Field(description="In the declaration currency.")
    cofinancing: Decimal
    cofinancing_deducted: bool | None
    declared_amount: Decimal = Field(description="The amount less the co-financing deducted.")
    marker_gender: int | None
    marker_environment: int | None
    marker_biodiversity: int | None
    marker_climate_mitigation: int | None
    marker_climate_adaptation: int | None
    marker_desertification: int | None
    marker_disability: int | None
    marker_nutrition: int | None
    project: int | None
    project_title: str
    description: str
    source: str


class IssueOut(Schema):
    level: str = Field(description="error (blocks the submission) or warning.")
    message: str
    line: int | None = Field(description="Position of the line concerned.")


class DeclarationOut(Schema):
    id: int
    campaign: int
    organisation: int
    organisation_name: str
    year: int
    currency: str
    status: str
    is_nil: bool
    revision: int = Field(description="Send it back with every change.")
    closes_on: date
    submitted_at: datetime | None
    lines: list[LineOut]
    checks: list[IssueOut]


class LineFields(Schema):
    recipient_type: Literal["country", "region", "unallocated"] = "country"
    recipient_code: str = Field("", max_length=4, description="IATI Country or Region code; empty when unallocated.")
    flow_type: str | None = Field(None, max_length=2, description="IATI FlowType (default 10, ODA).")
    finance_type: str | None = Field(None, max_length=4, description="IATI FinanceType (default 110, standard grant).")
    aid_type: str | None = Field(None, max_length=4, description="IATI AidType (default C01, project-type).")
    original_currency: str | None = Field(None, max_length=3, description="Default: the campaign's currency.")
    cofinancing: Decimal = Field(Decimal(0), description="Co-financing received for this line.")
    cofinancing_deducted: bool | None = None
    marker_gender: int | None = MARKER
    marker_environment: int | None = MARKER
    marker_biodiversity: int | None = MARKER
    marker_climate_mitigation: int | None = MARKER
    marker_climate_adaptation: int | None = MARKER
    marker_desertification: int | None = MARKER
    marker_disability: int | None = MARKER
    marker_nutrition: int | None = MARKER
    project: int | None = Field(None, ge=1, description="Id of a project of the organisation.")
    description: str = Field("", max_length=500)


class LineIn(LineFields):
    revision: int = Field(ge=1, description="The declaration's revision the client read.")
    sector: str = CODE
    channel: str = CODE
    original_amount: Decimal = Field(description="In original_currency.")


class LinePatch(LineFields):
    revision: int = Field(ge=1, description="The declaration's revision the client read.")
    sector: str | None = Field(None, min_length=1, max_length=5)
    channel: str | None = Field(None, min_length=1, max_length=5)
    original_amount: Decimal | None = None


class RevisionIn(Schema):
    revision: int = Field(ge=1, description="The declaration's revision the client read.")


# Helpers -----------------------------------------------------------------------------------


def declaration_out(declaration: Declaration) -> dict:
    lines = (
        DeclarationLine.objects.filter(declaration=declaration)
        .select_related("declaration__organisation", "declaration__campaign", "project")
        .order_by("position", "id")
    )
    return {
        "id": declaration.pk,
        "campaign": declaration.campaign_id,
        "organisation": declaration.organisation_id,
        "organisation_name": declaration.organisation.name,
        "year": declaration.campaign.year,
        "currency": declaration.campaign.currency,
        "status": declaration.status,
        "is_nil": declaration.is_nil,
        "revision": declaration.revision,
        "closes_on": declaration.closes_on,
        "submitted_at": declaration.submitted_at,
        "lines": [
            {
                **line_row(line),
                "id": line.pk,
                "position": line.position,
                "source": line.source,
                "cofinancing_deducted": line.cofinancing_confirmed,
            }
            for line in lines
        ],
        "checks": [
            {"level": issue.level, "message": issue.message, "line": issue.line} for issue in checks.check(declaration)
        ],
    }


def _declaration(user, pk: int, permission: str = "", message: str = "") -> Declaration:
    """The declaration if ``user`` may see it (else 404), and, for a write, may do it (else 403)."""
    declaration = get_object_or_404(Declaration.objects.select_related("campaign__country", "organisation"), pk=pk)
    if not user.has_perm("declarations.view_declaration", declaration) and not (
        permission and user.has_perm(permission, declaration)
    ):
        raise Http404
    if permission:
        require(user, permission, declaration, message)
    return declaration


def _editable(user, pk: int) -> Declaration:
    return _declaration(
        user,
        pk,
        "declarations.change_declaration",
        _("Only the organisation's editors (or a coordinator) may change its declaration."),
    )


def _fields(payload: Schema, declaration: Declaration, *, partial: bool) -> dict:
    data = payload.dict(exclude_unset=partial)
    data.pop("revision", None)
    if "cofinancing_deducted" in data:
        data["cofinancing_confirmed"] = data.pop("cofinancing_deducted")
    for name in ("flow_type", "finance_type", "aid_type", "original_currency", "sector", "channel", "original_amount"):
        if name in data and data[name] is None:
            data.pop(name)
    if data.get("project") is not None:
        projects = declarable_projects(declaration.organisation, {data["project"]})
        if data["project"] not in projects:
            raise ValidationError(
                {
                    "project": _("%(organisation)s has no project %(project)s.")
                    % {"organisation": declaration.organisation.name, "project": data["project"]}
                }
            )
        data["project"] = projects[data["project"]]
    return data


def _write(action, **arguments):
    """Run a service; a stale revision or a locked declaration is a conflict (409)."""
    try:
        return action(**arguments)
    except ValidationError as error:
        if not hasattr(error, "error_dict") and error.error_list[0].code in ("stale", "locked"):
            raise ApiError(409, "conflict", error.messages[0]) from None
        raise


# Operations --------------------------------------------------------------------------------


@router.get("/aid/campaigns", response=CampaignList, summary="Aid declaration campaigns")
@no_query
def list_campaigns(request):
    """Every campaign, latest year first, with the number of submitted declarations."""
    campaigns = Campaign.objects.annotate(
        submitted=Count("declarations", filter=Q(declarations__status=DeclarationStatus.SUBMITTED))
    ).order_by("-year", "country_id")
    return {
        "results": [
            {
                "id": c.pk,
                "country": c.country_id,
                "year": c.year,
                "opens_on": c.opens_on,
                "closes_on": c.closes_on,
                "currency": c.currency,
                "submitted": c.submitted,
            }
            for c in campaigns
        ]
    }


@router.get("/aid/campaigns/{int:campaign_id}/totals", response=TotalsOut, summary="National totals of a campaign")
@no_query
def campaign_totals(request, campaign_id: int):
    """The submitted declarations added up by recipient, DAC sector, channel and policy marker (in the
    campaign currency), and the country's trend over its campaigns."""
    campaign = get_object_or_404(Campaign.objects.select_related("country"), pk=campaign_id)
    trend = [
        {"campaign": c.pk, "year": c.year, "total": str(total), "declarations": count}
        for c, total, count in selectors.trend(campaign.country_id)
    ]
    return {
        **selectors.national_totals(campaign).as_json(),
        "campaign": campaign.pk,
        "country": campaign.country_id,
        "year": campaign.year,
        "trend": trend,
    }


@router.get(
    "/aid/declarations/{int:declaration_id}",
    response=DeclarationOut,
    auth=token_required,
    summary="One aid declaration",
)
@no_query
def get_declaration(request, declaration_id: int):
    """Its lines and the result of its checks. For its organisation's members and the campaign's coordinators."""
    return declaration_out(_declaration(request.user, declaration_id))


@router.post(
    "/aid/declarations/{int:declaration_id}/lines",
    response={201: DeclarationOut},
    auth=token_required,
    summary="Add a line to a declaration",
)
def add_line(request, declaration_id: int, payload: LineIn):
    declaration = _editable(request.user, declaration_id)
    _write(
        services.line_add,
        declaration=declaration,
        user=request.user,
        revision=payload.revision,
        **_fields(payload, declaration, partial=False),
    )
    return Status(201, declaration_out(_declaration(request.user, declaration_id)))


def _line(declaration: Declaration, line_id: int) -> DeclarationLine:
    return get_object_or_404(
        DeclarationLine.objects.select_related("declaration__campaign", "project"), pk=line_id, declaration=declaration
    )


@router.patch(
    "/aid/declarations/{int:declaration_id}/lines/{int:line_id}",
    response=DeclarationOut,
    auth=token_required,
    summary="Change a line of a declaration",
)
def update_line(request, declaration_id: int, line_id: int, payload: LinePatch):
    declaration = _editable(request.user, declaration_id)
    line = _line(declaration, line_id)
    _write(
        services.line_update,
        line=line,
        user=request.user,
        revision=payload.revision,
        **_fields(payload, declaration, partial=True),
    )
    return declaration_out(_declaration(request.user, declaration_id))


@router.delete(
    "/aid/declarations/{int:declaration_id}/lines/{int:line_id}",
    response=DeclarationOut,
    auth=token_required,
    summary="Remove a line of a declaration",
)
def remove_line(request, declaration_id: int, line_id: int, payload: RevisionIn):
    """Answers the declaration as it is now (its new revision)."""
    declaration = _editable(request.user, declaration_id)
    _write(services.line_remove, line=_line(declaration, line_id), user=request.user, revision=payload.revision)
    return declaration_out(_declaration(request.user, declaration_id))


@router.post(
    "/aid/declarations/{int:declaration_id}/submit",
    response=DeclarationOut,
    auth=token_required,
    summary="Submit a declaration",
)
def submit_declaration(request, declaration_id: int, payload: RevisionIn):
    """Refused (400, the list in ``details``) while its checks find errors; locks it once submitted."""
    declaration = _declaration(
        request.user,
        declaration_id,
        "declarations.submit_declaration",
        _("Only the organisation's editors (or a coordinator) may submit its declaration."),
    )
    try:
        _write(services.declaration_submit, declaration=declaration, user=request.user, revision=payload.revision)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise ApiError(400, "not_submitted", " ".join(error.messages), details=error.messages) from None
    return declaration_out(_declaration(request.user, declaration_id))
