"""The atlas in a real browser (Debian's chromium, headless, through Playwright): the map draws
the Natural Earth countries, and choosing a facet changes both the results and the map."""

from datetime import date

from tests.browser import MARKS, launch

pytestmark = MARKS


def _atlas_data():
    """live_server runs on a transactional database: load what the page needs here."""
    from coopdec.actors.models import Organisation
    from coopdec.territories import loaders as places
    from coopdec.vocabularies import loaders as vocabularies
    from tests.factories import make_partnership, make_project

    places.load_countries()
    vocabularies.load_codelists()
    vocabularies.load_axes()

    def town(name, country, latitude, longitude):
        return Organisation.objects.create(
            name=name,
            kind="municipality",
            country_id=country,
            latitude=latitude,
            longitude=longitude,
            publication_status="published",
        )

    lyon = town("Lyon", "FR", 45.75, 4.85)
    dakar = town("Dakar", "SN", 14.69, -17.44)
    leipzig = town("Leipzig", "DE", 51.34, 12.37)
    hue = town("Hué", "VN", 16.46, 107.59)
    make_project(
        partnership=make_partnership(lyon, dakar, start_date=date(2012, 1, 1)), title={"fr": "Eau potable à Dakar"}
    )
    make_project(
        partnership=make_partnership(leipzig, hue), title={"de": "Stadtentwicklung in Hué"}, sectors={"43030": 100}
    )


def test_atlas_map_draws_countries_and_facet_changes_results(live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    _atlas_data()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{live_server.url}/atlas/")
            page.wait_for_selector("#atlas-map[data-state=ready]", timeout=20_000)

            assert int(page.get_attribute("#atlas-map", "data-countries-drawn")) > 150
            assert page.locator("#atlas-map path.leaflet-interactive").count() > 150
            assert page.get_attribute("#atlas-map", "data-countries-filled") == "4"  # FR, SN, DE, VN
            assert page.locator("#atlas-results > li").count() == 8  # 4 towns, 2 partnerships, 2 projects

            page.click('details[data-facet="country"] a[data-value="SN"]')
            page.wait_for_url("**country=SN**")
            page.wait_for_selector("#atlas-map[data-state=ready]", timeout=20_000)

            titles = page.locator("#atlas-results > li a").all_inner_texts()
            assert "Eau potable à Dakar" in titles
            assert "Stadtentwicklung in Hué" not in titles
            assert page.get_attribute("#atlas-map", "data-countries-filled") == "2"  # the Lyon–Dakar partnership
            assert errors == []
        finally:
            browser.close()


MARKUP_NAME = "<img src=x onerror=alert(1)>"


def test_map_labels_show_an_organisation_name_as_text_never_markup(live_server, transactional_db):
    """An organisation named like HTML shows literally in the atlas map's tooltips and popup and
    in its profile map's tooltip: no element is made of it and nothing runs."""
    from playwright.sync_api import sync_playwright

    from coopdec.actors.models import Organisation
    from coopdec.territories import loaders as places
    from coopdec.vocabularies import loaders as vocabularies
    from tests.factories import make_partnership

    places.load_countries()
    vocabularies.load_codelists()
    bad = Organisation.objects.create(
        name=MARKUP_NAME,
        kind="municipality",
        country_id="FR",
        latitude=45.75,
        longitude=4.85,
        publication_status="published",
    )
    hue = Organisation.objects.create(
        name="Hué",
        kind="municipality",
        country_id="VN",
        latitude=16.46,
        longitude=107.59,
        publication_status="published",
    )
    make_partnership(bad, hue)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            dialogs, errors = [], []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{live_server.url}/atlas/")
            page.wait_for_selector("#atlas-map[data-state=ready]", timeout=20_000)
            # Click each local government's point (the network of the one clicked last is drawn), then
            # open every tooltip of the map.
            page.evaluate("""() => { const map = document.getElementById("atlas-map").coopdecMap;
                map.eachLayer(l => { if (l instanceof L.CircleMarker && !l.feature) { l.fire("click"); } }); }""")
            page.wait_for_selector("#atlas-map .leaflet-popup", timeout=20_000)
            page.evaluate("""() => { const map = document.getElementById("atlas-map").coopdecMap;
                map.eachLayer(l => { if (l.getTooltip && l.getTooltip() && l.feature && l.feature.properties.role) {
                    l.openTooltip(); } }); }""")
            labels = page.locator("#atlas-map .leaflet-tooltip, #atlas-map .leaflet-popup-content").all_inner_texts()
            assert [label for label in labels if MARKUP_NAME in label] != []
            assert page.locator("#atlas-map img:not(.leaflet-tile)").count() == 0

            page.goto(f"{live_server.url}/organisations/{bad.pk}/")
            page.wait_for_selector("#organisation-map[data-state=ready]", timeout=20_000)
            page.dispatch_event('#organisation-map path.leaflet-interactive[fill="#c0392b"]', "mouseover")
            assert page.locator("#organisation-map .leaflet-tooltip").inner_text() == MARKUP_NAME
            assert page.locator("#organisation-map img").count() == 0
            assert (dialogs, errors) == ([], [])
        finally:
            browser.close()
