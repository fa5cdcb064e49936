"""Full-text hits of frequent words, kept in memory with the facet engine.

The database's full-text index answers a rare word in a few milliseconds, but a word held by half
the documents ("cooperation", "water") makes it return half a million ids at 1M projects (and
PostgreSQL visits every matching row; figures: ``bench/atlas.py``, bench/README.md). So the engine never lets
the database answer a frequent word at query time:

- the **vocabulary**: every indexed term with the exact number of documents holding it, read
  from the database itself (SQLite: FTS5's ``fts5vocab``, no text read; PostgreSQL: the vectors
  the GIN index is made of, computed again once), so the terms are those of the database's
  tokenizer, not a guess;
- every term held by at least ``threshold(n)`` documents (1/WORD_FRACTION of them, and at least
  WORD_MIN_HITS) is **kept**: the documents holding it, and those whose title does, fetched once
  from the database (exact term, so the hits are the database's) as a packed bitmap, or as sorted
  positions when that is smaller (fewer hits than n/32);
- a query word of PREFIX_FROM letters or more is a prefix (the database's semantics: "coop" finds
  "cooperation"), so its hits are the union of the vocabulary terms it begins: the kept ones from
  memory, the others (rare, so their hits are provably fewer than their document counts added)
  from the database in one query naming them. A prefix whose rare terms add up to the threshold
  anyway, or are more than OR_LIMIT, is **kept as a prefix** (its hits fetched once, as the
  database's prefix query gives them);
- a word absent from the vocabulary matches nothing the engine knows: the database answers it
  (nothing, fast). Words made only of rare terms are asked together, in one query. A query word
  is letters and digits folded like the index (``search.words``), which both databases read as
  one token: the terms it begins are those the vocabulary lists; a word a database would read
  otherwise (a letter its tokenizer folds further) begins no term there, and is asked.

So at query time the database only ever returns fewer than ``threshold(n)`` ids per word. When the
index changes, ``carried`` carries the sets over to the engine's next version asking the database
only about the added documents (their terms added to the vocabulary; the counts of the terms of
removed documents are not lowered, so a count is an upper bound until the term is kept, when it
becomes exact again), then fetches the terms that became frequent and the prefixes that became
heavy. Below ``threshold(n)`` documents no term can be frequent and nothing is read.

Memory: at most n/8 bytes per kept set (4 bytes per hit when fewer). The sets are fetched once per
full build (one query per kept term), since the engine is kept on disk; ``bench/atlas.py`` prints
their memory and build time (tables in bench/README.md).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

import numpy as np

from .search import PREFIX_FROM, is_word, text_backend

WORD_FRACTION = 1000  # a term in at least 1/1000 of the documents is kept in memory
WORD_MIN_HITS = 1000  # ... and in at least that many: the database returns fewer in a few ms
OR_LIMIT = 50  # rare terms of one prefix asked in one query; more: the prefix is kept
MAX_CHAR = "\U0010ffff"

IdMask = Callable[[np.ndarray], np.ndarray]


def pack(mask: np.ndarray) -> np.ndarray:
    return np.packbits(mask, bitorder="little")


def unpack(bits: np.ndarray, n: int) -> np.ndarray:
    return np.unpackbits(bits, count=n, bitorder="little").view(bool)


def threshold(n: int) -> int:
    """Hits from which a term is kept in memory."""
    return max(-(-n // WORD_FRACTION), WORD_MIN_HITS)


def stored(mask: np.ndarray) -> np.ndarray:
    """A set of documents as kept: sorted int32 positions when fewer than n/32, else packed bits
    (uint8). The dtype tells which."""
    count = int(np.count_nonzero(mask))
    if count * 32 < len(mask):
        return np.flatnonzero(mask).astype(np.int32)
    return pack(mask)


def as_mask(kept: np.ndarray, n: int) -> np.ndarray:
    if kept.dtype == np.uint8:
        return unpack(kept, n)  # a new array
    mask = np.zeros(n, dtype=bool)
    mask[kept] = True
    return mask


def size(kept: np.ndarray, n: int) -> int:
    return int(np.count_nonzero(unpack(kept, n))) if kept.dtype == np.uint8 else len(kept)


class WordBits:
    """The vocabulary of the index, and the hits of its frequent terms and heavy prefixes."""

    def __init__(self, n: int):
        self.n = n
        self.vocabulary: dict[str, int] | None = None  # term -> documents holding it (None: not read)
        self._sorted: list[str] = []  # the vocabulary's terms in order, for prefix ranges
        self.terms: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # kept term -> (every, title)
        self.prefixes: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # kept prefix -> (every, title)

    @property
    def bits(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Every kept set, terms then prefixes (figures)."""
        return {**self.terms, **self.prefixes}

    def memory(self) -> int:
        """Bytes held by the kept sets."""
        return sum(every.nbytes + title.nbytes for every, title in self.bits.values())

    # --- building -------------------------------------------------------------------------
    def build(self, id_mask: IdMask) -> None:
        """Read the vocabulary and fetch every frequent term and heavy prefix."""
        if self.n < threshold(self.n):
            return
        vocabulary, hits = text_backend().frequent_terms(threshold(self.n))
        for term, found in hits.items():
            self.terms[term] = (stored(id_mask(found.ids)), stored(id_mask(found.title_ids)))
        self._set_vocabulary(vocabulary)
        self._complete(id_mask)

    def _set_vocabulary(self, vocabulary: dict[str, int]) -> None:
        self.vocabulary = vocabulary
        self._sorted = sorted(vocabulary)

    def _complete(self, id_mask: IdMask) -> None:
        """Fetch the frequent terms and the heavy prefixes not kept yet."""
        assert self.vocabulary is not None  # read by _set_vocabulary first
        limit = threshold(self.n)
        backend = text_backend()
        for term, count in list(self.vocabulary.items()):
            if count >= limit and term not in self.terms:
                hits = backend.hits([term], exact=True)
                self.terms[term] = (stored(id_mask(hits.ids)), stored(id_mask(hits.title_ids)))
                self.vocabulary[term] = len(hits.ids)  # exact again
        for prefix in self._heavy_prefixes(limit):
            if prefix not in self.prefixes:
                hits = backend.hits([prefix])
                self.prefixes[prefix] = (stored(id_mask(hits.ids)), stored(id_mask(hits.title_ids)))

    def _heavy_prefixes(self, limit: int) -> list[str]:
        """Prefixes whose rare terms hold at least ``limit`` documents together, or are too many
        to be named in one query."""
        assert self.vocabulary is not None  # read by _set_vocabulary first
        total: dict[str, int] = {}
        number: dict[str, int] = {}
        for term, count in self.vocabulary.items():
            if term in self.terms or len(term) < PREFIX_FROM:
                continue
            for end in range(PREFIX_FROM, len(term) + 1):
                prefix = term[:end]
                if not is_word(prefix):  # no query word holds this character (a lexeme "post-emergency")
                    break
                total[prefix] = total.get(prefix, 0) + count
                number[prefix] = number.get(prefix, 0) + 1
        return [prefix for prefix, count in total.items() if count >= limit or number[prefix] > OR_LIMIT]

    def _terms_of(self, word: str) -> list[str]:
        """The vocabulary terms a query word matches (a prefix from PREFIX_FROM letters)."""
        assert self.vocabulary is not None  # masks() asks the database while it is not read
        if len(word) < PREFIX_FROM:
            return [word] if word in self.vocabulary else []
        start = bisect_left(self._sorted, word)
        end = bisect_left(self._sorted, word + MAX_CHAR, lo=start)
        return self._sorted[start:end]

    # --- searching ------------------------------------------------------------------------
    def masks(self, words: list[str], id_mask: IdMask) -> tuple[np.ndarray, np.ndarray]:
        """(documents matching every word, documents whose title matches every word) as boolean
        masks; ``id_mask`` turns document ids into a mask of the engine."""
        backend = text_backend()
        if self.vocabulary is None:  # a small index: the database answers every word fast
            hits = backend.hits(words)
            return id_mask(hits.ids), id_mask(hits.title_ids)
        parts: list[tuple[np.ndarray, np.ndarray]] = []
        asked = []  # words none of whose terms are kept: asked together
        for word in words:
            kept = self.prefixes.get(word) if len(word) >= PREFIX_FROM else None
            if kept is not None:
                parts.append((as_mask(kept[0], self.n), as_mask(kept[1], self.n)))
                continue
            terms = self._terms_of(word)
            known = [self.terms[t] for t in terms if t in self.terms]
            if not known:
                asked.append(word)
                continue
            every, title = self._union(known)
            rare = [t for t in terms if t not in self.terms]
            if rare:  # fewer than threshold(n) hits together (else the prefix would be kept)
                hits = backend.hits(rare, exact=True)
                every |= id_mask(hits.ids)
                title |= id_mask(hits.title_ids)
            parts.append((every, title))
        if asked:
            hits = backend.hits(asked)
            parts.append((id_mask(hits.ids), id_mask(hits.title_ids)))
        every, title = parts[0]
        for other_every, other_title in parts[1:]:
            every &= other_every
            title &= other_title
        return every, title

    def _union(self, known: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        """Masks of the union of kept sets: packed bits ORed before unpacking, positions set."""
        out = []
        for side in (0, 1):
            sets = [pair[side] for pair in known]
            packed = [s for s in sets if s.dtype == np.uint8]
            if packed:
                bits = packed[0].copy()
                for other in packed[1:]:
                    np.bitwise_or(bits, other, out=bits)
                mask = unpack(bits, self.n)
            else:
                mask = np.zeros(self.n, dtype=bool)
            for positions in (s for s in sets if s.dtype != np.uint8):
                mask[positions] = True
            out.append(mask)
        return out[0], out[1]

    # --- updates --------------------------------------------------------------------------
    def carried(
        self, n: int, keep: np.ndarray, added: np.ndarray, order: np.ndarray | None, id_mask: IdMask
    ) -> WordBits:
        """These words for the next version of the index (``n`` documents): the documents where
        ``keep`` is False dropped, the ``added`` ids (sorted, placed after the kept documents)
        asked again, then ``order`` applied when the documents were put back in id order; then
        the terms that became frequent and the prefixes that became heavy fetched."""
        carried = WordBits(n)
        if self.vocabulary is None:  # never read: read now if the index has grown enough
            carried.build(id_mask)
            return carried
        backend = text_backend()
        vocabulary = dict(self.vocabulary)
        if len(added):
            for term, count in backend.vocabulary(among=added).items():
                vocabulary[term] = vocabulary.get(term, 0) + count
        move = _Mover(keep, order)
        for kept, target, exact in ((self.terms, carried.terms, True), (self.prefixes, carried.prefixes, False)):
            matches = backend.matches_among(list(kept), added, exact=exact) if len(added) and kept else {}
            for word, (every, title) in kept.items():
                hits = matches.get(word)
                target[word] = (
                    move(every, _members(added, hits.ids if hits else None)),
                    move(title, _members(added, hits.title_ids if hits else None)),
                )
        for term, (every, _title) in carried.terms.items():
            vocabulary[term] = size(every, n)
        carried._set_vocabulary(vocabulary)
        if n >= threshold(n):
            carried._complete(id_mask)
        return carried


class _Mover:
    """Moves a kept set to the next version's positions."""

    def __init__(self, keep: np.ndarray, order: np.ndarray | None):
        self.keep = keep
        self.kept = int(np.count_nonzero(keep))
        self.renumber = np.cumsum(keep, dtype=np.int64) - 1  # old position -> position among the kept
        self.order = order
        self.inverse = None
        if order is not None:
            self.inverse = np.empty(len(order), dtype=np.int64)
            self.inverse[order] = np.arange(len(order), dtype=np.int64)

    def __call__(self, kept: np.ndarray, new: np.ndarray) -> np.ndarray:
        if kept.dtype == np.uint8:
            mask = np.concatenate([unpack(kept, len(self.keep))[self.keep], new])
            return stored(mask[self.order] if self.order is not None else mask)
        n = self.kept + len(new)
        positions = np.concatenate([self.renumber[kept[self.keep[kept]]], self.kept + np.flatnonzero(new)])
        if self.inverse is not None:
            positions = np.sort(self.inverse[positions])
        if len(positions) * 32 < n:  # still few: no pass over every document
            return positions.astype(np.int32)
        mask = np.zeros(n, dtype=bool)
        mask[positions] = True
        return pack(mask)


def _members(values: np.ndarray, among: np.ndarray | None) -> np.ndarray:
    if among is None or not len(among):
        return np.zeros(len(values), dtype=bool)
    found = np.minimum(np.searchsorted(among, values), len(among) - 1)
    return among[found] == values
