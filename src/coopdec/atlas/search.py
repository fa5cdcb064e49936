"""Full-text search over the atlas documents, behind one interface for SQLite and PostgreSQL.

``text_backend().match(text) -> TextHits``: the ids of the documents matching every word of
``text`` (accents and case ignored: the query is folded like the indexed text), and the subset
whose title matches (ranked first). Words of four letters or more match as prefixes ("coop"
finds "coopération", "water" finds "waters").

- SQLite: an FTS5 table (``unicode61 remove_diacritics 2`` tokenizer, prefix index) kept in
  sync with ``atlas_searchdocument`` by triggers (migration 0002).
- PostgreSQL: GIN indexes on ``to_tsvector('simple', ...)`` of the folded text (no stemming, so
  every language is treated alike; folding replaces the ``unaccent`` extension).

Both index text folded by ``fold_text`` (lower case, accents removed), and queries are folded the
same way, so the databases compare plain words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from django.db import connection

MAX_WORDS = 8
PREFIX_FROM = 4
_WORD = re.compile(r"[^\W_]+")  # letters and digits; "_" separates words, as in the FTS5 tokenizer
# Combining marks of Latin, Greek, Cyrillic, Hebrew and Arabic scripts (after NFKD decomposition).
_MARKS = re.compile("[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u064b-\u065f\u0670\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SPECIAL = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ı": "i", "ħ": "h", "’": "'"}
_SPECIAL_RE = re.compile("[" + "".join(_SPECIAL) + "]")


def fold_text(text: str) -> str:
    """Lower case, no accents, single spaces: ``coopdec.common.text.fold`` for long texts (a
    regular expression removes the combining marks instead of a Python loop over characters).
    The index and the queries both use it."""
    if not text:
        return ""
    text = text.lower()
    if not text.isascii():
        text = _SPECIAL_RE.sub(lambda match: _SPECIAL[match.group()], text)
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return " ".join(text.split())  # the same as re.sub(r"\s+", " ", text).strip(), several times faster


def words(text: str) -> list[str]:
    """The folded words of a query, in order, without repeats (at most MAX_WORDS)."""
    seen: list[str] = []
    for word in _WORD.findall(fold_text(text)):
        if word not in seen and (len(word) > 1 or word.isdigit()):
            seen.append(word)
    return seen[:MAX_WORDS]


@dataclass(frozen=True)
class TextHits:
    ids: np.ndarray  # sorted document ids matching the text
    title_ids: np.ndarray  # sorted document ids whose title matches


class SQLiteText:
    """FTS5 external-content table over atlas_searchdocument, written by ``coopdec.atlas.index``."""

    @staticmethod
    def added(first_id: int) -> None:
        """Index the documents inserted with an id >= ``first_id``."""
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO atlas_search_fts(rowid, title_text, body_text) "
                "SELECT id, title_text, body_text FROM atlas_searchdocument WHERE id >= %s",
                [first_id],
            )

    @staticmethod
    def removing(where: str, params: list) -> None:
        """Unindex the documents matching ``where`` (call before deleting them)."""
        sql = "INSERT INTO atlas_search_fts(atlas_search_fts, rowid, title_text, body_text) SELECT 'delete', id, title_text, body_text "
        sql += f"FROM atlas_searchdocument WHERE {where}"  # noqa: S608 (``where`` is built by the index, values are parameters)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    @staticmethod
    def clear() -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO atlas_search_fts(atlas_search_fts) VALUES ('delete-all')")

    @staticmethod
    def optimise() -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO atlas_search_fts(atlas_search_fts) VALUES ('optimize')")

    def _expression(self, terms: list[str], column: str | None) -> str:
        parts = [f'"{w}"*' if len(w) >= PREFIX_FROM else f'"{w}"' for w in terms]
        expression = " AND ".join(parts)
        return f"{{{column}}} : ({expression})" if column else expression

    def _ids(self, expression: str) -> np.ndarray:
        return _sorted_ids("SELECT rowid FROM atlas_search_fts WHERE atlas_search_fts MATCH %s", [expression])

    def match(self, text: str) -> TextHits:
        terms = words(text)
        if not terms:
            return _no_hits()
        return TextHits(self._ids(self._expression(terms, None)), self._ids(self._expression(terms, "title_text")))


def _sorted_ids(sql: str, params: list) -> np.ndarray:
    """The ids a text query returns, as a sorted array (the facet engine intersects sorted arrays)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = np.fromiter((row[0] for row in cursor.fetchall()), dtype=np.int64)
    ids.sort()
    return ids


def _no_hits() -> TextHits:
    empty = np.empty(0, dtype=np.int64)
    return TextHits(empty, empty)


class PostgreSQLText:
    """GIN expression indexes: PostgreSQL keeps them current by itself."""

    @staticmethod
    def added(first_id: int) -> None:
        pass

    @staticmethod
    def removing(where: str, params: list) -> None:
        pass

    @staticmethod
    def clear() -> None:
        pass

    @staticmethod
    def optimise() -> None:
        pass

    def _query(self, terms: list[str]) -> str:
        return " & ".join(f"{w}:*" if len(w) >= PREFIX_FROM else w for w in terms)

    def _ids(self, vector: str, query: str) -> np.ndarray:
        return _sorted_ids(
            f"SELECT id FROM atlas_searchdocument WHERE to_tsvector('simple'::regconfig, {vector}) "  # noqa: S608 (fixed expressions)
            "@@ to_tsquery('simple'::regconfig, %s)",
            [query],
        )

    def match(self, text: str) -> TextHits:
        terms = words(text)
        if not terms:
            return _no_hits()
        query = self._query(terms)
        return TextHits(self._ids("title_text || ' ' || body_text", query), self._ids("title_text", query))


def text_backend():
    """The full-text backend of the default database."""
    if connection.vendor == "postgresql":
        return PostgreSQLText()
    if connection.vendor == "sqlite":
        return SQLiteText()
    raise NotImplementedError(f"the atlas has no full-text search for {connection.vendor}")
