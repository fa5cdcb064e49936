"""The whole journey in a real browser, in French on a 375 px phone: a funder publishes a call, an
applicant applies from its project (the funding plan checked as it types), the partner confirms, a
reviewer declares no conflict and scores, the funder awards, the applicant reports and the funder
approves the report and releases the tranches. No script error under the strict CSP, no page wider
than the phone."""

from datetime import timedelta

from tests.actors.test_browser import watch_errors
from tests.browser import MARKS, launch, sign_in

pytestmark = MARKS
WIDTH = 375


def _narrow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def _reference_data() -> None:
    """The countries and codelists a transactional test finds emptied by the one before."""
    from coopdec.territories import loaders as places
    from coopdec.vocabularies import loaders as codelists
    from coopdec.vocabularies.selectors import clear_caches

    places.load_countries()
    codelists.load_codelists(force=True)
    clear_caches()


def _world():
    """Lyon (with its project with Dakar, eligible), Dakar, the ministry and an expert, each with an account."""
    from django.utils import timezone

    from coopdec.actors.models import Membership
    from coopdec.cooperation.models import Document, ProjectCountry
    from tests.factories import make_organisation, make_partnership, make_project, make_user

    _reference_data()
    today = timezone.localdate()
    funder = make_organisation("Ministère", geonameid=None, country_id="FR", kind="national_agency")
    lyon = make_organisation("Ville de Lyon", geonameid=None, country_id="FR", confirmed_at=timezone.now())
    dakar = make_organisation("Ville de Dakar", geonameid=None, country_id="SN")
    partnership = make_partnership(lyon, dakar)
    Document.objects.create(
        partnership=partnership, title={"fr": "Convention"}, url="https://example.org/c", is_agreement=True
    )
    project = make_project(
        partnership=partnership,
        lead=lyon,
        title={"fr": "Jeunes citoyens"},
        planned_start=today - timedelta(days=400),
        planned_end=today + timedelta(days=330),
    )
    ProjectCountry.objects.create(project=project, country_id="SN")
    for username, organisation in (("ministere", funder), ("lyon", lyon), ("dakar", dakar)):
        Membership.objects.create(user=make_user(username), organisation=organisation, role="editor")
    make_user("experte")
    return today, project


