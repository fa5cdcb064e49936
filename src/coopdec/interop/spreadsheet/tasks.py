"""Background tasks of the web import (run by ``coopdec db_worker``)."""

from django_tasks import task


@task()
def spreadsheet_import_task(job_id: int) -> str:
    from .jobs import spreadsheet_import_run

    return spreadsheet_import_run(job_id=job_id).status
