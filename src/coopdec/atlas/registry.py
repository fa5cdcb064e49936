"""Record types that apps above the atlas add to it (good practices from ``knowledge``).

The atlas indexes organisations, partnerships and projects itself. An app that sits above it
registers its own record type once, in its ``AppConfig.ready()``, so that imports still go one way
(the atlas never imports that app)::

    registry.register(
        "practice",
        label=_("Good practice"),
        build=practice_documents,        # (ids, vocabulary) -> documents made by ``index.document``
        published_ids=published_ids,     # () -> ids of every published record, for ``reindex_all``
        url_name="knowledge:practice_detail",
    )

Then its documents sit in ``atlas_searchdocument`` beside the others: the text search, every
facet (a document fills the facet columns it has), the ``type`` filter, the API and the downloads
see them. The app keeps them current by calling ``index.reindex(others={"practice": ids})`` after
each change (drafts and deleted records lose their document there, as for the built-in types).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ExtraType:
    record_type: str  # at most 12 characters (``SearchDocument.record_type``)
    label: Any  # a lazy translation
    build: Callable[[list[int], Any], list[dict]]  # (ids, index.Vocabulary) -> documents
    published_ids: Callable[[], list[int]]
    url_name: str  # a URL name taking the record's id


_TYPES: dict[str, ExtraType] = {}


def register(
    record_type: str, *, label, build: Callable, published_ids: Callable[[], list[int]], url_name: str
) -> None:
    if len(record_type) > 12 or record_type in {"organisation", "partnership", "project"}:
        raise ValueError(f"invalid atlas record type {record_type!r}")
    _TYPES[record_type] = ExtraType(record_type, label, build, published_ids, url_name)


def extra_types() -> dict[str, ExtraType]:
    """The registered types, in the order of registration (the ``type`` facet's order)."""
    return dict(_TYPES)


# The "offers" and "seeks" facets of organisations: the axes of their offers and partner requests,
# which the matching app provides in its ``AppConfig.ready()`` (``provide_listing_axes``), so that the
# atlas never imports matching (docs/structure.md, tests/test_structure.py).
ListingAxes = Callable[[list[int]], tuple[Mapping[int, set[str]], Mapping[int, set[str]]]]
_LISTING_AXES: list[ListingAxes] = []


def provide_listing_axes(provider: ListingAxes) -> None:
    """Set the function giving (axes each organisation offers, axes it seeks) for a list of ids."""
    _LISTING_AXES[:] = [provider]


def listing_axes(organisation_ids: list[int]) -> tuple[Mapping[int, set[str]], Mapping[int, set[str]]]:
    """(axes each organisation offers, axes it seeks); none when no app provides them."""
    if not _LISTING_AXES:
        return {}, {}
    return _LISTING_AXES[0](organisation_ids)
