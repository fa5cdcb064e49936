"""A good practice in a real browser, in French, on a 375 px phone: an officer describes a practice
and asks for its review; the coordinator publishes it from the review queue; a visitor finds it in
the practices search. No script error under the strict Content-Security-Policy, and no page wider
than the phone's screen."""

from tests.actors.test_browser import watch_errors
from tests.browser import MARKS, launch, sign_in
from tests.declarations.test_browser import _page_width

pytestmark = MARKS


def test_practice_walk_in_french_on_a_phone(live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    from coopdec.actors.models import Membership
    from coopdec.knowledge.models import Practice
    from coopdec.territories import loaders as places
    from coopdec.vocabularies import loaders as codelists
    from coopdec.vocabularies.selectors import clear_caches
    from tests.factories import make_organisation, make_user

    places.load_countries()  # live_server runs on a transactional database: load what the pages need here
    codelists.load_codelists(force=True)
    clear_caches()
    chambery = make_organisation("Ville de Chambéry", geonameid=None, country_id="FR")
    Membership.objects.create(user=make_user("awa"), organisation=chambery, role="editor")
    make_user("coordination", is_coordinator=True)
    width = 375
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(locale="fr-FR", viewport={"width": width, "height": 800})
            errors = watch_errors(page)
            sign_in(page, live_server.url, "awa", "/practices/new/")
            page.fill("#id_title_0", "Des comités de quartier pour les bornes-fontaines")
            page.fill("#id_summary_0", "Chaque borne est confiée à un comité élu qui encaisse une petite redevance.")
            page.check(f"input[name=organisations][value='{chambery.pk}']")
            page.fill("#id_sectors", "14030")
            page.fill("#id_countries", "SN")
            assert _page_width(page) <= width
            page.click("button:has-text('Enregistrer le brouillon')")
            page.wait_for_selector(".message:has-text('La pratique est enregistrée en brouillon')")
            assert _page_width(page) <= width
            page.click("button:has-text('Demander la relecture')")
            page.wait_for_selector(".message:has-text('Envoyée en relecture')")

            coordinator = browser.new_page(locale="fr-FR", viewport={"width": width, "height": 800})
            errors += watch_errors(coordinator)
            sign_in(coordinator, live_server.url, "coordination", "/practices/review/")
            coordinator.click("a:has-text('Des comités de quartier')")
            coordinator.click("button:has-text('Publier')")
            coordinator.wait_for_selector(".message:has-text('La pratique est publiée.')")
            assert _page_width(coordinator) <= width

            visitor = browser.new_page(locale="fr-FR", viewport={"width": width, "height": 800})
            errors += watch_errors(visitor)
            visitor.goto(f"{live_server.url}/practices/?q=bornes")
            assert "1 bonne pratique" in visitor.locator(".atlas-total").inner_text()
            visitor.click("a:has-text('Des comités de quartier')")
            assert visitor.locator("h1").inner_text() == "Des comités de quartier pour les bornes-fontaines"
            assert _page_width(visitor) <= width
            visitor.goto(f"{live_server.url}/atlas/?type=practice")
            visitor.wait_for_selector(".leaflet-control-layers label:has-text('Bonnes pratiques')")
        finally:
            browser.close()
    assert errors == []
    assert Practice.objects.get().is_published
