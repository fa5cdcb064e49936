"""Good practices over the API (mounted under /api/v1/practices). Published practices only, for
everyone; a draft is 404 (also to its authors: they read it on the site).

The list is the atlas search with ``type=practice`` (``coopdec.atlas.filters``: one filter
definition for the page, the API and the downloads), with the practice facets' counts. The results
and indicators of a practice's projects are read live, approved values only.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from coopdec.api.errors import ApiError
from coopdec.api.pagination import next_url
from coopdec.api.params import StrictQuery, no_query
from coopdec.atlas.filters import FilterError, UnknownFilter, encode_cursor
from coopdec.atlas.selectors import value_label

from . import selectors
from .models import SECTIONS, Practice

router = Router(tags=["good practices"])

MULTI = "Repeat the parameter or separate values by commas; values are alternatives (OR)."


class PracticeParams(StrictQuery):
    q: str | None = Field(None, max_length=200, description="Free text, any language, accents and case ignored.")
    axis: list[str] | None = Field(None, description="Cooperation axis code (see /axes). " + MULTI)
    sector: list[str] | None = Field(None, description="DAC 3-digit category or 5-digit sector. " + MULTI)
    sdg: list[str] | None = Field(None, description="Goal number 1 to 17. " + MULTI)
    country: list[str] | None = Field(None, description="ISO 3166-1 alpha-2 code of where it was done. " + MULTI)
    partner_country: list[str] | None = Field(None, description="Where it was done, or an author's country. " + MULTI)
    kind: list[str] | None = Field(None, description="Kind of an author organisation (municipality...). " + MULTI)
    sort: str | None = Field(None, description="relevance (default with q), title, -updated (default without q).")
    cursor: str | None = Field(None, description="Opaque position from the `next` link.")
    page_size: int | None = Field(None, ge=1, le=100, description="Results per page, 1 to 100 (default 20).")


class Author(Schema):
    id: int
    name: str
    country: str
    kind: str


class ProjectRef(Schema):
    id: int
    title: dict[str, str]
    url: str


class PracticeOut(Schema):
    id: int
    title: dict[str, str] = Field(description="The title in each language it is written in.")
    summary: dict[str, str]
    authors: list[Author] = Field(description="Published author organisations.")
    axes: list[str]
    sectors: list[str] = Field(description="DAC 5-digit codes.")
    sdgs: list[str]
    countries: list[str]
    projects: list[ProjectRef] = Field(description="Published projects it comes from.")
    is_demo: bool
    updated_at: datetime
    confirmed_at: datetime | None
    url: str


class FacetCount(Schema):
    value: str
    label: str
    count: int


class PracticeList(Schema):
    total: int
    next: str | None
    results: list[PracticeOut]
    facets: dict[str, list[FacetCount]]


class Value(Schema):
    period_start: date
    period_end: date
    measured_in: str | None = Field(description="The territory measured (a published organisation), or null.")
    baseline: str | None
    target: str | None
    actual: str | None


class IndicatorOut(Schema):
    title: dict[str, str]
    values: list[Value] = Field(description="Approved values only.")


class ResultOut(Schema):
    project: int
    title: dict[str, str]
    indicators: list[IndicatorOut]


class DocumentOut(Schema):
    title: dict[str, str]
    url: str


class PracticeDetail(PracticeOut):
    sections: dict[str, dict[str, str]] = Field(
        description="situation, objectives, resources, process, results, sustainability, lessons, "
        "transferability: each in the languages it is written in."
    )
    results: list[ResultOut] = Field(description="Results and indicators of its published projects, read live.")
    documents: list[DocumentOut]


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _out(practice: Practice) -> dict:
    return {
        "id": practice.pk,
        "title": practice.title,
        "summary": practice.summary,
        "authors": [
            {"id": o.pk, "name": o.name, "country": o.country_id, "kind": o.kind}
            for o in practice.organisations.all()
            if o.is_published
        ],
        "axes": practice.axes,
        "sectors": practice.sectors,
        "sdgs": practice.sdgs,
        "countries": practice.countries,
        "projects": [
            {"id": p.pk, "title": p.title, "url": _absolute(p.get_absolute_url())}
            for p in practice.projects.all()
            if p.is_published
        ],
        "is_demo": practice.is_demo,
        "updated_at": practice.updated_at,
        "confirmed_at": practice.confirmed_at,
        "url": _absolute(practice.get_absolute_url()),
    }


def _number(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


@router.get("/practices", response=PracticeList, summary="Good practices, with facet counts")
def practice_list(request, params: Query[PracticeParams]):
    """Published good practices matching text and filters, with the count of each facet value."""
    try:
        query = selectors.practice_query(request.GET)
    except UnknownFilter as exc:
        raise ApiError(400, "unknown_parameter", str(exc), {"unknown": [exc.parameter]}) from None
    except FilterError as exc:
        raise ApiError(400, "invalid_filter", str(exc), {"parameter": exc.parameter}) from None
    result = selectors.search(query)
    ids = [item.object_id for item in result.items]
    practices = {
        p.pk: p for p in selectors.with_relations(selectors.published().filter(pk__in=ids)).prefetch_related("projects")
    }
    return {
        "total": result.total,
        "next": next_url(request, encode_cursor(result.next_offset)) if result.next_offset is not None else None,
        "results": [_out(practices[pk]) for pk in ids if pk in practices],
        "facets": {
            name: [
                {"value": value, "label": str(value_label(name, value)), "count": count}
                for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            ]
            for name, counts in result.counts.items()
        },
    }


@router.get("/practices/{int:practice_id}", response=PracticeDetail, summary="One good practice")
@no_query
def practice_detail(request, practice_id: int):
    practice = (
        selectors.with_relations(selectors.published()).prefetch_related("projects").filter(pk=practice_id).first()
    )
    if practice is None:
        raise Http404
    results = []
    for item in selectors.evidence(practice):
        for result in item["results"]:
            results.append(
                {
                    "project": item["project"].pk,
                    "title": result.title,
                    "indicators": [
                        {
                            "title": indicator.title,
                            "values": [
                                {
                                    "period_start": value.period_start,
                                    "period_end": value.period_end,
                                    "measured_in": value.territory.name
                                    if value.territory is not None and value.territory.is_published
                                    else None,
                                    "baseline": _number(value.baseline),
                                    "target": _number(value.target),
                                    "actual": _number(value.actual),
                                }
                                for value in indicator.approved_values
                            ],
                        }
                        for indicator in result.indicators.all()
                    ],
                }
            )
    return {
        **_out(practice),
        "sections": {name: getattr(practice, name) for name, _label in SECTIONS},
        "results": results,
        "documents": [
            {
                "title": document.title,
                "url": document.url
                or _absolute(reverse("knowledge:practice_document_file", args=[practice.pk, document.pk])),
            }
            for document in practice.documents.all()
        ],
    }
