"""The atlas over the API: search with facet counts, and statistics. Published records only.

Parameters are the atlas's own (``coopdec.atlas.filters.AtlasQuery``): one definition serves the
atlas page, this API and the downloads.
"""

from ninja import Query, Router, Schema
from pydantic import Field

from coopdec.atlas.filters import (
    FACET_LABELS,
    AtlasQuery,
    FilterError,
    UnknownFilter,
    encode_cursor,
)
from coopdec.atlas.money import Money
from coopdec.atlas.selectors import STATISTICS_DIMENSIONS, search, statistics, value_label

from ..errors import ApiError
from ..pagination import next_url
from ..params import StrictQuery

router = Router(tags=["atlas"])

MULTI = "Repeat the parameter or separate values by commas; values are alternatives (OR)."


class AtlasFilters(StrictQuery):
    """The atlas filters (``coopdec.atlas.filters``); different filters all apply (AND)."""

    q: str | None = Field(None, max_length=200, description="Free text, any language, accents and case ignored.")
    type: list[str] | None = Field(None, description="organisation, partnership, project. " + MULTI)
    country: list[str] | None = Field(
        None, description="ISO 3166-1 alpha-2 code of the record's own territory. " + MULTI
    )
    partner_country: list[str] | None = Field(
        None, description="Code of a partner's territory or a recipient country. " + MULTI
    )
    continent: list[str] | None = Field(None, description="AF, AN, AS, EU, NA, OC, SA. " + MULTI)
    axis: list[str] | None = Field(None, description="Cooperation axis code (see /axes). " + MULTI)
    sector: list[str] | None = Field(None, description="DAC 3-digit category or 5-digit sector. " + MULTI)
    sdg: list[str] | None = Field(None, description="Goal number 1 to 17. " + MULTI)
    form: list[str] | None = Field(None, description="bilateral, multilateral. " + MULTI)
    kind: list[str] | None = Field(None, description="Partnership or organisation kind. " + MULTI)
    status: list[str] | None = Field(None, description="Partnership status or IATI activity status (1-6). " + MULTI)
    support: list[str] | None = Field(None, description="technical, financial, human, in_kind. " + MULTI)
    offers: list[str] | None = Field(None, description="Axis code an organisation offers (current offers). " + MULTI)
    seeks: list[str] | None = Field(
        None, description="Axis code an organisation seeks (current partner requests). " + MULTI
    )
    start_year: list[str] | None = Field(None, description="A year (2019) or a range (2015-2020). " + MULTI)


class SearchParams(AtlasFilters):
    sort: str | None = Field(None, description="relevance (default with q), title, -start_year, start_year, -updated.")
    cursor: str | None = Field(None, description="Opaque position from the `next` link.")
    page_size: int | None = Field(None, ge=1, le=100, description="Results per page, 1 to 100 (default 20).")


class StatisticsParams(AtlasFilters):
    dimension: str = Field("country", description="country, axis, sector, start_year or kind.")


def atlas_query(request, *, ignore: tuple[str, ...] = ()) -> AtlasQuery:
    """The AtlasQuery of the request's parameters; filter errors become JSON 400s."""
    try:
        return AtlasQuery.from_params(request.GET, ignore=ignore)
    except UnknownFilter as exc:
        raise ApiError(400, "unknown_parameter", str(exc), {"unknown": [exc.parameter]}) from None
    except FilterError as exc:
        raise ApiError(400, "invalid_filter", str(exc), {"parameter": exc.parameter}) from None


class FacetCount(Schema):
    value: str
    label: str
    count: int


class SearchItem(Schema):
    record_type: str
    id: int
    title: str
    summary: str
    countries: list[str] = Field(description="Country names in the request's language.")
    start_year: int | None
    kind: str
    status: str
    url: str | None = Field(description="The record's public page.")


class SearchOut(Schema):
    total: int
    next: str | None
    results: list[SearchItem]
    facets: dict[str, list[FacetCount]] = Field(
        description="For each facet, the count of each value with every other filter applied."
    )


@router.get("/search", response=SearchOut, summary="Search the atlas, with facet counts")
def search_atlas(request, params: Query[SearchParams]):
    """The atlas search: partnerships, projects and organisations matching text and filters, with
    exact counts per facet value (each facet counted with the other filters applied)."""
    query = atlas_query(request)
    result = search(query)
    following = None
    if result.next_offset is not None:
        following = next_url(request, encode_cursor(result.next_offset))
    return {
        "total": result.total,
        "next": following,
        "results": [
            {
                "record_type": item.record_type,
                "id": item.object_id,
                "title": item.title,
                "summary": item.summary,
                "countries": item.countries,
                "start_year": item.start_year,
                "kind": str(item.kind),
                "status": str(item.status),
                "url": item.url,
            }
            for item in result.items
        ],
        "facets": {
            name: [
                {"value": value, "label": str(value_label(name, value)), "count": count}
                for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            ]
            for name, counts in result.counts.items()
        },
    }


class StatisticsRowOut(Schema):
    value: str
    label: str
    partnerships: int
    projects: int
    amounts: dict[str, float] = Field(description="Project money per original currency (every currency).")
    amount_eur: float = Field(
        description="The amounts that have a rate, converted to euros at the ECB average of their year."
    )
    unconverted: dict[str, float] = Field(description="Original amounts with no rate for their currency and year.")


class StatisticsRateOut(Schema):
    currency: str
    year: int
    per_euro: float = Field(description="Units of the currency for one euro.")
    source: str


class StatisticsOut(Schema):
    dimension: str
    label: str
    partnerships: int
    projects: int
    currencies: list[str]
    amounts: dict[str, float] = Field(
        description="Money of all the projects per original currency (each project once)."
    )
    amount_eur: float
    unconverted: dict[str, float]
    rates: list[StatisticsRateOut] = Field(description="The rates the euro figures used.")
    rows: list[StatisticsRowOut]


@router.get("/statistics", response=StatisticsOut, summary="Statistics of partnerships, projects and money")
def get_statistics(request, params: Query[StatisticsParams]):
    """Counts of partnerships and projects and the projects' money per currency, and converted to
    euros at each year's ECB average rate, by one dimension, for any atlas search. A record with
    several values counts under each."""
    if params.dimension not in STATISTICS_DIMENSIONS:
        raise ApiError(
            400,
            "invalid_filter",
            f"dimension: use one of {', '.join(STATISTICS_DIMENSIONS)}",
            {"parameter": "dimension"},
        )
    query = atlas_query(request, ignore=("dimension",))
    result = statistics(query, params.dimension)
    money = result.money or Money(amounts={}, euros=0.0, unconverted={})
    return {
        "dimension": result.dimension,
        "label": str(FACET_LABELS.get(result.dimension, result.label)),
        "partnerships": result.partnerships,
        "projects": result.projects,
        "currencies": result.currencies,
        "amounts": money.amounts,
        "amount_eur": money.euros,
        "unconverted": money.unconverted,
        "rates": [vars(rate) for rate in result.rates],
        "rows": [
            {
                "value": row.value,
                "label": str(row.label),
                "partnerships": row.partnerships,
                "projects": row.projects,
                "amounts": row.amounts,
                "amount_eur": row.euros,
                "unconverted": row.unconverted,
            }
            for row in result.rows
        ],
    }
