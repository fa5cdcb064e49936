"""The statistics page in French on a phone: every currency of a project counted, the euro total
and the rates used shown (Debian's chromium, headless)."""

from datetime import date
from decimal import Decimal

from tests.browser import MARKS, launch

pytestmark = MARKS


def _louga():
    from coopdec.actors.models import Organisation
    from coopdec.cooperation.models import Contribution
    from coopdec.territories import loaders as places
    from coopdec.vocabularies import loaders as vocabularies
    from tests.factories import make_partnership, make_project

    places.load_countries()
    vocabularies.load_codelists()
    vocabularies.load_axes()
    lyon, louga = (
        Organisation.objects.create(name=name, kind="municipality", country_id=country, publication_status="published")
        for name, country in (("Lyon", "FR"), ("Louga", "SN"))
    )
    project = make_project(
        partnership=make_partnership(lyon, louga), title={"fr": "Maraîchage à Louga"}, planned_start=date(2019, 3, 1)
    )
    for amount, currency in (("252000", "EUR"), ("65595700", "XOF")):
        Contribution.objects.create(
            project=project, organisation=lyon, amount=Decimal(amount), currency=currency, year=2019
        )


def test_statistics_in_french_count_euros_and_cfa_francs_on_a_phone(live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    _louga()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(locale="fr-FR", viewport={"width": 375, "height": 800})
            page.goto(f"{live_server.url}/atlas/stats/")
            money = page.locator("dl.stats-money")

            assert money.locator("dd").nth(0).inner_text() == "352\u00a0000 EUR"  # 252,000 EUR + 65,595,700 XOF
            assert money.locator("dd").nth(1).inner_text() == "252\u00a0000 EUR · 65\u00a0595\u00a0700 XOF"
            assert money.locator("dd").nth(2).inner_text() == "1 EUR = 655,957 XOF en 2019 (parité fixe avec l’euro)"
            row = page.locator("#stats-country tbody tr", has_text="Sénégal")
            assert row.locator("td").nth(2).inner_text() == "352\u00a0000"
            assert row.locator("td").nth(3).inner_text() == "252\u00a0000 EUR · 65\u00a0595\u00a0700 XOF"
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
        finally:
            browser.close()
