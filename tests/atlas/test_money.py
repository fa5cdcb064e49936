"""Statistics count every currency of a project and convert to euros at the year's ECB average."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from coopdec.atlas import money, selectors
from coopdec.atlas.filters import AtlasQuery
from coopdec.cooperation.models import Contribution
from tests.factories import make_project


@pytest.fixture
def louga(atlas, django_capture_on_commit_callbacks):
    """A project of Paris and Dakar funded in euros, CFA francs (fixed parity) and Guinean francs
    (no ECB rate): 252,000 EUR must not disappear behind 65,595,700 XOF."""
    with django_capture_on_commit_callbacks(execute=True):
        project = make_project(
            partnership=atlas.paris_dakar, title={"fr": "Maraîchage à Louga"}, planned_start=date(2019, 3, 1)
        )
        for amount, currency, year in (("252000", "EUR", 2019), ("65595700", "XOF", 2019), ("1000000", "GNF", 2019)):
            Contribution.objects.create(
                project=project, contributor_name="Région", amount=Decimal(amount), currency=currency, year=year
            )
    return project


def test_money_groups_encode_by_currency_and_year():
    text = money.encode([("eur", 2019, Decimal("100.10")), ("EUR", 2019, 200), ("XOF", None, 5), ("USD", 2020, 0)])

    assert text == "EUR:2019:300.10 XOF:0:5.00"
    assert money.decode(text) == [("EUR", 2019, 300.1), ("XOF", 0, 5.0)]


def test_statistics_count_every_currency_and_convert_to_euros(louga):
    stats = selectors.statistics(AtlasQuery(), "country")
    rows = {row.value: row for row in stats.rows}

    # Senegal: the water project (120,000 EUR in 2020) and Louga; 65,595,700 XOF = 100,000 EUR
    assert rows["SN"].amounts == {"EUR": 372000.0, "XOF": 65595700.0, "GNF": 1000000.0}
    assert rows["SN"].euros == 472000.0
    assert rows["SN"].unconverted == {"GNF": 1000000.0}
    # Burkina Faso: 5,000,000 XOF in 2021 at 655.957
    assert rows["BF"].amounts == {"XOF": 5000000.0}
    assert rows["BF"].euros == 7622.45
    assert rows["BF"].unconverted == {}
    assert stats.currencies == ["EUR", "XOF", "GNF"]  # by number of projects, then code
    assert stats.money == money.Money(
        amounts={"EUR": 372000.0, "XOF": 70595700.0, "GNF": 1000000.0},
        euros=479622.45,
        unconverted={"GNF": 1000000.0},
    )
    assert [(r.currency, r.year, r.per_euro) for r in stats.rates] == [("XOF", 2021, 655.957), ("XOF", 2019, 655.957)]


def test_statistics_convert_at_the_year_average_ecb_rate(atlas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        project = make_project(lead=atlas.paris, title={"fr": "Échanges avec Montréal"})
        Contribution.objects.create(
            project=project, contributor_name="Ville", amount=Decimal("2238.95"), currency="USD", year=2019
        )
        Contribution.objects.create(project=project, contributor_name="Ville", amount=Decimal("500"), currency="USD")

    stats = selectors.statistics(AtlasQuery(), "kind")

    # ECB average of 2019: 1.1194745098 USD for 1 EUR; the line with no year (and no project start) stays in dollars
    assert [(r.currency, r.year, round(r.per_euro, 10), r.source) for r in stats.rates if r.currency == "USD"] == [
        ("USD", 2019, 1.1194745098, "Moyenne BCE 2019"),
    ]
    assert stats.money.amounts["USD"] == 2738.95
    assert stats.money.unconverted == {"USD": 500.0}
    assert stats.money.euros == 129622.45  # 120,000 EUR + 7,622.45 (XOF) + 2,000.00 (2,238.95 USD)


def test_statistics_csv_has_every_currency_and_the_converted_total(client, louga):
    response = client.get(reverse("atlas:statistics_csv", args=["country"]))

    rows = {row[0]: row for row in csv.reader(io.StringIO(response.content.decode()))}
    assert rows["country"] == [
        "country",
        "label",
        "partnerships",
        "projects",
        "amount_EUR",
        "amount_XOF",
        "amount_GNF",
        "amount_eur_converted",
        "unconverted_GNF",
    ]
    assert rows["SN"][2:] == ["2", "3", "372000.00", "65595700.00", "1000000.00", "472000.00", "1000000.00"]
    assert rows["BF"][2:] == ["1", "1", "0.00", "5000000.00", "0.00", "7622.45", "0.00"]


def test_statistics_page_shows_originals_rates_and_what_was_not_converted(client, louga):
    page = client.get(reverse("atlas:statistics"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "<dd>479\xa0622 EUR</dd>" in page
    assert "<dd>372\xa0000 EUR · 70\xa0595\xa0700 XOF · 1\xa0000\xa0000 GNF</dd>" in page
    assert "Montants d’origine" in page
    assert "<dt>Non convertis (pas de taux pour leur devise et leur année)</dt><dd>1\xa0000\xa0000 GNF</dd>" in page
    assert "1 EUR = 655,957 XOF en 2019 (parité fixe avec l’euro)" in page


def test_statistics_api_has_every_currency_rates_and_unconverted(client, louga):
    body = client.get("/api/v1/statistics?dimension=country").json()

    rows = {row["value"]: row for row in body["rows"]}
    assert rows["SN"]["amounts"] == {"EUR": 372000.0, "XOF": 65595700.0, "GNF": 1000000.0}
    assert rows["SN"]["amount_eur"] == 472000.0
    assert rows["SN"]["unconverted"] == {"GNF": 1000000.0}
    assert body["amount_eur"] == 479622.45
    assert body["unconverted"] == {"GNF": 1000000.0}
    assert [(r["currency"], r["year"], r["per_euro"]) for r in body["rates"]] == [
        ("XOF", 2021, 655.957),
        ("XOF", 2019, 655.957),
    ]
