"""The site's e-mail leaves through the background mail task, queued once the transaction commits."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from coopdec.actors import services as actor_services
from coopdec.common.mail import mail_enqueue
from tests import factories
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _run_worker():
    run_worker()  # tests/worker.py: the test transaction is the worker's setting (PostgreSQL too)


def test_invitation_mail_is_sent_by_the_task_after_the_commit(settings, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE_TASKS
    organisation = factories.make_organisation("Ville de Lyon", geonameid=2996944)
    with django_capture_on_commit_callbacks(execute=True):
        actor_services.invitation_create(organisation=organisation, email="ama@example.org")
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.status) == ("coopdec.common.mail.send_mail_task", "READY")
    assert task.args_kwargs["args"][2] == ["ama@example.org"]
    assert mail.outbox == []  # nothing sent by the request

    _run_worker()

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ama@example.org"], "Invitation to keep Ville de Lyon's cooperation up to date")
    ]
    assert "/invitations/" in mail.outbox[0].body


def test_invitation_mail_is_not_sent_when_the_transaction_rolls_back(settings, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE_TASKS
    organisation = factories.make_organisation("Ville de Lyon", geonameid=2996944)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            actor_services.invitation_create(organisation=organisation, email="ama@example.org")
            raise RuntimeError("a later step failed")
    _run_worker()
    assert callbacks == []
    assert DBTaskResult.objects.count() == 0
    assert mail.outbox == []


def test_mail_enqueue_sends_at_once_with_the_immediate_backend_and_keeps_the_subject_on_one_line(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        mail_enqueue(subject="Two\nlines", body="Hello", recipients=["a@example.org", "b@example.org"])
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (["a@example.org", "b@example.org"], "Two lines", "Hello")
    ]


def test_password_reset_mail_is_sent_by_the_task(client, settings, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE_TASKS
    factories.make_user("ama")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "ama@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []
    assert DBTaskResult.objects.get().args_kwargs["args"][2] == ["ama@example.org"]

    _run_worker()

    assert [m.to for m in mail.outbox] == [["ama@example.org"]]
    assert "/accounts/reset/" in mail.outbox[0].body


def test_access_request_mails_are_sent_by_the_task_after_the_commit(settings, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE_TASKS
    organisation = factories.make_organisation("Ville de Lyon", geonameid=2996944)
    with django_capture_on_commit_callbacks(execute=True):
        actor_services.access_request_create(
            organisation=organisation,
            name="Awa Ndiaye",
            email="awa@lyon.fr",
            function="Head of international relations",
        )
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.args_kwargs["args"][2]) == ("coopdec.common.mail.send_mail_task", ["awa@lyon.fr"])
    assert mail.outbox == []  # nothing sent by the request

    _run_worker()

    assert [(m.to, m.subject) for m in mail.outbox] == [(["awa@lyon.fr"], "Confirm your request to join Ville de Lyon")]
    assert "/access/confirm/" in mail.outbox[0].body
