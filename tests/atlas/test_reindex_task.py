"""`coopdec atlas_reindex --background` queues the rebuild for the worker instead of running it."""

import io

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from coopdec.atlas.models import SearchDocument
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_atlas_reindex_background_queues_a_task_that_the_worker_runs(atlas, settings):
    settings.TASKS = DATABASE_TASKS
    SearchDocument.objects.all().delete()
    out = io.StringIO()

    call_command("atlas_reindex", "--background", stdout=out)

    task = DBTaskResult.objects.get()
    assert (task.status, task.task_path) == ("READY", "coopdec.atlas.tasks.atlas_reindex_task")
    assert out.getvalue() == f"Atlas reindex queued as task {task.id} (run by coopdec db_worker).\n"
    assert SearchDocument.objects.count() == 0  # nothing rebuilt by the command itself

    run_worker()

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.return_value == {"organisation": 6, "partnership": 3, "project": 3, "practice": 0}
    assert SearchDocument.objects.count() == 12
