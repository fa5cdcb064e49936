"""The strategy part of ``coopdec demo_data``: Chambéry's international cooperation strategy 2025–2028.

Two objectives (drinking water and sanitation in Louga; exchanges between both cities' technical
departments), linked to the demo water project and to a sanitation project led by Louga created
here, with yearly targets; approved values for 2025 and a 2026 update still waiting for approval
(it does not count until approved). The Chambéry–Louga partnership gets its signed agreement and
Louga's staff missions, and every partnership's scorecard is stored for the statistics.
Idempotent: a second run finds the strategy and creates nothing.
"""

from __future__ import annotations

from datetime import date

from coopdec.actors.models import Organisation
from coopdec.common.models import PublicationStatus, Source
from coopdec.cooperation import services as cooperation
from coopdec.cooperation.models import Document, Indicator, IndicatorValue, IndicatorValueStatus, Partnership, Project
from coopdec.vocabularies.models import StandardIndicator

from . import services
from .models import Strategy
from .scorecard import scorecards_refresh

STRATEGY_REF = "strategy-chambery-2025"
SANITATION_REF = "project-louga-school-sanitation"
DEMO = {"is_demo": True, "source": Source.DEMO, "publication_status": PublicationStatus.PUBLISHED}


def _standard(code: str) -> StandardIndicator | None:
    return StandardIndicator.objects.filter(code=code).first()


def _value(indicator: Indicator, territory, year: int, actual: int, *, status=IndicatorValueStatus.APPROVED):
    value = cooperation.indicator_value_set(
        indicator=indicator,
        territory=territory,
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        actual=actual,
    )
    if value.status != status:
        IndicatorValue.objects.filter(pk=value.pk).update(status=status, due_date=date(year + 1, 1, 31))
    return value


def _sanitation_project(partnership: Partnership, chambery: Organisation, louga: Organisation) -> Project:
    project = Project.objects.filter(source=Source.DEMO, source_ref=SANITATION_REF).first()
    if project is not None:
        return project
    project = cooperation.project_create(
        source_ref=SANITATION_REF,
        partnership=partnership,
        lead_organisation=louga,
        title={
            "fr": "Latrines et lavage des mains dans les écoles de Louga",
            "en": "Latrines and handwashing in Louga's schools",
        },
        summary={
            "fr": "Blocs sanitaires séparés filles et garçons et points de lavage des mains dans douze écoles, "
            "conduits par les services techniques de Louga avec l'appui de Chambéry.",
            "en": "Separate girls' and boys' toilet blocks and handwashing points in twelve schools, run by "
            "Louga's technical department with Chambéry's support.",
        },
        sectors=[("1", "14032", 100)],
        axes=["water-sanitation"],
        support_types=["technical", "financial", "human"],
        planned_start=date(2025, 1, 1),
        planned_end=date(2027, 12, 31),
        beneficiaries_count=5400,
        **DEMO,
    )
    for year, amount in ((2025, 60000), (2026, 70000), (2027, 40000)):
        project.budgets.create(
            period_start=date(year, 1, 1), period_end=date(year, 12, 31), value=amount, currency="EUR", status="2"
        )
    project.transactions.create(type="3", date=date(2025, 6, 15), value=52000, currency="EUR")
    project.transactions.create(type="3", date=date(2026, 3, 10), value=31000, currency="EUR")
    cooperation.contribution_add(project=project, organisation=chambery, kind="cash", amount=150000, year=2025)
    cooperation.contribution_add(
        project=project, organisation=louga, kind="in_kind", amount=13100000, currency="XOF", year=2025
    )
    cooperation.contribution_add(project=project, organisation=louga, kind="staff_time", amount=6000, year=2025)
    cooperation.contribution_add(project=project, organisation=chambery, kind="staff_time", amount=4000, year=2025)
    return project


