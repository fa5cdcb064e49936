"""The web import as a background task: enqueue it, then write it in short batches.

SQLite has one write lock for the whole database: one transaction for 5,000 rows held it for tens
of seconds and every other write of the site failed meanwhile. Each batch is now its own
transaction, closed once it has held the lock for ``BATCH_SECONDS`` (its rows are written
``CHUNK_ROWS`` at a time, the clock read between two chunks), so that other writes wait a fraction
of a second however fast the machine is: a fixed number of rows took 0.3 s on a quiet machine and
1.5 s on a busy one (bench/import_lock.py). The progress counter is saved in the batch's own
transaction, so a task interrupted mid-way has written whole batches only and its rerun starts after
the last one (rows are idempotent too: organisations are found by identity, partnerships by kind and
parties).
"""

from __future__ import annotations

import gc
import logging
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopdec.interop.models import SpreadsheetImport

from .services import ParsedSheet, spreadsheet_import
from .storage import upload_discard, upload_read

logger = logging.getLogger("coopdec.interop")

BATCH_SECONDS = 0.25  # a batch commits once it has held the write lock this long (bench/import_lock.py)
CHUNK_ROWS = 20  # rows written between two readings of the clock: 0.05 to 0.15 s on this 2-core machine
BATCH_PAUSE = 0.15  # seconds between two batches: SQLite's waiting writers poll, every 0.1 s at most
INDEX_CHUNK = 250  # records of each type indexed per transaction (about one batch's organisations)
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


def spreadsheet_import_run(
    *,
    job_id: int,
    batch_seconds: float = BATCH_SECONDS,
    chunk_rows: int = CHUNK_ROWS,
    pause: float = BATCH_PAUSE,
) -> SpreadsheetImport:
    """Write the stored upload of ``job_id``, resuming after its last committed batch. A batch
    writes ``chunk_rows`` rows at a time and commits once it has lasted ``batch_seconds`` (so it
    writes one chunk at least); its records are indexed at once, then ``pause`` seconds let the
    writes that waited go first."""
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
        _index(job.organisation_ids, job.partnership_ids, pause=pause)
    job.status, job.error = SpreadsheetImport.Status.RUNNING, ""  # a failed import that is run again resumes
    job.save()
    # Full garbage collections scanned the whole sheet (and Django) and took up to 0.46 s, most of
    # them while a batch held the write lock: what exists now is left out of them until the end. A
    # process that froze its objects already (a settled gunicorn worker running tasks immediately)
    # keeps them frozen: unfreezing at the end would undo its settling.
    settled = gc.get_freeze_count() > 0
    if not settled:
        gc.collect()
        gc.freeze()
    try:
        while job.rows_done < len(rows):
            organisations, partnerships = _write_batch(
                job, sheet, rows[job.rows_done :], seconds=batch_seconds, chunk_rows=chunk_rows
            )
            _index(organisations, partnerships, pause=pause)
            time.sleep(pause)
    except Exception as exc:  # the batches already written stay; a rerun resumes after them
        logger.exception("spreadsheet import %s stopped after %s rows", job.pk, job.rows_done)
        return _fail(
            job,
            _("The import stopped after %(done)s of %(total)s rows: %(error)s")
            % {"done": job.rows_done, "total": job.rows_total, "error": exc},
        )
    finally:
        if not settled:
            gc.unfreeze()
    # An organisation created by one batch is "existing" for the next: count them once, at the end.
    job.summary["organisations_existing"] = len(job.organisation_ids) - job.summary["organisations_created"]
    job.status = SpreadsheetImport.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["summary", "status", "finished_at"])
    upload_discard(token=job.token)
    return job


def _write_batch(
    job: SpreadsheetImport, sheet: ParsedSheet, rows: list, *, seconds: float, chunk_rows: int
) -> tuple[list[int], list[int]]:
    """Write the first of ``rows``, ``chunk_rows`` at a time, and the progress, in one transaction
    closed once it has lasted ``seconds``. Returns the organisations and partnerships to index: the
    caller indexes them after the commit, so that the write lock is not held to build documents."""
    organisations: set[int] = set()
    partnerships: list[int] = []
    counts = dict.fromkeys(COUNTS, 0)
    with transaction.atomic():  # on SQLite "BEGIN IMMEDIATE": the write lock is held from here
        started = time.monotonic()
        done = 0
        while done < len(rows) and (not done or time.monotonic() - started < seconds):
            chunk = ParsedSheet(rows[done : done + chunk_rows], sheet.checksum)
            summary = spreadsheet_import(chunk, user=job.user, publish=job.publish, index=False)
            for name in COUNTS:
                counts[name] += getattr(summary, name)
            organisations.update(summary.organisation_ids)
            partnerships += summary.partnership_ids
            done += len(chunk.rows)
        job.summary = {name: job.summary.get(name, 0) + counts[name] for name in COUNTS}
        job.organisation_ids = sorted(organisations.union(job.organisation_ids))
        job.partnership_ids = job.partnership_ids + partnerships
        job.rows_done += done
        job.save(update_fields=["summary", "organisation_ids", "partnership_ids", "rows_done"])
    return sorted(organisations), partnerships


def _index(organisations: list[int], partnerships: list[int], *, pause: float) -> None:
    """Index these records in the atlas, ``INDEX_CHUNK`` of each per transaction, with a pause between two."""
    from coopdec.atlas.index import reindex

    for start in range(0, max(len(organisations), len(partnerships)), INDEX_CHUNK):
        if start:
            time.sleep(pause)
        reindex(
            organisations=organisations[start : start + INDEX_CHUNK],
            partnerships=partnerships[start : start + INDEX_CHUNK],
        )


def _fail(job: SpreadsheetImport, message: str) -> SpreadsheetImport:
    job.status = SpreadsheetImport.Status.FAILED
    job.error = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    return job
