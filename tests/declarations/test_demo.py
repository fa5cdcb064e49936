import re
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from coopdec.actors.models import CountryCoordinator, User
from coopdec.cooperation.models import Contribution
from coopdec.declarations.models import Campaign, Declaration, DeclarationLine

pytestmark = pytest.mark.django_db


def test_demo_data_opens_last_years_campaign_in_france_with_declarations():
    call_command("demo_data", stdout=StringIO())

    campaign = Campaign.objects.get()
    today = date.today()
    assert (campaign.country_id, campaign.year, campaign.currency, campaign.is_demo) == (
        "FR",
        today.year - 1,
        "EUR",
        True,
    )
    assert campaign.opens_on < today < campaign.closes_on
    declarations = Declaration.objects.filter(campaign=campaign)  # total: kept by the services
    assert {(d.organisation.name, d.status, d.is_demo, d.total) for d in declarations} == {
        ("Ville de Chambéry", "submitted", True, Decimal("36500.00")),
        ("Grand Poitiers Communauté urbaine", "draft", True, Decimal("18000.00")),
    }
    lines = DeclarationLine.objects.filter(declaration__organisation__name="Ville de Chambéry")
    assert set(lines.values_list("recipient_code", "sector", "source")) == {
        ("SN", "14031", "contribution"),
        ("SN", "14032", "contribution"),
    }


def test_demo_data_twice_creates_nothing_twice():
    call_command("demo_data", stdout=StringIO())
    counts = (
        Campaign.objects.count(),
        Declaration.objects.count(),
        DeclarationLine.objects.count(),
        Contribution.objects.count(),
        Declaration.history.count(),
    )

    output = StringIO()
    call_command("demo_data", stdout=output)

    assert (
        Campaign.objects.count(),
        Declaration.objects.count(),
        DeclarationLine.objects.count(),
        Contribution.objects.count(),
        Declaration.history.count(),
    ) == counts
    assert counts[:2] == (1, 2)
    assert "0 records created" in output.getvalue()


def test_demo_setup_makes_a_coordinator_for_france_and_prints_the_same_password_again(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first, second = StringIO(), StringIO()

    call_command("demo_setup", stdout=first)
    call_command("demo_setup", stdout=second)

    password = re.search(r"user 'coordinator-fr', password '([^']+)'", first.getvalue()).group(1)
    assert f"user 'coordinator-fr', password '{password}'" in second.getvalue()
    assert User.objects.get(username="coordinator-fr").check_password(password)
    assert list(CountryCoordinator.objects.values_list("user__username", "country_id")) == [("coordinator-fr", "FR")]
    assert not User.objects.get(username="coordinator-fr").is_coordinator
