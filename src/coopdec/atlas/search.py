"""Full-text search over the atlas documents, behind one interface for SQLite and PostgreSQL.

``text_backend().match(text) -> TextHits``: the ids of the documents matching every word of
``text`` (accents and case ignored: the query is folded like the indexed text), and the subset
whose title matches (ranked first). Words of four letters or more match as prefixes ("coop"
finds "coopération", "water" finds "waters").

- SQLite: an FTS5 table (``unicode61 remove_diacritics 2`` tokenizer, prefix index) kept in
  sync with ``atlas_searchdocument`` by triggers (migration 0002).
- PostgreSQL: the vectors ``strip(to_tsvector('simple', ...))`` of the folded text (no stemming, so
  every language is treated alike; folding replaces the ``unaccent`` extension), stored in the
  generated columns ``text_vector`` (title and body) and ``title_vector`` and GIN-indexed
  (migration 0006): matches, the vocabulary and the lexemes' postings read them as stored, and
  never parse the text again.

Both index text folded by ``fold_text`` (lower case, accents removed), and queries are folded the
same way, so the databases compare plain words.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction

MAX_WORDS = 8
PREFIX_FROM = 4
_WORD = re.compile(r"[^\W_]+")  # letters and digits; "_" separates words, as in the FTS5 tokenizer
# Combining marks of Latin, Greek, Cyrillic, Hebrew and Arabic scripts (after NFKD decomposition).
_MARKS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u064b-\u065f\u0670\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
_SPECIAL = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ł": "l",
    "ı": "i",
    "ħ": "h",
    "’": "'",
}
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


def is_word(text: str) -> bool:
    """Whether ``text`` could be one word of a query (letters and digits only)."""
    return bool(_WORD.fullmatch(text))


def tokens(folded: str) -> set[str]:
    """The distinct words of an already folded text."""
    return set(_WORD.findall(folded))


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
        sql = "INSERT INTO atlas_search_fts(atlas_search_fts, rowid, title_text, body_text) "
        sql += "SELECT 'delete', id, title_text, body_text "
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

    def _expression(self, terms: list[str], column: str | None, *, exact: bool = False) -> str:
        """Query words ANDed (prefixes from PREFIX_FROM letters), or with ``exact`` indexed terms
        ORed (as the vocabulary lists them)."""
        if exact:
            expression = " OR ".join('"{}"'.format(t.replace('"', '""')) for t in terms)
        else:
            expression = " AND ".join(f'"{w}"*' if len(w) >= PREFIX_FROM else f'"{w}"' for w in terms)
        return f"{{{column}}} : ({expression})" if column else expression

    def ids(
        self, terms: list[str], *, title: bool = False, among: np.ndarray | None = None, exact: bool = False
    ) -> np.ndarray:
        """Sorted ids of the documents holding every term (in their title with ``title``), among
        the sorted ids ``among`` when given; with ``exact``, those holding any of these indexed
        terms. The ids come back as one text (``group_concat``): half a million rows cost no
        Python object each."""
        sql = "SELECT group_concat(rowid) FROM atlas_search_fts WHERE atlas_search_fts MATCH %s"
        params: list = [self._expression(terms, "title_text" if title else None, exact=exact)]
        if among is not None:
            if not len(among):
                return np.empty(0, dtype=np.int64)
            sql += " AND rowid BETWEEN %s AND %s"
            params += [int(among[0]), int(among[-1])]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            text = cursor.fetchone()[0]
        return _within(_parse_ids(text), among)

    def hits(self, terms: list[str], *, exact: bool = False) -> TextHits:
        """``ids`` of every match and of title matches."""
        return TextHits(self.ids(terms, exact=exact), self.ids(terms, title=True, exact=exact))

    def match(self, text: str) -> TextHits:
        terms = words(text)
        if not terms:
            return _no_hits()
        return self.hits(terms)

    def vocabulary(self, among: np.ndarray | None = None) -> dict[str, int]:
        """Every indexed term and the number of documents holding it, exact, read from FTS5's own
        index (``fts5vocab``: no document text is read); with ``among``, over those documents
        only (a few: those just added)."""
        with connection.cursor() as cursor:
            if among is None:
                cursor.execute(
                    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.atlas_search_vocab USING fts5vocab(main, "
                    "atlas_search_fts, 'row')"
                )
                cursor.execute("SELECT term, doc FROM temp.atlas_search_vocab")
                return dict(cursor.fetchall())
            with self._delta(cursor, among):
                cursor.execute(
                    "CREATE VIRTUAL TABLE temp.atlas_delta_vocab USING fts5vocab(temp, atlas_delta_fts, 'row')"
                )
                try:
                    cursor.execute("SELECT term, doc FROM temp.atlas_delta_vocab")
                    return dict(cursor.fetchall())
                finally:
                    cursor.execute("DROP TABLE IF EXISTS temp.atlas_delta_vocab")

    def frequent_terms(self, limit: int) -> tuple[dict[str, int], dict[str, TextHits]]:
        """(every indexed term -> documents holding it, exact; term -> hits of those held by at
        least ``limit`` documents), the hits read from FTS5's index term by term (a few ms per
        hundred thousand hits)."""
        vocabulary = self.vocabulary()
        return vocabulary, {term: self.hits([term], exact=True) for term, count in vocabulary.items() if count >= limit}

    @contextmanager
    def _delta(self, cursor, among: np.ndarray):
        """A temporary FTS5 table, same tokenizer, holding the documents ``among``."""
        cursor.execute("DROP TABLE IF EXISTS temp.atlas_delta_fts")
        cursor.execute(
            "CREATE VIRTUAL TABLE temp.atlas_delta_fts USING fts5(title_text, body_text, "
            "tokenize='unicode61 remove_diacritics 2', detail='column')"
        )
        try:
            for start in range(0, len(among), 500):
                chunk = [int(i) for i in among[start : start + 500]]
                cursor.execute(
                    "INSERT INTO temp.atlas_delta_fts(rowid, title_text, body_text) SELECT id, title_text, body_text "  # noqa: S608
                    f"FROM atlas_searchdocument WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
            yield
        finally:
            cursor.execute("DROP TABLE IF EXISTS temp.atlas_delta_fts")

    def matches_among(self, terms: list[str], among: np.ndarray, *, exact: bool = False) -> dict[str, TextHits]:
        """Per query word (with ``exact``: per indexed term), which of the documents ``among`` (a
        few: those just added) match it: their text goes into a temporary FTS5 table with the
        same tokenizer, so each term costs microseconds instead of a walk through the term's hits
        in the whole index."""
        out = {}
        with connection.cursor() as cursor, self._delta(cursor, among):
            for term in terms:
                found = []
                for column in (None, "title_text"):
                    cursor.execute(
                        "SELECT group_concat(rowid) FROM temp.atlas_delta_fts WHERE atlas_delta_fts MATCH %s",
                        [self._expression([term], column, exact=exact)],
                    )
                    found.append(_parse_ids(cursor.fetchone()[0]))
                out[term] = TextHits(found[0], found[1])
        return out


def _parse_ids(text: str | None) -> np.ndarray:
    """Sorted ids from a comma-separated text (numpy's C parser: no Python object per id)."""
    if not text:
        return np.empty(0, dtype=np.int64)
    ids = np.fromstring(text, dtype=np.int64, sep=",")
    ids.sort()
    return ids


def _within(ids: np.ndarray, among: np.ndarray | None) -> np.ndarray:
    if among is None or not len(ids):
        return ids
    found = np.minimum(np.searchsorted(among, ids), len(among) - 1)
    return ids[among[found] == ids]


def _no_hits() -> TextHits:
    empty = np.empty(0, dtype=np.int64)
    return TextHits(empty, empty)


class PostgreSQLText:
    """Stored, GIN-indexed vector columns (``text_vector``, ``title_vector``): PostgreSQL keeps
    them current by itself."""

    CHUNK = 100_000  # documents per pass of ``frequent_terms``

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

    @staticmethod
    def _lexemes(terms: list[str]) -> str:
        """A tsquery, as its text form, matching any of these lexemes exactly as indexed (the
        ``::tsquery`` cast parses nothing further)."""
        return " | ".join("'{}'".format(t.replace("\\", "\\\\").replace("'", "''")) for t in terms)

    def ids(
        self, terms: list[str], *, title: bool = False, among: np.ndarray | None = None, exact: bool = False
    ) -> np.ndarray:
        """Sorted ids of the documents holding every term (in their title with ``title``), among
        the sorted ids ``among`` when given; with ``exact``, those holding any of these indexed
        lexemes. The ids come back as one binary string (8 bytes each): half a million rows cost
        no Python object each."""
        if among is not None and not len(among):
            return np.empty(0, dtype=np.int64)
        with transaction.atomic(), connection.cursor() as cursor:
            self._settings(cursor)
            return self._ids(cursor, terms, title=title, among=among, exact=exact)

    def hits(self, terms: list[str], *, exact: bool = False) -> TextHits:
        """``ids`` of every match and of title matches, in one transaction."""
        with transaction.atomic(), connection.cursor() as cursor:
            self._settings(cursor)
            return TextHits(self._ids(cursor, terms, exact=exact), self._ids(cursor, terms, title=True, exact=exact))

    @staticmethod
    def _settings(cursor) -> None:
        """For this transaction: no JIT compilation (the planned cost of a large match crosses its
        threshold; compiling costs more than it saves); room for an exact bitmap of a million
        hits (a lossy one makes PostgreSQL recheck every row of its pages, reading each one's stored
        vector); no sequential scan (a word held by most documents makes the planner prefer one,
        which reads every row's vector: the GIN index is always cheaper)."""
        cursor.execute(
            "SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true), "
            "set_config('enable_seqscan', 'off', true)"
        )

    def _ids(
        self, cursor, terms: list[str], *, title: bool = False, among: np.ndarray | None = None, exact: bool = False
    ) -> np.ndarray:
        vector = "title_vector" if title else "text_vector"
        query = "%s::tsquery" if exact else "to_tsquery('simple'::regconfig, %s)"
        sql = (
            "SELECT string_agg(int8send(id), ''::bytea) FROM atlas_searchdocument "  # noqa: S608 (fixed expressions)
            f"WHERE {vector} @@ {query}"
        )
        params: list = [self._lexemes(terms) if exact else self._query(terms)]
        if among is not None:
            sql += " AND id = ANY(%s)"
            params.append([int(i) for i in among])
        cursor.execute(sql, params)
        data = cursor.fetchone()[0]
        ids = np.frombuffer(bytes(data), dtype=">i8").astype(np.int64) if data else np.empty(0, dtype=np.int64)
        ids.sort()
        return ids

    def match(self, text: str) -> TextHits:
        terms = words(text)
        if not terms:
            return _no_hits()
        return self.hits(terms)

    def frequent_terms(self, limit: int) -> tuple[dict[str, int], dict[str, TextHits]]:
        """(every indexed lexeme -> documents holding it, exact; lexeme -> hits of those held by
        at least ``limit`` documents). One pass over the documents' stored vectors, in id ranges of
        CHUNK documents (each range's postings aggregated by the server, sent as one binary
        string per lexeme), rather than one index query per frequent lexeme: a GIN query visits
        every matching row, ten minutes for a thousand lexemes at 1M documents."""
        every: dict[str, list[np.ndarray]] = {}
        title: dict[str, list[np.ndarray]] = {}
        with connection.cursor() as cursor:
            cursor.execute("SELECT min(id), max(id) FROM atlas_searchdocument")
            low, high = cursor.fetchone()
        for start in range(low or 0, (high or -1) + 1, self.CHUNK):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', '256MB', true)")
                for vector, out in (("d.text_vector", every), ("d.title_vector", title)):
                    cursor.execute(
                        "SELECT v.lexeme, string_agg(int8send(d.id), ''::bytea) FROM atlas_searchdocument d, "  # noqa: S608 (fixed expressions)
                        f"unnest(tsvector_to_array({vector})) v(lexeme) WHERE d.id BETWEEN %s AND %s GROUP BY v.lexeme",
                        [start, start + self.CHUNK - 1],
                    )
                    for lexeme, data in cursor.fetchall():
                        out.setdefault(lexeme, []).append(np.frombuffer(bytes(data), dtype=">i8").astype(np.int64))
        vocabulary = {lexeme: sum(len(part) for part in parts) for lexeme, parts in every.items()}
        empty = np.empty(0, dtype=np.int64)
        hits = {
            lexeme: TextHits(
                np.sort(np.concatenate(every[lexeme])), np.sort(np.concatenate(title.get(lexeme) or [empty]))
            )
            for lexeme, count in vocabulary.items()
            if count >= limit
        }
        return vocabulary, hits

    def vocabulary(self, among: np.ndarray | None = None) -> dict[str, int]:
        """Every indexed lexeme and the number of documents holding it, exact (one pass over the
        stored vectors the GIN index is built from; no text is parsed); with ``among``, over those
        documents only (a few: those just added)."""
        sql = (
            "SELECT v.lexeme, count(*) FROM atlas_searchdocument d, unnest(tsvector_to_array(d.text_vector)) v(lexeme)"
        )
        params: list = []
        if among is not None:
            sql += " WHERE d.id = ANY(%s)"
            params.append([int(i) for i in among])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(sql + " GROUP BY v.lexeme", params)
            return dict(cursor.fetchall())

    def matches_among(self, terms: list[str], among: np.ndarray, *, exact: bool = False) -> dict[str, TextHits]:
        """Per query word (with ``exact``: per indexed lexeme), which of the documents ``among``
        (a few: those just added) match it, in one query: each document's stored vectors are read
        once and tested against every term."""
        out: dict[str, tuple[list[int], list[int]]] = {term: ([], []) for term in terms}
        if len(among) and terms:
            query = "t.query::tsquery" if exact else "to_tsquery('simple'::regconfig, t.query)"
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
                sql = (
                    "WITH d AS (SELECT id, text_vector AS every, title_vector AS title "  # noqa: S608
                    "FROM atlas_searchdocument WHERE id = ANY(%s)) "
                    f"SELECT t.term, d.id, d.every @@ {query}, d.title @@ {query} "  # (fixed expressions)
                    "FROM d, unnest(%s::text[], %s::text[]) AS t(term, query)"
                )
                cursor.execute(
                    sql,
                    [
                        [int(i) for i in among],
                        terms,
                        [self._lexemes([t]) if exact else self._query([t]) for t in terms],
                    ],
                )
                for term, doc_id, in_every, in_title in cursor.fetchall():
                    if in_every:
                        out[term][0].append(doc_id)
                    if in_title:
                        out[term][1].append(doc_id)
        return {
            term: TextHits(np.sort(np.array(a, dtype=np.int64)), np.sort(np.array(t, dtype=np.int64)))
            for term, (a, t) in out.items()
        }


def text_backend():
    """The full-text backend of the default database."""
    if connection.vendor == "postgresql":
        return PostgreSQLText()
    if connection.vendor == "sqlite":
        return SQLiteText()
    raise NotImplementedError(f"the atlas has no full-text search for {connection.vendor}")
