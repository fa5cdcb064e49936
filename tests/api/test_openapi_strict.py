"""The OpenAPI document as browsers parse it: no key twice in one object (Swagger UI refuses such a
document, and json.loads would silently keep the last value)."""

import json

import pytest

pytestmark = pytest.mark.django_db


def _no_duplicate_keys(pairs):
    keys = [key for key, _value in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicates, f"keys given twice in one object of openapi.json: {duplicates} among {keys}"
    return dict(pairs)


def test_openapi_document_has_no_key_twice(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    json.loads(response.content, object_pairs_hook=_no_duplicate_keys)


def test_openapi_download_answers_one_200_with_each_file_type(client):
    responses = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/downloads/atlas.{fmt}"]["get"]["responses"]
    assert "200" in responses
    assert set(responses["200"]["content"]) >= {
        "text/csv",
        "application/geo+json",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
