"""The applicant withdraws a submitted application before the decision; the funder reopens a rejection
or a declined concept note within REOPEN_DAYS of its letter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coopdec.funding import selectors, services
from coopdec.funding.models import Application, ApplicationStatus, Review

from .helpers import TODAY, applied, make_world, submitted
from .test_two_stage import NOTE, TWO_STAGES

pytestmark = pytest.mark.django_db


def _under_review(world):
    application = submitted(world)
    review = services.review_assign(application=application, reviewer=world.reviewer, user=world.funder_editor)
    services.review_declare(review=review, user=world.reviewer, no_conflict=True)
    return Application.objects.get(pk=application.pk)


def _rejected(world):
    application = _under_review(world)
    return services.application_decide(
        application=application,
        user=world.funder_editor,
        decision="rejected",
        note="Hors des axes.",
        revision=application.revision,
    )


def _declined(world):
    application = applied(world)
    application = services.application_submit_concept(
        application=application, user=world.applicant_editor, revision=application.revision, concept_note=NOTE
    )
    return services.application_shortlist(
        application=application, user=world.funder_editor, revision=application.revision, shortlist=False
    )


def _row(pk) -> dict:
    return Application.objects.filter(pk=pk).values().get()


# Withdrawal ------------------------------------------------------------------------------------------


def test_withdraw_takes_the_application_out_of_the_ranking_and_the_review(
    mailoutbox, django_capture_on_commit_callbacks
):
    world = make_world()
    application = _under_review(world)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_withdraw(
            application=application, user=world.applicant_editor, revision=application.revision
        )
    assert (application.status, application.submitted_at) == (ApplicationStatus.DRAFT, None)
    assert selectors.ranking(world.call) == []
    assert not Review.objects.exists()
    [mail] = mailoutbox
    assert mail.to == sorted([world.reviewer.email, world.funder_editor.email])
    assert mail.subject == "Une candidature à « Appel à projets jeunesse » est retirée"
    assert application.history.latest().history_change_reason == "withdrawn"


def test_withdrawn_application_is_resubmitted_with_a_new_frozen_copy():
    world = make_world()
    application = submitted(world)
    application = services.application_withdraw(application=application, user=world.applicant_editor)
    world.project.title = {"fr": "Jeunes citoyens du monde"}
    world.project.save()
    application = services.application_submit(application=application, user=world.applicant_editor)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.snapshot["project"]["title"] == {"fr": "Jeunes citoyens du monde"}
    assert [row.application.pk for row in selectors.ranking(world.call)] == [application.pk]


def test_withdrawn_application_of_a_two_stage_call_stays_invited():
    world = make_world(**TWO_STAGES)
    application = _declined(world)
    application = services.application_reopen(application=application, user=world.funder_editor)
    application = services.application_shortlist(application=application, user=world.funder_editor, shortlist=True)
    application = services.application_submit(application=application, user=world.applicant_editor)
    application = services.application_withdraw(application=application, user=world.applicant_editor)
    assert application.status == ApplicationStatus.SHORTLISTED
    assert application.is_editable


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_rejected, "The decision is made: the application can no longer be withdrawn."),
        (applied, "Only a submitted application awaiting the decision can be withdrawn."),
    ],
)
def test_withdraw_is_refused_after_the_decision_and_before_the_submission(make, message):
    world = make_world()
    application = make(world)
    before = _row(application.pk)
    with pytest.raises(ValidationError) as error:
        services.application_withdraw(application=application, user=world.applicant_editor)
    assert error.value.messages == [message]
    assert _row(application.pk) == before


def test_withdrawn_concept_note_is_a_draft_again_and_submitted_anew(mailoutbox, django_capture_on_commit_callbacks):
    world = make_world(**TWO_STAGES)
    application = applied(world)
    application = services.application_submit_concept(
        application=application, user=world.applicant_editor, revision=application.revision, concept_note=NOTE
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_withdraw(
            application=application, user=world.applicant_editor, revision=application.revision
        )
    row = _row(application.pk)
    assert (row["status"], row["concept_submitted_at"], row["concept_note"]) == (ApplicationStatus.DRAFT, None, NOTE)
    assert [message.to for message in mailoutbox] == [[world.funder_editor.email]]
    with pytest.raises(ValidationError):  # nothing to answer any more
        services.application_shortlist(
            application=application, user=world.funder_editor, revision=application.revision, shortlist=True
        )
    again = services.application_submit_concept(
        application=application, user=world.applicant_editor, revision=application.revision
    )
    assert again.status == ApplicationStatus.CONCEPT


def test_withdraw_with_a_stale_revision_is_refused():
    world = make_world()
    application = _under_review(world)
    with pytest.raises(ValidationError) as error:
        services.application_withdraw(
            application=application, user=world.applicant_editor, revision=application.revision - 1
        )
    assert error.value.code == "stale"
    assert Application.objects.get().status == ApplicationStatus.UNDER_REVIEW
    assert Review.objects.count() == 1


# Reopening -------------------------------------------------------------------------------------------


def test_reopen_a_rejection_goes_back_to_review_and_tells_the_applicant_in_its_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    world = make_world()
    application = _rejected(world)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_reopen(
            application=application, user=world.funder_editor, revision=application.revision
        )
    assert application.status == ApplicationStatus.UNDER_REVIEW
    assert (application.decided_at, application.decision_note) == (None, "")
    assert [row.application.pk for row in selectors.ranking(world.call)] == [application.pk]
    [letter] = mailoutbox
    assert letter.to == [world.applicant_editor.email]
    assert letter.subject == "Votre candidature à « Appel à projets jeunesse » est rouverte"
    assert "est de nouveau en cours d’évaluation" in letter.body
    assert application.history.latest().history_change_reason == "reopened"


def test_reopen_a_declined_concept_note_awaits_the_answer_again():
    world = make_world(**TWO_STAGES)
    application = _declined(world)
    application = services.application_reopen(application=application, user=world.funder_editor)
    assert (application.status, application.shortlisted_at) == (ApplicationStatus.CONCEPT, None)
    assert [a.pk for a in selectors.concept_notes(world.call)] == [application.pk]


def test_reopen_is_refused_once_the_decision_is_final():
    world = make_world()
    application = _rejected(world)
    before = _row(application.pk)
    day = TODAY + timedelta(days=services.REOPEN_DAYS + 1)
    with pytest.raises(ValidationError) as error:
        services.application_reopen(application=application, user=world.funder_editor, today=day)
    assert error.value.code == "final"
    assert _row(application.pk) == before
    reopened = services.application_reopen(
        application=application, user=world.funder_editor, today=TODAY + timedelta(days=services.REOPEN_DAYS)
    )
    assert reopened.status == ApplicationStatus.UNDER_REVIEW


def test_reopen_a_declined_concept_note_after_the_deadline_is_refused():
    world = make_world(**TWO_STAGES)
    application = _declined(world)
    with pytest.raises(ValidationError) as error:
        services.application_reopen(
            application=application, user=world.funder_editor, today=world.call.deadline + timedelta(days=1)
        )
    assert error.value.code == "closed"
    assert Application.objects.get().status == ApplicationStatus.NOT_SHORTLISTED


@pytest.mark.parametrize("make", [_under_review, submitted, applied])
def test_only_a_rejection_or_a_declined_concept_note_is_reopened(make):
    world = make_world()
    application = make(world)
    with pytest.raises(ValidationError) as error:
        services.application_reopen(application=application, user=world.funder_editor)
    assert error.value.messages == ["Only a rejected application, or a concept note not shortlisted, can be reopened."]


# Pages -----------------------------------------------------------------------------------------------


def test_applicant_withdraws_from_the_page_after_confirming(client):
    world = make_world()
    application = _under_review(world)
    client.force_login(world.applicant_editor)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Withdraw the application" in page
    url = reverse("funding:application_withdraw", args=[application.pk])
    confirmation = client.post(url).content.decode()
    assert "Withdraw the application?" in confirmation
    assert Application.objects.get().status == ApplicationStatus.UNDER_REVIEW  # asked, not done
    response = client.post(url, {"confirm": "1", "revision": application.revision}, follow=True)
    assert "The application is withdrawn" in response.content.decode()
    assert Application.objects.get().status == ApplicationStatus.DRAFT


def test_withdraw_with_a_bad_revision_writes_nothing(client):
    world = make_world()
    application = _under_review(world)
    client.force_login(world.applicant_editor)
    url = reverse("funding:application_withdraw", args=[application.pk])
    response = client.post(url, {"confirm": "1", "revision": "x"}, follow=True)
    assert "Enter a whole number." in response.content.decode()
    assert Application.objects.get().status == ApplicationStatus.UNDER_REVIEW


def test_funder_reopens_a_rejection_from_the_page(client):
    world = make_world()
    application = _rejected(world)
    client.force_login(world.funder_editor)
    assert "Reopen the application" in client.get(application.get_absolute_url()).content.decode()
    url = reverse("funding:application_reopen", args=[application.pk])
    assert "Reopen the application?" in client.post(url).content.decode()
    response = client.post(url, {"confirm": "1", "revision": application.revision}, follow=True)
    assert "The application is reopened" in response.content.decode()
    assert Application.objects.get().status == ApplicationStatus.UNDER_REVIEW


@pytest.mark.parametrize("who", ["funder_editor", "partner_editor", "reviewer"])
def test_only_the_applicant_withdraws(client, who):
    world = make_world()
    application = _under_review(world)
    client.force_login(getattr(world, who))
    assert "Withdraw the application" not in client.get(application.get_absolute_url()).content.decode()
    url = reverse("funding:application_withdraw", args=[application.pk])
    assert client.post(url, {"confirm": "1", "revision": application.revision}).status_code == 403
    assert Application.objects.get().status == ApplicationStatus.UNDER_REVIEW


@pytest.mark.parametrize("who", ["applicant_editor", "partner_editor", "reviewer"])
def test_only_the_funder_reopens(client, who):
    world = make_world()
    application = _rejected(world)
    client.force_login(getattr(world, who))
    url = reverse("funding:application_reopen", args=[application.pk])
    assert client.post(url, {"confirm": "1", "revision": application.revision}).status_code == 403
    assert Application.objects.get().status == ApplicationStatus.REJECTED


def test_withdraw_and_reopen_are_post_only(client):
    world = make_world()
    application = _under_review(world)
    client.force_login(world.applicant_editor)
    for name in ("funding:application_withdraw", "funding:application_reopen"):
        assert client.get(reverse(name, args=[application.pk])).status_code == 405
