"""Reads of the public atlas, shared by the atlas pages, the API and the downloads.

Stable interface (every function takes an ``AtlasQuery`` from ``coopdec.atlas.filters``):

- ``search(query, *, facets=None) -> SearchResult``: the page of results (``items``), the exact
  ``total``, and exact facet counts ``counts`` {facet: {value: count}} (``facets`` limits which).
- ``facet_counts(query) -> dict``: only the counts.
- ``labelled_facets(result, query) -> list[FacetView]``: counts with labels in the user's
  language, for display.
- ``map_data(query) -> dict``: partnership counts by country (choropleth, keyed by ISO numeric
  code as in Natural Earth) and the local governments matching the query (points).
- ``organisation_network(organisation_id) -> dict | None``: GeoJSON of an organisation and its
  partners (points) with lines between them.
- ``statistics(query, dimension) -> Statistics``: partnerships, projects and money by
  ``country``, ``axis``, ``sector``, ``start_year`` or ``kind``.

Only PUBLISHED records are in the index (``coopdec.atlas.index``), so nothing here can show a
draft. Money is summed per currency and converted to euros at each year's ECB average rate
(``coopdec.atlas.money``); what has no rate is listed, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coopdec.actors.models import OrganisationKind
from coopdec.common.i18n import localize
from coopdec.common.models import PublicationStatus
from coopdec.cooperation.models import (
    ActivityStatus,
    PartnershipForm,
    PartnershipKind,
    PartnershipParty,
    PartnershipStatus,
    SupportType,
)
from coopdec.territories import selectors as territory_selectors
from coopdec.territories.models import Continent, Country
from coopdec.territories.names import names_for_query
from coopdec.territories.selectors import country_names
from coopdec.vocabularies.models import Axis
from coopdec.vocabularies.selectors import code_label

from . import facets as engine_module
from . import money as money_module
from . import registry
from .filters import FACET_LABELS, AtlasQuery
from .models import RecordType, SearchDocument
from .search import words

MAP_POINTS = 2000
STATISTICS_DIMENSIONS = ("country", "axis", "sector", "start_year", "kind")
FACET_SHOWN = 60
# Countries are few enough to list them all (a partner country must be reachable from the list).
FACET_SHOWN_BY_NAME = {"country": 300, "partner_country": 300}


@dataclass
class ResultItem:
    record_type: str
    object_id: int
    title: str
    summary: str
    countries: list[str]
    start_year: int | None
    kind: str
    status: str
    url: str | None
    is_demo: bool = False
    type_label: str = ""  # of a record type registered by another app (``coopdec.atlas.registry``)


@dataclass
class SearchResult:
    query: AtlasQuery
    total: int
    items: list[ResultItem]
    counts: dict[str, dict[str, int]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.page_size))

    @property
    def next_offset(self) -> int | None:
        end = self.query.start + self.query.page_size
        return end if end < self.total else None


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass
class FacetView:
    name: str
    label: str
    values: list[FacetValue] = field(default_factory=list)
    more: int = 0


# --- text and masks --------------------------------------------------------------------------
def _text_masks(engine, query: AtlasQuery):
    """Masks of the documents matching the text, and of those whose title matches: the frequent
    words from the engine's bitmaps, the others from the database (``coopdec.atlas.wordbits``)."""
    terms = words(query.q) if query.q else []
    if not terms:
        return (None, None) if not query.q else (np.zeros(engine.n, dtype=bool),) * 2
    return engine.words.masks(terms, engine.id_mask)


def _exact_positions(engine, query: AtlasQuery) -> np.ndarray | None:
    """Positions of the organisations named exactly as the query ("Lyon"; "Hambourg" for
    Hamburg), which a search by relevance shows first: one look-up in the title index."""
    if not query.q or query.effective_sort != "relevance":
        return None
    names = names_for_query(query.q)
    ids = SearchDocument.objects.filter(sort_title__in=sorted(names), record_type=RecordType.ORGANISATION).values_list(
        "id", flat=True
    )
    return engine.positions(np.array(sorted(ids), dtype=np.int64))


def search(query: AtlasQuery, *, facets: tuple[str, ...] | None = None) -> SearchResult:
    """Results of the page, the exact total and exact facet counts."""
    engine = engine_module.engine()
    text_mask, title_mask = _text_masks(engine, query)
    result = engine.search(query, text_mask, title_mask, facets=facets, exact=_exact_positions(engine, query))
    items = _items(engine.doc_ids[result.page])
    return SearchResult(query=query, total=result.total, items=items, counts=result.counts)


