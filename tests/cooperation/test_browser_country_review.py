"""A country coordinator, in French: the records to check of their country, the review queue it
links, a draft of their country opened and published."""

from tests.actors.test_browser import _registry_data, watch_errors
from tests.browser import MARKS, launch

pytestmark = MARKS


def test_country_coordinator_reviews_and_publishes_a_draft_of_their_country(live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    from coopdec.actors.models import CountryCoordinator, Organisation
    from tests.factories import make_organisation, make_user

    _registry_data()
    draft = make_organisation("Commune de Thiès", geonameid=2244802, published=False)
    make_organisation("Commune brouillon", geonameid=None, country_id="FR", published=False)
    coordinator = make_user()
    CountryCoordinator.objects.create(user=coordinator, country_id="SN")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(locale="fr-FR")
            errors = watch_errors(page)
            page.goto(f"{live_server.url}/accounts/login/?next=/coordination/")
            page.fill("#id_username", coordinator.username)
            page.fill("#id_password", "a-long-passphrase-42")
            page.click("main button[type=submit]")
            page.wait_for_selector("h1:has-text('Coordination : fiches à vérifier')")
            assert page.locator("#review-country option").all_inner_texts() == ["Tous mes pays", "Sénégal"]
            page.click("a:has-text('File de relecture : brouillons en attente de publication')")
            page.wait_for_selector("h1:has-text('File de relecture')")
            assert page.locator("main a:has-text('Commune brouillon')").count() == 0
            page.click("main a:has-text('Commune de Thiès')")
            page.wait_for_selector("h1:has-text('Commune de Thiès')")
            page.click("main form button:has-text('Publier')")
            page.wait_for_selector("text=La fiche est désormais publique.")
            assert errors == []
        finally:
            browser.close()
    assert Organisation.objects.get(pk=draft.pk).is_published
