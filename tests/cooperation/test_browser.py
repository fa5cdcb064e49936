"""The participating organisations page in a real browser: the organisation picker finds a name as one
types, and adding, changing and removing swap the section in place (htmx, no page load), without any
error under the strict Content-Security-Policy."""

import datetime

from tests.actors.test_browser import watch_errors
from tests.browser import MARKS, launch, sign_in

pytestmark = MARKS


def test_participants_page_with_htmx(live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    from coopdec.actors.models import Membership
    from coopdec.cooperation.models import ProjectParticipant
    from coopdec.territories import loaders as places
    from tests.factories import make_organisation, make_project, make_user

    places.load_countries()  # live_server runs on a transactional database: load what the page needs here
    lead = make_organisation("Ville de Lyon", geonameid=None, country_id="FR")
    funder = make_organisation(
        "Agence française de développement", geonameid=None, kind="national_agency", country_id="FR"
    )
    project = make_project(lead=lead)
    Membership.objects.create(user=make_user("awa"), organisation=lead, role="editor")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(locale="en-GB")
            errors = watch_errors(page)
            url = f"/projects/{project.pk}/participants/"
            sign_in(page, live_server.url, "awa", url)
            page.evaluate("window.notReloaded = true")

            page.type("#id_organisation", "agence francaise", delay=40)
            page.wait_for_selector(f'input[name="organisation"][value="{funder.pk}"]', timeout=10_000).check()
            page.select_option("#id_role", "1")
            page.click("#participants form.prose button[type=submit]")
            page.wait_for_selector("#participants .message:has-text('is listed as Funding')")

            page.select_option("#participants td select[name=role]", "3")
            page.click("#participants td select[name=role] ~ button")
            page.wait_for_selector("#participants .message:has-text('Saved.')")
            assert page.locator("#participants td select[name=role]").input_value() == "3"

            page.click("#participants td form button.link")
            page.wait_for_selector("#participants .message:has-text('is no longer listed as Extending')")
            assert page.evaluate("window.notReloaded") is True
        finally:
            browser.close()
    assert errors == []
    history = list(project.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert history[-3:] == ["participant added", "participant changed", "participant removed"]
    assert ProjectParticipant.objects.count() == 0


def test_parties_section_with_htmx(live_server, transactional_db):
    """A party administrator changes a party's role and joining date, and adds a party, in place."""
    from playwright.sync_api import sync_playwright

    from coopdec.actors.models import Membership
    from coopdec.cooperation import services
    from coopdec.territories import loaders as places
    from tests.factories import make_organisation, make_user

    places.load_countries()
    lyon = make_organisation("Ville de Lyon", geonameid=None, country_id="FR")
    dakar = make_organisation("Ville de Dakar", geonameid=None, country_id="SN")
    thies = make_organisation("Ville de Thiès", geonameid=None, country_id="SN")
    partnership = services.partnership_create(parties=[(lyon, "lead"), dakar])
    Membership.objects.create(user=make_user("awa"), organisation=lyon, role="admin")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(locale="en-GB")
            errors = watch_errors(page)
            url = f"/partnerships/{partnership.pk}/edit/"
            sign_in(page, live_server.url, "awa", url)
            page.evaluate("window.notReloaded = true")

            dakar_row = page.locator("#parties tr", has_text="Ville de Dakar")
            dakar_row.locator("select[name=role]").select_option("funder")
            dakar_row.locator("input[name=joined_on]").fill("2019-03-01")
            dakar_row.locator("button.secondary").click()
            page.wait_for_selector("#parties .message:has-text('Saved: Ville de Dakar.')")

            page.type("#id_organisations", "thies", delay=40)
            page.wait_for_selector(f'input[name="organisations"][value="{thies.pk}"]', timeout=10_000).check()
            page.click("#parties form.prose button[type=submit]")
            page.wait_for_selector("#parties .message:has-text('1 party added.')")
            assert page.evaluate("window.notReloaded") is True
        finally:
            browser.close()
    assert errors == []
    assert sorted(partnership.party_links.values_list("organisation__name", "role", "joined_on")) == [
        ("Ville de Dakar", "funder", datetime.date(2019, 3, 1)),
        ("Ville de Lyon", "lead", None),
        ("Ville de Thiès", "partner", None),
    ]
