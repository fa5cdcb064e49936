"""Reads of good practices and knowledge pages, shared by the pages, the API and the demo.

- ``search(query)``: published practices through the atlas engine (``type=practice`` forced), with
  the practice facets (axis, sector, SDG, country, organisation kind);
- ``evidence(practice)``: the results and indicators of its published projects, read live, with the
  approved indicator values only (never copied into the practice);
- ``similar(practice)``: published practices sharing its themes, ranked by what they share;
- ``territories_seeking(practice)`` and ``territories_suggested(practice)``: local governments that
  could use it: those whose current partner requests seek its axes (the atlas's ``seeks`` facet),
  and those the partner recommender (``coopdec.matching``) proposes to its authors for its themes;
- ``review_queue(user)`` (drafts, and changes to published practices, waiting for review), ``drafts_of(user)``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from django.db.models import Case, F, Prefetch, Q, QuerySet, When
from django.utils.translation import gettext as _

from coopdec.actors.models import EDITING_ROLES, LOCAL_GOVERNMENT_KINDS, Organisation
from coopdec.actors.selectors import roles_of
from coopdec.atlas import facets as atlas_engine
from coopdec.atlas import selectors as atlas
from coopdec.atlas.filters import AtlasQuery
from coopdec.atlas.models import SearchDocument
from coopdec.atlas.search import text_backend
from coopdec.common.i18n import localize
from coopdec.common.models import PublicationStatus
from coopdec.cooperation.models import Indicator, IndicatorValue, IndicatorValueStatus, Result
from coopdec.matching import selectors as matching
from coopdec.matching.recommender import Wish

from .models import Page, Practice
from .services import PRACTICE_TYPE, reviewable_countries

FACETS = ("axis", "sector", "sdg", "country", "kind")
REVIEW_LIMIT = 200
SIMILAR_CANDIDATES = 60


def published() -> QuerySet[Practice]:
    return Practice.objects.filter(publication_status=PublicationStatus.PUBLISHED)


def practice_query(params) -> AtlasQuery:
    """The atlas query of the practices page: the atlas's own parameters, ``type`` set to practices."""
    query = AtlasQuery.from_params(params, ignore=("type", "format"))
    return replace(query, type=(PRACTICE_TYPE,))


def search(query: AtlasQuery) -> atlas.SearchResult:
    return atlas.search(replace(query, type=(PRACTICE_TYPE,)), facets=FACETS)


def facets(result: atlas.SearchResult, *, base_url: str) -> list[atlas.FacetView]:
    views = [view for view in atlas.labelled_facets(result, base_url=base_url) if view.name in FACETS]
    for view in views:
        if view.name == "kind":
            view.label = str(_("Kind of author organisation"))
    return views


def with_relations(queryset: QuerySet[Practice]) -> QuerySet[Practice]:
    return queryset.prefetch_related(
        Prefetch("organisations", queryset=Organisation.objects.select_related("country").order_by("name")),
        "documents",
    )


def evidence(practice: Practice) -> list[dict]:
    """Per published project of the practice: its results, their indicators and the approved values."""
    projects = list(
        practice.projects.filter(publication_status=PublicationStatus.PUBLISHED)
        .select_related("lead_organisation")
        .prefetch_related(
            Prefetch(
                "results",
                queryset=Result.objects.prefetch_related(
                    Prefetch(
                        "indicators",
                        queryset=Indicator.objects.prefetch_related(
                            Prefetch(
                                "values",
                                queryset=IndicatorValue.objects.filter(
                                    status=IndicatorValueStatus.APPROVED
                                ).select_related("territory"),
                                to_attr="approved_values",
                            )
                        ),
                    )
                ),
            )
        )
        .order_by("-updated_at")
    )
    return [{"project": project, "results": list(project.results.all())} for project in projects]


def _shared(row: dict, mine: dict[str, set[str]]) -> int:
    return sum(len(set((row[name] or "").split()) & mine[name]) * weight for name, weight in _WEIGHTS.items())


_WEIGHTS = {"axes": 3, "sectors": 2, "sdgs": 1, "countries": 1}


def similar(practice: Practice, *, k: int = 5) -> list[atlas.ResultItem]:
    """Published practices that share its axes (else its sectors), those sharing the most first."""
    if practice.axes:
        query = AtlasQuery(type=(PRACTICE_TYPE,), axis=tuple(practice.axes), page_size=SIMILAR_CANDIDATES)
    elif practice.sectors:
        query = AtlasQuery(
            type=(PRACTICE_TYPE,), sector=tuple(s[:3] for s in practice.sectors), page_size=SIMILAR_CANDIDATES
        )
    else:
        return []
    candidates = [item for item in atlas.search(query, facets=()).items if item.object_id != practice.pk]
    if not candidates:
        return []
    rows: dict[int, Any] = {
        row["object_id"]: row
        for row in SearchDocument.objects.filter(
            record_type=PRACTICE_TYPE, object_id__in=[item.object_id for item in candidates]
        ).values("object_id", "axes", "sectors", "sdgs", "countries")
    }
    mine = {
        "axes": set(practice.axes),
        "sectors": set(practice.sectors) | {s[:3] for s in practice.sectors},
        "sdgs": set(practice.sdgs),
        "countries": set(practice.countries),
    }
    ranked = sorted(candidates, key=lambda item: -_shared(rows.get(item.object_id) or dict.fromkeys(mine, ""), mine))
    return ranked[:k]


