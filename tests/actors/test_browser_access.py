"""The request-access flow in a real browser, in French: a visitor finds their commune from the
sign-in page, asks to become its editor, confirms the address from the mailed link; an administrator
approves; the new editor chooses a password from the mailed link and reaches the commune's edit page."""

import re

from django.core import mail

from tests.actors.test_browser import watch_errors
from tests.browser import MARKS, launch

pytestmark = MARKS


def _link(path_pattern: str, live_url: str) -> str:
    """The link of the last mail that holds ``path_pattern``, on the live server (the mail names SITE_URL)."""
    for message in reversed(mail.outbox):
        found = re.search(r"https?://[^/\s]+(" + path_pattern + r"\S*)", message.body)
        if found:
            return live_url + found.group(1)
    raise AssertionError(f"no mail with {path_pattern}: {[m.subject for m in mail.outbox]}")


def test_request_access_confirm_approve_set_password_and_edit(live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    from coopdec.actors.models import Membership, MembershipRole
    from tests.actors.test_browser import _registry_data
    from tests.factories import make_member, make_organisation

    _registry_data()
    thies = make_organisation("Ville de Thiès", geonameid=2244802)
    admin = make_member(thies, role=MembershipRole.ADMIN)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            visitor = browser.new_page(locale="fr-FR")
            errors = watch_errors(visitor)
            visitor.goto(f"{live_server.url}/accounts/login/")
            visitor.click("a[href='/access/']")
            visitor.wait_for_selector("h1:has-text('Demander l’accès aux fiches de votre organisation')")
            visitor.type("#id_organisation", "thies", delay=50)
            visitor.wait_for_selector(f'input[name="organisation"][value="{thies.pk}"]', timeout=10_000).check()
            visitor.fill("#id_name", "Awa Ndiaye")
            visitor.fill("#id_email", "awa.ndiaye@ville-thies.sn")
            visitor.fill("#id_function", "Chargée des relations internationales")
            visitor.click("main form button[type=submit]")
            visitor.wait_for_selector("text=awa.ndiaye@ville-thies.sn")

            visitor.goto(_link("/access/confirm/", live_server.url))
            visitor.wait_for_selector("h1:has-text('Confirmez votre adresse')")
            visitor.click("main form button[type=submit]")
            visitor.wait_for_load_state()

            answerer = browser.new_page(locale="fr-FR")
            errors += watch_errors(answerer)
            answerer.goto(f"{live_server.url}/accounts/login/?next=" + _link("/access/requests/", ""))
            answerer.fill("#id_username", admin.username)
            answerer.fill("#id_password", "a-long-passphrase-42")
            answerer.click("main button[type=submit]")
            answerer.wait_for_selector("button[name=approve]")
            answerer.click("button[name=approve]")
            answerer.wait_for_selector("text=Awa Ndiaye est désormais rédacteur de Ville de Thiès")

            visitor.goto(_link("/accounts/reset/", live_server.url))
            visitor.wait_for_selector("#id_new_password1")
            visitor.fill("#id_new_password1", "Thies-jumelage-2026!")
            visitor.fill("#id_new_password2", "Thies-jumelage-2026!")
            visitor.click("main form button[type=submit]")
            visitor.wait_for_selector("h1:has-text('Mot de passe modifié')")
            visitor.goto(f"{live_server.url}/accounts/login/?next=/organisations/{thies.pk}/edit/")
            visitor.fill("#id_username", "awa.ndiaye@ville-thies.sn")
            visitor.fill("#id_password", "Thies-jumelage-2026!")
            visitor.click("main button[type=submit]")
            visitor.wait_for_url(f"**/organisations/{thies.pk}/edit/")
            assert visitor.input_value("#id_name") == "Ville de Thiès"
            assert visitor.locator("html").get_attribute("lang") == "fr"
        finally:
            browser.close()
    membership = Membership.objects.get(organisation=thies, user__email="awa.ndiaye@ville-thies.sn")
    assert membership.role == MembershipRole.EDITOR
    assert errors == []
