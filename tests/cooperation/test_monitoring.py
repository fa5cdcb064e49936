"""Results monitoring: strictly numeric values, the approval workflow, the warnings, what counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coopdec.cooperation import monitoring, selectors
from coopdec.cooperation.models import (
    IndicatorDisaggregation,
    IndicatorMeasure,
    IndicatorValue,
    IndicatorValueStatus,
    Project,
)
from coopdec.vocabularies.models import StandardIndicator
from tests.factories import make_member, make_organisation, make_partnership, make_project

pytestmark = pytest.mark.django_db

Y2024 = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
Y2025 = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


@pytest.fixture
def world():
    paris = make_organisation("Ville de Paris")
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    project = make_project(partnership=make_partnership(paris, dakar), lead=paris)
    return {
        "paris": paris,
        "dakar": dakar,
        "project": project,
        "paris_editor": make_member(paris),
        "dakar_editor": make_member(dakar),
    }


def _indicator(world, **fields):
    result = monitoring.result_save(project=world["project"], title={"fr": "Eau potable"}, user=world["paris_editor"])
    return monitoring.indicator_save(
        result=result, title=fields.pop("title", {"fr": "Foyers raccordés"}), user=world["paris_editor"], **fields
    )


def _period(world, indicator, period=Y2024, **figures):
    value = monitoring.period_save(
        indicator=indicator, period_start=period[0], period_end=period[1], user=world["paris_editor"]
    ).value
    return monitoring.update_save(value=value, user=world["paris_editor"], **figures)


# Numbers


@pytest.mark.parametrize(("typed", "number"), [("1 200", Decimal(1200)), ("12,5", Decimal("12.5")), ("-3", -3)])
def test_parse_number_reads_what_people_type(typed, number):
    assert monitoring.parse_number(typed) == number


@pytest.mark.parametrize("typed", ["N/A", "n.a.", "-", "about 40", "40 people", "1.2.3"])
def test_parse_number_refuses_text_saying_what_to_do(typed):
    with pytest.raises(ValidationError) as error:
        monitoring.parse_number(typed, label="actual")
    assert error.value.messages == [
        f"“{typed}” is not a number (actual). Write digits only (e.g. 1200 or 12.5); leave it empty when it is not "
        "known yet, or tick “not applicable”."
    ]


def test_update_with_text_in_the_number_writes_nothing(world):
    indicator = _indicator(world)
    saved = _period(world, indicator, actual="40")
    with pytest.raises(ValidationError):
        monitoring.update_save(value=saved.value, actual="N/A", user=world["paris_editor"])
    saved.value.refresh_from_db()
    assert (saved.value.actual, saved.value.not_applicable) == (Decimal(40), False)


def test_not_applicable_needs_a_reason_and_no_number(world):
    value = _period(world, _indicator(world)).value
    with pytest.raises(ValidationError) as error:
        monitoring.update_save(value=value, not_applicable=True, user=world["paris_editor"])
    assert error.value.message_dict == {"comment": ["Say in the comment why the actual is not applicable."]}
    with pytest.raises(ValidationError):
        monitoring.update_save(value=value, not_applicable=True, actual="3", comment={"fr": "x"}, user=None)
    saved = monitoring.update_save(
        value=value, not_applicable=True, comment={"fr": "École fermée"}, user=world["paris_editor"]
    )
    assert (saved.value.not_applicable, saved.value.actual) == (True, None)


def test_qualitative_indicator_takes_text_and_a_score_not_a_number(world):
    indicator = _indicator(world, measure=IndicatorMeasure.QUALITATIVE)
    value = _period(world, indicator).value
    with pytest.raises(ValidationError) as error:
        monitoring.update_save(value=value, actual="3", user=world["paris_editor"])
    assert "qualitative" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        monitoring.update_save(value=value, actual_text={"fr": "Bon"}, score=7, user=world["paris_editor"])
    assert error.value.message_dict == {"score": ["The score is a whole number from 1 (poor) to 5 (excellent)."]}
    saved = monitoring.update_save(value=value, actual_text={"fr": "Bon"}, score="4", user=world["paris_editor"])
    assert (saved.value.actual_text, saved.value.score) == ({"fr": "Bon"}, 4)


# Warnings with their figures


def test_breakdown_not_adding_up_warns_by_how_much_and_is_written(world):
    indicator = _indicator(world)
    value = _period(world, indicator).value
    parts = monitoring.parse_breakdown("sex: female = 60\nsex: male = 50")
    saved = monitoring.update_save(value=value, actual="100", actual_parts=parts, user=world["paris_editor"])
    assert saved.warnings == ["Actual: the parts by sex add up to 110, not 100 (10 more than the total)."]
    assert list(IndicatorDisaggregation.objects.order_by("id").values_list("dimensions", "value")) == [
        ({"sex": "female"}, Decimal(60)),
        ({"sex": "male"}, Decimal(50)),
    ]


def test_breakdown_adding_up_per_dimension_does_not_warn(world):
    value = _period(world, _indicator(world)).value
    parts = monitoring.parse_breakdown("sex: female = 60\nsex: male = 40\nage: 0-14 = 30\nage: 15+ = 70")
    assert monitoring.update_save(value=value, actual="100", actual_parts=parts, user=None).warnings == []


def test_breakdown_line_without_a_number_is_refused():
    with pytest.raises(ValidationError) as error:
        monitoring.parse_breakdown("sex: female = N/A")
    assert error.value.messages[0].startswith("“N/A” is not a number (sex: female).")
    with pytest.raises(ValidationError) as error:
        monitoring.parse_breakdown("female 60")
    assert error.value.messages == [
        "Line 1 of the breakdown is not “dimension: value = number” (e.g. “sex: female = 60”)."
    ]


def test_cumulative_indicator_going_down_warns_with_the_figures(world):
    indicator = _indicator(world, cumulative=True)
    _period(world, indicator, Y2024, actual="120")
    saved = _period(world, indicator, Y2025, actual="80")
    assert saved.warnings == [
        "This indicator is cumulative: the actual of 2025-01-01 – 2025-12-31 (80) is 40 less than that of "
        "2024-01-01 – 2024-12-31 (120). Check it, or make the indicator periodic."
    ]
    assert IndicatorValue.objects.get(pk=saved.value.pk).actual == Decimal(80)


def test_periodic_indicator_going_down_does_not_warn(world):
    indicator = _indicator(world, cumulative=False)
    _period(world, indicator, Y2024, actual="120")
    assert _period(world, indicator, Y2025, actual="80").warnings == []


# Approval


def test_update_goes_draft_submitted_approved_by_the_other_party(world):
    value = _period(world, _indicator(world), actual="40", submit=True).value
    assert (value.status, value.submitted_by) == (IndicatorValueStatus.SUBMITTED, world["paris_editor"])
    approved = monitoring.update_approve(value=value, user=world["dakar_editor"])
    assert (approved.status, approved.reviewed_by) == (IndicatorValueStatus.APPROVED, world["dakar_editor"])


def test_approval_by_the_person_who_entered_the_update_is_refused(world):
    indicator = _indicator(world)
    dakar_editor = world["dakar_editor"]
    value = monitoring.period_save(indicator=indicator, period_start=Y2024[0], period_end=Y2024[1], user=None).value
    value = monitoring.update_save(value=value, actual="40", submit=True, user=dakar_editor).value
    with pytest.raises(ValidationError) as error:
        monitoring.update_approve(value=value, user=dakar_editor)
    assert error.value.messages == [
        "You entered this update: someone else must approve it (an editor of the approving organisation)."
    ]
    assert IndicatorValue.objects.get(pk=value.pk).status == IndicatorValueStatus.SUBMITTED


def test_approval_by_an_editor_of_the_lead_is_refused_by_default(world):
    value = _period(world, _indicator(world), actual="40", submit=True).value
    other_paris_editor = make_member(world["paris"])
    with pytest.raises(ValidationError) as error:
        monitoring.update_approve(value=value, user=other_paris_editor)
    assert error.value.messages == ["Only the editors of the approving organisation approve or return this update."]


def test_designated_approver_is_a_funder_of_the_project(world):
    funder = make_organisation("Agence de l'eau", geonameid=None)
    project = world["project"]
    project.contributions.create(organisation=funder, role="funder", amount=1000, currency="EUR")
    indicator = _indicator(world, approver=funder)
    assert monitoring.approver_ids(indicator) == {funder.pk}
    value = _period(world, indicator, actual="40", submit=True).value
    with pytest.raises(ValidationError):
        monitoring.update_approve(value=value, user=world["dakar_editor"])
    assert monitoring.update_approve(value=value, user=make_member(funder)).status == IndicatorValueStatus.APPROVED


def test_approver_outside_the_project_is_refused(world):
    stranger = make_organisation("Ville de Lyon", geonameid=2996944)
    with pytest.raises(ValidationError) as error:
        _indicator(world, approver=stranger)
    assert error.value.message_dict == {
        "approver": ["The approver must be a party, a participating organisation or a funder of the project."]
    }


def test_project_without_partner_is_approved_by_its_funder(world):
    funder = make_organisation("Fondation", geonameid=None)
    project = make_project(lead=world["paris"])
    project.contributions.create(organisation=funder, role="funder", amount=1, currency="EUR")
    result = monitoring.result_save(project=project, title={"fr": "R"}, user=None)
    indicator = monitoring.indicator_save(result=result, title={"fr": "I"}, user=None)
    assert monitoring.approver_ids(indicator) == {funder.pk}


def test_return_needs_a_comment_and_a_new_entry_is_a_draft_again(world):
    value = _period(world, _indicator(world), actual="40", submit=True).value
    with pytest.raises(ValidationError):
        monitoring.update_return(value=value, user=world["dakar_editor"], comment=" ")
    returned = monitoring.update_return(value=value, user=world["dakar_editor"], comment="Source ?")
    assert (returned.status, returned.review_comment) == (IndicatorValueStatus.RETURNED, "Source ?")
    again = monitoring.update_save(value=returned, actual="42", user=world["paris_editor"]).value
    assert (again.status, again.reviewed_by) == (IndicatorValueStatus.DRAFT, None)


def test_changing_an_approved_actual_needs_a_new_approval(world):
    value = _period(world, _indicator(world), actual="40", submit=True).value
    monitoring.update_approve(value=value, user=world["dakar_editor"])
    value.refresh_from_db()
    changed = monitoring.update_save(value=value, actual="45", user=world["paris_editor"]).value
    assert changed.status == IndicatorValueStatus.DRAFT


def test_submitting_nothing_is_refused(world):
    value = _period(world, _indicator(world)).value
    with pytest.raises(ValidationError) as error:
        monitoring.update_submit(value=value, user=world["paris_editor"])
    assert error.value.messages == ["Enter the actual (or tick “not applicable”) before submitting the update."]


# What counts: approved actuals of the standard indicators, summed across projects


def _approved(world, indicator, period, actual, parts=""):
    value = monitoring.period_save(
        indicator=indicator, period_start=period[0], period_end=period[1], user=world["paris_editor"]
    ).value
    value = monitoring.update_save(
        value=value,
        actual=actual,
        actual_parts=monitoring.parse_breakdown(parts),
        submit=True,
        user=world["paris_editor"],
    ).value
    return monitoring.update_approve(value=value, user=world["dakar_editor"])


def test_standard_indicator_sums_only_approved_actuals_across_projects(world):
    standard = StandardIndicator.objects.get(code="water-drinking-access")  # cumulative
    periodic = StandardIndicator.objects.get(code="health-services-reached")
    first = _indicator(world, standard=standard)
    assert (first.cumulative, first.standard_id) == (True, "water-drinking-access")
    _approved(world, first, Y2024, "100", "sex: female = 60\nsex: male = 40")
    _approved(world, first, Y2025, "250", "sex: female = 130\nsex: male = 120")  # includes 2024's 100
    other = make_project(partnership=world["project"].partnership, lead=world["dakar"])
    second = monitoring.indicator_save(
        result=monitoring.result_save(project=other, title={"fr": "R"}, user=None),
        standard=standard,
        title={},
        user=None,
    )
    _approved(
        world | {"paris_editor": world["dakar_editor"], "dakar_editor": world["paris_editor"]}, second, Y2025, "50"
    )
    _period(world, second, (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)), actual="999", submit=True)
    health = _indicator(world, standard=periodic, title={"fr": "Consultations"})
    _approved(world, health, Y2024, "10")
    _approved(world, health, Y2025, "15")

    totals = selectors.standard_indicator_totals(projects=Project.objects.all())
    water = totals["water-drinking-access"]
    assert (water.total, len(water.projects), len(water.partnerships)) == (Decimal(300), 2, 1)
    assert water.parts == {(("sex", "female"),): Decimal(130), (("sex", "male"),): Decimal(120)}
    assert totals["health-services-reached"].total == Decimal(25)
    by_year = selectors.standard_indicator_totals(year=2024)
    assert (by_year["water-drinking-access"].total, by_year["health-services-reached"].total) == (100, 10)


def test_not_applicable_and_submitted_values_do_not_count(world):
    standard = StandardIndicator.objects.get(code="health-services-reached")
    indicator = _indicator(world, standard=standard)
    _period(world, indicator, Y2024, actual="10", submit=True)
    _period(world, indicator, Y2025, not_applicable=True, comment={"fr": "Fermé"})
    assert selectors.standard_indicator_totals() == {}


def test_every_standard_indicator_names_a_real_sdg_target_and_axis():
    from coopdec.vocabularies.models import Axis, CodelistItem

    indicators = list(StandardIndicator.objects.all())
    targets = set(CodelistItem.objects.filter(codelist="UNSDG-Targets").values_list("code", flat=True))
    axes = set(Axis.objects.values_list("code", flat=True))
    assert len(indicators) == 55
    for indicator in indicators:
        assert indicator.sdg_target in targets, indicator.code
        assert indicator.axis_id in axes, indicator.code
        assert not indicator.sdg_indicator or indicator.sdg_indicator.startswith(indicator.sdg_target + "."), indicator
        assert set(indicator.names) == {"fr", "en", "es", "pt"} == set(indicator.unit), indicator.code


def test_submitting_mails_the_approvers_and_the_answer_mails_the_author(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    world["dakar"].languages = ["fr"]
    world["dakar"].save()
    with django_capture_on_commit_callbacks(execute=True):
        value = _period(world, _indicator(world), actual="40", submit=True).value
    assert [message.to for message in mailoutbox] == [[world["dakar_editor"].email]]
    assert mailoutbox[0].subject.startswith("Une mise à jour d’indicateur")
    assert f"/projects/{world['project'].pk}/updates/{value.pk}/" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        monitoring.update_return(value=value, user=world["dakar_editor"], comment="Source ?")
    assert [message.to for message in mailoutbox[1:]] == [[world["paris_editor"].email]]
    assert "Source ?" in mailoutbox[1].body


def test_the_mails_of_an_update_keep_apostrophes_and_quotes_as_written(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    world["project"].title = {"en": "Children's water"}
    world["project"].save()
    with django_capture_on_commit_callbacks(execute=True):
        value = _period(world, _indicator(world), actual="40", submit=True).value
    assert mailoutbox[0].subject == 'An indicator update of "Children\'s water" waits for your approval'
    with django_capture_on_commit_callbacks(execute=True):
        monitoring.update_return(value=value, user=world["dakar_editor"], comment='Check the "source" & the date')
    assert 'Check the "source" & the date' in mailoutbox[1].body
