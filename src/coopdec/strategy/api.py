"""API of strategies and the principles scorecard (read only; the same access as the pages).

- ``GET /partnerships/{id}/scorecard`` and ``GET /organisations/{id}/scorecard``: the four principles,
  each with its 0–100 score (``null``: not enough data) and its evidence, each item naming the record
  it comes from. Public when the partnership or organisation is published (404 otherwise, as the
  record itself).
- ``GET /strategies`` and ``GET /strategies/{id}``: strategies the caller may see, and one with its
  objectives, linked projects, money per year and indicators rolled up from approved project values.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import Field

from coopdec.api.params import no_query
from coopdec.api.routers.actors import visible_organisation
from coopdec.api.routers.cooperation import visible_partnership
from coopdec.common.i18n import localize

from . import scorecard, selectors
from .models import Strategy

router = Router()


class EvidenceOut(Schema):
    label: str
    met: bool = Field(description="False also when unknown: see `known`.")
    known: bool = Field(description="False: the register holds nothing to judge this check by.")
    detail: str = Field(description="The figures behind it, e.g. '2 of 3 projects'.")
    record: str = Field(description="Address of the record it comes from.")


class PrincipleOut(Schema):
    principle: str = Field(description="partnership, subsidiarity, sustainability or equity.")
    score: int | None = Field(description="0 to 100; null: not enough data (fewer than half the checks known).")
    evidence: list[EvidenceOut]


class ScorecardOut(Schema):
    principles: list[PrincipleOut]


def _scorecard(request, principles: list[dict]) -> dict:
    return {
        "principles": [
            {
                "principle": principle["principle"],
                "score": principle["score"],
                "evidence": [
                    {
                        "label": item["label"],
                        "met": item["met"],
                        "known": item["known"],
                        "detail": str(item["detail"]),
                        "record": request.build_absolute_uri(item["record"]),
                    }
                    for item in principle["evidence"]
                ],
            }
            for principle in principles
        ]
    }


@router.get(
    "/partnerships/{int:partnership_id}/scorecard",
    response=ScorecardOut,
    summary="A partnership's principles scorecard",
    tags=["partnerships"],
)
@no_query
def partnership_scorecard(request, partnership_id: int):
    """Computed from the register on each call (method: docs/scorecard.md)."""
    partnership = visible_partnership(request.user, partnership_id)
    return _scorecard(request, scorecard.partnership_principles(partnership))


@router.get(
    "/organisations/{int:organisation_id}/scorecard",
    response=ScorecardOut,
    summary="An organisation's principles scorecard",
    tags=["organisations"],
)
@no_query
def organisation_scorecard(request, organisation_id: int):
    """Each principle's score is the mean of the known scores of the organisation's published partnerships;
    the evidence lists those partnerships."""
    organisation = visible_organisation(request.user, organisation_id)
    return _scorecard(request, scorecard.organisation_principles(organisation))


class StrategyRow(Schema):
    id: int
    title: str
    start_year: int
    end_year: int
    organisation: int | None
    partnership: int | None
    published: bool


class StrategyList(Schema):
    results: list[StrategyRow]


class YearOut(Schema):
    year: int
    target: Decimal | None
    achieved: Decimal | None = Field(description="Rolled up from approved project values; null: none that year.")
    progress: int | None = Field(description="Percentage of the year's target reached.")


class IndicatorOut(Schema):
    id: int
    title: str
    unit: str
    standard: str | None
    cumulative: bool = Field(description="Targets are running totals (else each year counts alone).")
    baseline: Decimal | None
    baseline_year: int | None
    project_indicators: int = Field(description="How many project indicators roll up into it.")
    achieved: Decimal | None
    progress: int | None
    years: list[YearOut]


class MoneyOut(Schema):
    year: int
    committed: Decimal = Field(description="Euros.")
    spent: Decimal = Field(description="Euros.")


class ObjectiveOut(Schema):
    id: int
    title: str
    axes: list[str]
    territories: list[int]
    countries: list[str]
    projects: list[int]
    money: list[MoneyOut]
    indicators: list[IndicatorOut]


class StrategyOut(StrategyRow):
    summary: str
    money: list[MoneyOut]
    not_converted: list[str] = Field(description="Currency and year groups without a rate, left out of the euros.")
    objectives: list[ObjectiveOut]


def _row(strategy: Strategy) -> dict:
    return {
        "id": strategy.pk,
        "title": strategy.display_title,
        "start_year": strategy.start_year,
        "end_year": strategy.end_year,
        "organisation": strategy.organisation_id,
        "partnership": strategy.partnership_id,
        "published": strategy.is_published,
    }


def _money(rows: list[dict]) -> list[dict]:
    return [{"year": row["year"], "committed": row["committed"], "spent": row["spent"]} for row in rows]


@router.get("/strategies", response=StrategyList, summary="List strategies", tags=["strategies"])
@no_query
def list_strategies(request):
    """Published strategies (and drafts of the caller's organisations and partnerships), at most 500, newest first."""
    strategies = selectors.strategies_visible_to(request.user).order_by("-start_year", "-id")[:500]
    return {"results": [_row(strategy) for strategy in strategies]}


@router.get("/strategies/{int:strategy_id}", response=StrategyOut, summary="One strategy", tags=["strategies"])
@no_query
def get_strategy(request, strategy_id: int):
    strategy = get_object_or_404(Strategy.objects.select_related("organisation", "partnership"), pk=strategy_id)
    if not request.user.has_perm("strategy.view_strategy", strategy):
        raise Http404
    overview = selectors.strategy_overview(strategy, user=request.user)
    objectives = []
    for block in overview.objectives:
        objective = block.objective
        indicators = [
            {
                "id": row.indicator.pk,
                "title": localize(row.indicator.title),
                "unit": localize(row.indicator.unit),
                "standard": row.indicator.standard_id,
                "cumulative": row.indicator.cumulative,
                "baseline": row.indicator.baseline,
                "baseline_year": row.indicator.baseline_year,
                "project_indicators": row.sources,
                "achieved": row.rolled.achieved,
                "progress": row.progress,
                "years": [
                    {
                        "year": cell["year"],
                        "target": cell["target"],
                        "achieved": cell["actual"],
                        "progress": cell["progress"],
                    }
                    for cell in row.cells
                ],
            }
            for row in block.indicators
        ]
        objectives.append(
            {
                "id": objective.pk,
                "title": localize(objective.title),
                "axes": [axis.code for axis in objective.axes.all()],
                "territories": [territory.pk for territory in objective.territories.all()],
                "countries": [country.code for country in objective.countries.all()],
                "projects": [project.pk for project in block.projects],
                "money": _money(block.money_rows),
                "indicators": indicators,
            }
        )
    return {
        **_row(strategy),
        "summary": localize(strategy.summary),
        "money": _money(overview.money_rows),
        "not_converted": overview.not_converted,
        "objectives": objectives,
    }
