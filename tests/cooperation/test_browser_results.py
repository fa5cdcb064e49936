"""The one-screen results editor in a real browser, in French, at phone width: a period added with htmx,
"N/A" in a number refused with nothing written, then the figures saved with the warning on the breakdown,
without any error under the strict Content-Security-Policy and without widening the page."""

from tests.actors.test_browser import watch_errors
from tests.browser import MARKS, launch, sign_in

pytestmark = MARKS


def test_result_editor_in_french_on_a_phone(live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    from coopdec.actors.models import Membership
    from coopdec.cooperation import monitoring
    from coopdec.cooperation.models import Indicator, IndicatorValue
    from coopdec.territories import loaders as places
    from tests.factories import make_organisation, make_partnership, make_project, make_user

    places.load_countries()  # live_server runs on a transactional database: load what the page needs here
    chambery = make_organisation("Ville de Chambéry", geonameid=None, country_id="FR")
    louga = make_organisation("Commune de Louga", geonameid=None, country_id="SN")
    project = make_project(partnership=make_partnership(chambery, louga), lead=chambery)
    result = monitoring.result_save(project=project, title={"fr": "Accès à l’eau potable"}, user=None)
    Membership.objects.create(user=make_user("awa"), organisation=chambery, role="editor")
    url = f"/projects/{project.pk}/results/{result.pk}/indicators/"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(locale="fr-FR", viewport={"width": 375, "height": 800})
            errors = watch_errors(page)
            sign_in(page, live_server.url, "awa", url)
            assert page.locator("h1").inner_text().startswith("Résultat attendu")

            indicator = page.locator("fieldset.indicator").first
            indicator.locator("input[name$='-title']").fill("Foyers raccordés")
            indicator.locator("button:has-text('Ajouter une période')").click()  # htmx: a second blank period
            indicator.locator("fieldset.period").nth(1).wait_for()
            period = indicator.locator("fieldset.period").first
            period.locator("input[name$='-period_start']").fill("2025-01-01")
            period.locator("input[name$='-period_end']").fill("2025-12-31")
            period.locator("input[name$='-actual']").fill("N/A")
            page.click(".save-bar button[type=submit]")
            page.wait_for_selector("text=Rien n’a été enregistré")
            assert "« N/A » n’est pas un nombre (Réalisé)" in page.content()

            period = page.locator("fieldset.period").first
            period.locator("input[name$='-actual']").fill("1 200")
            period.locator("textarea[name$='-breakdown']").fill("sexe: femmes = 700\nsexe: hommes = 400")
            page.click(".save-bar button[type=submit]")
            page.wait_for_selector("text=Enregistré.")
            assert (
                "Réalisé : les parts par sexe totalisent 1100, et non 1200 (100 de moins que le total)."
                in page.content()
            )
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth") is True
        finally:
            browser.close()
    assert [error for error in errors if not error.startswith("400 ")] == []
    value = IndicatorValue.objects.get()
    assert (Indicator.objects.count(), value.actual, value.status, value.disaggregations.count()) == (
        1,
        1200,
        "draft",
        2,
    )
    # The refused save wrote nothing: one version, the saved one.
    assert list(project.history.values_list("history_change_reason", flat=True)[:2]) == [
        "results edited",
        "result added",
    ]
