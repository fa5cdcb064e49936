"""PostgreSQL's stored text vectors (migration 0006): filled by the database on every write, equal to
the text's vectors, and what the searches, vocabulary and postings read."""

from collections import Counter

import numpy as np
import pytest
from django.db import connection

from coopdec.atlas import index
from coopdec.atlas.models import SearchDocument
from coopdec.atlas.search import text_backend

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stored tsvector columns exist on PostgreSQL only"
)

STALE = (
    "SELECT count(*) FROM atlas_searchdocument WHERE text_vector IS DISTINCT FROM "
    "strip(to_tsvector('simple'::regconfig, title_text || ' ' || body_text)) "
    "OR title_vector IS DISTINCT FROM strip(to_tsvector('simple'::regconfig, title_text))"
)


def _lexeme_ids(expression: str) -> dict[str, list[int]]:
    """Lexeme -> sorted ids of the documents whose ``expression`` vector holds it, computed from the text."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.lexeme, array_agg(d.id ORDER BY d.id) FROM atlas_searchdocument d, unnest({expression}) v "  # noqa: S608
            "GROUP BY v.lexeme"
        )
        return dict(cursor.fetchall())


def test_stored_vectors_follow_inserts_and_updates(atlas, django_capture_on_commit_callbacks):
    with connection.cursor() as cursor:
        cursor.execute(STALE)
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM atlas_searchdocument WHERE text_vector IS NULL OR title_vector IS NULL")
        assert cursor.fetchone()[0] == 0
    atlas.water.title = {"fr": "Château d'eau de Bambey"}
    with django_capture_on_commit_callbacks(execute=True):
        atlas.water.save()
        index.reindex(projects=[atlas.water.pk])
    with connection.cursor() as cursor:
        cursor.execute(STALE)
        assert cursor.fetchone()[0] == 0
    document = SearchDocument.objects.get(record_type="project", object_id=atlas.water.pk)
    assert text_backend().match("bambey").title_ids.tolist() == [document.pk]


def test_vocabulary_and_postings_equal_the_texts_vectors(atlas):
    every = _lexeme_ids("to_tsvector('simple'::regconfig, d.title_text || ' ' || d.body_text)")
    title = _lexeme_ids("to_tsvector('simple'::regconfig, d.title_text)")
    backend = text_backend()
    vocabulary, hits = backend.frequent_terms(1)
    assert vocabulary == {lexeme: len(ids) for lexeme, ids in every.items()}
    assert backend.vocabulary() == vocabulary
    assert set(hits) == set(every)
    for lexeme, found in hits.items():
        assert found.ids.tolist() == every[lexeme], lexeme
        assert found.title_ids.tolist() == title.get(lexeme, []), lexeme
    some = sorted(SearchDocument.objects.values_list("id", flat=True))[:3]
    expected = Counter(lexeme for lexeme, ids in every.items() for i in ids if i in some)
    assert backend.vocabulary(among=np.array(some)) == dict(expected)


def test_matches_among_equal_the_texts_vectors(atlas):
    every = _lexeme_ids("to_tsvector('simple'::regconfig, d.title_text || ' ' || d.body_text)")
    title = _lexeme_ids("to_tsvector('simple'::regconfig, d.title_text)")
    among = np.array(sorted(SearchDocument.objects.values_list("id", flat=True)))
    terms = sorted(every)[:20]
    found = text_backend().matches_among(terms, among, exact=True)
    for term in terms:
        assert found[term].ids.tolist() == every[term], term
        assert found[term].title_ids.tolist() == title.get(term, []), term


def test_match_uses_the_stored_vector_indexes(atlas):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM atlas_searchdocument WHERE text_vector @@ to_tsquery('simple', 'dakar')")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(
            "EXPLAIN SELECT id FROM atlas_searchdocument WHERE title_vector @@ to_tsquery('simple', 'dakar')"
        )
        title_plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'atlas_searchdocument' AND indexdef LIKE '%%gin%%' "
            "ORDER BY 1"
        )
        gin = [row[0] for row in cursor.fetchall()]
    assert "atlas_document_text_vector" in plan
    assert "atlas_document_title_vector" in title_plan
    assert gin == ["atlas_document_text_vector", "atlas_document_title_vector"]
