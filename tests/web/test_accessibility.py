"""The main pages in a real browser, checked by axe-core (Deque's accessibility engine) against the
WCAG 2.0 and 2.1 A and AA rules (EN 301 549 asks public bodies for WCAG 2.1 AA).

axe-core is a devDependency (package.json): the test reads it from node_modules and injects it into
each page through the DevTools protocol, which the strict Content-Security-Policy does not stop, so
the pages are checked as visitors get them. A failure lists, per page, each violation's rule, impact,
help text and the selectors of the failing elements.
"""

import json
from datetime import date
from pathlib import Path

import pytest

from tests.actors.test_browser import watch_errors
from tests.browser import MARKS, launch

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    *MARKS,
    pytest.mark.skipif(not AXE.exists(), reason=f"axe-core not installed at {AXE} (npm ci)"),
]

# WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices (landmarks, heading order, empty
# table headers...), which found real defects here and cost nothing more to keep.
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# Rules switched off for some elements only, each with its reason: (rule, CSS selector the elements
# match, reason). Nothing else is excluded.
EXCLUDED: list[tuple[str, str, str]] = []

# axe answers "needs review" where it cannot decide. Those are failures too, except these, checked
# by hand: (rule, CSS selector of the elements, reason).
REVIEWED: list[tuple[str, str, str]] = [
    (
        "label-content-name-mismatch",
        ".leaflet-control-zoom-in, .leaflet-control-zoom-out",
        "Leaflet's zoom buttons show the symbols + and −; their names are Leaflet's 'Zoom in' and 'Zoom out'",
    ),
]
# Colour contrast is left out of the "needs review" failures: axe cannot find the background of
# text over the map, inside the SVG charts or too short to be sure it is text (facet counts, the
# charts' legend squares), and says so. The colours there are the stylesheet's ink and muted grey on
# white (15.6:1 and 5.9:1); the "needs review" list is printed with any failure.
UNDECIDABLE = {"color-contrast"}


def run_axe(page) -> tuple[list[dict], list[dict]]:
    """axe-core's violations and its "needs review" results on the page as it stands."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async ([tags, excluded, reviewed]) => {
            const results = await window.axe.run(document, {runOnly: {type: "tag", values: tags}});
            const keep = (rule, skipped) => node => {
                const element = document.querySelector(node.target.join(" "));
                return !skipped.some(([id, selector]) => id === rule && element && element.matches(selector));
            };
            const report = (items, skipped) => items.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.filter(keep(v.id, skipped))
                    .map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
            })).filter(v => v.nodes.length);
            return [report(results.violations, excluded), report(results.incomplete, reviewed)];
        }""",
        [RULE_TAGS, EXCLUDED, REVIEWED],
    )


def describe(found: dict[str, list[dict]]) -> str:
    """One block per page: rule, impact, help text, then each failing element and why."""
    lines = []
    for where, violations in found.items():
        lines.append(f"== {where}")
        for violation in violations:
            lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
            for node in violation["nodes"]:
                summary = " / ".join(line.strip() for line in node["summary"].splitlines()[1:] if line.strip())
                lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def _data() -> dict:
    """live_server runs on a transactional database: a small, realistic register for the pages."""
    from importlib import import_module

    from django.apps import apps as django_apps

    from coopdec.actors.models import Membership
    from coopdec.cooperation import services
    from coopdec.matching import services as matching
    from coopdec.territories import loaders as places
    from coopdec.territories.models import Locality
    from coopdec.vocabularies import loaders as vocabularies
    from tests.conftest import reference_slice
    from tests.factories import make_organisation, make_partnership, make_project, make_user

    places.load_countries()
    vocabularies.load_codelists()
    vocabularies.load_axes()
    # The transactional database is flushed between tests: the About and FAQ pages that a migration
    # seeds are seeded again, by that migration's own function.
    seed_pages = import_module("coopdec.knowledge.migrations.0002_seed_about_and_faq").seed
    seed_pages(django_apps, None)
    wanted = {2996944, 2253354}  # Lyon, Dakar
    if Locality.objects.filter(pk__in=wanted).count() < len(wanted):
        places.load_localities(records=[r for r in reference_slice() if r["geonameid"] in wanted], force=True)
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    editor = make_user("awa")
    Membership.objects.create(user=editor, organisation=lyon, role="admin")
    partnership = make_partnership(
        lyon, dakar, start_date=date(2012, 1, 1), title={"fr": "Lyon – Dakar", "en": "Lyon – Dakar"}
    )
    project = make_project(
        partnership=partnership,
        lead=lyon,
        title={"fr": "Eau potable à Dakar", "en": "Drinking water in Dakar"},
        description={"fr": "Raccordement de 4 000 foyers.", "en": "4,000 households connected."},
    )
    result = services.result_create(project=project, title={"fr": "Foyers raccordés", "en": "Households connected"})
    indicator = services.indicator_create(result=result, title={"fr": "Nombre de foyers", "en": "Households"})
    services.indicator_value_set(
        indicator=indicator,
        period_start=date(2023, 1, 1),
        period_end=date(2023, 12, 31),
        territory=dakar,
        baseline=0,
        target=4000,
        actual=2750,
    )
    draft = make_project(lead=lyon, published=False, title={"fr": "Jardins partagés", "en": "Shared gardens"})
    offer = matching.offer_save(
        user=editor,
        organisation=lyon,
        title={"fr": "Ingénierie de l'eau", "en": "Water engineering"},
        kinds=["expertise"],
        valid_from=date(2020, 1, 1),
    )
    request = matching.request_save(
        user=editor,
        organisation=lyon,
        title={"fr": "Partenaire pour la gestion des déchets", "en": "Partner for waste management"},
        countries=["SN"],
        valid_from=date(2020, 1, 1),
    )
    return {
        "lyon": lyon,
        "dakar": dakar,
        "partnership": partnership,
        "project": project,
        "draft": draft,
        "offer": offer,
        "request": request,
    }


