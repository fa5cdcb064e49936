"""Citizen participation in a real browser, in French and in English, on a 375 px phone: a resident
proposes an action (placed in Dakar) and supports another; the partner town answers it; after both
parties found it feasible the resident votes within the envelope; the results show it chosen and the
town turns it into a project, whose link appears on the proposal. No script error under the strict
Content-Security-Policy, no page wider than the phone's screen."""

import json
from decimal import Decimal

import pytest

from tests.actors.test_browser import watch_errors
from tests.browser import MARKS, launch, sign_in
from tests.declarations.test_browser import _page_width as _width

pytestmark = MARKS

WORDS = {
    "fr": {
        "propose": "Publier ma proposition",
        "published": "Votre proposition est publiée",
        "support": "Je soutiens cette proposition",
        "supported": "Vous soutenez cette proposition.",
        "accepted": "Acceptée",
        "answer": "Publier la réponse",
        "answered": "La réponse est publiée",
        "vote": "Voter",
        "counted": "Votre vote est compté.",
        "chosen": "Retenue",
        "link": "Rattacher au projet",
        "linked": "La proposition est maintenant rattachée au projet",
    },
    "en": {
        "propose": "Publish my proposal",
        "published": "Your proposal is published",
        "support": "I support this proposal",
        "supported": "You support this proposal.",
        "accepted": "Accepted",
        "answer": "Publish the answer",
        "answered": "The answer is published",
        "vote": "Cast my vote",
        "counted": "Your vote is counted.",
        "chosen": "Chosen",
        "link": "Link to the project",
        "linked": "The proposal is now linked to the project",
    },
}


def _reference_data():
    """live_server runs on a transactional database: load the places the pages and checks need."""
    from coopdec.territories import loaders as places
    from coopdec.territories.loaders import CITIES_FILE
    from coopdec.vocabularies import loaders as codelists
    from coopdec.vocabularies.selectors import clear_caches

    places.load_countries(force=True)
    codelists.load_codelists(force=True)
    codelists.load_axes(force=True)
    clear_caches()
    records = [r for r in json.loads(CITIES_FILE.read_text(encoding="utf-8")).values() if r["countrycode"] == "SN"]
    places.load_localities(records=records, force=True)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_propose_support_answer_vote_and_convert(live_server, transactional_db, language, monkeypatch):
    from playwright.sync_api import sync_playwright

    from coopdec.participation import services
    from coopdec.participation.models import Ballot, Phase, Proposal
    from tests import factories
    from tests.participation.factories import make_participant, make_space, set_phase

    # The journey moves the space's calendar between pages, inside Playwright's event loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    _reference_data()
    paris = factories.make_organisation(
        "Ville de Paris", geonameid=None, country_id="FR", latitude=48.8566, longitude=2.3522
    )
    dakar = factories.make_organisation(
        "Ville de Dakar", geonameid=None, country_id="SN", latitude=14.6937, longitude=-17.4441
    )
    partnership = factories.make_partnership(paris, dakar)
    space = make_space(partnership, budget=Decimal("50000"))
    resident = make_participant("SN", user=factories.make_user("aminata"))
    other = make_participant("SN", user=factories.make_user("moussa"))
    existing = services.proposal_submit(
        space=space, user=other.user, title="Des bancs", body="Des bancs à l'ombre.", language="fr", cost=Decimal(5000)
    )
    editor = factories.make_member(dakar, user=factories.make_user("officer"))
    words = WORDS[language]
    locale = {"fr": "fr-FR", "en": "en-GB"}[language]
    viewport = {"width": 375, "height": 800}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(locale=locale, viewport=viewport)
            errors = watch_errors(page)
            propose = f"/participation/spaces/{space.pk}/propose/"
            sign_in(page, live_server.url, "aminata", propose)
            page.wait_for_selector("#participation-map[data-state=ready]")
            page.fill("#id_title", "Un puits <b>pour</b> l'école")
            page.fill("#id_body", "Creuser un puits près de l'école de la Médina.")
            page.fill("#id_place_name", "Médina")
            page.fill("#id_latitude", "14.6800")
            page.fill("#id_longitude", "-17.4500")
            page.fill("#id_cost", "30000")
            assert _width(page) <= 375
            page.click(f"button:has-text('{words['propose']}')")
            page.wait_for_selector(f".message:has-text('{words['published']}')")
            assert page.locator("h1").inner_text().startswith("Un puits <b>pour</b> l'école")
            proposal = Proposal.objects.get(space=space, author=resident.user)
            page.goto(f"{live_server.url}{existing.get_absolute_url()}")
            page.click(f"button:has-text('{words['support']}')")
            page.wait_for_selector(f".message:has-text('{words['supported']}')")

            town = browser.new_page(locale=locale, viewport=viewport)
            errors += watch_errors(town)
            sign_in(town, live_server.url, "officer", proposal.get_absolute_url())
            town.check(f"label:has-text('{words['accepted']}') input, input[value=accepted]")
            town.click(f"button:has-text('{words['answer']}')")
            town.wait_for_selector(f".message:has-text('{words['answered']}')")

            set_phase(space, Phase.REVIEW)
            for organisation in (paris, dakar):
                services.proposal_review(proposal=proposal, organisation=organisation, user=editor, feasible=True)
            set_phase(space, Phase.VOTE)
            page.goto(f"{live_server.url}/participation/spaces/{space.pk}/vote/")
            page.check(f"#choice-{proposal.pk}")
            assert "30" in page.locator("#ballot-total").inner_text()
            page.click(f"button:has-text('{words['vote']}')")
            page.wait_for_selector(f".message:has-text('{words['counted']}')")

            set_phase(space, Phase.RESULTS)
            page.goto(f"{live_server.url}{space.get_absolute_url()}")
            assert words["chosen"] in page.locator("tr.winner").inner_text()
            page.wait_for_selector("#participation-map[data-state=ready]")
            assert _width(page) <= 375

            town.goto(f"{live_server.url}{proposal.get_absolute_url()}")
            town.click(f"button:has-text('{words['link']}')")
            town.wait_for_selector(f".message:has-text('{words['linked']}')")
        finally:
            browser.close()
    assert errors == []
    proposal.refresh_from_db()
    assert (proposal.status, Ballot.objects.get().voter, proposal.project.partnership) == (
        "accepted",
        resident.user,
        partnership,
    )
