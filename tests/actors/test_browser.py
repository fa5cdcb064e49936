"""The registry forms in a real browser (Debian's chromium, headless, through Playwright): language
tabs appear, the place picker finds a town as one types (accents optional) and the organisation is
registered at that place, without any error under the strict Content-Security-Policy."""

from tests.browser import MARKS, launch, sign_in

pytestmark = MARKS


def watch_errors(page) -> list[str]:
    """The page's script errors, CSP violations ("Refused to ..." console errors) and failed requests."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")
            and errors.append(message.text)
        ),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not response.url.endswith("/favicon.ico")
            and errors.append(f"{response.status} {response.url}")
        ),
    )
    return errors


def _registry_data():
    """live_server runs on a transactional database: load what the form needs here."""
    from coopdec.territories import loaders as places
    from coopdec.territories.models import Locality
    from tests.conftest import reference_slice

    places.load_countries()
    if not Locality.objects.filter(pk=2244802).exists():
        places.load_localities(records=[r for r in reference_slice() if r["countrycode"] == "SN"], force=True)


def test_organisation_form_tabs_and_place_picker(live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    from coopdec.actors.models import Organisation
    from tests.factories import make_user

    _registry_data()
    make_user("awa")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(locale="en-GB")
            errors = watch_errors(page)
            sign_in(page, live_server.url, "awa", "/organisations/new/")

            assert page.locator("[data-i18n] .tabs [role=tab]").count() == 4
            page.click("[data-i18n] .tabs [role=tab]:nth-child(2)")
            page.fill("textarea[name=description_en]", "A regional capital in western Senegal.")

            page.fill("#id_name", "Ville de Thiès")
            page.select_option("#id_kind", "municipality")
            page.type("#id_locality", "thies", delay=50)
            choice = page.wait_for_selector('input[name="locality"][value="2244802"]', timeout=10_000)
            assert "Thiès (" in choice.evaluate("input => input.parentElement.textContent")
            choice.check()
            page.click("main form button[type=submit]")
            page.wait_for_selector("h1:has-text('Ville de Thiès')")
            # The profile's small map draws, at a readable size whatever the column beside it holds.
            page.wait_for_selector("#organisation-map[data-state=ready]", timeout=20_000)
            assert page.locator("#organisation-map").bounding_box()["height"] >= 250
        finally:
            browser.close()
    organisation = Organisation.objects.get()
    assert (organisation.locality_id, organisation.country_id) == (2244802, "SN")
    assert organisation.description == {"en": "A regional capital in western Senegal."}
    assert errors == []
