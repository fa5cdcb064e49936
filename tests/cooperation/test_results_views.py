"""The one-screen editor of a result, the review of an update, the dashboards, the standard indicators."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from coopdec.actors.models import CountryCoordinator
from coopdec.cooperation import monitoring
from coopdec.cooperation.models import Indicator, IndicatorValue, IndicatorValueStatus
from tests.factories import make_member, make_organisation, make_partnership, make_project, make_user

pytestmark = pytest.mark.django_db

Y2024 = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))


@pytest.fixture
def world():
    paris = make_organisation("Ville de Paris")
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    funder = make_organisation("Agence de l'eau", geonameid=None)
    project = make_project(partnership=make_partnership(paris, dakar), lead=paris)
    project.contributions.create(organisation=funder, role="funder", amount=1000, currency="EUR")
    result = monitoring.result_save(project=project, title={"fr": "Eau potable"}, user=None)
    return {
        "paris": paris,
        "dakar": dakar,
        "funder": funder,
        "project": project,
        "result": result,
        "editor": make_member(paris),
        "dakar_editor": make_member(dakar),
        "funder_editor": make_member(funder),
    }


def _editor_url(world, name="result_edit"):
    return reverse(f"cooperation:{name}", args=[world["project"].pk, world["result"].pk])


def _form(world, indicator_rows, period_rows, **fields):
    data = {"result-type": "1", "result-title_fr": "Eau potable", "indicator_rows": indicator_rows}
    data["period_rows"] = period_rows
    data.update(fields)
    return data


def _new_indicator(prefix="nab12", **fields):
    return {f"{prefix}-title": "Foyers raccordés", f"{prefix}-measure": "1", f"{prefix}-ascending": "on", **fields}


def _new_period(prefix, **fields):
    return {f"{prefix}-period_start": "2024-01-01", f"{prefix}-period_end": "2024-12-31", **fields}


def test_editor_creates_an_indicator_with_a_period_in_one_post(client, world):
    client.force_login(world["editor"])
    data = _form(
        world,
        ["nab12"],
        ["nab12-ncd34"],
        **_new_indicator(),
        **_new_period(
            "nab12-ncd34",
            **{
                "nab12-ncd34-target": "200",
                "nab12-ncd34-actual": "1 200",
                "nab12-ncd34-breakdown": "sex: female = 700\nsex: male = 400",
                "nab12-ncd34-due_date": "2025-01-31",
            },
        ),
    )
    response = client.post(_editor_url(world), data)
    assert response.status_code == 302
    value = IndicatorValue.objects.get()
    assert (value.target, value.actual, value.status, value.due_date) == (
        Decimal(200),
        Decimal(1200),
        IndicatorValueStatus.DRAFT,
        datetime.date(2025, 1, 31),
    )
    page = client.get(response["Location"]).content.decode()
    assert "Actual: the parts by sex add up to 1100, not 1200 (100 less than the total)." in page
    history = world["project"].history.all()
    assert [entry.history_change_reason for entry in history[:1]] == ["results edited"]


def test_editor_refuses_text_in_a_number_and_writes_nothing(client, world):
    client.force_login(world["editor"])
    data = _form(
        world,
        ["nab12"],
        ["nab12-ncd34"],
        **_new_indicator(),
        **_new_period("nab12-ncd34", **{"nab12-ncd34-actual": "N/A"}),
    )
    response = client.post(_editor_url(world), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was saved: correct the fields marked below." in page
    assert "“N/A” is not a number (Actual)." in page
    assert (Indicator.objects.count(), IndicatorValue.objects.count()) == (0, 0)


def test_editor_of_ten_indicators_by_eight_periods_reads_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for number in range(10):
        indicator = monitoring.indicator_save(result=world["result"], title={"fr": f"Indicateur {number}"}, user=None)
        for year in range(2020, 2028):
            saved = monitoring.period_save(
                indicator=indicator,
                period_start=datetime.date(year, 1, 1),
                period_end=datetime.date(year, 12, 31),
                territory=world["dakar"],
                target=100,
                user=None,
            )
            monitoring.update_save(
                value=saved.value, actual=year, actual_parts=[({"sex": "female"}, Decimal(1))], user=None
            )
    client.force_login(world["editor"])
    with django_assert_max_num_queries(25):
        response = client.get(_editor_url(world))
    assert response.status_code == 200
    assert response.content.decode().count('name="period_rows"') == 10 * 8 + 11  # a blank period per indicator


def test_editor_changes_an_actual_and_submits_it(client, world):
    indicator = monitoring.indicator_save(result=world["result"], title={"fr": "Foyers"}, user=None)
    value = monitoring.period_save(indicator=indicator, period_start=Y2024[0], period_end=Y2024[1], user=None).value
    client.force_login(world["editor"])
    prefix = f"i{indicator.pk}-v{value.pk}"
    data = _form(
        world,
        [f"i{indicator.pk}"],
        [prefix],
        **{f"i{indicator.pk}-title": "Foyers", f"i{indicator.pk}-measure": "1"},
        **_new_period(prefix, **{f"{prefix}-actual": "12,5", f"{prefix}-submit": "on"}),
    )
    assert client.post(_editor_url(world), data).status_code == 302
    value.refresh_from_db()
    assert (value.actual, value.status, value.submitted_by) == (
        Decimal("12.5"),
        IndicatorValueStatus.SUBMITTED,
        world["editor"],
    )


def test_editor_is_for_the_project_editors_only(client, world):
    client.force_login(world["funder_editor"])
    assert client.get(_editor_url(world)).status_code == 403
    client.logout()
    assert client.get(_editor_url(world)).status_code == 302


def _submitted(world, approver=None):
    indicator = monitoring.indicator_save(result=world["result"], title={"fr": "Foyers"}, approver=approver, user=None)
    value = monitoring.period_save(indicator=indicator, period_start=Y2024[0], period_end=Y2024[1], user=None).value
    return monitoring.update_save(value=value, actual="40", submit=True, user=world["editor"]).value


def test_funder_approves_without_editing_the_project(client, world):
    value = _submitted(world, approver=world["funder"])
    url = reverse("cooperation:update_review", args=[world["project"].pk, value.pk])
    client.force_login(world["funder_editor"])
    assert "Approve" in client.get(url).content.decode()
    assert client.post(url, {"action": "approve"}).status_code == 302
    value.refresh_from_db()
    assert (value.status, value.reviewed_by) == (IndicatorValueStatus.APPROVED, world["funder_editor"])
    assert client.get(reverse("cooperation:project_update", args=[world["project"].pk])).status_code == 403


def test_review_page_refuses_approval_by_the_author(client, world):
    value = _submitted(world, approver=world["paris"])  # the author's organisation approves: another editor
    url = reverse("cooperation:update_review", args=[world["project"].pk, value.pk])
    client.force_login(world["editor"])
    page = client.get(url).content.decode()
    assert "You entered this update: an editor of the approving organisation approves it, not you." in page
    response = client.post(url, {"action": "approve"})
    assert response.status_code == 400
    assert "You entered this update: someone else must approve it" in response.content.decode()
    assert IndicatorValue.objects.get(pk=value.pk).status == IndicatorValueStatus.SUBMITTED
    client.force_login(make_member(world["paris"]))
    assert client.post(url, {"action": "approve"}).status_code == 302


def test_review_page_returns_with_a_comment(client, world):
    value = _submitted(world)
    url = reverse("cooperation:update_review", args=[world["project"].pk, value.pk])
    client.force_login(world["dakar_editor"])
    assert client.post(url, {"action": "return"}).status_code == 400
    assert client.post(url, {"action": "return", "comment": "Quelle source ?"}).status_code == 302
    value.refresh_from_db()
    assert (value.status, value.review_comment) == (IndicatorValueStatus.RETURNED, "Quelle source ?")


def test_review_page_is_hidden_from_strangers(client, world):
    value = _submitted(world)
    client.force_login(make_user())
    assert client.get(reverse("cooperation:update_review", args=[world["project"].pk, value.pk])).status_code == 403


def test_organisation_dashboard_lists_late_returned_and_waiting_updates(client, world):
    indicator = monitoring.indicator_save(result=world["result"], title={"fr": "Foyers"}, user=None)
    monitoring.period_save(
        indicator=indicator, period_start=Y2024[0], period_end=Y2024[1], due_date=datetime.date(2025, 1, 31), user=None
    )
    waiting = _submitted(world)
    client.force_login(world["dakar_editor"])
    dakar = client.get(reverse("cooperation:organisation_results", args=[world["dakar"].pk]))
    assert (dakar.context["late_count"], dakar.context["waiting_count"]) == (1, 1)
    assert dakar.context["waiting"] == [waiting]
    client.force_login(world["editor"])
    paris = client.get(reverse("cooperation:organisation_results", args=[world["paris"].pk]))
    assert (paris.context["late_count"], paris.context["waiting_count"]) == (1, 0)
    assert client.get(reverse("cooperation:organisation_results", args=[world["dakar"].pk])).status_code == 403


def test_coordination_dashboard_filters_by_country(client, world):
    indicator = monitoring.indicator_save(result=world["result"], title={"fr": "Foyers"}, user=None)
    monitoring.period_save(
        indicator=indicator, period_start=Y2024[0], period_end=Y2024[1], due_date=datetime.date(2025, 1, 31), user=None
    )
    client.force_login(make_user(is_coordinator=True))
    url = reverse("cooperation:coordination_results")
    assert client.get(url).context["late_count"] == 1
    assert client.get(url + "?country=SN").context["late_count"] == 1
    assert client.get(url + "?country=DE").context["late_count"] == 0
    german = make_user()
    CountryCoordinator.objects.create(user=german, country_id="DE")
    client.force_login(german)
    assert client.get(url).context["late_count"] == 0


def test_standard_indicator_page_and_api_sum_approved_actuals(client, world):
    from coopdec.vocabularies.models import StandardIndicator

    standard = StandardIndicator.objects.get(code="water-drinking-access")
    indicator = monitoring.indicator_save(result=world["result"], title={}, standard=standard, user=None)
    value = monitoring.period_save(indicator=indicator, period_start=Y2024[0], period_end=Y2024[1], user=None).value
    value = monitoring.update_save(
        value=value, actual="300", actual_parts=[({"sex": "female"}, Decimal(160))], submit=True, user=world["editor"]
    ).value
    assert client.get("/api/v1/standard-indicators/water-drinking-access").json()["reported"] is None
    monitoring.update_approve(value=value, user=world["dakar_editor"])
    listing = client.get(reverse("vocabularies:standard_indicators")).content.decode()
    assert "People gaining access to safely managed drinking water" in listing
    page = client.get(reverse("vocabularies:standard_indicator", args=["water-drinking-access"])).content.decode()
    assert "6.1.1" in page and "Access to drinking water" in page
    api = client.get("/api/v1/standard-indicators").json()
    assert len(api) == 55 and api[0]["code"] == "water-drinking-access" and api[0]["sdg_indicator"] == "6.1.1"
    detail = client.get("/api/v1/standard-indicators/water-drinking-access").json()
    assert detail["reported"] == {
        "total": "300",
        "projects": 1,
        "partnerships": 1,
        "parts": [{"dimensions": {"sex": "female"}, "value": "160"}],
    }


def test_editor_keeps_a_period_measured_in_a_draft_party_under_a_neutral_name(client, world):
    draft = make_organisation("Brouillonville", geonameid=None, country_id="SN", published=False)
    project = make_project(partnership=make_partnership(world["paris"], draft), lead=world["paris"])
    result = monitoring.result_save(project=project, title={"fr": "Eau"}, user=None)
    indicator = monitoring.indicator_save(result=result, title={"fr": "Foyers"}, user=None)
    value = monitoring.period_save(
        indicator=indicator, period_start=Y2024[0], period_end=Y2024[1], territory=draft, user=None
    ).value
    client.force_login(world["editor"])
    url = reverse("cooperation:result_edit", args=[project.pk, result.pk])
    page = client.get(url).content.decode()
    assert "Brouillonville" not in page and "(an organisation not yet published)" in page
    prefix = f"i{indicator.pk}-v{value.pk}"
    data = {
        "result-type": "1",
        "result-title_fr": "Eau",
        "indicator_rows": [f"i{indicator.pk}"],
        "period_rows": [prefix],
        f"i{indicator.pk}-title": "Foyers",
        f"i{indicator.pk}-measure": "1",
        f"{prefix}-territory": str(draft.pk),
        f"{prefix}-period_start": "2024-01-01",
        f"{prefix}-period_end": "2024-12-31",
        f"{prefix}-actual": "7",
    }
    assert client.post(url, data).status_code == 302
    value.refresh_from_db()
    assert (value.territory, value.actual) == (draft, Decimal(7))