def _authors_local(practice: Practice) -> list[Organisation]:
    return [
        o
        for o in practice.organisations.select_related("country", "locality")
        if o.kind in LOCAL_GOVERNMENT_KINDS and o.is_published
    ]


def territories_seeking(practice: Practice, *, k: int = 6) -> list[atlas.ResultItem]:
    """Organisations whose current partner requests seek the practice's axes (the authors left out)."""
    if not practice.axes:
        return []
    authors = set(practice.organisations.values_list("pk", flat=True))
    query = AtlasQuery(type=("organisation",), seeks=tuple(practice.axes), page_size=k + len(authors))
    return [item for item in atlas.search(query, facets=()).items if item.object_id not in authors][:k]


def territories_suggested(practice: Practice, *, k: int = 6) -> list[dict]:
    """Local governments the partner recommender proposes to the first local-government author for
    the practice's themes (they work on them, or are close in the partnership network): {id, name,
    country_name}."""
    authors = _authors_local(practice)
    if not authors:
        return []
    source = authors[0]
    net = matching.network()
    place = net.places.get(source.pk) or matching.place_of(source)
    wish = Wish(topics=frozenset(practice.axes) | frozenset(practice.sectors))
    excluded = matching.partner_ids(source) | {o.pk for o in authors}
    results = net.recommend(place, k=k, wish=wish, exclude=excluded)
    names = {
        o.pk: o
        for o in Organisation.objects.filter(
            pk__in=[r.place.id for r in results], publication_status=PublicationStatus.PUBLISHED
        ).select_related("country")
    }
    return [
        {"id": r.place.id, "name": names[r.place.id].name, "country_name": names[r.place.id].country.name}
        for r in results
        if r.place.id in names
    ]


def review_queue(user, *, limit: int = REVIEW_LIMIT) -> tuple[list[Practice], int]:
    """Practices waiting for a review that ``user`` may give, oldest request first: drafts whose
    authors asked for publication, and published practices whose changes wait for review."""
    waiting = Practice.objects.filter(
        Q(publication_status=PublicationStatus.DRAFT, submitted_at__isnull=False)
        | Q(publication_status=PublicationStatus.PUBLISHED, revision__submitted_at__isnull=False)
    ).annotate(
        asked=Case(
            When(publication_status=PublicationStatus.PUBLISHED, then=F("revision__submitted_at")),
            default=F("submitted_at"),
        )
    )
    countries = reviewable_countries(user)
    if countries is not None:
        waiting = waiting.filter(organisations__country_id__in=countries).distinct()
    return list(with_relations(waiting).order_by("asked", "pk")[:limit]), waiting.count()


def drafts_of(user) -> list[Practice]:
    """Draft practices of the organisations ``user`` belongs to."""
    ids = list(roles_of(user))
    if not ids:
        return []
    drafts = Practice.objects.filter(publication_status=PublicationStatus.DRAFT, organisations__in=ids).distinct()
    return list(with_relations(drafts).order_by("-updated_at")[:100])


def editable_organisations(user) -> list[int]:
    return [pk for pk, role in roles_of(user).items() if role in EDITING_ROLES]


def page(slug: str) -> Page | None:
    return Page.objects.filter(slug=slug).first()


MAP_POINTS = 2000


def map_points(query: AtlasQuery, *, limit: int = MAP_POINTS) -> dict:
    """The published practices matching ``query`` (the atlas's filters, ``type`` set to practices)
    that have a place (their first located local-government author), the most recently changed
    first: {"results": [{id, title, latitude, longitude}], "total": located matches}."""
    engine = atlas_engine.engine()
    query = replace(query, type=(PRACTICE_TYPE,))
    text_mask = engine.id_mask(text_backend().match(query.q).ids) if query.q else None
    hits = engine.hits(query, text_mask)
    located = hits.mask & ~np.isnan(engine.latitude)
    order = engine.orders["-updated"]
    chosen = order[located[order]]
    total = int(len(chosen))
    ids = [int(i) for i in engine.doc_ids[chosen[:limit]]]
    rows: dict[int, Any] = {
        row["id"]: row
        for row in SearchDocument.objects.filter(id__in=ids).values(
            "id", "object_id", "titles", "latitude", "longitude"
        )
    }
    results = [
        {
            "id": rows[i]["object_id"],
            "title": localize(rows[i]["titles"]),
            "latitude": round(rows[i]["latitude"], 4),
            "longitude": round(rows[i]["longitude"], 4),
        }
        for i in ids
        if i in rows
    ]
    return {"results": results, "total": total}
