"""Exact facet counts: the facet engine against a direct count over the index rows, on a
generated data set large enough to take every path (sparse pairs, dense bitsets, few hits)."""

import sys
from collections import Counter
from pathlib import Path

import pytest

from coopdec.atlas import facets, wordbits
from coopdec.atlas.filters import AtlasQuery
from coopdec.atlas.models import SearchDocument
from coopdec.atlas.search import text_backend
from coopdec.atlas.wordbits import as_mask
from coopdec.territories.models import Country

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

COLUMN = {
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
QUERIES = [
    {},
    {"type": "project"},
    {"country": ["FR", "SN"], "axis": "education"},
    {"continent": "AF", "status": ["2", "active"]},
    {"sector": ["140", "11220"], "start_year": "2010-2020"},
    {"q": "eau", "partner_country": "BF"},
    {"q": "jugend"},
    {"q": "cooperation", "type": ["project", "partnership"], "support": "technical", "form": "bilateral"},
]


@pytest.fixture
def generated(db):
    from synthetic import build

    build(480, seed=5, progress=lambda line: None)


def _values(row, name, continents):
    if name == "continent":
        return {continents.get(c) for c in row["countries"].split()} - {None, ""}
    raw = row[COLUMN[name]]
    if name == "start_year":
        return {str(raw)} if raw else set()
    values = set(str(raw).split()) if raw else set()
    return {v for v in values if len(v) == 3} if name == "sector" else values


def _matches(row, name, selected, continents):
    if name == "start_year":
        year = row["start_year"]
        return bool(year) and any(int(a) <= year <= int(b or a) for a, _s, b in (v.partition("-") for v in selected))
    if name == "sector":
        return bool(set(str(row["sectors"]).split()) & set(selected))
    return bool(_values(row, name, continents) & set(selected))


def _direct_counts(query: AtlasQuery) -> tuple[int, dict]:
    continents = dict(Country.objects.values_list("code", "continent"))
    rows = list(SearchDocument.objects.values())
    if query.q:
        ids = set(text_backend().match(query.q).ids.tolist())
        rows = [row for row in rows if row["id"] in ids]
    active = query.filters()
    total = sum(all(_matches(row, n, v, continents) for n, v in active.items()) for row in rows)
    counts = {}
    for name in [*COLUMN, "continent"]:
        counter = Counter()
        for row in rows:
            if all(_matches(row, n, v, continents) for n, v in active.items() if n != name):
                counter.update(_values(row, name, continents))
        counts[name] = dict(counter)
    return total, counts


@pytest.mark.parametrize("params", QUERIES)
@pytest.mark.parametrize("dense_fraction", [facets.DENSE_FRACTION, 4])
def test_facet_counts_equal_a_direct_count(generated, params, dense_fraction):
    query = AtlasQuery.from_params(params)
    engine = facets.Engine(facets.engine().version, dense_fraction=dense_fraction)
    text = text_backend().match(query.q) if query.q else None
    masks = (engine.id_mask(text.ids), engine.id_mask(text.title_ids)) if text else (None, None)
    result = engine.search(query, *masks)

    total, expected = _direct_counts(query)
    assert result.total == total
    assert result.counts == expected


def _snapshot(engine, text_masks):
    """What the atlas shows for every test query and sort: totals, counts and first pages."""
    out = []
    for params in QUERIES:
        for sort in ("title", "-updated", "-start_year"):
            query = AtlasQuery.from_params({**params, "sort": sort})
            masks = text_masks(engine, query)
            result = engine.search(query, *masks)
            out.append((result.total, result.counts, engine.doc_ids[result.page].tolist()))
    return out


def _database_masks(engine, query):
    if not query.q:
        return None, None
    text = text_backend().match(query.q)
    return engine.id_mask(text.ids), engine.id_mask(text.title_ids)


@pytest.fixture
def kept_words(monkeypatch):
    """Terms held by 20 documents or more kept in memory (the generated set is small)."""
    monkeypatch.setattr(wordbits, "WORD_MIN_HITS", 20)
    monkeypatch.setattr(wordbits, "WORD_FRACTION", 10**9)


def _assert_kept_sets_equal_the_database(engine):
    backend = text_backend()
    for term, (every, title) in engine.words.terms.items():
        hits = backend.hits([term], exact=True)
        assert (as_mask(every, engine.n) == engine.id_mask(hits.ids)).all(), term
        assert (as_mask(title, engine.n) == engine.id_mask(hits.title_ids)).all(), term
    for prefix, (every, title) in engine.words.prefixes.items():
        hits = backend.match(prefix)
        assert (as_mask(every, engine.n) == engine.id_mask(hits.ids)).all(), prefix
        assert (as_mask(title, engine.n) == engine.id_mask(hits.title_ids)).all(), prefix


def _assert_masks_equal_the_database(engine, texts):
    from coopdec.atlas.selectors import _text_masks

    for text in texts:
        every, title = _text_masks(engine, AtlasQuery.from_params({"q": text}))
        hits = text_backend().match(text)
        assert (every == engine.id_mask(hits.ids)).all(), text
        assert (title == engine.id_mask(hits.title_ids)).all(), text


TEXTS = ("cooperation", "coop", "eau potable", "jugend", "de", "zzzunknown", "water zzzunknown", "2015")


def test_engine_brought_up_to_date_equals_an_engine_built_afresh(
    generated, kept_words, django_capture_on_commit_callbacks
):
    from coopdec.atlas.selectors import _text_masks
    from coopdec.cooperation.models import Project

    before = facets.engine()
    assert {"cooperation", "eau"} <= set(before.words.terms)
    projects = list(Project.objects.order_by("id")[:3])
    with django_capture_on_commit_callbacks(execute=True):
        projects[0].title = {"fr": "Coopération pour l'eau potable à Dakar"}
        projects[0].planned_start = None
        projects[0].save()
        projects[1].delete()
        projects[2].publication_status = "draft"
        projects[2].save()

    after = facets.engine()
    fresh = facets.Engine(after.version)

    assert after.changes_since_saved > 0  # brought up to date, not rebuilt
    assert after.n == fresh.n
    assert (after.doc_ids == fresh.doc_ids).all()
    assert _snapshot(after, _text_masks) == _snapshot(fresh, _database_masks)
    _assert_kept_sets_equal_the_database(after)
    _assert_masks_equal_the_database(after, TEXTS)


def test_frequent_words_come_from_memory_rare_ones_from_the_database(generated, kept_words):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coopdec.atlas.selectors import _text_masks

    engine = facets.engine()
    _assert_masks_equal_the_database(engine, TEXTS)
    assert "cooperation" in engine.words.terms
    assert "zzzunknown" not in engine.words.vocabulary
    assert all(
        count < wordbits.threshold(engine.n)
        for term, count in engine.words.vocabulary.items()
        if term not in engine.words.terms
    )
    with CaptureQueriesContext(connection) as queries:
        _text_masks(engine, AtlasQuery.from_params({"q": "cooperation eau"}))
    assert len(queries) == 0  # every term of both words is kept


def test_prefix_whose_rare_terms_are_many_is_kept(generated, kept_words, monkeypatch):
    monkeypatch.setattr(wordbits, "OR_LIMIT", 1)
    engine = facets.Engine(facets.engine().version)
    engine.words.build(engine.id_mask)

    assert engine.words.prefixes
    _assert_kept_sets_equal_the_database(engine)
    _assert_masks_equal_the_database(engine, [*TEXTS, *list(engine.words.prefixes)[:5]])


def test_word_frequent_after_an_update_is_kept(generated, kept_words, monkeypatch, django_capture_on_commit_callbacks):
    from django.db.models import Count

    from coopdec.cooperation.models import Project

    monkeypatch.setattr(wordbits, "WORD_MIN_HITS", 5)
    before = facets.engine()
    assert "zorglub" not in before.words.vocabulary
    largest = Project.objects.values("partnership").annotate(projects=Count("id")).order_by("-projects")[0]
    assert largest["projects"] >= 5
    with django_capture_on_commit_callbacks(execute=True):
        for project in Project.objects.filter(partnership=largest["partnership"]):
            project.title = {"fr": f"Zorglub {project.pk}", "en": "Zorglubs"}
            project.save()

    after = facets.engine()

    assert after.changes_since_saved > 0  # brought up to date, not rebuilt
    assert {"zorglub", "zorglubs"} <= set(after.words.terms)
    _assert_kept_sets_equal_the_database(after)
    _assert_masks_equal_the_database(after, [*TEXTS, "zorglub", "zorg", "zorglub cooperation"])


def test_small_index_reads_no_vocabulary(generated):
    engine = facets.engine()

    assert engine.n < wordbits.threshold(engine.n)
    assert engine.words.vocabulary is None
    _assert_masks_equal_the_database(engine, TEXTS)


def test_synthetic_data_leaves_ids_free_for_new_records(generated):
    from tests.factories import make_organisation, make_partnership, make_project

    first, second = make_organisation("Ville de Test"), make_organisation("Commune de Test")
    project = make_project(partnership=make_partnership(first, second))

    assert project.pk > 0


@pytest.mark.parametrize("text", ["eau", "cooperation", "jugend", "dakar", "water"])
def test_relevance_page_of_few_hits_equals_the_walk_of_the_order(generated, text):
    engine = facets.Engine(facets.engine().version)
    matches = text_backend().match(text)
    every, title = engine.id_mask(matches.ids), engine.id_mask(matches.title_ids)
    assert 0 < every.sum() and 0 < (every & title).sum() < every.sum()
    few, walked = facets.Hits(every, engine.n), facets.Hits(every, engine.n)
    few.small, walked.small = True, False  # the sort of the hits alone, and the walk of the whole order

    for page in range(1, 2 + int(every.sum()) // 5):
        query = AtlasQuery.from_params({"q": text, "page": str(page), "page_size": "5"})
        assert engine.page(query, few, title).tolist() == engine.page(query, walked, title).tolist(), page


def test_counts_of_few_hits_from_value_columns_equal_a_walk_of_their_pairs(generated):
    import numpy as np

    engine = facets.Engine(facets.engine().version)
    rng = np.random.default_rng(7)
    kept = {}
    for fraction in (0.0, 0.01, 0.05, 0.3, 1.0):
        mask = rng.random(engine.n) < fraction
        hits = facets.Hits(mask, engine.n)
        hits.small = True  # whatever the count: the path of few hits
        for name, facet in engine.facets.items():
            _docs, values = facet._pairs_of(hits)
            assert facet.counts(hits).tolist() == np.bincount(values, minlength=len(facet.values)).tolist(), (
                name,
                fraction,
            )
            kept[name] = len(facet._value_columns()[0])
    assert kept["type"] == 1 and kept["country"] == 2  # one record type; partnerships in several countries
    assert (
        facets.Engine(engine.version).facets["country"]._value_columns()[1] is not None
    )  # networks hold more than two


@pytest.mark.parametrize(
    "params", [{"country": "FR"}, {"continent": "AF", "type": "project"}, {"q": "ville"}, {"kind": "municipality"}]
)
def test_map_points_are_the_most_connected_matching_organisations(generated, params, monkeypatch):
    from coopdec.atlas import selectors

    monkeypatch.setattr(selectors, "MAP_POINTS", 5)
    query = AtlasQuery.from_params(params)
    data = selectors.map_data(query)

    organisations = {**{k: v for k, v in params.items() if k != "type"}, "type": "organisation", "page_size": "100"}
    matching = selectors.search(AtlasQuery.from_params(organisations))
    assert matching.total == len(matching.items)
    ids = {item.object_id for item in matching.items}
    rows = sorted(
        SearchDocument.objects.filter(record_type="organisation", object_id__in=ids, latitude__isnull=False).values(),
        key=lambda row: (-row["partner_count"], row["id"]),
    )
    assert data["points_total"] == len(rows)
    assert [point[0] for point in data["points"]] == [row["object_id"] for row in rows[:5]]
    assert [point[3] for point in data["points"]] == [row["partner_count"] for row in rows[:5]]


def test_a_large_engine_serves_while_one_thread_updates_it_and_a_burst_costs_one_update(monkeypatch):
    import threading
    from types import SimpleNamespace

    versions, updates, finished = [2], [], threading.Event()

    def update(current, version):
        updates.append(version)
        finished.set()
        return SimpleNamespace(version=version, n=current.n)

    monkeypatch.setattr(facets, "refreshed", update)
    monkeypatch.setattr(facets, "current_version", lambda: versions[-1])
    monkeypatch.setattr(facets, "RELOAD_MIN_INTERVAL", 3600.0)
    monkeypatch.setattr(facets, "_next_reload", 0.0)
    monkeypatch.setattr(facets, "_engine", SimpleNamespace(version=1, n=facets.SYNC_RELOAD_LIMIT + 1))

    assert facets.engine().version == 1  # served at once, stale, while the thread works
    assert finished.wait(5)
    for _attempt in range(100):  # the thread sets the next update time after swapping the engine
        if not facets._reloading.is_set():
            break
        threading.Event().wait(0.01)
    assert facets.engine().version == 2

    versions.extend([3, 4])  # two more edits soon after: nothing starts before the interval is over
    finished.clear()
    assert facets.engine().version == 2
    assert not finished.wait(0.2)
    assert updates == [2]

    monkeypatch.setattr(facets, "_next_reload", 0.0)  # the interval is over: one update takes both edits
    facets.engine()
    assert finished.wait(5)
    assert updates == [2, 4]
