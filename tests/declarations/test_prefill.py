from datetime import date
from decimal import Decimal

import pytest

from coopdec.common.rates import RateUnavailable, year_average
from coopdec.cooperation.models import (
    Contribution,
    ContributorRole,
    ProjectCountry,
    ProjectSector,
    Transaction,
)
from coopdec.declarations.prefill import propose, split
from coopdec.territories.models import Locality
from tests.factories import make_organisation, make_partnership, make_project

pytestmark = pytest.mark.django_db


def _louga():
    return make_organisation(
        "Louga", geonameid=Locality.objects.filter(name="Louga", country_id="SN").first().geonameid
    )


def test_split_parts_add_up_to_the_cent():
    parts = split(Decimal("100.00"), [("a", Decimal(1)), ("b", Decimal(1)), ("c", Decimal(1))])
    assert [value for _key, value in parts] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert sum(value for _key, value in parts) == Decimal("100.00")


def test_year_average_is_the_mean_of_the_ecb_daily_rates():
    rate = year_average("USD", "EUR", 2023)
    assert rate.source == "ECB average 2023"
    assert Decimal("0.92") < rate.value < Decimal("0.93")  # 1.0813 USD per euro on average in 2023


def test_year_average_uses_the_cfa_franc_parity():
    assert year_average("EUR", "XOF", 2024).value == Decimal("655.957")


def test_year_average_refuses_a_currency_the_ecb_does_not_publish():
    with pytest.raises(RateUnavailable, match="NGN"):
        year_average("NGN", "EUR", 2024)


def test_propose_splits_disbursements_by_sector_and_country():
    lyon = make_organisation("Lyon", geonameid=2996944)
    project = make_project(lead=lyon, sectors={"14030": 60, "11220": 40})
    ProjectCountry.objects.create(project=project, country_id="SN", percentage=100)
    Transaction.objects.create(project=project, type="3", date=date(2025, 3, 1), value=Decimal("1000"), currency="EUR")
    Transaction.objects.create(project=project, type="4", date=date(2025, 9, 1), value=Decimal("500"), currency="EUR")
    Transaction.objects.create(project=project, type="3", date=date(2024, 12, 31), value=Decimal("999"), currency="EUR")
    Transaction.objects.create(project=project, type="2", date=date(2025, 1, 1), value=Decimal("5000"), currency="EUR")

    proposal = propose(organisation=lyon, year=2025)

    assert proposal.gross == {"EUR": Decimal("1500")}
    assert sorted((line.sector, line.recipient_code, line.amount) for line in proposal.lines) == [
        ("11220", "SN", Decimal("200.00")),
        ("11220", "SN", Decimal("400.00")),
        ("14030", "SN", Decimal("300.00")),
        ("14030", "SN", Decimal("600.00")),
    ]
    assert {line.project for line in proposal.lines} == {project.pk}


def test_propose_takes_the_partner_country_and_channel_when_the_project_names_no_country():
    lyon = make_organisation("Lyon", geonameid=2996944)
    louga = _louga()
    project = make_project(partnership=make_partnership(lyon, louga), lead=lyon)
    Contribution.objects.create(
        project=project, organisation=lyon, amount=Decimal("252000"), currency="EUR", year=2025, kind="staff_time"
    )

    [line] = propose(organisation=lyon, year=2025).lines

    assert (line.recipient_code, line.channel, line.aid_type, line.amount) == (
        "SN",
        "12002",
        "D01",
        Decimal("252000.00"),
    )


def test_propose_converts_other_currencies_and_keeps_the_originals():
    lyon = make_organisation("Lyon", geonameid=2996944)
    project = make_project(lead=lyon)
    Contribution.objects.create(project=project, organisation=lyon, amount=Decimal("655957"), currency="XOF", year=2025)
    Contribution.objects.create(project=project, organisation=lyon, amount=Decimal("100"), currency="EUR", year=2025)

    proposal = propose(organisation=lyon, year=2025)

    assert proposal.gross == {"XOF": Decimal("655957"), "EUR": Decimal("100")}
    xof = next(line for line in proposal.lines if line.original_currency == "XOF")
    assert (xof.amount, xof.original_amount, xof.rate_source) == (
        Decimal("1000.00"),
        Decimal("655957.00"),
        "fixed parity to the euro",
    )


def test_propose_flags_cofinancing_received_as_a_deduction():
    lyon = make_organisation("Lyon", geonameid=2996944)
    project = make_project(lead=lyon)
    Transaction.objects.create(project=project, type="3", date=date(2025, 3, 1), value=Decimal("1000"), currency="EUR")
    Transaction.objects.create(project=project, type="1", date=date(2025, 2, 1), value=Decimal("300"), currency="EUR")
    Contribution.objects.create(
        project=project,
        contributor_name="Ministry",
        role=ContributorRole.FUNDER,
        amount=Decimal("100"),
        currency="EUR",
        year=2025,
    )

    proposal = propose(organisation=lyon, year=2025)

    assert proposal.cofinancing_received == {"EUR": Decimal("400")}
    assert [(line.amount, line.cofinancing) for line in proposal.lines] == [(Decimal("1000.00"), Decimal("400.00"))]


def test_propose_ignores_other_organisations_disbursements():
    lyon = make_organisation("Lyon", geonameid=2996944, iati_identifier="FR-LYON")
    project = make_project(lead=lyon)
    Transaction.objects.create(
        project=project, type="3", date=date(2025, 3, 1), value=Decimal("1000"), currency="EUR", provider_ref="XM-DAC-7"
    )

    proposal = propose(organisation=lyon, year=2025)

    assert proposal.lines == []
    assert proposal.gross == {}
    assert "nil declaration" in proposal.notes[0]


def test_propose_as_json_has_the_documented_shape():
    lyon = make_organisation("Lyon", geonameid=2996944)
    project = make_project(lead=lyon)
    ProjectSector.objects.filter(project=project).delete()
    Contribution.objects.create(project=project, organisation=lyon, amount=Decimal("10"), currency="USD", year=2024)

    data = propose(organisation=lyon, year=2024).as_json()

    assert set(data) == {"organisation", "year", "currency", "lines", "totals", "notes"}
    assert data["totals"] == {"gross": {"USD": "10.00"}, "cofinancing_received": {}}
    [line] = data["lines"]
    assert {"recipient", "sector", "channel", "amount", "original_amount", "original_currency", "project"} <= set(line)
    assert (line["recipient"], line["sector"], line["original_currency"], line["project"]) == (
        "unallocated",
        "",
        "USD",
        project.pk,
    )
