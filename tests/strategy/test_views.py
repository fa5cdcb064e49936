"""The strategy pages: the overview rolled up from approved values, the forms and their messages,
who sees drafts, the scorecard on partnership and organisation pages, the statistics."""

from datetime import date
from decimal import Decimal

import pytest

from coopdec.cooperation.models import Budget, Transaction
from coopdec.strategy import services
from coopdec.strategy.models import StrategyIndicator
from coopdec.strategy.scorecard import scorecards_refresh
from coopdec.strategy.selectors import strategy_overview
from tests import factories

from .factories import make_world, value

pytestmark = pytest.mark.django_db


def _publish(strategy):
    strategy.publication_status = "published"
    strategy.save()


def test_overview_rolls_up_approved_values_against_targets():
    world = make_world()
    indicator = services.indicator_save(
        objective=world["objective"],
        title={"en": "Households"},
        cumulative=True,
        project_indicators=[world["households"]],
        targets={2025: 200, 2026: 400},
    )
    value(world["households"], world["dakar"], 2025, 150)
    value(world["households"], world["dakar"], 2026, 260, status="submitted")  # does not count yet
    Budget.objects.create(
        project=world["water"], period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), value=1000
    )
    Transaction.objects.create(project=world["water"], type="3", date=date(2025, 5, 1), value=400)
    overview = strategy_overview(world["strategy"], user=factories.make_user())
    block = overview.objectives[0]
    row = block.indicators[0]
    assert row.indicator == indicator
    assert [(cell["year"], cell["actual"], cell["target"], cell["progress"]) for cell in row.cells] == [
        (2025, Decimal(150), Decimal(200), 75),
        (2026, Decimal(150), Decimal(400), 38),
        (2027, Decimal(150), None, None),
        (2028, Decimal(150), None, None),
    ]
    assert row.progress == 38
    assert [(r["year"], r["committed"], r["spent"]) for r in block.money_rows][:2] == [
        (2025, Decimal("1000.00"), Decimal("400.00")),
        (2026, Decimal(0), Decimal(0)),
    ]


def test_overview_sums_every_linked_project_indicator_of_a_standard():
    from coopdec.vocabularies.models import StandardIndicator

    world = make_world()
    standard = StandardIndicator.objects.create(code="schools-wash-test", names={"en": "Schools with WASH"})
    for indicator in (world["households"], world["latrines"]):
        indicator.standard = standard
        indicator.cumulative = False
        indicator.save()
    services.indicator_save(objective=world["objective"], title={"en": "Schools"}, standard=standard)
    value(world["households"], world["dakar"], 2025, 2)
    value(world["latrines"], world["dakar"], 2025, 3)
    row = strategy_overview(world["strategy"], user=factories.make_user()).objectives[0].indicators[0]
    assert (row.sources, row.rolled.by_year[2025]) == (2, Decimal(5))


def test_overview_reads_a_fixed_number_of_queries(django_assert_max_num_queries):
    world = make_world()
    services.indicator_save(
        objective=world["objective"], title={"en": "H"}, project_indicators=[world["households"]], targets={2025: 1}
    )
    for year in (2025, 2026):
        value(world["households"], world["dakar"], year, 10)
    second = services.objective_save(strategy=world["strategy"], title={"en": "Second"})
    services.objective_set_projects(objective=second, projects=[world["schools"]])
    services.indicator_save(objective=second, title={"en": "L"}, project_indicators=[world["latrines"]])
    with django_assert_max_num_queries(20):
        strategy_overview(world["strategy"], user=factories.make_user())


def test_strategy_page_shows_progress_to_anyone_once_published(client):
    world = make_world()
    services.indicator_save(
        objective=world["objective"],
        title={"en": "Households connected"},
        project_indicators=[world["households"]],
        targets={2025: 200},
    )
    value(world["households"], world["dakar"], 2025, 150)
    url = f"/strategies/{world['strategy'].pk}/"
    assert client.get(url).status_code == 404  # a draft
    _publish(world["strategy"])
    page = client.get(url).content.decode()
    assert "Households connected" in page
    assert "75&nbsp;%" in page
    assert "Water for all" in page


def test_indicator_form_shows_the_services_message_on_the_target_of_its_year(client):
    world = make_world()
    editor = factories.make_member(world["paris"])
    client.force_login(editor)
    url = f"/strategies/{world['strategy'].pk}/objectives/{world['objective'].pk}/indicators/new/"
    response = client.post(url, {"title_en": "Households", "target_2025": "about 100", "baseline": "12"})
    assert response.status_code == 200
    assert "Target 2025: enter a number (for example 1200 or 12.5), not “about 100”." in response.content.decode()
    assert StrategyIndicator.objects.count() == 0
    response = client.post(url, {"title_en": "Households", "target_2025": "1 200", "cumulative": "on"})
    assert response.status_code == 302
    assert list(StrategyIndicator.objects.get().targets.values_list("year", "value")) == [(2025, 1200)]


def test_strategy_create_page_records_a_draft_for_the_organisation(client):
    paris = factories.make_organisation("Ville de Paris", geonameid=2988507)
    client.force_login(factories.make_member(paris))
    response = client.post(
        f"/strategies/new/?organisation={paris.pk}", {"title_fr": "Stratégie", "start_year": "2025", "end_year": "2024"}
    )
    assert "The strategy ends before it starts." in response.content.decode()
    response = client.post(
        f"/strategies/new/?organisation={paris.pk}", {"title_fr": "Stratégie", "start_year": "2025", "end_year": "2028"}
    )
    strategy = paris.strategies.get()
    assert response["Location"] == f"/strategies/{strategy.pk}/"
    assert (strategy.title, strategy.created_by_id is not None) == ({"fr": "Stratégie"}, True)


