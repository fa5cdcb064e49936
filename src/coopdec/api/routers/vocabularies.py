"""Fixed lists: DAC sectors, SDG goals and targets, cooperation axes (labels from the reference data)."""

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from coopdec.common.i18n import localize
from coopdec.vocabularies.models import Axis, CodelistItem

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
