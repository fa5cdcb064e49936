"""The web import as a background task: enqueue it, then write it in short batches.

SQLite has one write lock for the whole database: one transaction for 5,000 rows held it for tens
of seconds and every other write of the site failed meanwhile. Each batch of ``BATCH_ROWS`` rows is
now its own transaction, and the progress counter is saved in that same transaction, so a task
interrupted mid-way has written whole batches only and its rerun starts after the last one (rows
are idempotent too: organisations are found by identity, partnerships by kind and parties).
"""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopdec.interop.models import SpreadsheetImport

from .services import ParsedSheet, spreadsheet_import
from .storage import upload_discard, upload_read

logger = logging.getLogger("coopdec.interop")

BATCH_ROWS = 100  # rows per transaction: about 0.5 s of the write lock on this 2-core machine (bench/import_lock.py)
BATCH_PAUSE = 0.2  # seconds between batches: SQLite's waiting writers poll, and would starve otherwise
REFUSED_KEPT = 500  # rows with problems listed on the result page
COUNTS = ("organisations_created", "organisations_existing", "partnerships_created", "partnerships_existing")


def spreadsheet_import_enqueue(*, token: str, user, filename: str, publish: bool) -> SpreadsheetImport:
    """Record the import and hand it to a worker. With the database backend the task row commits with
    the import's row (never one without the other); the immediate backend runs it here."""
    from .tasks import spreadsheet_import_task

    job, _created = SpreadsheetImport.objects.get_or_create(
        token=token, defaults={"user": user, "filename": filename[:255], "publish": publish}
    )
    if _created:
        spreadsheet_import_task.enqueue(job.pk)
    return job


def spreadsheet_import_run(*, job_id: int, batch_rows: int = BATCH_ROWS) -> SpreadsheetImport:
    """Write the stored upload of ``job_id``, resuming after its last committed batch."""
    job = SpreadsheetImport.objects.get(pk=job_id)
    if job.status == SpreadsheetImport.Status.DONE:
        return job
    data = upload_read(token=job.token)
    if data is None:
        return _fail(
            job, _("The uploaded file is no longer on the server (uploads are kept for a day). Send it again.")
        )
    sheet = ParsedSheet.from_data(data["sheet"])
    rows = sheet.valid_rows
    if job.status == SpreadsheetImport.Status.QUEUED:
        job.rows_total = len(rows)
        job.rows_refused = len(sheet.error_rows)
        job.refused = [
            {"line": r.line, "name": r.cells.get("organisation_1") or r.cells.get("city_1", ""), "problems": r.problems}
            for r in sheet.error_rows[:REFUSED_KEPT]
        ]
        job.summary = dict.fromkeys(COUNTS, 0)
    elif job.rows_done:  # a rerun: the last batch written may have stopped before it was indexed
        _index(job.organisation_ids, job.partnership_ids, chunk=batch_rows)
    job.status, job.error = SpreadsheetImport.Status.RUNNING, ""  # a failed import that is run again resumes
    job.save()
    try:
        while job.rows_done < len(rows):
            _write_batch(job, sheet, rows[job.rows_done : job.rows_done + batch_rows])
            time.sleep(BATCH_PAUSE)
    except Exception as exc:  # the batches already written stay; a rerun resumes after them
        logger.exception("spreadsheet import %s stopped after %s rows", job.pk, job.rows_done)
        return _fail(
            job,
            _("The import stopped after %(done)s of %(total)s rows: %(error)s")
            % {"done": job.rows_done, "total": job.rows_total, "error": exc},
        )
    # An organisation created by one batch is "existing" for the next: count them once, at the end.
    job.summary["organisations_existing"] = len(job.organisation_ids) - job.summary["organisations_created"]
    job.status = SpreadsheetImport.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["summary", "status", "finished_at"])
    upload_discard(token=job.token)
    return job


def _write_batch(job: SpreadsheetImport, sheet: ParsedSheet, rows: list) -> None:
    """Write ``rows`` and the progress in one transaction, then index them in the atlas in another:
    the write lock is held for the writes only, not for building the atlas documents."""
    with transaction.atomic():
        summary = spreadsheet_import(ParsedSheet(rows, sheet.checksum), user=job.user, publish=job.publish, index=False)
        for name in COUNTS:
            job.summary[name] = job.summary.get(name, 0) + getattr(summary, name)
        job.organisation_ids = sorted(set(job.organisation_ids) | set(summary.organisation_ids))
        job.partnership_ids = job.partnership_ids + summary.partnership_ids
        job.rows_done += len(rows)
        job.save(update_fields=["summary", "organisation_ids", "partnership_ids", "rows_done"])
    _index(summary.organisation_ids, summary.partnership_ids, chunk=len(rows))


def _index(organisations: list[int], partnerships: list[int], *, chunk: int) -> None:
    """Index these records in the atlas, ``chunk`` of each per transaction."""
    from coopdec.atlas.index import reindex

    for start in range(0, max(len(organisations), len(partnerships)), max(chunk, 1)):
        reindex(organisations=organisations[start : start + chunk], partnerships=partnerships[start : start + chunk])


def _fail(job: SpreadsheetImport, message: str) -> SpreadsheetImport:
    job.status = SpreadsheetImport.Status.FAILED
    job.error = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    return job
