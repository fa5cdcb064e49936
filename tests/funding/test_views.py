"""The funding pages and API through HTTP: who sees what, and the bad input each form refuses."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from coopdec.api.services import token_create
from coopdec.funding import services
from coopdec.funding.models import Application, ApplicationStatus, Review, ReviewStatus
from tests import factories
from tests.forms import posted_back

from .helpers import applied, make_call, make_world, submitted

pytestmark = pytest.mark.django_db


def test_call_list_shows_open_published_calls_only(client):
    world = make_world()
    make_call(world.funder, publish=False, title={"en": "Hidden draft call"})
    page = client.get(reverse("funding:call_list")).content.decode()
    assert "Youth call for projects" in page
    assert "Hidden draft call" not in page
    assert "At most 90% of the cost in the least developed countries, 70% elsewhere" in page


def test_call_page_checks_the_editor_organisations(client):
    world = make_world()
    client.force_login(world.applicant_editor)
    page = client.get(world.call.get_absolute_url()).content.decode()
    assert "Ville de Lyon – eligible so far" in page
    assert "Start the application" in page


def test_apply_from_a_project_then_check_the_plan_live(client):
    world = make_world()
    client.force_login(world.applicant_editor)
    response = client.post(
        reverse("funding:call_apply", args=[world.call.pk]),
        {"organisation": world.applicant.pk, "project": world.project.pk},
    )
    application = Application.objects.get()
    assert response["Location"] == application.get_absolute_url()
    figures = client.post(
        reverse("funding:application_plan", args=[application.pk]),
        {
            "check": "1",
            "revision": application.revision,
            "requested": "9001",
            "own_cash": "999",
            "own_in_kind": "0",
            "other_funding": "0",
        },
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "The grant is 90.01% of the cost; the call pays at most 90.00% (least developed countries)." in figures
    assert Application.objects.get().requested == 0  # a check saves nothing


def test_plan_breaking_a_rule_is_refused_with_a_message(client):
    world = make_world()
    application = applied(world)
    client.force_login(world.applicant_editor)
    response = client.post(
        reverse("funding:application_plan", args=[application.pk]),
        {
            "revision": application.revision,
            "requested": "9500",
            "own_cash": "500",
            "own_in_kind": "0",
            "other_funding": "0",
        },
        follow=True,
    )
    assert "the call pays at most 90.00%" in response.content.decode()
    assert Application.objects.get().requested == 9000


def test_applicant_never_sees_scores_nor_another_application(client):
    world = make_world()
    application = submitted(world)
    review = services.review_assign(application=application, reviewer=world.reviewer)
    review = services.review_declare(review=review, user=world.reviewer, no_conflict=True)
    criteria = list(world.call.criteria.all())
    scores = {str(c.pk): {"score": "5", "comment": "Remarkable youth council"} for c in criteria}
    services.review_score(review=review, revision=review.revision, scores=scores, final=True)
    client.force_login(world.applicant_editor)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Remarkable youth council" not in page
    assert world.reviewer.username not in page
    other = factories.make_organisation("Ville de Grenoble", geonameid=None, country_id="FR")
    client.force_login(factories.make_member(other))
    assert client.get(application.get_absolute_url()).status_code == 403
    client.force_login(world.funder_editor)
    assert "Remarkable youth council" in client.get(application.get_absolute_url()).content.decode()


def test_reviewer_sees_the_file_only_after_declaring_no_conflict(client):
    world = make_world()
    application = submitted(world)
    review = services.review_assign(application=application, reviewer=world.reviewer)
    client.force_login(world.reviewer)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Before the file opens" in page
    assert "Submitted copy" not in page
    client.post(review.get_absolute_url(), {"answer": "no_conflict"})
    assert Review.objects.get().status == ReviewStatus.ACCEPTED
    assert "Submitted copy" in client.get(review.get_absolute_url()).content.decode()


def test_a_reviewer_who_declined_never_sees_the_file(client):
    world = make_world()
    application = submitted(world)
    review = services.review_assign(application=application, reviewer=world.reviewer)
    client.force_login(world.reviewer)
    client.post(review.get_absolute_url(), {"answer": "decline"})
    assert Review.objects.get().status == ReviewStatus.DECLINED
    assert client.get(review.get_absolute_url()).status_code == 403


def test_reviewer_sees_nothing_of_another_review(client):
    world = make_world()
    application = submitted(world)
    review = services.review_assign(application=application, reviewer=world.reviewer)
    other_reviewer = factories.make_user()
    client.force_login(other_reviewer)
    assert client.get(review.get_absolute_url()).status_code == 403
    assert client.get(application.get_absolute_url()).status_code == 403
    assert client.get(reverse("funding:call_manage", args=[world.call.pk])).status_code == 403


def test_score_outside_the_grid_through_the_form_changes_nothing(client):
    world = make_world()
    application = submitted(world)
    review = services.review_declare(
        review=services.review_assign(application=application, reviewer=world.reviewer),
        user=world.reviewer,
        no_conflict=True,
    )
    criterion = world.call.criteria.first()
    client.force_login(world.reviewer)
    response = client.post(
        reverse("funding:review_scores", args=[review.pk]),
        {"revision": review.revision, f"score_{criterion.pk}": "7"},
        follow=True,
    )
    assert "Relevance: the score is a whole number from 1 to 5." in response.content.decode()
    assert Review.objects.get().scores == {}


def test_decision_larger_than_the_envelope_refused_through_the_form(client):
    world = make_world()
    application = submitted(world)
    services.application_confirm_partner(application=application, user=world.partner_editor)
    application.refresh_from_db()
    client.force_login(world.funder_editor)
    response = client.post(
        reverse("funding:application_decide", args=[application.pk]),
        {"revision": application.revision, "decision": "awarded", "amount": "100000.01"},
        follow=True,
    )
    assert "Only 100000.00 EUR are left in the envelope." in response.content.decode()
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED


def test_export_lists_applications_with_their_scores_and_guards_formulas(client):
    world = make_world()
    world.applicant.name = '=HYPERLINK("http://x")'
    world.applicant.save()
    submitted(world)
    client.force_login(world.funder_editor)
    response = client.get(reverse("funding:call_export", args=[world.call.pk, "csv"]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [(row["organisation"], row["requested"], row["status"]) for row in rows] == [
        ('\'=HYPERLINK("http://x")', "9000.00", "submitted")
    ]
    assert client.get(reverse("funding:call_export", args=[world.call.pk, "xlsx"])).status_code == 200


def test_api_eligibility_for_the_organisation_editors_and_the_funder_only(client):
    world = make_world()
    url = f"/api/v1/calls/{world.call.pk}/eligibility?organisation={world.applicant.pk}"
    for user, status in ((world.applicant_editor, 200), (world.funder_editor, 200), (world.reviewer, 403)):
        token = token_create(user=user, name="t")[1]
        response = client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == status
    token = token_create(user=world.applicant_editor, name="t2")[1]
    body = client.get(url, headers={"Authorization": f"Bearer {token}"}).json()
    assert body["eligible"] is True
    assert body["checks"][3] == {"rule": "confirmed", "passed": True, "reason": body["checks"][3]["reason"]}
    assert body["checks"][3]["reason"].startswith("Your record was confirmed on ")
    assert [c["rule"] for c in body["checks"]][-2:] == ["agreement", "partner"]


def test_api_lists_published_calls_with_their_rules(client):
    world = make_world()
    body = client.get("/api/v1/calls").json()
    assert [(c["id"], c["max_rate_ldc"], c["is_open"]) for c in body["results"]] == [(world.call.pk, "90.00", True)]
    assert [c["weight"] for c in client.get(f"/api/v1/calls/{world.call.pk}").json()["criteria"]] == [30, 20]


def test_funder_sees_an_application_once_submitted_only(client):
    world = make_world()
    application = applied(world)
    client.force_login(world.funder_editor)
    assert client.get(application.get_absolute_url()).status_code == 403
    services.application_submit(application=application)
    assert client.get(application.get_absolute_url()).status_code == 200


def test_application_page_shows_its_history(client):
    world = make_world()
    application = submitted(world)
    client.force_login(world.applicant_editor)
    page = client.get(application.get_absolute_url()).content.decode()
    history = page[page.index("<h2>History</h2>") :]
    assert [history.count(f"· {what}</li>") for what in ("application started", "funding plan saved", "submitted")] == [
        1,
        1,
        1,
    ]


def _call_form_as_shown(client, call) -> dict[str, list[str]]:
    """The call's edit form as the page fills it, posted back as a browser would."""
    return posted_back(client.get(reverse("funding:call_edit", args=[call.pk])).content, field="criteria")


