"""The main pages on a phone (375 px wide): nothing wider than the screen, the site menu behind a
button that opens it, the atlas filters in a drawer above the results, wide tables scrolling inside
their box."""

from datetime import date
from decimal import Decimal

from tests.actors.test_browser import watch_errors
from tests.browser import MARKS, launch, sign_in
from tests.web.test_accessibility import _data

pytestmark = MARKS

WIDTH = 375


def _pages(data) -> list[str]:
    return [
        "/",
        "/atlas/",
        "/atlas/stats/",
        f"/organisations/{data['lyon'].pk}/",
        f"/partnerships/{data['partnership'].pk}/",
        f"/projects/{data['project'].pk}/",
        "/declarations/totals/",
        "/matching/offers/",
    ]


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_main_pages_fit_a_phone_screen(live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    from coopdec.cooperation.models import Budget

    data = _data()
    project = data["project"]
    Budget.objects.create(
        project=project,
        period_start=date(2023, 1, 1),
        period_end=date(2023, 12, 31),
        value=Decimal("123456789012.50"),
        currency="XOF",
    )
    Budget.objects.create(
        project=project,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        value=Decimal("252000.00"),
        currency="EUR",
    )
    widths = {}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 740}, locale="fr-FR")
            errors = watch_errors(page)
            for path in _pages(data):
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, path
                widths[path] = _width(page)
                # The menu is folded behind its button, which opens it.
                assert page.is_visible(".menu-toggle"), path
                assert not page.is_visible("#site-menu a[href='/atlas/stats/']"), path
                page.click(".menu-toggle")
                assert page.get_attribute(".menu-toggle", "aria-expanded") == "true"
                assert page.is_visible("#site-menu a[href='/atlas/stats/']"), path
                widths[f"{path} (menu open)"] = _width(page)
            # The project's budget table scrolls inside its box: the amounts are all there.
            page.goto(f"{live_server.url}/projects/{project.pk}/")
            assert page.is_visible(".table-scroll >> text=252")
            # ... and stand within the screen, not off to its right where a reader must find them.
            amount = page.locator(".table-scroll >> text=252").first.bounding_box()
            assert amount["x"] + amount["width"] <= WIDTH
        finally:
            browser.close()
    assert {path: width for path, width in widths.items() if width > WIDTH} == {}
    assert [error for error in errors if not error.startswith("404 ")] == []


def test_an_editors_forms_fit_a_phone_screen(live_server, transactional_db):
    """The edit forms too: the project's sectors table scrolls in its box, not the page."""
    from playwright.sync_api import sync_playwright

    data = _data()
    paths = [
        f"/projects/{data['project'].pk}/edit/",
        f"/partnerships/{data['partnership'].pk}/edit/",
        f"/organisations/{data['lyon'].pk}/edit/",
    ]
    widths = {}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 740}, locale="fr-FR")
            sign_in(page, live_server.url, "awa", paths[0])
            for path in paths:
                assert page.goto(f"{live_server.url}{path}").status == 200, path
                widths[path] = _width(page)
            page.goto(f"{live_server.url}{paths[0]}")
            percentage = page.locator("#id_sector_0_percentage").bounding_box()
            assert percentage["width"] > 0
        finally:
            browser.close()
    assert {path: width for path, width in widths.items() if width > WIDTH} == {}


def test_atlas_filters_in_a_drawer_above_the_results_on_a_phone(live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    _data()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 740}, locale="fr-FR")
            page.goto(f"{live_server.url}/atlas/")
            drawer = page.locator("#atlas-filters > summary")
            results = page.locator("#atlas-results")
            assert drawer.is_visible()
            assert page.get_attribute("#atlas-filters", "open") is None
            assert drawer.bounding_box()["y"] < results.bounding_box()["y"]
            # Folded, the drawer leaves the results on the first screens.
            assert results.bounding_box()["y"] < 1000
            drawer.click()
            assert page.locator("#atlas-filters .facet summary").first.is_visible()
            assert _width(page) <= WIDTH
            # On a wide screen the filters are open beside the results.
            wide = browser.new_page(viewport={"width": 1280, "height": 800}, locale="fr-FR")
            wide.goto(f"{live_server.url}/atlas/")
            assert wide.get_attribute("#atlas-filters", "open") == ""
            assert not wide.is_visible(".menu-toggle")
            assert wide.is_visible("#site-menu a[href='/atlas/stats/']")
        finally:
            browser.close()
