"""The web import runs in a background task, written in batches that commit one by one."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from coopdec.actors.models import Organisation
from coopdec.common.models import PublicationStatus
from coopdec.cooperation.models import Partnership
from coopdec.interop.models import SpreadsheetImport
from coopdec.interop.spreadsheet.jobs import spreadsheet_import_run
from coopdec.interop.spreadsheet.services import spreadsheet_parse
from coopdec.interop.spreadsheet.storage import upload_read, upload_store
from tests import factories
from tests.worker import run_worker

from .test_import import ROWS, as_csv

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def editor():
    return factories.make_member(factories.make_organisation("Ville de Paris"))


def test_web_import_enqueues_a_task_that_the_worker_runs(client, editor, settings):
    settings.TASKS = DATABASE_TASKS
    client.force_login(editor)
    upload = SimpleUploadedFile("partners.csv", as_csv(ROWS), content_type="text/csv")
    preview = client.post(reverse("interop:import_upload"), {"file": upload})
    before = Organisation.objects.count()
    confirmed = client.post(preview.url, {"confirm": "1"})
    job = SpreadsheetImport.objects.get()
    assert confirmed.url == reverse("interop:import_status", args=[job.pk])
    assert list(DBTaskResult.objects.values_list("status", "args_kwargs")) == [
        ("READY", {"args": [job.pk], "kwargs": {}})
    ]
    assert Organisation.objects.count() == before  # nothing written by the request
    waiting = client.get(confirmed.url)
    assert b'http-equiv="refresh"' in waiting.content

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_done, job.rows_refused) == ("done", 3, 3, 2)
    assert job.summary["partnerships_created"] == 2
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    drafts = Organisation.objects.filter(pk__in=job.organisation_ids, publication_status=PublicationStatus.DRAFT)
    assert drafts.count() == job.summary["organisations_created"] == Organisation.objects.count() - before
    result = client.get(confirmed.url)
    assert b'http-equiv="refresh"' not in result.content
    assert reverse("cooperation:partnership_detail", args=[job.partnership_ids[0]]).encode() in result.content
    assert reverse("actors:organisation_detail", args=[drafts.first().pk]).encode() in result.content
    assert upload_read(token=job.token) is None  # the stored upload is removed once imported


def test_import_status_is_for_its_uploader_and_coordinators(client, editor):
    job = SpreadsheetImport.objects.create(token="t1", user=editor, filename="a.csv")
    url = reverse("interop:import_status", args=[job.pk])
    other = factories.make_member(factories.make_organisation("Dakar", geonameid=2253354))
    client.force_login(other)
    assert client.get(url).status_code == 403
    client.force_login(editor)
    assert client.get(url).status_code == 200


def _crash_at_partnership(number: int):
    """An execute wrapper that raises when the ``number``-th partnership is inserted (the worker dies)."""
    inserts = []

    def crash(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "cooperation_partnership"'):
            inserts.append(sql)
            if len(inserts) == number:
                raise RuntimeError("worker killed")
        return execute(sql, params, many, context)

    return crash


def _stored_job(editor) -> SpreadsheetImport:
    token = upload_store(parsed=spreadsheet_parse(as_csv(ROWS), filename="a.csv"), user=editor, filename="a.csv")
    return SpreadsheetImport.objects.create(token=token, user=editor, filename="a.csv")  # as enqueued


def test_interrupted_import_keeps_whole_batches_and_resumes_without_duplicates(editor):
    job = _stored_job(editor)
    # batch_seconds=0: each batch commits after its first chunk, here two rows (one partnership).
    batches = {"batch_seconds": 0, "chunk_rows": 2, "pause": 0}
    with connection.execute_wrapper(_crash_at_partnership(2)):  # in the second batch
        spreadsheet_import_run(job_id=job.pk, **batches)
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.summary["partnerships_created"]) == ("failed", 2, 1)
    assert Partnership.objects.filter(pk__in=job.partnership_ids).count() == 1  # the first batch was kept

    spreadsheet_import_run(job_id=job.pk, **batches)
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.error) == ("done", 3, "")
    assert job.summary["partnerships_created"] == 2
    assert Partnership.objects.count() == 2
    rerun = spreadsheet_import_run(job_id=job.pk, **batches)
    assert (rerun.status, Partnership.objects.count()) == ("done", 2)


def test_batch_writes_chunks_until_its_time_is_spent_and_commits_them_together(editor):
    job = _stored_job(editor)
    organisations = Organisation.objects.count()
    # One row per chunk, a minute per batch: the three rows are one transaction, which the crash in
    # its third chunk (the second partnership) rolls back whole.
    with connection.execute_wrapper(_crash_at_partnership(2)):
        spreadsheet_import_run(job_id=job.pk, batch_seconds=60, chunk_rows=1, pause=0)
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.summary["partnerships_created"], job.partnership_ids) == (
        "failed",
        0,
        0,
        [],
    )
    assert (Partnership.objects.count(), Organisation.objects.count()) == (0, organisations)

    spreadsheet_import_run(job_id=job.pk, batch_seconds=60, chunk_rows=1, pause=0)
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.summary["partnerships_created"]) == ("done", 3, 2)
    assert Partnership.objects.count() == 2


def test_import_keeps_a_settled_process_settled_and_unfreezes_what_it_froze(editor):
    import gc

    gc.unfreeze()
    spreadsheet_import_run(job_id=_stored_job(editor).pk, pause=0)
    assert gc.get_freeze_count() == 0  # what the import froze for itself is back under the collector

    gc.freeze()  # as gunicorn_conf.settle() leaves a worker
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        job = spreadsheet_import_run(job_id=_stored_job(editor).pk, pause=0)
        assert job.status == "done"
        assert gc.get_freeze_count() > frozen // 2  # still frozen (a few frozen objects may have been freed)
    finally:
        gc.unfreeze()