def theme_coverage() -> tuple[int, int]:
    """(records with at least one cooperation axis, records) in the whole atlas, once per index
    version: the imported twinnings have none until their editors add them."""
    engine = engine_module.engine()
    if "themes" not in engine.memo:
        facet = engine.facets["axis"]
        engine.memo["themes"] = (int(np.count_nonzero(facet.mask(facet.values))), engine.n)
    return engine.memo["themes"]


def facet_counts(query: AtlasQuery) -> dict[str, dict[str, int]]:
    engine = engine_module.engine()
    text_mask, title_mask = _text_masks(engine, query)
    return engine.search(query, text_mask, title_mask, limit=0).counts


def record_url(record_type: str, object_id: int) -> str | None:
    """The public profile page of a record (pages of the registry), when it exists."""
    name = _profile_url_name(record_type)
    return reverse(name, args=[object_id]) if name else None


@lru_cache(maxsize=8)
def _profile_url_name(record_type: str) -> str | None:
    extra = registry.extra_types().get(record_type)
    if extra is not None:
        return extra.url_name
    app = "actors" if record_type == RecordType.ORGANISATION else "cooperation"
    for name in (f"{app}:{record_type}_detail", f"{app}:{record_type}"):
        try:
            reverse(name, args=[1])
            return name
        except NoReverseMatch:
            continue
    return None


def _items(doc_ids: np.ndarray) -> list[ResultItem]:
    if not len(doc_ids):
        return []
    rows = {
        row["id"]: row
        for row in SearchDocument.objects.filter(id__in=[int(i) for i in doc_ids]).values(
            "id",
            "record_type",
            "object_id",
            "titles",
            "summary",
            "countries",
            "start_year",
            "kind",
            "status",
            "is_demo",
        )
    }
    names = country_names()
    items = []
    for doc_id in doc_ids:
        row = rows.get(int(doc_id))
        if row is None:
            continue
        items.append(
            ResultItem(
                record_type=row["record_type"],
                object_id=row["object_id"],
                title=localize(row["titles"]) or value_label("type", row["record_type"]),
                summary=localize(row["summary"]),
                countries=[names.get(code, code) for code in row["countries"].split()],
                start_year=row["start_year"],
                kind=value_label("kind", row["kind"]) if row["kind"] else "",
                status=value_label("status", row["status"]) if row["status"] else "",
                url=record_url(row["record_type"], row["object_id"]),
                is_demo=row["is_demo"],
                type_label=value_label("type", row["record_type"]) if row["record_type"] not in RecordType else "",
            )
        )
    return items


# --- labels ----------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _countries() -> dict[str, dict]:
    return {
        code: {"names": names, "numeric": numeric}
        for code, names, numeric in Country.objects.values_list("code", "names", "numeric")
    }


def country_numeric_codes() -> dict[str, str]:
    """ISO alpha-2 code -> ISO numeric code (the ids of the Natural Earth shapes)."""
    return {code: row["numeric"] for code, row in _countries().items() if row["numeric"]}


@lru_cache(maxsize=1)
def _axes() -> dict[str, dict]:
    return dict(Axis.objects.values_list("code", "names"))


_CHOICES = {
    "type": dict(RecordType.choices),
    "continent": dict(Continent.choices),
    "form": dict(PartnershipForm.choices),
    "kind": {**dict(PartnershipKind.choices), **dict(OrganisationKind.choices)},
    "status": {**dict(PartnershipStatus.choices), **dict(ActivityStatus.choices)},
    "support": dict(SupportType.choices),
}


def value_label(facet: str, value: str) -> str:
    """The label of a facet value in the user's language."""
    return _value_label(facet, value, get_language() or "")


@lru_cache(maxsize=16384)  # every facet value in four languages: a few thousand labels
def _value_label(facet: str, value: str, language: str) -> str:
    """``value_label`` in ``language``, the active language (the key of the cache)."""
    if facet == "type" and value in registry.extra_types():
        return str(registry.extra_types()[value].label)
    if facet in _CHOICES:
        return str(_CHOICES[facet].get(value, value))
    if facet in {"country", "partner_country"}:
        row = _countries().get(value)
        return localize(row["names"]) if row else value
    if facet in {"axis", "offers", "seeks"}:
        return localize(_axes().get(value)) or value
    if facet == "sector":
        return f"{value} {code_label('SectorCategory' if len(value) == 3 else 'Sector', value)}"
    if facet == "sdg":
        label = code_label("UNSDG-Goals", value)
        title = label.split(". ", 1)[-1] if ". " in label else label
        return _("SDG %(goal)s: %(title)s") % {"goal": value, "title": title[:70]}
    return value