def test_call_journey_from_publication_to_tranches(live_server, transactional_db, monkeypatch):
    # The journey reads the database between steps, inside Playwright's event loop (the test's own thread).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from coopdec.funding.models import Application, Call, Report, Review, Tranche

    today, project = _world()
    base = live_server.url
    viewport = {"width": WIDTH, "height": 800}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            pages = {}
            errors = []
            for username in ("ministere", "lyon", "dakar", "experte"):
                pages[username] = browser.new_page(locale="fr-FR", viewport=viewport)
                errors += watch_errors(pages[username])
            funder_page = pages["ministere"]
            sign_in(funder_page, base, "ministere", "/calls/new/")
            funder_page.fill("#id_title_0", "Appel à projets jeunesse 2027")
            funder_page.fill("#id_envelope", "100000")
            funder_page.fill("#id_opens_on", (today - timedelta(days=1)).isoformat())
            funder_page.fill("#id_deadline", (today + timedelta(days=30)).isoformat())
            funder_page.fill("#id_min_own_share", "10")
            funder_page.fill("#id_max_in_kind_share", "50")
            funder_page.check("input[name=prerequisites][value=confirmed]")
            funder_page.check("input[name=prerequisites][value=agreement]")
            funder_page.check("input[name=prerequisites][value=partner]")
            funder_page.fill("#id_criteria", "30 | Pertinence\n20 | Partenariat")
            funder_page.click("main form button[type=submit]")
            funder_page.wait_for_selector("form[action$='/publish/']")
            funder_page.click("form[action$='/publish/'] button")
            funder_page.wait_for_selector(".message")
            call = Call.objects.get()
            assert call.is_published and _narrow(funder_page)

            applicant = pages["lyon"]
            sign_in(applicant, base, "lyon", f"/calls/{call.pk}/")
            applicant.select_option("#id_project", str(project.pk))
            applicant.click("form[action$='/apply/'] button")
            applicant.wait_for_url("**/calls/applications/*/")
            applicant.fill("#id_requested", "9500")
            applicant.fill("#id_own_cash", "500")
            applicant.wait_for_selector("#plan-figures:has-text('95,00')")  # the live check, as typed
            applicant.fill("#id_requested", "9000")
            applicant.fill("#id_own_cash", "1000")
            applicant.wait_for_selector("#plan-figures:has-text('90,00')")
            applicant.click("form[action$='/plan/'] button[type=submit]")
            applicant.wait_for_selector(".message")
            assert _narrow(applicant)
            applicant.click("form[action$='/submit/'] button")
            applicant.wait_for_selector(".message")
            application = Application.objects.get()
            assert application.status == "submitted"

            partner = pages["dakar"]
            sign_in(partner, base, "dakar", application.get_absolute_url())
            partner.click("form[action$='/confirm/'] button")
            partner.wait_for_selector(".message")

            funder_page.goto(base + application.get_absolute_url())
            funder_page.fill("#id_reviewer", "experte")
            funder_page.click("form[action$='/reviewers/'] button")
            funder_page.wait_for_selector(".message")

            reviewer = pages["experte"]
            review = Review.objects.get()
            sign_in(reviewer, base, "experte", review.get_absolute_url())
            reviewer.check("input[name=answer][value=no_conflict]")
            reviewer.click("main form button[type=submit]")
            for criterion in call.criteria.all():
                reviewer.select_option(f"#id_score_{criterion.pk}", "4")
            reviewer.click("button[name=final][value='1']")
            reviewer.wait_for_selector(".message")
            assert Review.objects.get().status == "done" and _narrow(reviewer)

            funder_page.goto(base + application.get_absolute_url())
            funder_page.select_option("#id_decision", "awarded")
            funder_page.fill("#id_amount", "9000")
            funder_page.click("form[action$='/decision/'] button")
            funder_page.wait_for_selector("form[action$='/release/']")
            funder_page.click("form[action$='/release/'] button >> nth=0")
            funder_page.wait_for_selector(".message")

            interim = Report.objects.filter(kind="interim").order_by("due_on").first()
            applicant.goto(base + interim.get_absolute_url())
            applicant.fill("#id_narrative", "Deux échanges de jeunes et un conseil municipal des jeunes créé.")
            applicant.fill("#id_spent", "3500")
            applicant.click("main form button[type=submit]")
            applicant.wait_for_selector(".message")

            funder_page.goto(base + interim.get_absolute_url())
            funder_page.check("input[name=approve][value='1']")
            funder_page.click("form[action$='/answer/'] button")
            funder_page.wait_for_selector(".message")
            funder_page.goto(base + application.get_absolute_url())
            funder_page.click("form[action$='/release/'] button >> nth=0")
            funder_page.wait_for_selector(".message")
            assert _narrow(funder_page)
        finally:
            browser.close()
    assert errors == []
    released = [tranche.released_at is not None for tranche in Tranche.objects.order_by("position")]
    assert released == [True, True, False, False]  # the advance, the first interim's; the second's, the final


