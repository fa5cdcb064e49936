"""The strategy page in a real browser, in French, on a 375 px phone: the objective's indicators with
their progress, the money table and the scorecard on the partnership page; no script error under the
strict Content-Security-Policy, and no page wider than the phone (tables scroll inside their box)."""

from datetime import date

import pytest

from tests.actors.test_browser import watch_errors
from tests.browser import MARKS, launch

pytestmark = MARKS


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("width", [375])
def test_strategy_page_in_french_on_a_phone(live_server, transactional_db, width):
    from playwright.sync_api import sync_playwright

    from coopdec.cooperation import services as cooperation
    from coopdec.cooperation.models import Budget
    from coopdec.strategy import services
    from coopdec.territories import loaders as places
    from coopdec.vocabularies import loaders as codelists
    from coopdec.vocabularies.selectors import clear_caches
    from tests.factories import make_organisation, make_partnership, make_project

    places.load_countries()  # live_server runs on a transactional database: load what the pages need here
    codelists.load_codelists(force=True)
    codelists.load_axes(force=True)
    clear_caches()
    chambery = make_organisation("Ville de Chambéry", geonameid=None, country_id="FR")
    louga = make_organisation("Commune de Louga", geonameid=None, country_id="SN")
    partnership = make_partnership(chambery, louga)
    project = make_project(partnership=partnership, lead=louga, title={"fr": "Latrines dans les écoles de Louga"})
    Budget.objects.create(project=project, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), value=60000)
    result = cooperation.result_create(project=project, title={"fr": "Écoles assainies"})
    indicator = cooperation.indicator_create(result=result, title={"fr": "Écoles équipées"})
    cooperation.indicator_value_set(
        indicator=indicator, territory=louga, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), actual=4
    )
    strategy = services.strategy_create(
        organisation=chambery,
        title={"fr": "Stratégie de coopération internationale 2025-2028"},
        start_year=2025,
        end_year=2028,
        published=True,
    )
    objective = services.objective_save(
        strategy=strategy, title={"fr": "L'eau potable et l'assainissement pour tous à Louga"}, territories=[louga]
    )
    services.objective_set_projects(objective=objective, projects=[project])
    services.indicator_save(
        objective=objective,
        title={"fr": "Écoles équipées de blocs sanitaires"},
        project_indicators=[indicator],
        targets={2025: 5, 2026: 5},
    )
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(locale="fr-FR", viewport={"width": width, "height": 800})
            errors = watch_errors(page)
            page.goto(f"{live_server.url}/strategies/{strategy.pk}/")
            assert page.locator("h1").inner_text() == "Stratégie de coopération internationale 2025-2028"
            row = page.locator("tr", has_text="Écoles équipées de blocs sanitaires")
            assert "4 / 5" in row.inner_text()
            assert "40" in row.locator(".progress-cell").inner_text()
            assert page.locator("text=Montants par année").count() >= 1
            assert _page_width(page) <= width
            page.goto(f"{live_server.url}/partnerships/{partnership.pk}/")
            assert page.locator("#principles").inner_text() == "Tableau des principes"
            assert page.locator(".principle").count() == 4
            assert _page_width(page) <= width
            assert errors == []
        finally:
            browser.close()