def build(organisations: dict[str, Organisation]) -> int:
    """Create what is missing; the number of records created."""
    if Strategy.objects.filter(source=Source.DEMO, source_ref=STRATEGY_REF).exists():
        return 0
    chambery, louga = organisations["org-chambery"], organisations["org-louga"]
    partnership = Partnership.objects.get(source=Source.DEMO, source_ref="partnership-chambery-louga")
    water_project = Project.objects.get(source=Source.DEMO, source_ref="project-louga-water")
    sanitation = _sanitation_project(partnership, chambery, louga)
    if not Document.objects.filter(partnership=partnership, is_agreement=True).exists():
        cooperation.document_add(
            partnership=partnership,
            title={"fr": "Convention de coopération 2022-2027", "en": "Cooperation agreement 2022-2027"},
            url="https://example.org/demo/convention-chambery-louga-2022.pdf",
            is_agreement=True,
            signed_on=date(2022, 4, 8),
            renewal_on=date(2027, 4, 8),
            category="A09",
        )

    strategy = services.strategy_create(
        organisation=chambery,
        title={
            "fr": "Stratégie de coopération internationale 2025-2028",
            "en": "International cooperation strategy 2025-2028",
        },
        summary={
            "fr": "Deux priorités votées par le conseil municipal : l'eau et l'assainissement à Louga, et les "
            "échanges entre les services techniques des deux villes.",
            "en": "Two priorities voted by the city council: water and sanitation in Louga, and exchanges "
            "between both cities' technical departments.",
        },
        start_year=2025,
        end_year=2028,
        published=True,
        is_demo=True,
        source=Source.DEMO,
    )
    Strategy.objects.filter(pk=strategy.pk).update(source_ref=STRATEGY_REF)
    water = services.objective_save(
        strategy=strategy,
        title={
            "fr": "L'eau potable et l'assainissement pour tous à Louga",
            "en": "Water and sanitation for all in Louga",
        },
        axes=["water-sanitation"],
        territories=[louga],
        countries=["SN"],
    )
    services.objective_set_projects(objective=water, projects=[water_project, sanitation])
    households = Indicator.objects.get(result__project=water_project, title__en="Households connected to the network")
    services.indicator_save(
        objective=water,
        title={"fr": "Ménages raccordés au réseau", "en": "Households connected to the network"},
        unit={"fr": "ménages", "en": "households"},
        cumulative=True,
        baseline=0,
        baseline_year=2024,
        project_indicators=[households],
        targets={2025: 700, 2026: 900, 2027: 1100, 2028: 1200},
    )
    result = cooperation.result_create(
        project=sanitation, title={"fr": "Écoles assainies", "en": "Schools with sanitation"}
    )
    schools = cooperation.indicator_create(
        result=result, title={"fr": "Écoles équipées de blocs sanitaires", "en": "Schools with toilet blocks"}
    )
    standard = _standard("schools-wash")
    Indicator.objects.filter(pk__in=[schools.pk]).update(standard=standard)
    services.indicator_save(
        objective=water,
        title={"fr": "Écoles équipées de blocs sanitaires", "en": "Schools with toilet blocks"},
        unit={"fr": "écoles", "en": "schools"},
        standard=standard,
        project_indicators=[] if standard else [schools],
        targets={2025: 4, 2026: 5, 2027: 3},
    )
    _value(households, louga, 2025, 180)
    _value(households, louga, 2026, 150, status=IndicatorValueStatus.SUBMITTED)  # waits for Chambéry's approval
    _value(schools, louga, 2025, 4)
    _value(schools, louga, 2026, 2, status=IndicatorValueStatus.SUBMITTED)

    exchanges = services.objective_save(
        strategy=strategy,
        title={
            "fr": "Des services techniques qui apprennent l'un de l'autre",
            "en": "Technical departments that learn from each other",
        },
        axes=["local-governance"],
        territories=[louga],
        countries=["SN"],
    )
    services.objective_set_projects(objective=exchanges, projects=[water_project])
    trained = Indicator.objects.get(result__project=water_project, title__en="Staff trained (exchange visits)")
    services.indicator_save(
        objective=exchanges,
        title={"fr": "Agents formés lors de missions d'échange", "en": "Staff trained in exchange visits"},
        unit={"fr": "agents", "en": "staff"},
        project_indicators=[trained],
        targets={2025: 8, 2026: 8, 2027: 8, 2028: 6},
    )
    _value(trained, louga, 2025, 7)
    _value(trained, chambery, 2025, 3)
    scorecards_refresh()
    return 3