def test_two_stage_call_from_concept_note_to_full_application(live_server, transactional_db, monkeypatch):
    """A two-stage call in French on a phone: the concept note, the shortlist with its message, the full application."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from coopdec.funding.models import Application, Call

    today, project = _world()
    base = live_server.url
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            funder_page = browser.new_page(locale="fr-FR", viewport={"width": WIDTH, "height": 800})
            applicant = browser.new_page(locale="fr-FR", viewport={"width": WIDTH, "height": 800})
            errors = watch_errors(funder_page) + watch_errors(applicant)
            sign_in(funder_page, base, "ministere", "/calls/new/")
            funder_page.fill("#id_title_0", "Nakopa 2027")
            funder_page.fill("#id_envelope", "100000")
            funder_page.fill("#id_opens_on", (today - timedelta(days=1)).isoformat())
            funder_page.fill("#id_deadline", (today + timedelta(days=60)).isoformat())
            funder_page.check("input[name=stages][value='2']")
            funder_page.fill("#id_concept_deadline", (today + timedelta(days=20)).isoformat())
            funder_page.fill(
                "#id_concept_guidance_0", "Deux pages : le besoin, les partenaires, le changement attendu."
            )
            funder_page.fill("#id_criteria", "1 | Pertinence")
            funder_page.click("main form button[type=submit]")
            funder_page.wait_for_selector("form[action$='/publish/']")
            funder_page.click("form[action$='/publish/'] button")
            funder_page.wait_for_selector(".message")
            call = Call.objects.get()
            assert (call.stages, call.concept_deadline) == (2, today + timedelta(days=20))

            sign_in(applicant, base, "lyon", f"/calls/{call.pk}/")
            assert applicant.locator("text=Deux étapes").count() == 1
            applicant.select_option("#id_project", str(project.pk))
            applicant.click("form[action$='/apply/'] button")
            applicant.wait_for_url("**/calls/applications/*/")
            assert applicant.locator("form[action$='/submit/']").count() == 0
            applicant.fill("#id_concept_note", "Une radio citoyenne.")
            applicant.click("button[name=submit][value='1']")  # refused: the plan breaks the call's rules
            applicant.wait_for_selector(".message")
            assert Application.objects.get().concept_note == "Une radio citoyenne."  # kept, not submitted
            assert Application.objects.get().status == "draft"
            applicant.fill("#id_requested", "8000")
            applicant.fill("#id_own_cash", "2000")
            applicant.click("form[action$='/plan/'] button[type=submit]")
            applicant.wait_for_selector(".message")
            applicant.fill("#id_concept_note", "Une radio citoyenne des jeunes de Lyon et de Dakar.")
            applicant.click("button[name=submit][value='1']")
            applicant.wait_for_selector(".message")
            application = Application.objects.get()
            assert application.status == "concept" and _narrow(applicant)

            funder_page.goto(f"{base}/calls/{call.pk}/manage/")
            funder_page.click(f"a[href='{application.get_absolute_url()}']")
            funder_page.check("input[name=decision][value=shortlist]")
            funder_page.fill("#id_note", "Détaillez le budget des studios.")
            funder_page.click("form[action$='/shortlist/'] button")
            funder_page.wait_for_selector(".message")
            assert Application.objects.get().status == "shortlist" and _narrow(funder_page)

            applicant.reload()
            assert applicant.locator("text=Détaillez le budget des studios.").count() == 1
            applicant.fill("#id_requested", "9000")
            applicant.fill("#id_own_cash", "1000")
            applicant.click("form[action$='/plan/'] button[type=submit]")
            applicant.wait_for_selector(".message")
            applicant.click("form[action$='/submit/'] button")
            applicant.wait_for_selector(".message")
            assert Application.objects.get().status == "submitted" and _narrow(applicant)
        finally:
            browser.close()
    assert errors == []


def test_tranche_tables_read_on_a_phone_and_stay_tables_on_a_desktop(live_server, transactional_db, monkeypatch):
    """At 390 px each tranche is a card whose lines are labelled (no column squeezed to a few letters);
    on a desktop the same table keeps its header row and columns."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.contrib.auth import get_user_model
    from playwright.sync_api import sync_playwright

    from coopdec.funding import services
    from coopdec.funding.models import Application, ApplicationStatus

    from .helpers import make_call

    _today, project = _world()
    funder_editor = get_user_model().objects.get(username="ministere")
    call = make_call(funder_editor.memberships.get().organisation, prerequisites=[])
    application = services.application_create(call=call, organisation=project.lead_organisation, project=project)
    # Under review as if submitted: the layout is what is tested, not the rules (tested in test_services).
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.UNDER_REVIEW, snapshot={}, requested=9000, own_cash=1000, partner=None
    )
    application = services.application_decide(
        application=application, decision="awarded", amount="9000", revision=application.revision
    )
    base = live_server.url
    urls = [application.get_absolute_url(), call.get_absolute_url() + "manage/"]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(locale="fr-FR", viewport={"width": 390, "height": 800})
            errors = watch_errors(page)
            sign_in(page, base, "ministere", urls[0])
            for number, url in enumerate(urls):
                page.goto(base + url)
                table = page.locator("table.stack")
                assert page.evaluate("document.documentElement.scrollWidth") <= 390
                assert not table.locator("thead").is_visible() or table.locator("thead").bounding_box()["height"] <= 1
                cell = table.locator("tbody tr >> nth=0").locator("td.num >> nth=-1")
                row = table.locator("tbody tr >> nth=0").bounding_box()
                assert cell.bounding_box()["width"] >= row["width"] - 20  # a line of the card, not a thin column
                label = cell.evaluate("td => getComputedStyle(td, '::before').content")
                assert label == '"Montant"'
                page.screenshot(path=f"/tmp/tranches_390_{number}.png", full_page=True)
            page.set_viewport_size({"width": 1280, "height": 800})
            page.goto(base + urls[0])
            table = page.locator("table.stack")
            assert table.locator("thead th >> nth=2").is_visible()
            cells = table.locator("tbody tr >> nth=0").locator("td")
            tops = {round(cells.nth(i).bounding_box()["y"]) for i in range(cells.count())}
            assert len(tops) == 1  # one row of columns
            assert cells.nth(2).evaluate("td => getComputedStyle(td, '::before').content") == "none"
        finally:
            browser.close()
    assert errors == []
