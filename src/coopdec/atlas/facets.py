"""The in-memory facet engine: exact facet counts over a million documents in milliseconds.

A ``GROUP BY`` per facet would read the table once per facet, and the atlas needs a dozen facets per
request (figures: ``bench/atlas.py``, tables in bench/README.md). Instead each process keeps, per
facet, the (document, value) pairs of the whole index in numpy arrays (loaded once from
``atlas_searchdocument``, reloaded when the index version changes, see ``engine()``), and answers a
request with array operations:

- a filter is a boolean mask over documents: the union of the posting lists of its values;
- the hits are the AND of the text mask (ids from the full-text backend) and the filter masks;
  a facet's counts use every mask but its own (values of a filter stay visible as alternatives);
- counting one facet over a mask: values held by few documents ("sparse") are counted with one
  ``bincount`` over their pairs; values held by many ("dense", at least 1/128 of the documents)
  keep a packed bitset and are counted by AND + popcount, 64 documents per machine word; when the
  hits are few, only the hits' own values are read (cost proportional to the hits): a column of
  each document's first value, and second, counted by ``bincount`` at the hits, plus the CSR pairs
  of the hits holding more;
- the empty query's counts are computed once per index version.

Memory: about 20 bytes per (document, value) pair plus N/8 bytes per dense value, plus the hits of
frequent words (``coopdec.atlas.wordbits``); ``bench/atlas.py`` prints what a size takes. Sorting
uses precomputed permutations, so a page of results is a masked walk of one array.

When the index changes, an engine is not rebuilt from the text of every document: ``updated``
compares the ids (documents are never changed in place, a changed record gets a new document and
id), reads only the new documents, and rebuilds the arrays from the previous engine's parsed pairs
(seconds instead of minutes at 1M projects: ``bench/atlas.py``). Small indexes are brought up to
date before the request that notices the change; large ones (SYNC_RELOAD_LIMIT) in a thread while
the previous version serves.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection

from coopdec.territories.models import Country

from . import registry
from .filters import AtlasQuery
from .index import current_version
from .models import RecordType
from .wordbits import WordBits

logger = logging.getLogger(__name__)

RECORD_TYPES = [RecordType.ORGANISATION, RecordType.PARTNERSHIP, RecordType.PROJECT]


def record_types() -> list[str]:
    """The built-in record types, then those registered by other apps (``coopdec.atlas.registry``):
    a type's position is its code in ``Engine.types``, so registered types only ever come after."""
    return [*RECORD_TYPES, *registry.extra_types()]


# facet name -> column of SearchDocument (continent and sector_code are derived)
COLUMNS = {
    "type": "record_type",
    "country": "countries",
    "partner_country": "partner_countries",
    "axis": "axes",
    "sector": "sectors",
    "sdg": "sdgs",
    "form": "form",
    "kind": "kind",
    "status": "status",
    "support": "supports",
    "offers": "offers",
    "seeks": "seeks",
    "start_year": "start_year",
}
COLUMNS_READ = (
    "id",
    "record_type",
    "object_id",
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
    "partner_count",
    "amount",
    "currency",
    "offers",
    "seeks",
)
DENSE_FRACTION = 128
SMALL_HITS_FRACTION = 32
# Documents: above, a stale engine keeps serving while a thread brings it up to date. At 34,000 an
# update took 0.15-0.25 s of CPU and about 1 s in all (bench/README.md, load.py), which every request
# of a worker waited for after each edit anywhere on the site.
SYNC_RELOAD_LIMIT = 5_000
# Seconds: a worker starts an update no sooner than this, nor than RELOAD_SPACING times the last
# update's duration, after its last update ended: edits in a burst (a coordinator confirming records
# one after the other, an import) cost one update, and updates take at most a fifth of a worker.
RELOAD_MIN_INTERVAL = 2.0
RELOAD_SPACING = 4
DISK_CACHE_FROM = 20_000  # documents: from there, an engine is also kept on disk for new workers


def _pack(mask: np.ndarray) -> np.ndarray:
    packed = np.packbits(mask, bitorder="little")
    pad = (-packed.size) % 8
    if pad:
        packed = np.concatenate([packed, np.zeros(pad, dtype=np.uint8)])
    return packed.view(np.uint64)