def public_pages(data) -> list[tuple[str, str | None]]:
    """(path, selector to wait for) of the pages anyone sees."""
    return [
        ("/", None),
        ("/about/", None),
        ("/atlas/", "#atlas-map[data-state=ready]"),
        ("/atlas/?country=SN", "#atlas-map[data-state=ready]"),
        ("/atlas/stats/", None),
        (f"/organisations/{data['lyon'].pk}/", "#organisation-map[data-state=ready]"),
        (f"/partnerships/{data['partnership'].pk}/", None),
        (f"/projects/{data['project'].pk}/", None),
        ("/matching/offers/", None),
        ("/matching/requests/", None),
        (f"/matching/offers/{data['offer'].pk}/", None),
        ("/accounts/login/", None),
        ("/no-such-page/", None),
    ]


def editor_pages(data) -> list[tuple[str, str | None]]:
    """(path, selector to wait for) of the pages of a signed-in editor."""
    return [
        ("/organisations/", None),
        ("/organisations/new/", None),
        (f"/organisations/{data['lyon'].pk}/edit/", None),
        ("/projects/new/", None),
        (f"/projects/new/?partnership={data['partnership'].pk}", None),
        (f"/projects/{data['project'].pk}/edit/", None),
        (f"/projects/{data['draft'].pk}/", None),
        (f"/partnerships/{data['partnership'].pk}/edit/", None),
        (f"/matching/organisations/{data['lyon'].pk}/", None),
        (f"/matching/requests/{data['request'].pk}/recommendations/", None),
        ("/import/", None),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_main_pages_have_no_wcag_violations(live_server, transactional_db, language):
    from playwright.sync_api import sync_playwright

    data = _data()
    found: dict[str, list[dict]] = {}
    review: dict[str, list[dict]] = {}
    visited = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(locale={"fr": "fr-FR", "en": "en-GB"}[language])
            errors = watch_errors(page)

            def check(where: str, ready: str | None = None) -> None:
                if ready:
                    page.wait_for_selector(ready, timeout=20_000)
                assert page.get_attribute("html", "lang") == language, where
                violations, incomplete = run_axe(page)
                visited.append(where)
                if violations:
                    found[f"{where} ({language})"] = violations
                if incomplete:
                    review[f"{where} ({language})"] = incomplete

            for path, ready in public_pages(data):
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == (404 if path == "/no-such-page/" else 200), path
                check(path, ready)
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", "awa")
            page.fill("#id_password", "a-long-passphrase-42")
            page.click("main button[type=submit]")
            page.wait_for_url(f"{live_server.url}/")
            for path, ready in editor_pages(data):
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, path
                check(path, ready)
            # A form sent empty: its error messages and the fields they belong to.
            page.goto(f"{live_server.url}/organisations/new/")
            page.click("main form button[type=submit]")
            page.wait_for_selector("main .has-error")
            check("/organisations/new/ (sent empty)")
        finally:
            browser.close()
    counts: dict[str, int] = {}
    for violations in found.values():
        for violation in violations:
            counts[violation["id"]] = counts.get(violation["id"], 0) + len(violation["nodes"])
    undecided = {where: [item for item in items if item["id"] not in UNDECIDABLE] for where, items in review.items()}
    report = (
        "Violations (elements per rule: "
        + json.dumps(counts, sort_keys=True)
        + "):\n"
        + describe(found)
        + "\n\nNeeds review:\n"
        + describe(review)
    )
    assert len(visited) == len(public_pages(data)) + len(editor_pages(data)) + 1
    assert not found, "axe-core found WCAG 2.1 A/AA violations.\n" + report
    assert not any(undecided.values()), "axe-core could not decide; check by hand, fix or list in REVIEWED.\n" + report
    assert [error for error in errors if not error.startswith("404 ")] == []
