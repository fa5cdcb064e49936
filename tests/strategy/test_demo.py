"""``coopdec demo_data`` includes Chambéry's strategy 2025-2028, its results and the scorecards they produce."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from coopdec.cooperation.models import IndicatorValue
from coopdec.strategy.models import Scorecard, Strategy
from coopdec.strategy.selectors import strategy_overview

pytestmark = pytest.mark.django_db


def test_demo_data_builds_a_strategy_that_rolls_up_approved_values_only():
    call_command("demo_data", stdout=StringIO())
    strategy = Strategy.objects.get(source="demo")
    assert (strategy.organisation.name, strategy.start_year, strategy.end_year, strategy.is_published) == (
        "Ville de Chambéry",
        2025,
        2028,
        True,
    )
    overview = strategy_overview(strategy, user=AnonymousUser())
    households = overview.objectives[0].indicators[0]
    assert households.indicator.title["en"] == "Households connected to the network"
    # 2024's 410 households came before the strategy; 2025 brings 180 approved; 2026's 150 await approval.
    assert [cell["actual"] for cell in households.cells] == [Decimal(180), Decimal(180), Decimal(180), Decimal(180)]
    assert IndicatorValue.objects.filter(status="submitted").count() == 2
    assert overview.project_count == 2
    assert Scorecard.objects.filter(partnership=strategy.organisation.partnerships.first()).exists()
    call_command("demo_data", stdout=StringIO())
    assert Strategy.objects.filter(source="demo").count() == 1
