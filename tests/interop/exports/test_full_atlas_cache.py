"""The whole-atlas downloads: built once per atlas index version by a task, then served from the
stored file; downloads count against their own, smaller rate limit."""

import pytest
from django_tasks_db.models import DBTaskResult

from coopdec.atlas.index import bump_version
from coopdec.interop.exports.cache import full_atlas_path
from tests.atlas.conftest import build_atlas
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def atlas(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        return build_atlas()


def _get(client, url, capture, **extra):
    with capture(execute=True):  # the build task is queued once the request's work commits
        response = client.get(url, **extra)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_full_atlas_download_is_served_from_the_stored_file_until_the_index_changes(
    client, atlas, django_capture_on_commit_callbacks
):
    first, body = _get(client, "/api/v1/downloads/atlas.csv", django_capture_on_commit_callbacks)
    assert first.status_code == 200
    stored = full_atlas_path("csv")
    assert stored.read_bytes() == body
    assert f"{atlas.water.pk},".encode() in body
    stored.write_bytes(b"record_type,id\r\nstored,1\r\n")  # what is served is the stored file

    again, body = _get(client, "/api/v1/downloads/atlas.csv", django_capture_on_commit_callbacks)
    assert (again.status_code, body) == (200, b"record_type,id\r\nstored,1\r\n")
    assert again["Content-Type"] == "text/csv; charset=utf-8"
    assert again["Content-Disposition"].startswith('attachment; filename="coopdec-atlas-')

    bump_version()  # the atlas changed: the next download is built afresh, the old file removed
    rebuilt, body = _get(client, "/api/v1/downloads/atlas.csv", django_capture_on_commit_callbacks)
    assert rebuilt.status_code == 200
    assert f"{atlas.water.pk},".encode() in body
    assert full_atlas_path("csv").read_bytes() == body
    assert not stored.exists()


def test_full_atlas_download_answers_202_while_a_single_build_runs(
    client, atlas, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    for _n in range(2):
        waiting, _body = _get(client, "/api/v1/downloads/atlas.geojson", django_capture_on_commit_callbacks)
        assert waiting.status_code == 202
        assert waiting["Retry-After"] == "10"
        assert waiting.json()["error"] == "building"
    assert DBTaskResult.objects.count() == 1  # asked twice, queued once

    run_worker()

    ready, body = _get(client, "/api/v1/downloads/atlas.geojson", django_capture_on_commit_callbacks)
    assert ready.status_code == 200
    assert ready["Content-Type"] == "application/geo+json"
    assert body == full_atlas_path("geojson").read_bytes()
    assert b'"FeatureCollection"' in body


def test_filtered_download_is_streamed_and_stores_nothing(client, atlas, django_capture_on_commit_callbacks):
    response, _body = _get(client, "/api/v1/downloads/atlas.csv?type=project", django_capture_on_commit_callbacks)
    assert (response.status_code, response.streaming) == (200, True)
    assert not full_atlas_path("csv").exists()


def test_downloads_over_their_own_budget_get_429_with_retry_after(
    client, atlas, settings, django_capture_on_commit_callbacks
):
    settings.API_RATE_HEAVY = "2/min"
    for _n in range(2):
        assert (
            _get(client, "/api/v1/downloads/atlas.csv?type=project", django_capture_on_commit_callbacks)[0].status_code
            == 200
        )
    refused, _body = _get(client, "/api/v1/downloads/atlas.csv", django_capture_on_commit_callbacks)
    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert client.get("/api/v1/axes").status_code == 200  # the general budget is not spent
    other = _get(
        client, "/api/v1/downloads/atlas.csv?type=project", django_capture_on_commit_callbacks, REMOTE_ADDR="10.0.0.9"
    )[0]
    assert other.status_code == 200  # per address
