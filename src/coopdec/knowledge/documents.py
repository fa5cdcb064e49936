"""Good practices in the atlas: the documents of the ``practice`` record type.

Registered with ``coopdec.atlas.registry`` by ``KnowledgeConfig.ready()`` (the atlas never imports
this app). A practice's document carries its text in every language, its authors' names, and the
facets the atlas filters on: cooperation axis (its own, and those of its sectors' categories), DAC
sector (5-digit codes and their 3-digit categories), SDG, country (where it was done), partner
country (the authors' countries too) and kind (the kinds of its author organisations). Located
authors (local governments) give it a place.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from coopdec.actors.models import LOCAL_GOVERNMENT_KINDS
from coopdec.atlas import index
from coopdec.common.models import PublicationStatus

from .models import SECTIONS, Practice

SUMMARY_LENGTH = 280
MAX_TEXT = 3000
KIND_LENGTH = 20  # SearchDocument.kind


def _texts(value, limit: int = MAX_TEXT) -> list[str]:
    if not isinstance(value, dict):
        return []
    return list(dict.fromkeys(text[:limit] for _code, text in sorted(value.items()) if isinstance(text, str) and text))


def _summary(value) -> dict:
    out = {}
    for code, text in (value or {}).items():
        if isinstance(text, str) and text:
            cut = text[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "…"
            out[code] = text if len(text) <= SUMMARY_LENGTH else cut
    return out


def _kinds(authors: list[dict]) -> str:
    """The kinds of the authors, the first author's first, as many as the index column holds."""
    kinds: list[str] = []
    for kind in dict.fromkeys(a["organisation__kind"] for a in authors):
        if len(" ".join([*kinds, kind])) <= KIND_LENGTH:
            kinds.append(kind)
    return " ".join(kinds)


def published_ids() -> list[int]:
    return list(Practice.objects.filter(publication_status=PublicationStatus.PUBLISHED).values_list("id", flat=True))


def practice_documents(ids: list[int], vocabulary: index.Vocabulary) -> list[dict]:
    """Documents of the published practices among ``ids`` (a few queries per batch)."""
    rows = list(
        Practice.objects.filter(id__in=ids, publication_status=PublicationStatus.PUBLISHED).values(
            "id",
            "title",
            "summary",
            *(name for name, _label in SECTIONS),
            "axes",
            "sectors",
            "sdgs",
            "countries",
            "updated_at",
            "is_demo",
        )
    )
    if not rows:
        return []
    authors: dict[int, list[Any]] = defaultdict(list)
    for row in Practice.organisations.through.objects.filter(
        practice_id__in=[r["id"] for r in rows], organisation__publication_status=PublicationStatus.PUBLISHED
    ).values(
        "practice_id",
        "organisation__name",
        "organisation__acronym",
        "organisation__kind",
        "organisation__country_id",
        "organisation__latitude",
        "organisation__longitude",
        "organisation__locality__latitude",
        "organisation__locality__longitude",
    ):
        authors[row["practice_id"]].append(row)
    documents = []
    for row in rows:
        pid = row["id"]
        sectors = set(row["sectors"] or [])
        categories = {code[:3] for code in sectors}
        axes = set(row["axes"] or [])
        for category in categories:
            axes |= vocabulary.axes_by_category.get(category, set())
        own = authors.get(pid, [])
        countries = set(row["countries"] or [])
        latitude = longitude = None
        for author in own:
            if author["organisation__kind"] not in LOCAL_GOVERNMENT_KINDS:
                continue
            latitude = author["organisation__latitude"] or author["organisation__locality__latitude"]
            longitude = author["organisation__longitude"] or author["organisation__locality__longitude"]
            if latitude is not None and longitude is not None:
                break
        documents.append(
            index.document(
                "practice",
                pid,
                titles=row["title"] or {},
                summary=_summary(row["summary"]),
                title_parts=[*_texts(row["title"]), *(a["organisation__name"] for a in own)]
                + [a["organisation__acronym"] for a in own if a["organisation__acronym"]],
                body_parts=[
                    *_texts(row["summary"]),
                    *(text for name, _label in SECTIONS for text in _texts(row[name])),
                ],
                vocabulary_text=[
                    *(vocabulary.axis_text.get(a, "") for a in axes),
                    *vocabulary.sector_text(sorted(sectors | categories)),
                    *(vocabulary.countries.get(c, "") for c in countries),
                ],
                updated_at=row["updated_at"],
                countries=" ".join(sorted(countries)),
                partner_countries=" ".join(sorted(countries | {a["organisation__country_id"] for a in own})),
                axes=" ".join(sorted(axes)),
                sectors=" ".join(sorted(sectors | categories)),
                sdgs=" ".join(sorted(set(row["sdgs"] or []), key=lambda g: int(g) if g.isdigit() else 0)),
                kind=_kinds(own),
                latitude=latitude,
                longitude=longitude,
                is_demo=row["is_demo"],
            )
        )
    return documents
