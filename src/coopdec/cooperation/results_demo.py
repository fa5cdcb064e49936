"""Results monitoring in the demonstration (``coopdec demo_data``): on the Chambéry – Louga water project,
a standard indicator measured in Louga with an approved year broken down by sex, a year returned by the
approver with a comment, and a year whose report is late, so that the dashboards have something to show."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from coopdec.common.models import Source
from coopdec.vocabularies.models import StandardIndicator

from . import monitoring
from .models import IndicatorValue, IndicatorValueStatus, Project

STANDARD = "water-drinking-access"


def build(organisations: dict) -> int:
    """Idempotent: nothing is added when the project already names the standard indicator."""
    louga = organisations.get("org-louga")
    standard = StandardIndicator.objects.filter(code=STANDARD).first()
    project = next(
        (
            project
            for project in Project.objects.filter(source=Source.DEMO).prefetch_related("results")
            if louga is not None
            and any("eau potable" in str(result.title.get("fr", "")) for result in project.results.all())
        ),
        None,
    )
    if standard is None or project is None or project.results.filter(indicators__standard=standard).exists():
        return 0
    result = project.results.order_by("position", "id").first()
    if result is None:
        return 0
    with monitoring.results_edit(project, user=None, reason="results edited"):
        indicator = monitoring.indicator_save(result=result, title={}, standard=standard, user=None)
        years = {}
        for year in (2023, 2024, 2025):
            years[year] = monitoring.period_save(
                indicator=indicator,
                territory=louga,
                period_start=date(year, 1, 1),
                period_end=date(year, 12, 31),
                due_date=date(year + 1, 1, 31),
                target=1500 * (year - 2022),
                user=None,
            ).value
        monitoring.update_save(
            value=years[2023],
            actual=1800,
            actual_parts=[({"sex": "female"}, Decimal(950)), ({"sex": "male"}, Decimal(850))],
            comment={"fr": "Relevés des bornes-fontaines, décembre 2023"},
            user=None,
        )
        monitoring.update_save(
            value=years[2024], actual=2400, comment={"fr": "Estimation du service des eaux"}, user=None
        )
    IndicatorValue.objects.filter(pk=years[2023].pk).update(status=IndicatorValueStatus.APPROVED)
    IndicatorValue.objects.filter(pk=years[2024].pk).update(
        status=IndicatorValueStatus.RETURNED,
        review_comment="Merci de joindre le relevé des compteurs : l’estimation ne suffit pas.",
    )
    return 1
