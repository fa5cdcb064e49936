"""Exact facet counts: the facet engine against a direct count over the index rows, on a
generated data set large enough to take every path (sparse pairs, dense bitsets, few hits)."""

import sys
from collections import Counter
from pathlib import Path

import pytest

from coopdec.atlas import facets, selectors
from coopdec.atlas.filters import AtlasQuery
from coopdec.atlas.models import SearchDocument
from coopdec.territories.models import Country

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

COLUMN = {"type": "record_type", "country": "countries", "partner_country": "partner_countries", "axis": "axes",
          "sector": "sectors", "sdg": "sdgs", "form": "form", "kind": "kind", "status": "status", "support": "supports",
          "start_year": "start_year"}
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
        ids = set(selectors.text_backend().match(query.q).ids.tolist())
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
    text = selectors.text_backend().match(query.q) if query.q else None
    masks = (engine.id_mask(text.ids), engine.id_mask(text.title_ids)) if text else (None, None)
    result = engine.search(query, *masks)

    total, expected = _direct_counts(query)
    assert result.total == total
    assert result.counts == expected
