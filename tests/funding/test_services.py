"""The life of an application through the services, and the bad input each step refuses unchanged."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from coopdec.cooperation.models import Contribution
from coopdec.funding import selectors, services
from coopdec.funding.models import Application, ApplicationStatus, Report, ReportStatus, Review, ReviewStatus, Tranche

from .helpers import TODAY, applied, make_world, plan, submitted

pytestmark = pytest.mark.django_db


def _row(model, pk) -> dict:
    return model.objects.filter(pk=pk).values().get()


def test_application_prefills_the_plan_from_the_project_contributions():
    world = make_world()
    Contribution.objects.create(project=world.project, organisation=world.applicant, amount=800, kind="cash")
    Contribution.objects.create(project=world.project, organisation=world.applicant, amount=200, kind="in_kind")
    application = services.application_create(call=world.call, organisation=world.applicant, project=world.project)
    assert (application.own_cash, application.own_in_kind, application.partner) == (
        Decimal(800),
        Decimal(200),
        world.partner,
    )


def test_application_after_the_deadline_is_refused():
    world = make_world()
    with pytest.raises(ValidationError) as error:
        services.application_create(
            call=world.call,
            organisation=world.applicant,
            project=world.project,
            today=world.call.deadline + timedelta(days=1),
        )
    assert "the call no longer takes applications" in error.value.messages[0]
    assert not Application.objects.exists()


def test_submission_after_the_deadline_is_refused_and_changes_nothing():
    world = make_world()
    application = applied(world)
    before = _row(Application, application.pk)
    with pytest.raises(ValidationError):
        services.application_submit(application=application, today=world.call.deadline + timedelta(days=1))
    assert _row(Application, application.pk) == before


def test_plan_breaking_a_rule_is_refused_with_the_figures():
    world = make_world()
    application = applied(world)
    before = _row(Application, application.pk)
    with pytest.raises(ValidationError) as error:
        services.application_set_plan(application=application, revision=application.revision, **plan(9001, 999))
    assert error.value.messages == [
        "The grant is 90.01% of the cost; the call pays at most 90.00% (least developed countries).",
        "Your own share is 9.99% of the cost; the call asks at least 10.00%.",
    ]
    assert _row(Application, application.pk) == before


def test_plan_with_in_kind_over_half_of_the_own_share_is_refused():
    world = make_world()
    application = applied(world)
    with pytest.raises(ValidationError) as error:
        services.application_set_plan(
            application=application, revision=application.revision, **plan(9000, "499.99", "500.01")
        )
    assert error.value.messages == ["In kind is 50.00% of your own share; the call accepts at most 50.00%."]


def test_stale_plan_is_refused():
    world = make_world()
    application = applied(world)
    with pytest.raises(ValidationError) as error:
        services.application_set_plan(application=application, revision=application.revision - 1, **plan(9000, 1000))
    assert error.value.code == "stale"


def test_submission_freezes_a_copy_and_the_project_stays_editable(mailoutbox, django_capture_on_commit_callbacks):
    world = make_world()
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted(world)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.snapshot["plan"]["requested"] == "9000.00"
    assert application.snapshot["project"]["title"] == {"fr": "Jeunes citoyens", "en": "Young citizens"}
    world.project.title = {"fr": "Autre titre"}
    world.project.save()
    application.refresh_from_db()
    assert application.snapshot["project"]["title"]["fr"] == "Jeunes citoyens"
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [world.applicant_editor.email, world.funder_editor.email, world.partner_editor.email]
    )


def test_submission_reruns_eligibility():
    world = make_world()
    application = applied(world)
    world.applicant.confirmed_at = None
    world.applicant.save()
    with pytest.raises(ValidationError) as error:
        services.application_submit(application=application)
    assert error.value.messages == ["Your record has never been confirmed as accurate: check it and confirm it."]
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT


def test_partner_confirms_once():
    world = make_world()
    application = submitted(world)
    services.application_confirm_partner(application=application, user=world.partner_editor)
    with pytest.raises(ValidationError):
        services.application_confirm_partner(application=application, user=world.partner_editor)


def _reviewing(world):
    application = submitted(world)
    review = services.review_assign(application=application, reviewer=world.reviewer, user=world.funder_editor)
    return application, services.review_declare(review=review, user=world.reviewer, no_conflict=True)


def test_a_member_of_the_applicant_cannot_review():
    world = make_world()
    application = submitted(world)
    with pytest.raises(ValidationError) as error:
        services.review_assign(application=application, reviewer=world.applicant_editor)
    assert "conflict of interest" in error.value.messages[0]
    assert not Review.objects.exists()


def _scores(world, relevance, partnership, comment=""):
    criteria = selectors.criteria_of(world.call)
    return {
        str(criteria[0].pk): {"score": relevance, "comment": comment},
        str(criteria[1].pk): {"score": partnership, "comment": comment},
    }


@pytest.mark.parametrize("score", ["0", "6", "3.5", "x"])
def test_score_outside_the_grid_is_refused(score):
    world = make_world()
    _application, review = _reviewing(world)
    before = _row(Review, review.pk)
    with pytest.raises(ValidationError) as error:
        services.review_score(review=review, revision=review.revision, scores=_scores(world, score, "3"))
    assert error.value.messages == ["Relevance: the score is a whole number from 1 to 5."]
    assert _row(Review, review.pk) == before


def test_extreme_scores_need_a_comment():
    world = make_world()
    _application, review = _reviewing(world)
    with pytest.raises(ValidationError) as error:
        services.review_score(review=review, revision=review.revision, scores=_scores(world, "5", "1"))
    assert error.value.messages == [
        "Relevance: a score of 5 needs a comment.",
        "Partnership: a score of 1 needs a comment.",
    ]


def test_weighted_score_and_two_reviewers_saving_at_once():
    world = make_world()
    _application, review = _reviewing(world)
    revision = review.revision
    saved = services.review_score(review=review, revision=revision, scores=_scores(world, "4", "2"), final=True)
    assert (saved.status, saved.total) == (ReviewStatus.DONE, Decimal("3.20"))
    with pytest.raises(ValidationError) as error:  # the second tab, opened before the first saved
        services.review_score(review=review, revision=revision, scores=_scores(world, "1", "1", "weak"))
    assert error.value.code == "stale"
    assert Review.objects.get(pk=review.pk).total == Decimal("3.20")


def test_scoring_before_declaring_is_refused():
    world = make_world()
    application = submitted(world)
    review = services.review_assign(application=application, reviewer=world.reviewer)
    with pytest.raises(ValidationError):
        services.review_score(review=review, revision=review.revision, scores=_scores(world, "3", "3"))


def _awarded(world, amount="9000", mailoutbox=None):
    application, review = _reviewing(world)
    services.review_score(review=review, revision=review.revision, scores=_scores(world, "4", "4"), final=True)
    services.application_confirm_partner(application=application, user=world.partner_editor)
    application.refresh_from_db()
    return services.application_decide(
        application=application,
        user=world.funder_editor,
        decision="awarded",
        amount=amount,
        revision=application.revision,
    )


def test_award_creates_the_contribution_the_reports_and_the_tranches(mailoutbox, django_capture_on_commit_callbacks):
    world = make_world()
    with django_capture_on_commit_callbacks(execute=True):
        application = _awarded(world)
    contribution = Contribution.objects.get(project=world.project, organisation=world.funder)
    assert (contribution.amount, contribution.role) == (Decimal("9000.00"), "funder")
    tranches = list(Tranche.objects.filter(application=application).values_list("share", "amount", "report__kind"))
    assert tranches == [
        (Decimal("40.00"), Decimal("3600.00"), None),
        (Decimal("40.00"), Decimal("3600.00"), "interim"),
        (Decimal("20.00"), Decimal("1800.00"), "final"),
    ]
    letter = [m for m in mailoutbox if m.to == [world.applicant_editor.email]][-1]
    assert letter.subject == "Décision sur votre candidature à « Appel à projets jeunesse »"
    assert "9000" in letter.body


def test_award_larger_than_the_envelope_left_is_refused():
    world = make_world(envelope=Decimal("8000"), max_amount=Decimal("8000"))
    application = submitted(world, requested=8000, own_cash=1000)
    services.application_confirm_partner(application=application, user=world.partner_editor)
    application.refresh_from_db()
    before = _row(Application, application.pk)
    with pytest.raises(ValidationError) as error:
        services.application_decide(
            application=application, decision="awarded", amount="8000.01", revision=application.revision
        )
    assert error.value.message_dict == {"amount": ["Only 8000.00 EUR are left in the envelope."]}
    assert _row(Application, application.pk) == before
    assert not Contribution.objects.filter(organisation=world.funder).exists()
    assert not Tranche.objects.exists()


def test_envelope_left_counts_earlier_awards():
    world = make_world(envelope=Decimal("12000"), max_amount=Decimal("10000"))
    _awarded(world, amount="9000")
    other_project = world.project.__class__.objects.create(
        partnership=world.partnership,
        lead_organisation=world.applicant,
        title={"fr": "Second"},
        planned_start=world.project.planned_start,
        planned_end=world.project.planned_end,
    )
    other_project.recipient_countries.create(country_id="SN")
    second = services.application_create(call=world.call, organisation=world.applicant, project=other_project)
    second = services.application_set_plan(application=second, revision=second.revision, **plan(9000, 1000))
    second = services.application_submit(application=second)
    services.application_confirm_partner(application=second, user=world.partner_editor)
    second.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.application_decide(application=second, decision="awarded", amount="3000.01", revision=second.revision)
    assert error.value.message_dict == {"amount": ["Only 3000.00 EUR are left in the envelope."]}


def test_tranche_released_once_its_report_is_approved_and_only_once():
    world = make_world()
    application = _awarded(world)
    first, second, last = Tranche.objects.filter(application=application).order_by("position")
    services.tranche_release(tranche=first, user=world.funder_editor)
    with pytest.raises(ValidationError) as error:
        services.tranche_release(tranche=first, user=world.funder_editor)
    released_on = date_format(timezone.localdate(Tranche.objects.get(pk=first.pk).released_at), "DATE_FORMAT")
    assert error.value.messages == [f"This tranche was already released on {released_on}."]
    with pytest.raises(ValidationError):
        services.tranche_release(tranche=second)  # its interim report is not approved
    report = second.report
    with pytest.raises(ValidationError):
        services.report_submit(report=report, narrative="  ")
    services.report_submit(
        report=report, user=world.applicant_editor, narrative="Deux échanges de jeunes.", spent="3500"
    )
    services.report_answer(report=report, user=world.funder_editor, approve=True)
    released = services.tranche_release(tranche=second, user=world.funder_editor)
    assert released.released_at is not None
    assert Report.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    assert last.released_at is None


def test_late_reports_listed_for_funder_and_applicant():
    world = make_world()
    application = _awarded(world)
    Report.objects.filter(application=application, kind="interim").update(due_on=TODAY - timedelta(days=1))
    assert [r.application_id for r in selectors.late_reports(funder_ids=[world.funder.pk])] == [application.pk]
    assert [r.application_id for r in selectors.late_reports(applicant_ids=[world.applicant.pk])] == [application.pk]


def test_every_action_is_in_the_history():
    world = make_world()
    application = _awarded(world)
    reasons = list(application.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["created", "plan", "submitted", "under review", "partner confirmed", "awarded"]


def test_report_needs_its_figures_and_the_period_indicator_values():
    from coopdec.cooperation import services as cooperation_services

    world = make_world()
    application = _awarded(world)
    report = Report.objects.filter(application=application).order_by("due_on").first()
    with pytest.raises(ValidationError) as error:
        services.report_submit(report=report, narrative="Fait.", spent=None)
    assert error.value.message_dict == {"spent": ["Give an amount."]}
    result = cooperation_services.result_create(project=world.project, title={"fr": "Jeunes engagés"})
    indicator = cooperation_services.indicator_create(result=result, title={"fr": "Jeunes élus"})
    with pytest.raises(ValidationError) as error:
        services.report_submit(report=report, narrative="Fait.", spent="100")
    assert error.value.messages == [
        "Record the project's indicator values for the period first: the report includes them."
    ]
    cooperation_services.indicator_value_set(
        indicator=indicator, period_start=report.period_start, period_end=report.period_end, actual=12
    )
    assert services.report_submit(report=report, narrative="Fait.", spent="100").status == ReportStatus.SUBMITTED


def test_rules_are_fixed_once_an_application_is_submitted():
    world = make_world()
    submitted(world)
    with pytest.raises(ValidationError) as error:
        services.call_update(call=world.call, max_rate_ldc=Decimal("80"))
    assert error.value.messages == [
        "Applications are submitted under these rules: they can no longer change "
        "(maximum rate in the least developed countries (%))."
    ]
    extended = services.call_update(call=world.call, deadline=world.call.deadline + timedelta(days=7))
    assert extended.deadline == world.call.deadline + timedelta(days=7)
