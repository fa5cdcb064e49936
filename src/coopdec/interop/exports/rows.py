"""The shape of every download: one row per record of an atlas search, the same columns in every
format. Rows come from the atlas index (published records only) in chunks of ``CHUNK`` ids."""

from collections.abc import Iterator

import numpy as np
from django.conf import settings

from coopdec.atlas import facets as atlas_engine
from coopdec.atlas.filters import AtlasQuery
from coopdec.atlas.models import SearchDocument
from coopdec.atlas.search import text_backend
from coopdec.atlas.selectors import record_url
from coopdec.common.i18n import localize

CHUNK = 2000

# The columns, in order: CSV and XLSX headers and GeoJSON property names. They are stable keys,
# not translated labels, so that a script reads the same file whatever the downloader's language.
COLUMNS: list[str] = [
    "record_type",
    "id",
    "title",
    "summary",
    "countries",
    "partner_countries",
    "axes",
    "sectors",
    "sdgs",
    "support",
    "form",
    "kind",
    "status",
    "start_year",
    "latitude",
    "longitude",
    "amount",
    "currency",
    "updated_at",
    "url",
]

_FIELDS = (
    "id",
    "record_type",
    "object_id",
    "titles",
    "summary",
    "countries",
    "partner_countries",
    "axes",
    "sectors",
    "sdgs",
    "supports",
    "form",
    "kind",
    "status",
    "start_year",
    "latitude",
    "longitude",
    "amount",
    "currency",
    "record_updated_at",
)


def matching_document_ids(query: AtlasQuery) -> np.ndarray:
    """Ids of the atlas documents matching ``query`` (all pages), in id order."""
    engine = atlas_engine.engine()
    text_mask = engine.id_mask(text_backend().match(query.q).ids) if query.q else None
    hits = engine.hits(query, text_mask)
    return np.sort(engine.doc_ids[hits.mask])


def count(query: AtlasQuery) -> int:
    engine = atlas_engine.engine()
    text_mask = engine.id_mask(text_backend().match(query.q).ids) if query.q else None
    return engine.hits(query, text_mask).count


def _row(document: dict, base: str) -> dict:
    url = record_url(document["record_type"], document["object_id"])
    return {
        "record_type": document["record_type"],
        "id": document["object_id"],
        "title": localize(document["titles"]),
        "summary": localize(document["summary"]),
        "countries": document["countries"],
        "partner_countries": document["partner_countries"],
        "axes": document["axes"],
        "sectors": " ".join(code for code in document["sectors"].split() if len(code) == 5),
        "sdgs": document["sdgs"],
        "support": document["supports"],
        "form": document["form"],
        "kind": document["kind"],
        "status": document["status"],
        "start_year": document["start_year"],
        "latitude": document["latitude"],
        "longitude": document["longitude"],
        "amount": document["amount"],
        "currency": document["currency"],
        "updated_at": document["record_updated_at"].isoformat() if document["record_updated_at"] else None,
        "url": base + url if url else "",
    }


def atlas_rows(query: AtlasQuery, *, chunk: int = CHUNK) -> Iterator[dict]:
    """One row per matching record, reading ``chunk`` documents at a time.

    The whole atlas is read with a server-side cursor (``.iterator``); a filtered search reads its
    ids (an array of 8 bytes per hit) in chunks. Either way memory does not grow with the rows.
    """
    base = settings.SITE_URL.rstrip("/")
    documents = SearchDocument.objects.order_by("id").values(*_FIELDS)
    if query.is_empty:
        for document in documents.iterator(chunk_size=chunk):
            yield _row(document, base)
        return
    ids = matching_document_ids(query)
    for start in range(0, len(ids), chunk):
        part = [int(i) for i in ids[start : start + chunk]]
        for document in documents.filter(id__in=part).iterator(chunk_size=chunk):
            yield _row(document, base)