def test_saving_a_call_in_another_language_keeps_its_criteria_in_every_language(client):
    """The grid box shows each criterion in the reader's language; a line left as it was keeps its
    other languages."""
    world = make_world()
    call = services.call_update(
        call=world.call,
        criteria=[({"fr": "Pertinence", "en": "Relevance"}, 30), ({"fr": "Partenariat", "en": "Partnership"}, 20)],
    )
    client.force_login(world.funder_editor)
    data = _call_form_as_shown(client, call)
    assert data["criteria"] == ["30 | Relevance\n20 | Partnership"]
    data["criteria"] = ["30 | Relevance\n20 | Partnership\n10 | Sustainability"]
    response = client.post(reverse("funding:call_edit", args=[call.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(call.criteria.values_list("title", "weight")) == [
        ({"fr": "Pertinence", "en": "Relevance"}, 30),
        ({"fr": "Partenariat", "en": "Partnership"}, 20),
        ({"en": "Sustainability"}, 10),
    ]


def test_a_call_can_be_edited_once_scoring_began_but_not_its_grid(client):
    world = make_world()
    application = submitted(world)
    review = services.review_assign(application=application, reviewer=world.reviewer, user=world.funder_editor)
    review = services.review_declare(review=review, user=world.reviewer, no_conflict=True)
    criteria = list(world.call.criteria.all())
    services.review_score(
        review=review,
        user=world.reviewer,
        revision=review.revision,
        scores={str(criterion.pk): {"score": "4", "comment": ""} for criterion in criteria},
    )
    client.force_login(world.funder_editor)
    data = _call_form_as_shown(client, world.call)
    data["title_en"] = ["Youth call, corrected"]
    response = client.post(reverse("funding:call_edit", args=[world.call.pk]), data)
    assert response.status_code == 302, re.findall(r"error[^>]*>([^<]*)<", response.content.decode())
    world.call.refresh_from_db()
    assert world.call.title["en"] == "Youth call, corrected"
    assert list(world.call.criteria.all()) == criteria
    data["criteria"] = ["30 | Relevance\n20 | Partnership\n10 | Sustainability"]
    response = client.post(reverse("funding:call_edit", args=[world.call.pk]), data)
    assert response.status_code == 400
    assert "Reviewers have started scoring: the grid can no longer change." in response.content.decode()
    assert list(world.call.criteria.all()) == criteria


def test_a_criterion_name_longer_than_a_title_is_refused_not_cut(client):
    world = make_world()
    client.force_login(world.funder_editor)
    data = _call_form_as_shown(client, world.call)
    data["criteria"] = [f"30 | {'é' * 501}"]
    response = client.post(reverse("funding:call_edit", args=[world.call.pk]), data)
    assert response.status_code == 400
    assert "Line 1: a criterion&#x27;s name has at most 500 characters." in response.content.decode()
    assert list(world.call.criteria.values_list("title", flat=True)) == [{"en": "Relevance"}, {"en": "Partnership"}]


def test_the_partner_sees_the_reports_listed_without_links_it_may_not_follow(client):
    from tests.funding.test_services import _awarded

    world = make_world()
    application = _awarded(world)
    report = application.reports.order_by("due_on").first()
    client.force_login(world.partner_editor)
    page = client.get(application.get_absolute_url()).content.decode()
    assert report.get_kind_display() in page
    assert report.get_absolute_url() not in page
    assert client.get(report.get_absolute_url()).status_code == 403
    client.force_login(world.applicant_editor)
    assert report.get_absolute_url() in client.get(application.get_absolute_url()).content.decode()
    assert client.get(report.get_absolute_url()).status_code == 200
