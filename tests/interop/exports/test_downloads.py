"""Downloads of atlas searches: CSV, XLSX and GeoJSON; formulas neutralised; streamed."""

import csv
import io
import json
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from coopdec.atlas.filters import AtlasQuery
from coopdec.interop.exports import FORMATS
from coopdec.interop.exports.formats import csv as csv_format
from coopdec.interop.exports.formats import geojson as geojson_format
from coopdec.interop.exports.rows import COLUMNS, atlas_rows
from tests.atlas.conftest import build_atlas
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def atlas(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        data = build_atlas()
        make_organisation('=HYPERLINK("http://evil.example","click")', geonameid=None, kind="ngo", country_id="FR")
    return data


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_csv_download_of_a_search(client, atlas):
    response = client.get("/api/v1/downloads/atlas.csv?type=project&country=FR")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="coopdec-atlas-')
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert rows[0][:3] == ["record_type", "id", "title"]
    ids = {int(row[1]) for row in rows[1:]}
    assert atlas.water.pk in ids
    assert atlas.draft_project.pk not in ids
    assert all(row[0] == "project" for row in rows[1:])


def test_csv_neutralises_formulas(client, atlas):
    text = _body(client.get("/api/v1/downloads/atlas.csv?type=organisation")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    titles = [row[2] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","click")' in titles
    assert not any(title.startswith(("=", "+", "-", "@")) for title in titles)


def test_xlsx_opens_and_neutralises_formulas(client, atlas):
    response = client.get("/api/v1/downloads/atlas.xlsx?type=organisation")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(_body(response)), read_only=True)
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("record_type", "id")
    titles = [row[2] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","click")' in titles
    assert "Ville de Paris" in titles


def test_geojson_is_a_valid_feature_collection(client, atlas):
    response = client.get("/api/v1/downloads/atlas.geojson?type=organisation&country=SN")
    assert response["Content-Type"] == "application/geo+json"
    document = json.loads(_body(response))
    assert document["type"] == "FeatureCollection"
    names = {feature["properties"]["title"] for feature in document["features"]}
    assert names == {"Ville de Dakar", "Commune de Saint-Louis"}
    dakar = next(f for f in document["features"] if f["properties"]["title"] == "Ville de Dakar")
    longitude, latitude = dakar["geometry"]["coordinates"]
    assert dakar["geometry"]["type"] == "Point"
    assert round(latitude) == 15 and round(longitude) == -17


def test_download_of_everything_and_unknown_filter(client, atlas):
    everything = json.loads(_body(client.get("/api/v1/downloads/atlas.geojson")))
    assert len(everything["features"]) == 6 + 1 + 3 + 3  # organisations, partnerships, projects
    refused = client.get("/api/v1/downloads/atlas.csv?colour=red")
    assert refused.status_code == 400
    assert refused.json()["error"] == "unknown_parameter"
    assert client.get("/api/v1/downloads/atlas.pdf").status_code == 400


def test_rows_are_read_chunk_by_chunk(atlas):
    rows = atlas_rows(AtlasQuery(), chunk=2)
    with CaptureQueriesContext(connection) as queries:
        first = next(rows)
    assert first["record_type"] in {"organisation", "partnership", "project"}
    assert len(queries) <= 2  # the first chunk only
    assert queries[-1]["sql"].count("LIMIT") + queries[-1]["sql"].count("FETCH") <= 1
    filtered = atlas_rows(AtlasQuery.from_params({"type": "project"}), chunk=2)
    assert len(list(filtered)) == 3


def test_streaming_formats_do_not_hold_the_rows():
    """20,000 rows through CSV and GeoJSON with a memory peak far below their size."""

    def many(n):
        for i in range(n):
            yield {"record_type": "project", "id": i, "title": f"Projet {i}", "latitude": 14.7, "longitude": -17.4}

    for module in (csv_format, geojson_format):
        response = FORMATS[module.FORMAT.name].response(many(20_000), columns=COLUMNS, filename="x")
        assert response.streaming
        tracemalloc.start()
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert size > 800_000
        assert peak < 1_000_000, (module.__name__, peak)