class Facet:
    """The (document, value) pairs of one facet, with posting lists and dense bitsets."""

    def __init__(
        self, name: str, values: list[str], pair_doc: np.ndarray, pair_val: np.ndarray, n: int, dense_min: int
    ):
        self.name = name
        self.values = values
        self.index = {value: i for i, value in enumerate(values)}
        self.n = n
        pair_doc, pair_val = pair_doc.astype(np.int32, copy=False), pair_val.astype(np.int32, copy=False)
        if len(pair_doc) > 1 and np.any(pair_doc[1:] < pair_doc[:-1]):  # CSR: pairs grouped by document
            order = np.argsort(pair_doc, kind="stable")
            pair_doc, pair_val = pair_doc[order], pair_val[order]
        self.pair_doc, self.pair_val = pair_doc, pair_val
        self.indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.pair_doc, minlength=n), out=self.indptr[1:])
        # A stable sort by value (a radix sort when the values fit in 16 bits).
        by_value = np.argsort(self.pair_val.astype(np.int16) if len(values) < 2**15 else self.pair_val, kind="stable")
        docs_by_value = self.pair_doc[by_value]
        self.totals = np.bincount(self.pair_val, minlength=len(values)).astype(np.int64)
        bounds = np.concatenate([[0], np.cumsum(self.totals)])
        self.postings = [docs_by_value[bounds[i] : bounds[i + 1]] for i in range(len(values))]
        dense = np.flatnonzero(self.totals >= dense_min)
        self.dense_values = dense
        self.dense_row = {int(value): row for row, value in enumerate(dense)}
        words = (n + 63) // 64
        self.dense_bits = np.zeros((len(dense), words), dtype=np.uint64)
        for row, value in enumerate(dense):
            mask = np.zeros(n, dtype=bool)
            mask[self.postings[value]] = True
            self.dense_bits[row] = _pack(mask)[:words]
        is_sparse = np.ones(len(values), dtype=bool)
        is_sparse[dense] = False
        keep = is_sparse[self.pair_val]
        self.sparse_doc = self.pair_doc[keep]
        self.sparse_val = self.pair_val[keep]

    def mask(self, values) -> np.ndarray:
        """Documents holding any of ``values`` (unknown values match nothing)."""
        mask = np.zeros(self.n, dtype=bool)
        for value in values:
            i = self.index.get(value)
            if i is None:
                continue
            row = self.dense_row.get(i)
            if row is None:
                mask[self.postings[i]] = True
            else:  # a long posting list: its bitset is faster to read
                mask |= np.unpackbits(self.dense_bits[row].view(np.uint8), count=self.n, bitorder="little").view(bool)
        return mask

    def counts(self, hits: Hits) -> np.ndarray:
        """Exact number of hit documents per value."""
        if hits.all:
            return self.totals
        if hits.small:  # read only the hits' own values
            return self._counts_of_rows(hits.indices)
        counts = np.bincount(self.sparse_val[hits.mask[self.sparse_doc]], minlength=len(self.values))
        if len(self.dense_values):
            counts[self.dense_values] = np.bitwise_count(self.dense_bits & hits.packed).sum(axis=1)
        return counts

    def _counts_of_rows(self, rows: np.ndarray) -> np.ndarray:
        """Counts over a few documents: a ``bincount`` of each value column at the rows, plus the
        pairs of the rows holding more values than the columns keep (a walk of their CSR pairs).
        At 1M documents and 35,000 hits, 17 ms for every facet instead of 58 by walking all the
        hits' pairs."""
        columns, more = self._value_columns()
        n_values = len(self.values)
        counts = np.bincount(columns[0][rows], minlength=n_values + 1)  # + 1: the sentinel
        for column in columns[1:]:
            counts += np.bincount(column[rows], minlength=n_values + 1)
        counts = counts[:n_values]
        if more is not None:
            rows = rows[more[rows]]
            if len(rows):
                starts = self.indptr[rows] + len(columns)
                lengths = self.indptr[rows + 1] - starts
                offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(
                    int(lengths.sum())
                )
                counts += np.bincount(self.pair_val[offsets], minlength=n_values)
        return counts

    def _value_columns(self) -> tuple[np.ndarray, np.ndarray | None]:
        """The first value of each document (and its second, when some document holds more than
        one) as columns, ``len(values)`` where it has none; and a mask of the documents holding
        more values than the columns keep (None when none does). Made on first use, like
        ``Engine._rank``: one or two bytes per document and column, plus the mask (the 1M
        benchmark: 36 MB for every facet, made in 0.3 s), computed again after an update rather
        than carried."""
        made = self.__dict__.get("_columns")
        if made is None:
            lengths = np.diff(self.indptr)
            kept = 1 if not len(lengths) or int(lengths.max()) <= 1 else 2
            n_values = len(self.values)
            dtype = np.uint8 if n_values < 2**8 else np.uint16 if n_values < 2**16 else np.int32
            columns = np.full((kept, self.n), n_values, dtype=dtype)
            for j in range(kept):
                holding = np.flatnonzero(lengths > j)
                columns[j, holding] = self.pair_val[self.indptr[holding] + j]
            more = lengths > kept
            made = self.__dict__.setdefault("_columns", (columns, more if more.any() else None))
        return made

    def _pairs_of(self, hits: Hits) -> tuple[np.ndarray, np.ndarray]:
        """(documents, values) of the pairs of the hit documents."""
        if hits.small:
            rows = hits.indices
            starts = self.indptr[rows]
            lengths = self.indptr[rows + 1] - starts
            total = int(lengths.sum())
            offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(total)
            return self.pair_doc[offsets], self.pair_val[offsets]
        selected = hits.mask[self.pair_doc]
        return self.pair_doc[selected], self.pair_val[selected]

    def sums(self, hits: Hits, weights: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
        """Sum of ``weights`` of the hit documents per (value, group): one pass over their pairs."""
        docs, values = self._pairs_of(hits)
        index = values.astype(np.int64) * n_groups + groups[docs]
        sums = np.bincount(index, weights=weights[docs], minlength=len(self.values) * n_groups)
        return sums.reshape(len(self.values), n_groups)


class Hits:
    """A set of documents as a boolean mask, with the packed and index forms made on demand."""

    def __init__(self, mask: np.ndarray | None, n: int):
        self.all = mask is None
        self.mask = mask if mask is not None else np.ones(n, dtype=bool)
        self.n = n
        self._packed: np.ndarray | None = None
        self._indices: np.ndarray | None = None
        self.count = n if self.all else int(np.count_nonzero(self.mask))
        self.small = not self.all and self.count * SMALL_HITS_FRACTION <= n

    @property
    def packed(self) -> np.ndarray:
        if self._packed is None:
            self._packed = _pack(self.mask)[: (self.n + 63) // 64]
        return self._packed

    @property
    def indices(self) -> np.ndarray:
        if self._indices is None:
            self._indices = np.flatnonzero(self.mask)
        return self._indices


@dataclass
class EngineResult:
    total: int
    page: np.ndarray  # document positions of the requested page
    counts: dict[str, dict[str, int]]  # facet -> value -> count (values with a count > 0)


def _split_multi(strings: list[str], n: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Space-separated codes per document -> (values, pair documents, pair value indices)."""
    if not n:
        return [], np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    joined = np.array(strings, dtype=object)
    lengths = np.char.count(joined.astype(str), " ") + (joined != "")
    tokens = " ".join(s for s in strings if s).split()
    if not tokens:
        return [], np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    values, codes = np.unique(np.array(tokens), return_inverse=True)
    docs = np.repeat(np.arange(n, dtype=np.int32), lengths)
    return [str(v) for v in values], docs, codes.astype(np.int32)


RAW_MULTI = {
    "country": 3,
    "partner_country": 4,
    "axis": 5,
    "sector": 6,
    "sdg": 7,
    "support": 8,
    "offers": 18,
    "seeks": 19,
}
RAW_SINGLE = {"form": 9, "kind": 10, "status": 11}
FORMAT = 5  # of a pickled engine: an engine kept on disk by an older release is rebuilt
DELTA_LIMIT = 4  # a delta larger than 1/4 of the documents: rebuild from scratch instead


@dataclass
class Parts:
    """The per-document data of an engine before its facet structures are built: plain arrays
    in document-id order, and per raw facet (values, pair documents, pair value indices)."""

    doc_ids: np.ndarray
    types: np.ndarray
    object_ids: np.ndarray
    start_year: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    partner_count: np.ndarray
    amount: np.ndarray
    currency: np.ndarray
    currencies: list[str]
    raw: dict[str, tuple[list[str], np.ndarray, np.ndarray]]
    permutation: np.ndarray | None = None  # set by ``merged`` when it had to sort the ids

    ARRAYS = ("doc_ids", "types", "object_ids", "start_year", "latitude", "longitude", "partner_count", "amount")

    @classmethod
    def from_columns(cls, columns) -> Parts:
        """Parse rows read in the order of ``COLUMNS_READ`` (sorted by id)."""
        n = len(columns[0])
        type_index = {t: i for i, t in enumerate(record_types())}
        currencies: dict[str, int] = {}
        currency = np.fromiter(
            (currencies.setdefault(c or "", len(currencies)) for c in columns[17]), dtype=np.int16, count=n
        )
        raw = {name: _split_multi(columns[position], n) for name, position in {**RAW_MULTI, **RAW_SINGLE}.items()}
        return cls(
            doc_ids=np.asarray(columns[0], dtype=np.int64),
            types=np.fromiter((type_index[t] for t in columns[1]), dtype=np.int8, count=n),
            object_ids=np.asarray(columns[2], dtype=np.int64),
            start_year=np.array([y or 0 for y in columns[12]], dtype=np.int32),
            latitude=np.array([v if v is not None else np.nan for v in columns[13]], dtype=np.float64),
            longitude=np.array([v if v is not None else np.nan for v in columns[14]], dtype=np.float64),
            partner_count=np.asarray(columns[15], dtype=np.int32),
            amount=np.array([v or 0.0 for v in columns[16]], dtype=np.float64),
            currency=currency,
            currencies=list(currencies),
            raw=raw,
        )

    @classmethod
    def of_engine(cls, engine: Engine) -> Parts:
        raw = {}
        for name in (*RAW_MULTI, *RAW_SINGLE):
            if name == "sector":  # split in two facets by the engine: joined again
                three, five = engine.facets["sector"], engine.facets["sector_code"]
                values = three.values + five.values
                docs = np.concatenate([three.pair_doc, five.pair_doc])
                codes = np.concatenate([three.pair_val, five.pair_val + len(three.values)]).astype(np.int32)
            else:
                facet = engine.facets[name]
                values, docs, codes = facet.values, facet.pair_doc, facet.pair_val
            raw[name] = (values, docs, codes)
        return cls(
            **{name: getattr(engine, name) for name in cls.ARRAYS},
            currency=engine.currency,
            currencies=engine.currencies,
            raw=raw,
        )

    def merged(self, keep: np.ndarray, new: Parts) -> Parts:
        """These parts without the documents where ``keep`` is False, plus ``new``, in id order."""
        kept = int(np.count_nonzero(keep))
        renumber = np.cumsum(keep, dtype=np.int64) - 1  # old position -> position among the kept
        arrays = {name: np.concatenate([getattr(self, name)[keep], getattr(new, name)]) for name in self.ARRAYS}
        currencies, (old_codes, new_codes) = _merge_values(self.currencies, new.currencies)
        currency = np.concatenate([old_codes[self.currency[keep]], new_codes[new.currency]]).astype(np.int16)
        raw = {}
        for name, (values, docs, codes) in self.raw.items():
            new_values, new_docs, new_codes_of = new.raw[name]
            merged_values, (old_map, new_map) = _merge_values(values, new_values)
            alive = keep[docs]
            raw[name] = (
                merged_values,
                np.concatenate([renumber[docs[alive]], new_docs.astype(np.int64) + kept]).astype(np.int32),
                np.concatenate([old_map[codes[alive]], new_map[new_codes_of]]).astype(np.int32),
            )
        parts = Parts(**arrays, currency=currency, currencies=currencies, raw=raw)
        order = np.argsort(parts.doc_ids, kind="stable")
        if np.any(order != np.arange(len(order))):  # ids committed out of order (PostgreSQL sequences)
            parts = parts.permuted(order)
            parts.permutation = order
        return parts

    def permuted(self, order: np.ndarray) -> Parts:
        inverse = np.empty(len(order), dtype=np.int32)
        inverse[order] = np.arange(len(order), dtype=np.int32)
        arrays = {name: getattr(self, name)[order] for name in self.ARRAYS}
        raw = {name: (values, inverse[docs], codes) for name, (values, docs, codes) in self.raw.items()}
        return Parts(**arrays, currency=self.currency[order], currencies=self.currencies, raw=raw)


def _members(values: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Which of the sorted ``values`` are in the sorted ``among``."""
    if not len(among):
        return np.zeros(len(values), dtype=bool)
    found = np.minimum(np.searchsorted(among, values), len(among) - 1)
    return among[found] == values


def _merge_values(old: list[str], new: list[str]) -> tuple[list[str], tuple[np.ndarray, np.ndarray]]:
    """Sorted union of two value lists, and the index maps of each list into it."""
    merged = sorted(set(old) | set(new))
    index = {value: i for i, value in enumerate(merged)}
    old_map, new_map = (np.array([index[v] for v in values] or [0], dtype=np.int32) for values in (old, new))
    return merged, (old_map, new_map)


def _order_positions(doc_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Positions of ``ids`` (an order read from the database) among ``doc_ids``; ids unknown
    here are dropped and documents missing from it go last (both only when a write landed
    between two reads: the next version check brings a fresh order)."""
    if not len(doc_ids):
        return np.zeros(0, dtype=np.int32)
    found = np.minimum(np.searchsorted(doc_ids, ids), len(doc_ids) - 1)
    positions = found[doc_ids[found] == ids].astype(np.int32)
    if len(positions) != len(doc_ids):
        seen = np.zeros(len(doc_ids), dtype=bool)
        seen[positions] = True
        positions = np.concatenate([positions, np.flatnonzero(~seen).astype(np.int32)])
    return positions


class Engine:
    """Arrays of one version of the index. Immutable once built; safe to share between threads.

    Built from the database (``Engine(version)``), from columns (benchmarks) or, after a change
    of the index, from the previous engine and the difference (``updated``): documents are never
    changed in place by ``coopdec.atlas.index`` (a changed record's document is deleted and
    inserted again under a new id), so comparing the ids tells exactly what to drop and to read.
    """

    # Set from ``Parts.ARRAYS`` by ``__init__`` (setattr), declared here for the type checker.
    doc_ids: np.ndarray
    types: np.ndarray
    object_ids: np.ndarray
    start_year: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    partner_count: np.ndarray
    amount: np.ndarray
    words_seconds: float  # set by ``refreshed`` once the words are built (absent before)

    def __init__(
        self,
        version: int,
        *,
        dense_fraction: int = DENSE_FRACTION,
        data: tuple | None = None,
        parts: Parts | None = None,
    ):
        """Load the index of ``version`` from the database, or build from ``data`` =
        (columns, {"title": ids, "-updated": ids}) in the order of ``COLUMNS_READ`` (benchmarks),
        or from ``parts`` and ``data`` = (None, {...})."""
        started = time.monotonic()
        self.version = version
        self.dense_fraction = dense_fraction
        self.format = FORMAT
        self.memo: dict = {}  # results of the whole atlas (empty query), per version
        self.changes_since_saved = 0
        columns, sorted_ids = data if data is not None else self._read()
        if parts is None:
            parts = Parts.from_columns(columns)
        del columns
        n = self.n = len(parts.doc_ids)
        for name in Parts.ARRAYS:
            setattr(self, name, getattr(parts, name))
        self.currency, self.currencies = parts.currency, parts.currencies
        years = self.start_year
        self.orders = {key: _order_positions(self.doc_ids, ids) for key, ids in sorted_ids.items()}
        no_year = years == 0
        self.orders["start_year"] = np.lexsort((years, no_year)).astype(np.int32)
        self.orders["-start_year"] = np.lexsort((-years, no_year)).astype(np.int32)

        dense_min = max(n // dense_fraction, 1)
        self.facets: dict[str, Facet] = {}
        for name in (*RAW_MULTI, *RAW_SINGLE):
            values, docs, codes = parts.raw[name]
            if name == "sector":  # 3-digit categories are shown; 5-digit codes only filter
                for facet_name, length in (("sector", 3), ("sector_code", 5)):
                    kept_values = [v for v in values if len(v) == length]
                    new_index = {v: i for i, v in enumerate(kept_values)}
                    remap = np.array([new_index.get(v, -1) for v in values] or [-1], dtype=np.int32)
                    mapped = remap[codes] if len(codes) else np.zeros(0, dtype=np.int32)
                    keep = mapped >= 0
                    self.facets[facet_name] = Facet(facet_name, kept_values, docs[keep], mapped[keep], n, dense_min)
            else:
                self.facets[name] = Facet(name, values, docs, codes, n, dense_min)
        self.facets["type"] = Facet(
            "type", record_types(), np.arange(n, dtype=np.int32), self.types.astype(np.int32), n, dense_min
        )
        year_values = [int(y) for y in np.flatnonzero(np.bincount(years)) if y]
        year_index = np.zeros(max(year_values or [0]) + 1, dtype=np.int32)
        for i, y in enumerate(year_values):
            year_index[y] = i
        with_year = np.flatnonzero(years)
        self.facets["start_year"] = Facet(
            "start_year",
            [str(y) for y in year_values],
            with_year.astype(np.int32),
            year_index[years[with_year]],
            n,
            dense_min,
        )
        # Continent of each country value, then (document, continent) pairs without repeats.
        country = self.facets["country"]
        continent_of = dict(Country.objects.values_list("code", "continent"))
        continents = sorted({c for c in continent_of.values() if c})
        continent_index = {c: i for i, c in enumerate(continents)}
        lookup = np.array(
            [continent_index.get(continent_of.get(v, ""), -1) for v in country.values] or [-1], dtype=np.int64
        )
        pair_continent = lookup[country.pair_val] if len(country.pair_val) else np.zeros(0, dtype=np.int64)
        keep = pair_continent >= 0
        held = np.zeros((n, max(len(continents), 1)), dtype=bool)  # (document, continent) without repeats
        held[country.pair_doc[keep], pair_continent[keep]] = True
        docs, codes = np.nonzero(held)
        del held
        self.facets["continent"] = Facet(
            "continent", continents, docs.astype(np.int32), codes.astype(np.int32), n, dense_min
        )
        self.empty_counts = {name: self._nonzero(facet, facet.totals) for name, facet in self.facets.items()}
        self.words = WordBits(n)
        self.build_seconds = time.monotonic() - started

    @staticmethod
    def _read() -> tuple[list, dict[str, np.ndarray]]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(COLUMNS_READ)} FROM atlas_searchdocument ORDER BY id")  # noqa: S608
            rows = cursor.fetchall()
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(COLUMNS_READ)
        del rows
        return columns, Engine._read_orders()

    @staticmethod
    def _read_orders() -> dict[str, np.ndarray]:
        sorted_ids = {}
        with connection.cursor() as cursor:
            for key, sql in (
                ("title", "SELECT id FROM atlas_searchdocument ORDER BY sort_title, id"),
                ("-updated", "SELECT id FROM atlas_searchdocument ORDER BY record_updated_at DESC, id DESC"),
            ):
                cursor.execute(sql)
                sorted_ids[key] = np.fromiter((row[0] for row in cursor.fetchall()), dtype=np.int64)
        return sorted_ids

    def updated(self, version: int) -> Engine | None:
        """The engine of ``version``, made from this one: the documents deleted since are dropped,
        the documents inserted since are read and added, and the facet structures are rebuilt from
        arrays (no text parsing of the unchanged documents). None when more than 1/DELTA_LIMIT of
        the documents changed (a full rebuild is then as fast)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM atlas_searchdocument")
            ids = np.fromiter((row[0] for row in cursor.fetchall()), dtype=np.int64)
        ids.sort()
        keep = _members(self.doc_ids, ids)
        added = ids[~_members(ids, self.doc_ids)]
        changed = self.n - int(np.count_nonzero(keep)) + len(added)
        if changed * DELTA_LIMIT > max(self.n, 1):
            return None
        rows = []
        with connection.cursor() as cursor:
            for start in range(0, len(added), 900):
                chunk = [int(i) for i in added[start : start + 900]]
                cursor.execute(
                    f"SELECT {', '.join(COLUMNS_READ)} FROM atlas_searchdocument WHERE id IN "  # noqa: S608
                    f"({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
                rows.extend(cursor.fetchall())
        rows.sort(key=lambda row: row[0])
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(COLUMNS_READ)
        parts = Parts.of_engine(self).merged(keep, Parts.from_columns(columns))
        engine = Engine(version, dense_fraction=self.dense_fraction, data=(None, self._read_orders()), parts=parts)
        engine.changes_since_saved = self.changes_since_saved + changed
        engine.words = self.words.carried(
            engine.n, keep, np.asarray(columns[0], dtype=np.int64), parts.permutation, engine.id_mask
        )
        return engine

    @staticmethod
    def _nonzero(facet: Facet, counts: np.ndarray) -> dict[str, int]:
        return {facet.values[i]: int(counts[i]) for i in np.flatnonzero(counts)}

    # --- masks ----------------------------------------------------------------------------
    def positions(self, ids: np.ndarray) -> np.ndarray:
        """Positions of document ids (ids unknown to this version are dropped)."""
        if not len(ids) or not self.n:
            return np.empty(0, dtype=np.int64)
        found = np.minimum(np.searchsorted(self.doc_ids, ids), self.n - 1)
        return found[self.doc_ids[found] == ids]

    def id_mask(self, ids: np.ndarray) -> np.ndarray:
        mask = np.zeros(self.n, dtype=bool)
        mask[self.positions(ids)] = True
        return mask

    def filter_masks(self, query: AtlasQuery) -> dict[str, np.ndarray]:
        masks = {}
        for name, values in query.filters().items():
            if name == "sector":
                mask = self.facets["sector"].mask([v for v in values if len(v) == 3])
                mask |= self.facets["sector_code"].mask([v for v in values if len(v) == 5])
            elif name == "start_year":
                facet = self.facets["start_year"]
                wanted = [v for v in facet.values if any(a <= int(v) <= b for a, b in query.year_ranges())]
                mask = facet.mask(wanted)
            else:
                mask = self.facets[name].mask(values)
            masks[name] = mask
        return masks

    @staticmethod
    def _and(masks) -> np.ndarray | None:
        result = None
        for mask in masks:
            result = mask.copy() if result is None else np.logical_and(result, mask, out=result)
        return result

    def query_masks(
        self,
        query: AtlasQuery,
        text_mask: np.ndarray | None,
        *,
        exclude: str | None = None,
        force: dict[str, np.ndarray] | None = None,
    ) -> list[np.ndarray]:
        """The masks a document must pass: the text's, then each filter's (but ``exclude``'s), ``force``
        replacing or adding filters."""
        masks = self.filter_masks(query)
        if exclude is not None:
            masks.pop(exclude, None)
        masks.update(force or {})
        return ([text_mask] if text_mask is not None else []) + list(masks.values())

    def hits(
        self,
        query: AtlasQuery,
        text_mask: np.ndarray | None,
        *,
        exclude: str | None = None,
        force: dict[str, np.ndarray] | None = None,
    ) -> Hits:
        return self.hits_of(self.query_masks(query, text_mask, exclude=exclude, force=force))

    def hits_of(self, masks: list[np.ndarray]) -> Hits:
        """The documents passing every mask (all of them when there is none)."""
        return Hits(self._and(masks), self.n)

    # --- the search -----------------------------------------------------------------------
    def search(
        self,
        query: AtlasQuery,
        text_mask: np.ndarray | None,
        title_mask: np.ndarray | None,
        *,
        facets: tuple[str, ...] | None = None,
        limit: int | None = None,
        exact: np.ndarray | None = None,
    ) -> EngineResult:
        wanted = [f for f in (facets if facets is not None else self.facet_names()) if f in self.facets]
        masks = self.filter_masks(query)
        base = [text_mask] if text_mask is not None else []
        full = self.hits_of(base + list(masks.values()))
        counts: dict[str, dict[str, int]] = {}
        if full.all:
            counts = {name: self.empty_counts[name] for name in wanted}
        else:
            for name in wanted:
                own = "sector" if name == "sector_code" else name
                if own in masks:
                    others = [m for key, m in masks.items() if key != own]
                    hits = self.hits_of(base + others)
                else:
                    hits = full
                counts[name] = self._nonzero(self.facets[name], self.facets[name].counts(hits))
        page = self.page(query, full, title_mask, limit=limit, exact=exact)
        return EngineResult(total=full.count, page=page, counts=counts)

    def facet_names(self) -> list[str]:
        return [name for name in self.facets if name != "sector_code"]

    def page(
        self,
        query: AtlasQuery,
        hits: Hits,
        title_mask: np.ndarray | None,
        *,
        limit: int | None = None,
        exact: np.ndarray | None = None,
    ) -> np.ndarray:
        """Positions of the page's documents. Sorted by relevance: ``exact`` (positions of records
        named exactly as the query, a few) first, then title matches, then the other matches."""
        start = query.start
        end = start + (limit if limit is not None else query.page_size)
        sort = query.effective_sort
        if sort == "relevance" and exact is not None and len(exact):
            first = np.unique(exact[hits.mask[exact]])
            if len(first):  # then the usual order of the other hits
                others = hits.mask.copy()
                others[first] = False
                rest = self._page(sort, Hits(others, self.n), title_mask, max(0, start - len(first)), end - len(first))
                return np.concatenate([first[start:], rest])[: end - start]
        return self._page(sort, hits, title_mask, start, end)

    def _page(self, sort: str, hits: Hits, title_mask: np.ndarray | None, start: int, end: int) -> np.ndarray:
        order = self.orders["-updated" if sort == "relevance" else sort]
        if start >= hits.count:
            return np.empty(0, dtype=np.int64)
        if sort == "relevance" and title_mask is not None:
            if hits.small:  # title matches first, each part in the order: a sort of the hits alone
                rank = self._rank("-updated", order)
                key = rank[hits.indices].astype(np.int64) + np.where(title_mask[hits.indices], 0, self.n)
                return hits.indices[np.argsort(key)][start:end]
            first = order[(hits.mask & title_mask)[order]] if not hits.all else order[title_mask[order]]
            if len(first) >= end:
                return first[start:end]
            rest = order[(hits.mask & ~title_mask)[order]]
            return np.concatenate([first, rest])[start:end]
        if hits.all:
            return order[start:end]
        if hits.small:
            # Rank of each hit in the order, then the page.
            rank = self._rank("-updated" if sort == "relevance" else sort, order)
            chosen = hits.indices[np.argsort(rank[hits.indices], kind="stable")]
            return chosen[start:end]
        return order[hits.mask[order]][start:end]

    def _rank(self, key: str, order: np.ndarray) -> np.ndarray:
        """Rank of every document in an order, made on first use (a scatter over every document:
        4 ms at 1M, once rather than per search); 4 bytes a document per order used."""
        ranks = self.__dict__.setdefault("_ranks", {})
        rank = ranks.get(key)
        if rank is None:
            rank = np.empty(self.n, dtype=np.int32)
            rank[order] = np.arange(self.n, dtype=np.int32)
            ranks[key] = rank
        return rank


def _cache_prefix() -> str:
    database = hashlib.sha256(f"{connection.vendor}:{connection.settings_dict['NAME']}".encode()).hexdigest()[:12]
    return f"facets-{database}-"


def _cache_path(version: int) -> Path:
    return Path(settings.VAR_DIR) / "atlas" / f"{_cache_prefix()}{version}.pickle"


def _save(engine: Engine) -> None:
    """Keep a large engine on disk, so that a restarted or new worker loads it in a second or two
    instead of rebuilding it (minutes at 1M projects), then applies the changes made since. The
    folder is the platform's own VAR_DIR."""
    if engine.n < DISK_CACHE_FROM:
        return
    path = _cache_path(engine.version)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine.changes_since_saved = 0
        temporary = path.with_suffix(f".{threading.get_ident()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump(engine, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)
        for old in path.parent.glob(f"{_cache_prefix()}*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:  # pragma: no cover - a cache only
        logger.warning("could not keep the atlas facet engine in %s", path, exc_info=True)


def _load() -> Engine | None:
    """The engine kept on disk, of whatever version (the caller brings it up to date)."""
    for path in sorted(_cache_path(0).parent.glob(f"{_cache_prefix()}*.pickle")):
        try:
            with path.open("rb") as handle:
                engine = pickle.load(handle)  # noqa: S301 (our own file in VAR_DIR, written by _save)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):  # pragma: no cover
            continue
        if isinstance(engine, Engine) and getattr(engine, "format", None) == FORMAT:
            return engine
    return None


SAVE_AFTER_CHANGES = 100  # documents: an engine brought up to date is kept on disk again after 1/100 changed


def refreshed(current: Engine | None, version: int) -> Engine:
    """The engine of ``version``: ``current`` (or the one kept on disk) brought up to date with
    the documents changed since, else built from the whole index and kept on disk."""
    engine = None
    base = current if current is not None else _load()
    if base is not None:
        engine = base if base.version == version else base.updated(version)
    if engine is None:
        engine = Engine(version)
        started = time.monotonic()
        engine.words.build(engine.id_mask)
        engine.words_seconds = time.monotonic() - started
        _save(engine)
    elif engine.changes_since_saved * SAVE_AFTER_CHANGES > engine.n:
        _save(engine)
    return engine


def build(version: int) -> Engine:
    """The engine of ``version``, from the disk cache when there (brought up to date), else built
    and kept on disk."""
    return refreshed(None, version)


_engine: Engine | None = None
_lock = threading.Lock()
_reloading = threading.Event()
_next_reload = 0.0  # time.monotonic() before which no update starts (RELOAD_MIN_INTERVAL, RELOAD_SPACING)


def _reload_in_background(current: Engine, version: int) -> None:
    """Bring ``current`` up to date in a thread, unless one is at work or the last one ended too recently
    (the version it missed is taken by the next request after that)."""

    def run():
        global _engine, _next_reload
        started = time.monotonic()
        try:
            engine = refreshed(current, version)
            with _lock:
                _engine = engine
            logger.info("atlas facet engine updated: %s documents in %.1f s", engine.n, time.monotonic() - started)
        except Exception:  # pragma: no cover - logged; the stale engine keeps serving
            logger.exception("atlas facet engine reload failed")
        finally:
            ended = time.monotonic()
            _next_reload = ended + max(RELOAD_MIN_INTERVAL, RELOAD_SPACING * (ended - started))
            connection.close()
            _reloading.clear()

    with _lock:
        if _reloading.is_set() or time.monotonic() < _next_reload:
            return
        _reloading.set()
    threading.Thread(target=run, name="atlas-engine-reload", daemon=True).start()


def engine() -> Engine:
    """The facet engine of the current index version (built on first use).

    A stale engine is brought up to date with the changed documents (``Engine.updated``) at once
    when the index is small; a larger one keeps serving the previous version (seconds old) while a
    thread updates it, so no request waits, and edits in a burst cost one update (``_reload_in_background``).
    """
    global _engine
    version = current_version()
    current = _engine
    if current is not None and current.version == version:
        return current
    if current is not None and current.n > SYNC_RELOAD_LIMIT:
        _reload_in_background(current, version)
        return current
    with _lock:
        if _engine is None or _engine.version != version:
            _engine = refreshed(_engine, version)
        return _engine


def reset() -> None:
    """Forget the engine (tests, benchmarks)."""
    global _engine, _next_reload
    with _lock:
        _engine = None
        _next_reload = 0.0
