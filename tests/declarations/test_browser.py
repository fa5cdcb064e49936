"""The aid declaration in a real browser, in French, on a 375 px phone and on a desktop screen: an
officer signs in, starts the declaration, adds a line and submits; the coordinator then sees it on the
campaign's dashboard. No script error under the strict Content-Security-Policy, and no page wider
than the phone's screen (the lines table scrolls inside its box)."""

from datetime import timedelta

import pytest

from tests.actors.test_browser import watch_errors
from tests.browser import MARKS, launch, sign_in

pytestmark = MARKS


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("width", [375, 1280])
def test_declaration_walk_in_french(live_server, transactional_db, width):
    from django.utils import timezone
    from playwright.sync_api import sync_playwright

    from coopdec.actors.models import CountryCoordinator, Membership
    from coopdec.declarations import services
    from coopdec.declarations.models import Declaration, DeclarationStatus
    from coopdec.territories import loaders as places
    from coopdec.territories.models import Country
    from coopdec.vocabularies import loaders as codelists
    from coopdec.vocabularies.selectors import clear_caches
    from tests.factories import make_organisation, make_user

    places.load_countries()  # live_server runs on a transactional database: load what the pages need here
    codelists.load_codelists(force=True)
    clear_caches()
    today = timezone.localdate()
    campaign = services.campaign_create(
        user=None,
        country=Country.objects.get(code="FR"),
        year=today.year - 1,
        opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=30),
    )
    lyon = make_organisation("Ville de Lyon", geonameid=None, country_id="FR")
    Membership.objects.create(user=make_user("awa"), organisation=lyon, role="editor")
    CountryCoordinator.objects.create(user=make_user("delegation"), country_id="FR")
    viewport = {"width": width, "height": 800}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(locale="fr-FR", viewport=viewport)
            errors = watch_errors(page)
            sign_in(page, live_server.url, "awa", "/declarations/")
            page.click("button:has-text('Commencer la déclaration')")
            page.wait_for_selector(".message:has-text('La déclaration est commencée')")
            page.click("a:has-text('Ajouter une ligne')")
            page.fill("#id_recipient_code", "SN")
            page.fill("#id_sector", "14030")
            page.fill("#id_channel", "12000")
            page.fill("#id_original_amount", "1 500,00")
            page.select_option("#id_marker_gender", "1")
            page.click("button:has-text('Ajouter la ligne')")
            page.wait_for_selector(".message:has-text('La ligne est ajoutée.')")
            assert page.locator("table.lines tbody tr").count() == 1
            assert _page_width(page) <= width
            page.click("button:has-text('Soumettre la déclaration')")
            page.wait_for_selector(".message:has-text('Merci : la déclaration est soumise.')")
            assert page.locator("#status").inner_text().startswith("Soumise")

            coordinator = browser.new_page(locale="fr-FR", viewport=viewport)
            errors += watch_errors(coordinator)
            sign_in(coordinator, live_server.url, "delegation", f"/declarations/campaigns/{campaign.pk}/")
            row = coordinator.locator("tr:has-text('Ville de Lyon')")
            assert "Soumise" in row.inner_text()
            assert _page_width(coordinator) <= width
        finally:
            browser.close()
    assert errors == []
    declaration = Declaration.objects.get(campaign=campaign, organisation=lyon)
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert [(line.amount, line.marker_gender) for line in declaration.lines.all()] == [(1500, 1)]