def test_strategy_create_refuses_an_editor_of_another_organisation(client):
    paris = factories.make_organisation("Ville de Paris", geonameid=2988507)
    lyon = factories.make_organisation("Ville de Lyon", geonameid=2996944)
    client.force_login(factories.make_member(lyon))
    response = client.post(
        f"/strategies/new/?organisation={paris.pk}", {"title_fr": "S", "start_year": "2025", "end_year": "2028"}
    )
    assert response.status_code == 403
    assert not paris.strategies.exists()


def test_joint_strategy_is_edited_by_either_side(client):
    world = make_world()
    joint = services.strategy_create(
        partnership=world["partnership"], title={"en": "Joint"}, start_year=2025, end_year=2026
    )
    for organisation in (world["paris"], world["dakar"]):
        client.force_login(factories.make_member(organisation))
        assert client.get(f"/strategies/{joint.pk}/edit/").status_code == 200
    lyon = factories.make_organisation("Ville de Lyon", geonameid=2996944)
    client.force_login(factories.make_member(lyon))
    assert client.get(f"/strategies/{joint.pk}/").status_code == 404


def test_objective_projects_page_suggests_projects_sharing_its_axes(client):
    world = make_world()
    other = factories.make_project(partnership=world["partnership"], lead=world["paris"], title={"en": "Wells"})
    other.axes.set(["water-sanitation"])
    client.force_login(factories.make_member(world["paris"]))
    page = client.get(f"/strategies/{world['strategy'].pk}/objectives/{world['objective'].pk}/projects/")
    suggestions = page.context["suggestions"]
    assert [(s.project, s.reasons) for s in suggestions] == [
        (other, ["same axes", "same partner territory", "same country"])
    ]


def test_partnership_page_shows_the_scorecard_and_its_strategies(client):
    world = make_world()
    _publish(world["strategy"])
    page = client.get(f"/partnerships/{world['partnership'].pk}/").content.decode()
    assert "Principles scorecard" in page
    assert "A signed agreement of the partnership is recorded" in page
    page = client.get(f"/organisations/{world['paris'].pk}/").content.decode()
    assert "Strategy 2025-2028" in page
    assert "Principles scorecard" in page


def test_statistics_page_filters_by_country_and_axis(client):
    world = make_world()
    world["partnership"].axes.set(["water-sanitation"])
    scorecards_refresh()
    page = client.get("/strategies/principles/?country=SN&axis=water-sanitation")
    assert page.context["count"] == 1
    checks = {check["label"]: (check["met"], check["known"]) for check in page.context["checks"]}
    assert checks["A signed agreement of the partnership is recorded"] == (0, 1)
    assert checks["An environmental policy marker is declared"] == (0, 0)
    assert client.get("/strategies/principles/?country=DE").context["count"] == 0


def test_approved_series_sum_figures_per_year_as_the_orm_reads_them():
    from coopdec.cooperation.models import IndicatorValue
    from coopdec.strategy.rollup import approved_series

    world = make_world()
    value(world["households"], world["dakar"], 2025, Decimal("12.5"))
    value(world["latrines"], world["dakar"], 2025, Decimal("12.5"))  # the same figure twice
    value(world["latrines"], world["dakar"], 2026, Decimal("0.0001"))
    value(world["latrines"], world["dakar"], 2026, 1200, month=6)  # entered later, for an earlier period
    indicators = [world["households"], world["latrines"]]
    found = approved_series([row.pk for row in indicators], cumulative_of={world["latrines"].pk: True})
    read = {
        (indicator_id, year): (str(cell[0]), str(cell[1]), series.cumulative)
        for indicator_id, all_series in found.items()
        for series in all_series
        for year, cell in series.reported.items()
    }
    expected: dict = {}
    for row in IndicatorValue.objects.filter(indicator__in=indicators).order_by("period_end", "pk"):
        key = (row.indicator_id, row.period_end.year)
        total = expected[key][0] + row.actual if key in expected else row.actual
        expected[key] = (total, row.actual, row.indicator_id == world["latrines"].pk)
    assert read == {key: (str(total), str(last), kind) for key, (total, last, kind) in expected.items()}
    assert read[(world["latrines"].pk, 2026)][1] == "0.0001"  # the value of the later period is the last


@pytest.mark.parametrize("language", ["en", "fr"])
def test_strategy_page_lists_projects_and_figures_as_before(client, language):
    from django.template.defaultfilters import floatformat
    from django.utils import translation

    world = make_world()
    services.indicator_save(
        objective=world["objective"],
        title={"en": "Households connected"},
        project_indicators=[world["households"]],
        targets={2025: 2000},
    )
    value(world["households"], world["dakar"], 2025, Decimal("1234.5"))
    _publish(world["strategy"])
    page = client.get(f"/strategies/{world['strategy'].pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    with translation.override(language):
        water, schools = world["water"], world["schools"]
        assert f'<a href="{water.get_absolute_url()}">{water.display_title}</a> · {water.get_status_display()}' in page
        assert f'<a href="{schools.get_absolute_url()}">{schools.display_title}</a>' in page
        assert f"{floatformat(Decimal('1234.5'), '-2g')} / {floatformat(Decimal(2000), '-2g')}" in page
    assert ("1,234.50" in page) == (language == "en")


def test_strategy_page_escapes_project_titles(client):
    world = make_world()
    water = world["water"]
    water.title = {"en": "<b>Water</b> & sanitation"}
    water.save()
    _publish(world["strategy"])
    page = client.get(f"/strategies/{world['strategy'].pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "&lt;b&gt;Water&lt;/b&gt; &amp; sanitation</a>" in page
    assert "<b>Water</b>" not in page
