"""Fixed lists: DAC sectors, SDG goals and targets, cooperation axes, standard indicators (reference data labels)."""

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from coopdec.common.i18n import localize
from coopdec.vocabularies.models import Axis, CodelistItem, StandardIndicator

from ..params import StrictQuery, no_query

router = Router(tags=["reference lists"])

SECTOR_LISTS = {"5": "Sector", "3": "SectorCategory"}


class CodeOut(Schema):
    code: str
    name: str = Field(description="Label in the request's language (Accept-Language).")
    names: dict[str, str]
    category: str = Field(description="Sectors: the DAC 3-digit category; SDG targets: the goal.")
    withdrawn: bool


class SectorQuery(StrictQuery):
    digits: str = Field("5", pattern="^(3|5)$", description="5: DAC 5-digit sectors; 3: DAC 3-digit categories.")
    category: str | None = Field(None, pattern="^[0-9]{3}$", description="Only the sectors of this 3-digit category.")


class SdgQuery(StrictQuery):
    level: str = Field("goal", pattern="^(goal|target)$", description="goal: the 17 goals; target: the 169 targets.")
    goal: str | None = Field(None, pattern="^[0-9]{1,2}$", description="Only the targets of this goal.")


class AxisOut(Schema):
    code: str
    name: str
    names: dict[str, str]
    descriptions: dict[str, str]
    sector_categories: list[str] = Field(description="DAC 3-digit categories of the axis.")
    sectors: list[str] = Field(description="DAC 5-digit sectors most typical of the axis.")


def code_out(item: CodelistItem) -> dict:
    return {
        "code": item.code,
        "name": localize(item.names) or item.code,
        "names": item.names,
        "category": item.category,
        "withdrawn": item.withdrawn,
    }


def axis_out(axis: Axis) -> dict:
    return {
        "code": axis.code,
        "name": axis.name,
        "names": axis.names,
        "descriptions": axis.descriptions,
        "sector_categories": axis.sector_categories,
        "sectors": axis.sectors,
    }


@router.get("/sectors", response=list[CodeOut], summary="DAC sectors (IATI Sector and SectorCategory)")
def list_sectors(request, params: Query[SectorQuery]):
    items = CodelistItem.objects.filter(codelist=SECTOR_LISTS[params.digits]).order_by("code")
    if params.category:
        items = items.filter(code__startswith=params.category)
    return [code_out(item) for item in items]


@router.get("/sectors/{code}", response=CodeOut, summary="One sector or sector category")
@no_query
def get_sector(request, code: str):
    codelist = "SectorCategory" if len(code) == 3 else "Sector"
    return code_out(get_object_or_404(CodelistItem, codelist=codelist, code=code))


@router.get("/sdgs", response=list[CodeOut], summary="Sustainable Development Goals and targets")
def list_sdgs(request, params: Query[SdgQuery]):
    codelist = "UNSDG-Goals" if params.level == "goal" else "UNSDG-Targets"
    items = list(CodelistItem.objects.filter(codelist=codelist))
    if params.goal and params.level == "target":
        items = [item for item in items if item.code.split(".")[0] == params.goal]
    items.sort(key=lambda item: [int(part) if part.isdigit() else 1000 for part in item.code.split(".")] + [item.code])
    return [code_out(item) for item in items]


@router.get("/axes", response=list[AxisOut], summary="Cooperation axes (themes mapped to DAC categories)")
@no_query
def list_axes(request):
    return [axis_out(axis) for axis in Axis.objects.order_by("position", "code")]


@router.get("/axes/{code}", response=AxisOut, summary="One cooperation axis")
@no_query
def get_axis(request, code: str):
    return axis_out(get_object_or_404(Axis, code=code))


class ReportedPartOut(Schema):
    dimensions: dict[str, str]
    value: str


class ReportedOut(Schema):
    total: str = Field(description="Sum of the approved actuals of published projects (decimal as text).")
    projects: int
    partnerships: int
    parts: list[ReportedPartOut] = Field(description="The same sum per set of dimensions (e.g. sex: female).")


class StandardIndicatorOut(Schema):
    code: str
    name: str = Field(description="Name in the request's language (Accept-Language).")
    names: dict[str, str]
    unit: str
    units: dict[str, str]
    measure: str = Field(description="IATI IndicatorMeasure: 1 unit, 2 percentage.")
    cumulative: bool = Field(description="Each period includes the ones before: only the latest period counts.")
    sdg_target: str
    sdg_indicator: str = Field(description="Code of the SDG global indicator framework, e.g. 6.1.1 (may be empty).")
    axis: str | None


class StandardIndicatorDetailOut(StandardIndicatorOut):
    reported: ReportedOut | None = Field(description="What published projects report (approved actuals), or null.")


def standard_indicator_out(indicator) -> dict:
    return {
        "code": indicator.code,
        "name": indicator.name,
        "names": indicator.names,
        "unit": indicator.unit_name,
        "units": indicator.unit,
        "measure": indicator.measure,
        "cumulative": indicator.cumulative,
        "sdg_target": indicator.sdg_target,
        "sdg_indicator": indicator.sdg_indicator,
        "axis": indicator.axis_id,
    }


@router.get(
    "/standard-indicators",
    response=list[StandardIndicatorOut],
    summary="Standard indicators (a shared library drawn from the SDG targets and the cooperation axes)",
)
@no_query
def list_standard_indicators(request):
    return [standard_indicator_out(indicator) for indicator in StandardIndicator.objects.all()]


@router.get(
    "/standard-indicators/{code}",
    response=StandardIndicatorDetailOut,
    summary="One standard indicator, with the sum of what published projects report",
)
@no_query
def get_standard_indicator(request, code: str):
    from coopdec.cooperation.models import Project
    from coopdec.cooperation.selectors import PUBLISHED, standard_indicator_totals

    indicator = get_object_or_404(StandardIndicator, code=code)
    total = standard_indicator_totals(projects=Project.objects.filter(PUBLISHED), codes=[code]).get(code)
    reported = None
    if total is not None:
        reported = {
            "total": f"{total.total.normalize():f}",
            "projects": len(total.projects),
            "partnerships": len(total.partnerships),
            "parts": [
                {"dimensions": dict(key), "value": f"{value.normalize():f}"}
                for key, value in sorted(total.parts.items())
            ],
        }
    return {**standard_indicator_out(indicator), "reported": reported}
