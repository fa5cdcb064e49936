"""An editor, in French, reads on the project page what IATI still needs and follows the link to
the organisation that lacks an identifier (Debian's chromium, headless)."""

import datetime

from tests.actors.test_browser import watch_errors
from tests.browser import MARKS, launch, sign_in

pytestmark = MARKS


def test_editor_sees_what_iati_needs_and_reaches_the_organisation(live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    from coopdec.actors.models import Membership
    from coopdec.territories import loaders as places
    from tests.factories import make_organisation, make_partnership, make_project, make_user

    places.load_countries()
    lyon = make_organisation("Ville de Lyon", geonameid=None, country_id="FR")
    louga = make_organisation("Commune de Louga", geonameid=None, country_id="SN", iati_identifier="SN-COM-LOUGA")
    project = make_project(
        partnership=make_partnership(lyon, louga), lead=lyon, planned_start=datetime.date(2024, 1, 1)
    )
    Membership.objects.create(user=make_user("awa"), organisation=lyon, role="editor")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(locale="fr-FR")
            errors = watch_errors(page)
            url = f"/projects/{project.pk}/"
            sign_in(page, live_server.url, "awa", url)

            needs = page.locator("#iati-needs li").all_inner_texts()
            assert needs == [
                "IATI a besoin d’un identifiant d’organisation pour Ville de Lyon (ajoutez-le sur sa page) : d’ici là, "
                "le projet est absent des fichiers IATI.",
                "Pas de budget : ajoutez les contributions des parties et des financeurs.",
                "Pas de pays bénéficiaire : ajoutez un lieu où le projet se déroule.",
            ]
            page.click("#iati-needs a")
            page.wait_for_url(f"**{lyon.get_absolute_url()}")
            assert page.locator("h1").inner_text().startswith("Ville de Lyon")
            assert errors == []
        finally:
            browser.close()
