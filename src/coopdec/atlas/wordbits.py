"""Full-text hits of frequent words, kept in memory with the facet engine.

The database's full-text index answers a rare word in a few milliseconds, but a word held by half
the documents ("cooperation", "water") makes it return half a million ids: ~0.5 s on SQLite and
more on PostgreSQL at 1M projects, which must visit every matching row. So each engine keeps, for
the words whose hits are many (at least 1/WORD_FRACTION of the documents), two packed bitmaps (the
documents matching the word, and those whose title matches), computed once by the database (so
the hits are exactly the database's) and carried over to the next version of the index with only
the changed documents asked again (``carried``). A large engine starts with the frequent words of
a sample of its documents already asked (``prewarm``); other frequent words are kept the first
time a search asks for them. At most WORD_LIMIT words are kept (least recently used dropped):
2 x N/8 bytes each, ~290 KB per word at 1M projects (~115 MB for 400 words).

A search with several words ANDs the bitmaps of the known words and asks the database once for
the others together: when they are rare, that answer is small and is not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np
from django.db import connection

from .search import text_backend, tokens

WORD_FRACTION = 200
WORD_LIMIT = 400
PREWARM_FROM = 20_000  # documents: below, the database answers any word fast enough
PREWARM_SAMPLE = 3000  # documents read to find the frequent words
PREWARM_WORDS = 320


def pack(mask: np.ndarray) -> np.ndarray:
    return np.packbits(mask, bitorder="little")


def unpack(bits: np.ndarray, n: int) -> np.ndarray:
    return np.unpackbits(bits, count=n, bitorder="little").view(bool)


class WordBits:
    """word -> (packed bits of the documents matching it, packed bits of those whose title does)."""

    def __init__(self, n: int):
        self.n = n
        self.bits: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def __getstate__(self):  # kept on disk with the engine
        return {"n": self.n, "bits": self.bits}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def _get(self, word: str):
        with self._lock:
            found = self.bits.get(word)
            if found is not None:
                self.bits.move_to_end(word)
            return found

    def _keep(self, word: str, value: tuple[np.ndarray, np.ndarray]) -> None:
        with self._lock:
            self.bits[word] = value
            self.bits.move_to_end(word)
            while len(self.bits) > WORD_LIMIT:
                self.bits.popitem(last=False)

    def _frequent(self, count: int) -> bool:
        return count * WORD_FRACTION >= self.n

    def masks(self, terms: list[str], id_mask: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """(documents matching every term, documents whose title matches every term) as boolean
        masks; ``id_mask`` turns document ids into a mask of the engine."""
        known = {term: self._get(term) for term in terms}
        missing = [term for term, bits in known.items() if bits is None]
        backend = text_backend()
        if missing:
            ids = backend.ids(missing)
            if len(missing) == 1 or not self._frequent(len(ids)):
                value = (pack(id_mask(ids)), pack(id_mask(backend.ids(missing, title=True))))
                if len(missing) == 1 and self._frequent(len(ids)):
                    self._keep(missing[0], value)
                for term in missing:
                    known[term] = None
                known[" ".join(missing)] = value
            else:  # several words, many hits: each word is frequent, ask and keep each
                for term in missing:
                    value = (pack(id_mask(backend.ids([term]))), pack(id_mask(backend.ids([term], title=True))))
                    self._keep(term, value)
                    known[term] = value
        found = [bits for bits in known.values() if bits is not None]
        every = found[0][0].copy()
        title = found[0][1].copy()
        for matching, in_title in found[1:]:
            np.bitwise_and(every, matching, out=every)
            np.bitwise_and(title, in_title, out=title)
        return unpack(every, self.n), unpack(title, self.n)

    def prewarm(self, id_mask: Callable[[np.ndarray], np.ndarray], doc_ids: np.ndarray) -> None:
        """Ask the database now for the frequent words of a sample of the documents."""
        if self.n < PREWARM_FROM:
            return
        sample = np.random.default_rng(0).choice(doc_ids, size=min(PREWARM_SAMPLE, len(doc_ids)), replace=False)
        counts: dict[str, int] = {}
        with connection.cursor() as cursor:
            for start in range(0, len(sample), 500):
                chunk = [int(i) for i in sample[start : start + 500]]
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT title_text, body_text FROM atlas_searchdocument WHERE id IN ({placeholders})", chunk)  # noqa: S608
                for title, body in cursor.fetchall():
                    for word in tokens(f"{title} {body}"):
                        if len(word) > 1:
                            counts[word] = counts.get(word, 0) + 1
        threshold = max(2, len(sample) // WORD_FRACTION)
        frequent = sorted((word for word, count in counts.items() if count >= threshold), key=lambda w: -counts[w])
        backend = text_backend()
        for word in frequent[:PREWARM_WORDS]:
            if self._get(word) is None:
                ids = backend.ids([word])
                if self._frequent(len(ids)):
                    self._keep(word, (pack(id_mask(ids)), pack(id_mask(backend.ids([word], title=True)))))

    def carried(self, n: int, keep: np.ndarray, added: np.ndarray, order: np.ndarray | None) -> WordBits:
        """These words for the next version of the index: the documents where ``keep`` is False
        dropped, the ``added`` ids (sorted, placed after the kept documents) asked again, then
        ``order`` applied when the documents were put back in id order."""
        carried = WordBits(n)
        old_n = len(keep)
        kept = list(self.bits.items())
        matches = text_backend().matches_among([word for word, _bits in kept], added) if len(added) else {}
        for word, (every, title) in kept:
            value = []
            for bits, in_title in ((every, False), (title, True)):
                hits = matches.get(word)
                new = _members(added, (hits.title_ids if in_title else hits.ids) if hits else np.empty(0, dtype=np.int64))
                mask = np.concatenate([unpack(bits, old_n)[keep], new])
                value.append(pack(mask[order] if order is not None else mask))
            carried.bits[word] = (value[0], value[1])
        return carried


def _members(values: np.ndarray, among: np.ndarray) -> np.ndarray:
    if not len(among):
        return np.zeros(len(values), dtype=bool)
    found = np.minimum(np.searchsorted(among, values), len(among) - 1)
    return among[found] == values
