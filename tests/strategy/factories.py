"""A strategy with two objectives over projects that report approved and pending values."""

from datetime import date

from coopdec.cooperation import services as cooperation
from coopdec.cooperation.models import IndicatorValue, IndicatorValueStatus
from coopdec.strategy import services
from tests import factories


def value(indicator, territory, year: int, actual, *, status=IndicatorValueStatus.APPROVED, month: int = 12):
    record = cooperation.indicator_value_set(
        indicator=indicator,
        territory=territory,
        period_start=date(year, 1, 1),
        period_end=date(year, month, 28),
        actual=actual,
    )
    if status != IndicatorValueStatus.APPROVED:
        IndicatorValue.objects.filter(pk=record.pk).update(status=status)
    return record


def make_world() -> dict:
    paris = factories.make_organisation("Ville de Paris", geonameid=2988507)
    dakar = factories.make_organisation("Ville de Dakar", geonameid=2253354)
    partnership = factories.make_partnership(paris, dakar)
    water = factories.make_project(partnership=partnership, lead=paris, title={"fr": "Eau", "en": "Water"})
    schools = factories.make_project(partnership=partnership, lead=dakar, title={"fr": "Écoles", "en": "Schools"})
    result = cooperation.result_create(project=water, title={"en": "Households connected"})
    households = cooperation.indicator_create(result=result, title={"en": "Households connected"})
    households.cumulative = True
    households.save()
    school_result = cooperation.result_create(project=schools, title={"en": "Schools"})
    latrines = cooperation.indicator_create(result=school_result, title={"en": "Schools with latrines"})
    strategy = services.strategy_create(
        organisation=paris,
        title={"en": "Strategy 2025-2028", "fr": "Stratégie 2025-2028"},
        start_year=2025,
        end_year=2028,
    )
    objective = services.objective_save(
        strategy=strategy,
        title={"en": "Water for all"},
        axes=["water-sanitation"],
        territories=[dakar],
        countries=["SN"],
    )
    services.objective_set_projects(objective=objective, projects=[water, schools])
    return {
        "paris": paris,
        "dakar": dakar,
        "partnership": partnership,
        "water": water,
        "schools": schools,
        "households": households,
        "latrines": latrines,
        "strategy": strategy,
        "objective": objective,
    }


def matrix_records(world: dict, draft_marker: str) -> dict:
    """The strategy records of the access matrix's world (tests/test_access_matrix.py)."""
    paris = world["paris"]
    strategy = services.strategy_create(
        organisation=paris, title={"fr": "Stratégie 2025-2028"}, start_year=2025, end_year=2028, published=True
    )
    objective = services.objective_save(strategy=strategy, title={"fr": "Eau pour tous"}, territories=[world["dakar"]])
    services.objective_set_projects(objective=objective, projects=[world["project"]])
    indicator = services.indicator_save(
        objective=objective, title={"fr": "Foyers"}, project_indicators=[world["indicator"]], targets={2025: 100}
    )
    draft = services.strategy_create(
        organisation=paris, title={"fr": f"Stratégie {draft_marker}"}, start_year=2025, end_year=2026
    )
    return {
        "strategy": strategy,
        "strategy_objective": objective,
        "strategy_indicator": indicator,
        "draft_strategy": draft,
        "spare_strategy": services.strategy_create(
            organisation=paris, title={"fr": "Ancienne stratégie"}, start_year=2019, end_year=2022, published=True
        ),
    }