def clear_caches() -> None:
    _countries.cache_clear()
    territory_selectors.clear_caches()
    _axes.cache_clear()
    _value_label.cache_clear()
    _profile_url_name.cache_clear()


def labelled_facets(result: SearchResult, *, base_url: str = "") -> list[FacetView]:
    """Facets for display: values by decreasing count, selected ones first, with toggle links."""
    query = result.query
    views = []
    for name, counts in result.counts.items():
        selected = set(getattr(query, name, ()))
        if name == "partner_country" and query.country:
            counts = {v: c for v, c in counts.items() if v not in query.country or v in selected}
        if name == "start_year":
            ordered = sorted(counts.items(), key=lambda item: item[0], reverse=True)
        else:
            ordered = sorted(counts.items(), key=lambda item: (item[0] not in selected, -item[1], item[0]))
        for value in selected - set(counts):
            ordered.insert(0, (value, 0))
        shown = FACET_SHOWN_BY_NAME.get(name, FACET_SHOWN)
        view = FacetView(name=name, label=str(FACET_LABELS[name]), more=max(0, len(ordered) - shown))
        adding = query.value_link(name)  # query.with_value(name, value).urlencode(), encoded once
        for value, count in ordered[:shown]:
            link = query.without_value(name, value).urlencode() if value in selected else adding(value)
            view.values.append(
                FacetValue(
                    value=value,
                    label=value_label(name, value),
                    count=count,
                    selected=value in selected,
                    url=f"{base_url}?{link}" if link else base_url or "?",
                )
            )
        views.append(view)
    return views


# --- map -------------------------------------------------------------------------------------
def map_data(query: AtlasQuery) -> dict:
    """Choropleth and points for the map, following the query (its ``type`` filter aside).

    ``countries``: {ISO numeric code: partnerships matching the query with a party there};
    ``points``: [[organisation id, latitude, longitude, partnerships], ...] for the local
    governments matching the query, the most connected first, at most MAP_POINTS.
    """
    engine = engine_module.engine()
    if query.is_empty:
        if "map" not in engine.memo:
            engine.memo["map"] = map_data_of(engine, query, None)
        return engine.memo["map"]
    return map_data_of(engine, query, _text_masks(engine, query)[0])


def map_data_of(engine, query: AtlasQuery, text_mask) -> dict:
    """``map_data`` on a given engine and text mask (benchmarks)."""
    others = engine.query_masks(query, text_mask, exclude="type")
    partnership_mask, located = _map_parts(engine)
    partnerships = engine.hits_of([*others, partnership_mask])
    by_country = engine.facets["country"].counts(partnerships)
    countries = _countries()
    choropleth = {}
    for i in np.flatnonzero(by_country):
        code = engine.facets["country"].values[i]
        numeric = countries.get(code, {}).get("numeric")
        if numeric:
            choropleth[numeric] = int(by_country[i])
    # The organisations matching the query among those with a location, in their map order:
    # the masks read at those positions only.
    for mask in others:
        located = located[mask[located]]
    chosen = located[:MAP_POINTS]
    points = [
        [
            int(engine.object_ids[i]),
            round(float(engine.latitude[i]), 4),
            round(float(engine.longitude[i]), 4),
            int(engine.partner_count[i]),
        ]
        for i in chosen
    ]
    return {
        "countries": choropleth,
        "partnerships": partnerships.count,
        "points": points,
        "points_total": int(len(located)),
    }


def _map_parts(engine) -> tuple[np.ndarray, np.ndarray]:
    """What the map reads of every engine version whatever the query: the mask of partnerships,
    and the positions of the organisations with a location, the most connected first (ties in
    document order)."""
    parts = engine.memo.get("map_parts")
    if parts is None:
        facet = engine.facets["type"]
        located = np.flatnonzero(facet.mask([RecordType.ORGANISATION]) & ~np.isnan(engine.latitude))
        located = located[np.argsort(-engine.partner_count[located], kind="stable")]
        parts = engine.memo.setdefault("map_parts", (facet.mask([RecordType.PARTNERSHIP]), located))
    return parts


