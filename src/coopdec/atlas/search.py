"""Full-text search over the atlas documents, behind one interface for SQLite and PostgreSQL.

``text_backend().match(text) -> TextHits``: the ids of the documents matching every word of
``text`` (accents and case ignored: the query is folded like the indexed text), and the subset
whose title matches (ranked first). Words of four letters or more match as prefixes ("coop"
finds "coopération", "water" finds "waters").

- SQLite: an FTS5 table (``unicode61 remove_diacritics 2`` tokenizer, prefix index) kept in
  sync with ``atlas_searchdocument`` by triggers (migration 0002).
- PostgreSQL: GIN indexes on ``to_tsvector('simple', ...)`` of the folded text (no stemming, so
  every language is treated alike; folding replaces the ``unaccent`` extension).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from django.db import connection

from coopdec.common.text import fold

MAX_WORDS = 8
PREFIX_FROM = 4
_WORD = re.compile(r"[0-9a-z]+")


def words(text: str) -> list[str]:
    """The folded words of a query, in order, without repeats (at most MAX_WORDS)."""
    seen: list[str] = []
    for word in _WORD.findall(fold(text)):
        if word not in seen and (len(word) > 1 or word.isdigit()):
            seen.append(word)
    return seen[:MAX_WORDS]


@dataclass(frozen=True)
class TextHits:
    ids: np.ndarray  # sorted document ids matching the text
    title_ids: np.ndarray  # sorted document ids whose title matches


class SQLiteText:
    def _expression(self, terms: list[str], column: str | None) -> str:
        parts = [f'"{w}"*' if len(w) >= PREFIX_FROM else f'"{w}"' for w in terms]
        expression = " AND ".join(parts)
        return f"{{{column}}} : ({expression})" if column else expression

    def _ids(self, expression: str) -> np.ndarray:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM atlas_search_fts WHERE atlas_search_fts MATCH %s", [expression])
            ids = np.fromiter((row[0] for row in cursor.fetchall()), dtype=np.int64)
        ids.sort()
        return ids

    def match(self, text: str) -> TextHits:
        terms = words(text)
        if not terms:
            empty = np.empty(0, dtype=np.int64)
            return TextHits(empty, empty)
        return TextHits(self._ids(self._expression(terms, None)), self._ids(self._expression(terms, "title_text")))


class PostgreSQLText:
    def _query(self, terms: list[str]) -> str:
        return " & ".join(f"{w}:*" if len(w) >= PREFIX_FROM else w for w in terms)

    def _ids(self, vector: str, query: str) -> np.ndarray:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM atlas_searchdocument WHERE to_tsvector('simple'::regconfig, {vector}) "  # noqa: S608 (fixed expressions)
                "@@ to_tsquery('simple'::regconfig, %s)",
                [query],
            )
            ids = np.fromiter((row[0] for row in cursor.fetchall()), dtype=np.int64)
        ids.sort()
        return ids

    def match(self, text: str) -> TextHits:
        terms = words(text)
        if not terms:
            empty = np.empty(0, dtype=np.int64)
            return TextHits(empty, empty)
        query = self._query(terms)
        return TextHits(self._ids("title_text || ' ' || body_text", query), self._ids("title_text", query))


def text_backend():
    """The full-text backend of the default database."""
    if connection.vendor == "postgresql":
        return PostgreSQLText()
    if connection.vendor == "sqlite":
        return SQLiteText()
    raise NotImplementedError(f"the atlas has no full-text search for {connection.vendor}")
