"""Writing strategies: the rules and the bad input each get a clear message and write nothing."""

import pytest
from django.core.exceptions import ValidationError

from coopdec.strategy import services
from coopdec.strategy.models import Strategy, StrategyIndicator, StrategyTarget
from tests import factories

from .factories import make_world

pytestmark = pytest.mark.django_db


def test_strategy_create_records_a_draft_with_a_version():
    world = make_world()
    strategy = world["strategy"]
    assert (strategy.start_year, strategy.end_year, strategy.publication_status) == (2025, 2028, "draft")
    assert strategy.years == [2025, 2026, 2027, 2028]
    reasons = list(strategy.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == [None, "objective added", "projects linked"]


def test_strategy_create_refuses_a_period_that_ends_before_it_starts():
    paris = factories.make_organisation("Ville de Paris", geonameid=2988507)
    with pytest.raises(ValidationError) as error:
        services.strategy_create(organisation=paris, title={"en": "S"}, start_year=2028, end_year=2025)
    assert error.value.message_dict == {"end_year": ["The strategy ends before it starts."]}
    assert Strategy.objects.count() == 0


def test_strategy_create_needs_exactly_one_owner():
    paris = factories.make_organisation("Ville de Paris", geonameid=2988507)
    partnership = factories.make_partnership(paris)
    with pytest.raises(ValidationError) as error:
        services.strategy_create(
            organisation=paris, partnership=partnership, title={"en": "S"}, start_year=2025, end_year=2028
        )
    assert error.value.messages == ["A strategy belongs to one organisation or to one partnership."]


def test_indicator_save_refuses_text_in_a_number_and_writes_nothing():
    world = make_world()
    with pytest.raises(ValidationError) as error:
        services.indicator_save(
            objective=world["objective"],
            title={"en": "Households"},
            baseline="N/A",
            targets={2025: "about 100", 2026: "200"},
        )
    assert error.value.message_dict == {
        "targets": ["Target 2025: enter a number (for example 1200 or 12.5), not “about 100”."],
        "baseline": ["Baseline: enter a number (for example 1200 or 12.5), not “N/A”."],
    }
    assert StrategyIndicator.objects.count() == 0
    assert StrategyTarget.objects.count() == 0


def test_indicator_save_refuses_a_target_outside_the_strategy_period():
    world = make_world()
    with pytest.raises(ValidationError) as error:
        services.indicator_save(objective=world["objective"], title={"en": "Households"}, targets={2030: 10, 2025: 5})
    assert error.value.message_dict == {"targets": ["A target for 2030 is outside the strategy's period (2025–2028)."]}
    assert StrategyIndicator.objects.count() == 0


def test_indicator_save_reads_numbers_as_people_type_them():
    world = make_world()
    indicator = services.indicator_save(
        objective=world["objective"],
        title={"en": "Households"},
        baseline="1 200,5",
        targets={"2025": "700", 2026: " 1\u202f000 ", 2027: ""},
    )
    assert str(indicator.baseline) == "1200.5000"
    assert {t.year: str(t.value) for t in indicator.targets.all()} == {2025: "700.0000", 2026: "1000.0000"}


def test_indicator_save_replaces_the_targets_it_is_given():
    world = make_world()
    indicator = services.indicator_save(objective=world["objective"], title={"en": "H"}, targets={2025: 1, 2026: 2})
    services.indicator_save(objective=world["objective"], indicator=indicator, title={"en": "H"}, targets={2026: 3})
    assert list(indicator.targets.values_list("year", "value")) == [(2026, 3)]


def test_indicator_save_refuses_a_project_indicator_of_an_unlinked_project():
    world = make_world()
    other = factories.make_project(lead=world["paris"], title={"en": "Other"})
    from coopdec.cooperation import services as cooperation

    result = cooperation.result_create(project=other, title={"en": "R"})
    foreign = cooperation.indicator_create(result=result, title={"en": "I"})
    with pytest.raises(ValidationError) as error:
        services.indicator_save(objective=world["objective"], title={"en": "H"}, project_indicators=[foreign])
    assert error.value.message_dict == {
        "project_indicators": [
            f"Only indicators of the projects linked to this objective can roll up into it (not: {foreign.pk})."
        ]
    }


def test_strategy_update_refuses_to_leave_targets_outside_the_new_period():
    world = make_world()
    services.indicator_save(objective=world["objective"], title={"en": "H"}, targets={2028: 5})
    with pytest.raises(ValidationError) as error:
        services.strategy_update(strategy=world["strategy"], title={"en": "S"}, start_year=2025, end_year=2027)
    assert error.value.message_dict == {
        "end_year": ["Targets are set for 2028, outside 2025–2027: change or remove them first."]
    }
    world["strategy"].refresh_from_db()
    assert world["strategy"].end_year == 2028


def test_objective_set_projects_refuses_a_project_of_someone_else():
    world = make_world()
    lyon = factories.make_organisation("Ville de Lyon", geonameid=2996944)
    stranger = factories.make_project(lead=lyon, title={"en": "Lyon's"})
    with pytest.raises(ValidationError) as error:
        services.objective_set_projects(objective=world["objective"], projects=[world["water"], stranger])
    assert error.value.message_dict == {
        "projects": [f"Only projects of the strategy's organisation or partnership can be linked (not: {stranger.pk})."]
    }
    assert set(world["objective"].projects.values_list("pk", flat=True)) == {world["water"].pk, world["schools"].pk}


def test_objective_set_projects_drops_named_indicators_of_unlinked_projects():
    world = make_world()
    indicator = services.indicator_save(
        objective=world["objective"], title={"en": "H"}, project_indicators=[world["households"], world["latrines"]]
    )
    services.objective_set_projects(objective=world["objective"], projects=[world["water"]])
    assert list(indicator.project_indicators.all()) == [world["households"]]


def test_joint_strategy_links_the_partnership_projects():
    world = make_world()
    joint = services.strategy_create(
        partnership=world["partnership"], title={"en": "Joint"}, start_year=2025, end_year=2026
    )
    objective = services.objective_save(strategy=joint, title={"en": "O"})
    services.objective_set_projects(objective=objective, projects=[world["water"], world["schools"]])
    assert objective.projects.count() == 2
