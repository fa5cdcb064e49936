"""Finding a city in French in a real browser: "Hambourg" finds Hamburg, named so in the results
and on its page, the city named as the query comes first, the map speaks French and a click on a
partner country narrows the search to it."""

from datetime import date

from tests.browser import MARKS, launch

pytestmark = MARKS

HAMBURG = 2911298


def _data():
    """live_server runs on a transactional database: load what the pages need here."""
    from coopdec.actors.models import Organisation
    from coopdec.territories import loaders as places
    from coopdec.territories.models import Locality
    from coopdec.vocabularies import loaders as vocabularies
    from tests.factories import make_partnership

    places.load_countries()
    vocabularies.load_codelists()
    vocabularies.load_axes()
    hamburg_place, _created = Locality.objects.get_or_create(
        geonameid=HAMBURG, defaults={"name": "Hamburg", "latitude": 53.55, "longitude": 10.0, "country_id": "DE"}
    )

    def town(name, country, latitude, longitude, **fields):
        return Organisation.objects.create(
            name=name,
            kind="municipality",
            country_id=country,
            latitude=latitude,
            longitude=longitude,
            publication_status="published",
            **fields,
        )

    hamburg = town("Hamburg", "DE", 53.55, 10.0, locality=hamburg_place)
    marseille = town("Marseille", "FR", 43.3, 5.37)
    dakar = town("Dakar", "SN", 14.69, -17.44)
    make_partnership(marseille, hamburg, start_date=date(1958, 1, 1))
    make_partnership(marseille, dakar, start_date=date(1968, 1, 1))
    # Later records whose titles also name Marseille: the city itself must still come first.
    for number in range(3):
        make_partnership(town(f"Ville jumelle {number}", "FR", 45.0, 5.0), marseille)
    return hamburg


def test_atlas_finds_a_city_by_its_french_name_and_map_speaks_french(live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    hamburg = _data()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(locale="fr-FR")
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))

            page.goto(f"{live_server.url}/atlas/?q=Hambourg")
            titles = page.locator("#atlas-results > li a").all_inner_texts()
            assert titles[0] == "Hambourg (Hamburg)"
            assert sorted(titles[1].split(" – ")) == ["Hambourg (Hamburg)", "Marseille"]  # their partnership
            assert len(titles) == 2

            page.goto(f"{live_server.url}/atlas/?q=marseille")
            assert page.locator("#atlas-results > li a").first.inner_text() == "Marseille"

            page.goto(f"{live_server.url}/atlas/?country=FR")
            page.wait_for_selector("#atlas-map[data-state=ready]", timeout=20_000)
            legend = page.locator("#atlas-map .legend").inner_text()
            assert legend == "5 partenariats"
            assert page.locator('details[data-facet="partner_country"] a[data-value="SN"]').count() == 1

            # A click on Senegal (ISO numeric 686) keeps France and adds Senegal as partner country.
            page.evaluate("""() => document.getElementById("atlas-map").coopdecMap.eachLayer(
                layer => { if (layer.feature && layer.feature.id === "686") { layer.fire("click"); } })""")
            page.wait_for_url("**partner_country=SN**")
            assert page.url.endswith("?country=FR&partner_country=SN")
            found = page.locator("#atlas-results > li a").all_inner_texts()
            assert sorted(found) == sorted(["Marseille", next(t for t in found if "Dakar" in t)])
            assert len(found) == 2

            page.goto(f"{live_server.url}{hamburg.get_absolute_url()}")
            assert page.locator("h1").inner_text() == "Hambourg (Hamburg)"
            assert errors == []
        finally:
            browser.close()
