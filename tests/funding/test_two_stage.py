"""Two-stage calls: a concept note by the first deadline, then a full application for the shortlisted."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coopdec.cooperation.models import Contribution
from coopdec.funding import selectors, services
from coopdec.funding.models import Application, ApplicationStatus, ReviewStatus

from .helpers import CRITERIA, TODAY, applied, make_call, make_world, submitted

pytestmark = pytest.mark.django_db

TWO_STAGES = {
    "stages": 2,
    "concept_deadline": TODAY + timedelta(days=10),
    "concept_guidance": {"en": "Two pages: the problem, the partners, the expected change."},
}
NOTE = "Young people of Lyon and Dakar run a citizen radio; 30 volunteers, two studios."


def _row(pk) -> dict:
    return Application.objects.filter(pk=pk).values().get()


def _concept(world, **kwargs):
    application = applied(world)
    return services.application_submit_concept(
        application=application, user=world.applicant_editor, revision=application.revision, concept_note=NOTE, **kwargs
    )


def _shortlisted(world, *, shortlist=True, note="Détaillez le budget des studios."):
    application = _concept(world)
    return services.application_shortlist(
        application=application, user=world.funder_editor, revision=application.revision, shortlist=shortlist, note=note
    )


def test_two_stage_call_goes_from_concept_note_to_award(mailoutbox, django_capture_on_commit_callbacks):
    world = make_world(**TWO_STAGES)
    with django_capture_on_commit_callbacks(execute=True):
        application = _concept(world)
    assert (application.status, application.concept_note) == (ApplicationStatus.CONCEPT, NOTE)
    assert application.snapshot is None
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.applicant_editor.email, world.funder_editor.email])
    assert [row.application.pk for row in selectors.ranking(world.call)] == []
    assert [a.pk for a in selectors.concept_notes(world.call)] == [application.pk]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_shortlist(
            application=application,
            user=world.funder_editor,
            revision=application.revision,
            shortlist=True,
            note="Détaillez le budget des studios.",
        )
    assert application.status == ApplicationStatus.SHORTLISTED
    assert application.is_editable is True
    [letter] = mailoutbox
    assert letter.to == [world.applicant_editor.email]
    assert letter.subject == "Votre note conceptuelle à « Appel à projets jeunesse »"
    assert "présélectionnée" in letter.body
    assert "Détaillez le budget des studios." in letter.body
    application = services.application_set_plan(
        application=application, user=world.applicant_editor, revision=application.revision, own_cash="1500"
    )
    # The full application is due by the final deadline, after the concept note deadline.
    application = services.application_submit(
        application=application, user=world.applicant_editor, today=world.call.concept_deadline + timedelta(days=5)
    )
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.snapshot["plan"]["own_cash"] == "1500.00"
    assert application.concept_note == NOTE
    review = services.review_assign(application=application, reviewer=world.reviewer, user=world.funder_editor)
    review = services.review_declare(review=review, user=world.reviewer, no_conflict=True)
    criteria = selectors.criteria_of(world.call)
    scores = {str(c.pk): {"score": "4", "comment": ""} for c in criteria}
    review = services.review_score(review=review, revision=review.revision, scores=scores, final=True)
    assert review.status == ReviewStatus.DONE
    services.application_confirm_partner(application=application, user=world.partner_editor)
    application.refresh_from_db()
    application = services.application_decide(
        application=application,
        user=world.funder_editor,
        decision="awarded",
        amount="9000",
        revision=application.revision,
    )
    assert application.status == ApplicationStatus.AWARDED
    assert Contribution.objects.get(project=world.project, organisation=world.funder).amount == Decimal("9000.00")


def test_full_application_without_shortlisting_is_refused_with_a_clear_message():
    world = make_world(**TWO_STAGES)
    draft = applied(world)
    with pytest.raises(ValidationError) as error:
        services.application_submit(application=draft, user=world.applicant_editor)
    assert error.value.code == "not_shortlisted"
    assert error.value.messages == [
        "This call has two stages: the full application can be submitted only once the funder has shortlisted "
        "your concept note."
    ]
    application = services.application_submit_concept(application=draft, concept_note=NOTE)
    before = _row(application.pk)
    with pytest.raises(ValidationError) as error:
        services.application_submit(application=application, user=world.applicant_editor)
    assert error.value.code == "not_shortlisted"
    assert _row(application.pk) == before


def test_full_application_after_a_declined_concept_note_is_refused(mailoutbox, django_capture_on_commit_callbacks):
    world = make_world(**TWO_STAGES)
    with django_capture_on_commit_callbacks(execute=True):
        application = _shortlisted(world, shortlist=False, note="Le projet sort des axes de l'appel.")
    assert application.status == ApplicationStatus.NOT_SHORTLISTED
    letter = mailoutbox[-1]
    assert "pas été présélectionnée" in letter.body
    assert "Le projet sort des axes de l'appel." in letter.body
    with pytest.raises(ValidationError) as error:
        services.application_submit(application=application, user=world.applicant_editor)
    assert error.value.messages == [
        "Your concept note was not shortlisted: this call takes no full application from it."
    ]
    with pytest.raises(ValidationError):
        services.application_set_plan(application=application, revision=application.revision, requested="9000")
    with pytest.raises(ValidationError):
        services.application_decide(
            application=application, decision="awarded", amount="9000", revision=application.revision
        )


def test_concept_note_after_the_first_deadline_is_refused_and_changes_nothing():
    world = make_world(**TWO_STAGES)
    application = applied(world)
    before = _row(application.pk)
    with pytest.raises(ValidationError) as error:
        services.application_submit_concept(
            application=application, concept_note=NOTE, today=world.call.concept_deadline + timedelta(days=1)
        )
    assert error.value.code == "closed"
    assert "the call no longer takes concept notes" in error.value.messages[0]
    assert _row(application.pk) == before


def test_new_application_after_the_first_deadline_is_refused():
    world = make_world(**TWO_STAGES)
    with pytest.raises(ValidationError) as error:
        services.application_create(
            call=world.call,
            organisation=world.applicant,
            project=world.project,
            today=world.call.concept_deadline + timedelta(days=1),
        )
    assert error.value.code == "closed"
    assert not Application.objects.exists()


def test_full_application_after_the_final_deadline_is_refused():
    world = make_world(**TWO_STAGES)
    application = _shortlisted(world)
    with pytest.raises(ValidationError) as error:
        services.application_submit(application=application, today=world.call.deadline + timedelta(days=1))
    assert error.value.code == "closed"
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SHORTLISTED


def test_concept_note_is_checked_for_eligibility_as_an_application():
    world = make_world(**TWO_STAGES)
    application = applied(world)
    world.applicant.confirmed_at = None
    world.applicant.save()
    with pytest.raises(ValidationError) as error:
        services.application_submit_concept(application=application, concept_note=NOTE)
    assert error.value.messages == ["Your record has never been confirmed as accurate: check it and confirm it."]
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT


def test_empty_concept_note_is_refused():
    world = make_world(**TWO_STAGES)
    application = applied(world)
    with pytest.raises(ValidationError) as error:
        services.application_submit_concept(application=application, concept_note="   ")
    assert error.value.message_dict == {"concept_note": ["Write the concept note before submitting it."]}


def test_concept_note_is_saved_then_frozen_once_submitted():
    world = make_world(**TWO_STAGES)
    application = applied(world)
    application = services.application_set_concept(
        application=application, revision=application.revision, concept_note="  first draft  "
    )
    assert application.concept_note == "first draft"
    application = services.application_submit_concept(application=application, concept_note=NOTE)
    with pytest.raises(ValidationError) as error:
        services.application_set_concept(application=application, concept_note="changed")
    assert error.value.code == "locked"
    assert Application.objects.get(pk=application.pk).concept_note == NOTE


def test_shortlisting_twice_is_refused():
    world = make_world(**TWO_STAGES)
    application = _shortlisted(world)
    with pytest.raises(ValidationError):
        services.application_shortlist(application=application, shortlist=False)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SHORTLISTED


def test_one_stage_call_takes_no_concept_note_and_submits_directly():
    world = make_world()
    application = applied(world)
    with pytest.raises(ValidationError):
        services.application_submit_concept(application=application, concept_note=NOTE)
    application = services.application_submit(application=application, user=world.applicant_editor)
    assert (application.status, application.concept_note, world.call.concept_deadline) == (
        ApplicationStatus.SUBMITTED,
        "",
        None,
    )


def test_one_stage_submission_is_unchanged_and_ranked():
    world = make_world()
    application = submitted(world)
    assert [row.application.pk for row in selectors.ranking(world.call)] == [application.pk]
    assert list(selectors.concept_notes(world.call)) == []


@pytest.mark.parametrize(
    ("concept_deadline", "message"),
    [
        (None, "A two-stage call needs the concept note deadline."),
        (TODAY + timedelta(days=31), "The concept note deadline comes after the final deadline."),
        (TODAY - timedelta(days=11), "The concept note deadline comes before the opening."),
    ],
)
def test_two_stage_call_needs_an_ordered_concept_deadline(concept_deadline, message):
    world = make_world()
    with pytest.raises(ValidationError) as error:
        make_call(world.funder, criteria=CRITERIA, stages=2, concept_deadline=concept_deadline)
    assert error.value.message_dict == {"concept_deadline": [message]}


def test_stages_are_locked_once_a_concept_note_is_submitted():
    world = make_world(**TWO_STAGES)
    _concept(world)
    with pytest.raises(ValidationError) as error:
        services.call_update(call=world.call, stages=1)
    assert error.value.code == "locked"
    call = services.call_update(call=world.call, concept_deadline=TODAY + timedelta(days=20))
    assert call.concept_deadline == TODAY + timedelta(days=20)


def test_applicant_check_uses_the_concept_deadline_at_the_first_stage():
    world = make_world(**TWO_STAGES)
    after = world.call.concept_deadline + timedelta(days=1)
    result = selectors.eligibility_of(world.applicant, world.call, today=after)
    assert [c.passed for c in result.checks if c.rule == "open"] == [False]


def test_concept_note_pages_from_the_applicant_to_the_funder(client):
    world = make_world(**TWO_STAGES)
    application = applied(world)
    client.force_login(world.applicant_editor)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Two pages: the problem, the partners, the expected change." in page
    assert "Submit the concept note" in page
    assert "Submit the application" not in page
    url = reverse("funding:application_concept", args=[application.pk])
    response = client.post(url, {"revision": application.revision, "concept_note": NOTE, "submit": "1"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.concept_note) == (ApplicationStatus.CONCEPT, NOTE)
    shortlist_url = reverse("funding:application_shortlist", args=[application.pk])
    assert client.post(shortlist_url, {"revision": application.revision, "decision": "shortlist"}).status_code == 403
    client.force_login(world.funder_editor)
    manage = client.get(reverse("funding:call_manage", args=[world.call.pk])).content.decode()
    assert "Concept notes" in manage and "to answer" in manage
    page = client.get(application.get_absolute_url()).content.decode()
    assert NOTE in page and "Record the answer and send the letter" in page
    response = client.post(shortlist_url, {"revision": application.revision, "decision": "shortlist", "note": "Bien."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.shortlist_note) == (ApplicationStatus.SHORTLISTED, "Bien.")
    client.force_login(world.applicant_editor)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Submit the application" in page
    assert "then submit the full application by" in page


def test_concept_form_refuses_bad_input_without_a_server_error(client):
    world = make_world(**TWO_STAGES)
    application = applied(world)
    client.force_login(world.applicant_editor)
    url = reverse("funding:application_concept", args=[application.pk])
    for data in ({}, {"revision": "x"}, {"revision": application.revision, "concept_note": "x" * 7000}):
        assert client.post(url, data).status_code == 302
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT


def test_call_form_sets_two_stages(client):
    world = make_world()
    client.force_login(world.funder_editor)
    page = client.get(reverse("funding:call_edit", args=[world.call.pk])).content.decode()
    assert "Concept note deadline" in page
    call = services.call_update(call=world.call, **TWO_STAGES)
    page = client.get(call.get_absolute_url()).content.decode()
    assert "the applicants the funder shortlists then submit the full application by" in page


def test_api_gives_the_stages_of_a_call(client):
    world = make_world(**TWO_STAGES)
    body = client.get(f"/api/v1/calls/{world.call.pk}").json()
    assert (body["stages"], body["concept_deadline"], body["concept_guidance"]) == (
        2,
        TWO_STAGES["concept_deadline"].isoformat(),
        "Two pages: the problem, the partners, the expected change.",
    )


def test_history_names_the_concept_note_steps(client):
    world = make_world(**TWO_STAGES)
    application = _shortlisted(world)
    client.force_login(world.applicant_editor)
    page = client.get(application.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    history = page[page.index("<h2>Historique</h2>") :]
    assert "· note conceptuelle déposée</li>" in history
    assert "· note conceptuelle présélectionnée</li>" in history
    assert "· shortlisted</li>" not in history