def organisation_network(organisation_id: int) -> dict | None:
    """GeoJSON of a published organisation, its published partners and lines to them."""
    published = PublicationStatus.PUBLISHED
    if not SearchDocument.objects.filter(record_type=RecordType.ORGANISATION, object_id=organisation_id).exists():
        return None
    partnership_ids = PartnershipParty.objects.filter(
        organisation_id=organisation_id, partnership__publication_status=published
    ).values("partnership_id")
    partner_ids = set(
        PartnershipParty.objects.filter(partnership_id__in=partnership_ids).values_list("organisation_id", flat=True)
    ) | {organisation_id}
    documents = SearchDocument.objects.filter(record_type=RecordType.ORGANISATION, object_id__in=partner_ids).values(
        "object_id", "titles", "latitude", "longitude", "countries"
    )
    features, centre = [], None
    points: list[dict[str, Any]] = []
    for row in documents:
        if row["latitude"] is None or row["longitude"] is None:
            continue
        is_self = row["object_id"] == organisation_id
        coordinates = [round(row["longitude"], 5), round(row["latitude"], 5)]
        if is_self:
            centre = coordinates
        points.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": coordinates},
                "properties": {
                    "id": row["object_id"],
                    "name": localize(row["titles"]),
                    "country": row["countries"],
                    "role": "self" if is_self else "partner",
                    "url": record_url(RecordType.ORGANISATION, row["object_id"]),
                },
            }
        )
    if centre:
        for point in points:
            if point["properties"]["role"] == "partner":
                features.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "LineString", "coordinates": [centre, point["geometry"]["coordinates"]]},
                        "properties": {"role": "link", "partner": point["properties"]["id"]},
                    }
                )
    return {"type": "FeatureCollection", "features": points + features}


# --- statistics ------------------------------------------------------------------------------
@dataclass
class StatisticsRow:
    value: str
    label: str
    partnerships: int
    projects: int
    amounts: dict[str, float]  # originals, per currency
    euros: float = 0.0  # the amounts that have a rate, converted to euros
    unconverted: dict[str, float] = field(default_factory=dict)  # originals without a rate


@dataclass
class Statistics:
    dimension: str
    label: str
    rows: list[StatisticsRow]
    currencies: list[str]
    partnerships: int
    projects: int
    money: money_module.Money | None = None  # of all the projects (each counted once)
    rates: list[money_module.UsedRate] = field(default_factory=list)  # what the euro figures used


def statistics(query: AtlasQuery, dimension: str) -> Statistics:
    """Partnerships, projects and project money (per currency) by one dimension.

    A record with several values (a project in two countries, or on two axes) counts in each, so
    rows may add up to more than the totals.
    """
    if dimension not in STATISTICS_DIMENSIONS:
        raise ValueError(f"unknown statistics dimension {dimension!r}")
    engine = engine_module.engine()
    if query.is_empty:  # the whole atlas: computed once per index version and language
        key = ("statistics", dimension, get_language())
        if key not in engine.memo:
            engine.memo[key] = statistics_of(engine, query, dimension, None)
        return engine.memo[key]
    return statistics_of(engine, query, dimension, _text_masks(engine, query)[0])


def statistics_of(engine, query: AtlasQuery, dimension: str, text_mask) -> Statistics:
    """``statistics`` on a given engine and text mask (benchmarks)."""
    facet = engine.facets[dimension]
    per_type = {}
    for record_type in (RecordType.PARTNERSHIP, RecordType.PROJECT):
        typed = {"type": engine.facets["type"].mask([record_type])}
        per_type[record_type] = engine.hits(query, text_mask, exclude="type", force=typed)
    partnership_counts = facet.counts(per_type[RecordType.PARTNERSHIP])
    project_hits = per_type[RecordType.PROJECT]
    project_counts = facet.counts(project_hits)
    # Every currency of every project (currencies by number of projects: 1 EUR is 656 XOF).
    money = money_module.table(engine, facet, project_hits.mask)
    rows = []
    for i in np.flatnonzero(partnership_counts + project_counts):
        value = facet.values[i]
        rows.append(
            StatisticsRow(
                value=value,
                label=value_label(dimension, value),
                partnerships=int(partnership_counts[i]),
                projects=int(project_counts[i]),
                amounts=money.rows[i].amounts,
                euros=money.rows[i].euros,
                unconverted=money.rows[i].unconverted,
            )
        )
    if dimension == "start_year":
        rows.sort(key=lambda row: row.value)
    else:
        # By the number of records: a country of 3,500 twinnings comes before one of 3,000 with one
        # more project; projects break ties.
        rows.sort(key=lambda row: (-(row.partnerships + row.projects), -row.projects, row.label))
    return Statistics(
        dimension=dimension,
        label=str(FACET_LABELS[dimension]),
        rows=rows,
        currencies=money.currencies,
        partnerships=per_type[RecordType.PARTNERSHIP].count,
        projects=project_hits.count,
        money=money.total,
        rates=money.rates,
    )
