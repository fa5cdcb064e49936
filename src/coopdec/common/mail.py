"""E-mail the site sends, through a background task (``coopdec db_worker``).

A request never waits for the mail server, and a mail server that is slow or down never turns a
page into an error. Callers render the message first (subject, body, recipients: plain values, so
that nothing tied to the request reaches the task) and call ``mail_enqueue``: the task is queued
once the current transaction commits, so a rolled-back change (an invitation refused by a later
check) sends nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from django.contrib.auth import forms as auth_forms
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import loader
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def send_mail_task(subject: str, body: str, recipients: list[str], html_body: str = "") -> int:
    """Send one rendered message (from ``DEFAULT_FROM_EMAIL``); returns the number sent."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=recipients)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()


def mail_enqueue(*, subject: str, body: str, recipients: Sequence[str], html_body: str = "") -> None:
    """Queue the message once the current transaction commits (at once outside a transaction)."""
    # A subject must be one line: Django refuses a header with a line break.
    subject = " ".join(str(subject).splitlines())
    transaction.on_commit(partial(send_mail_task.enqueue, subject, str(body), list(recipients), html_body))


def mail_render_enqueue(*, template: str, context: dict, recipients: Sequence[str], language: str) -> None:
    """Render the text ``template`` in ``language`` (its first line is the subject) and queue it for ``recipients``."""
    if not recipients:
        return
    with translation.override(language):
        text = render_to_string(template, context)
    subject, _sep, body = text.strip().partition("\n")
    mail_enqueue(subject=subject.strip(), body=body.strip() + "\n", recipients=recipients)


class QueuedMailPasswordResetForm(auth_forms.PasswordResetForm):
    """Django's password-reset form, whose mail is rendered here and sent by the task."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        subject = loader.render_to_string(subject_template_name, context)
        body = loader.render_to_string(email_template_name, context)
        html_body = loader.render_to_string(html_email_template_name, context) if html_email_template_name else ""
        mail_enqueue(subject=subject, body=body, recipients=[to_email], html_body=html_body)
