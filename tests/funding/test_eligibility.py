"""Every eligibility and co-financing rule, on its boundary values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from coopdec.funding import eligibility, selectors, services
from coopdec.funding.eligibility import OrganisationFacts, Plan, ProjectFacts
from coopdec.funding.models import Report, ReportKind
from tests import factories

from .helpers import TODAY, make_world, plan

RULES = SimpleNamespace(
    max_rate_ldc=Decimal("90"),
    max_rate_other=Decimal("70"),
    min_own_share=Decimal("10"),
    max_in_kind_share=Decimal("50"),
    min_amount=Decimal("5000"),
    max_amount=Decimal("50000"),
    currency="EUR",
)


def _results(checks) -> dict[str, bool]:
    return {check.rule: check.passed for check in checks}


def _plan(requested, own_cash, own_in_kind=0, other=0) -> Plan:
    return Plan(**plan(requested, own_cash, own_in_kind, other))


@pytest.mark.parametrize(
    ("requested", "own", "passed"),
    [
        (Decimal("8999"), Decimal("1001"), True),
        (Decimal("9000"), Decimal("1000"), True),
        (Decimal("9001"), Decimal("999"), False),
    ],
    ids=["89.99%", "90%", "90.01%"],
)
def test_rate_in_a_least_developed_country_on_the_boundary(requested, own, passed):
    checks = _results(eligibility.check_plan(RULES, _plan(requested, own), least_developed=True))
    assert checks["rate"] is passed


@pytest.mark.parametrize(
    ("requested", "passed"), [(Decimal("6999"), True), (Decimal("7000"), True), (Decimal("7001"), False)]
)
def test_rate_elsewhere_on_the_boundary(requested, passed):
    checks = _results(
        eligibility.check_plan(RULES, _plan(requested, Decimal(10000) - requested), least_developed=False)
    )
    assert checks["rate"] is passed


def test_rate_reason_gives_the_figures():
    check = eligibility.check_plan(RULES, _plan(9001, 999), least_developed=True)[0]
    assert check.reason == "The grant is 90.01% of the cost; the call pays at most 90.00% (least developed countries)."


@pytest.mark.parametrize(
    ("own", "passed"), [(Decimal("999.99"), False), (Decimal("1000"), True), (Decimal("1000.01"), True)]
)
def test_own_share_on_the_boundary(own, passed):
    checks = _results(eligibility.check_plan(RULES, _plan(Decimal(10000) - own, own), least_developed=True))
    assert checks["own_share"] is passed


@pytest.mark.parametrize(
    ("cash", "in_kind", "passed"),
    [
        (Decimal("500.01"), Decimal("499.99"), True),
        (Decimal("500"), Decimal("500"), True),
        (Decimal("499.99"), Decimal("500.01"), False),
    ],
    ids=["under half", "exactly half", "over half"],
)
def test_in_kind_cap_on_the_boundary(cash, in_kind, passed):
    checks = _results(eligibility.check_plan(RULES, _plan(9000, cash, in_kind), least_developed=True))
    assert checks["in_kind"] is passed


@pytest.mark.parametrize(
    ("requested", "passed"),
    [(Decimal("4999.99"), False), (Decimal("5000"), True), (Decimal("50000"), True), (Decimal("50000.01"), False)],
)
def test_amount_range_on_the_boundaries(requested, passed):
    checks = _results(eligibility.check_plan(RULES, _plan(requested, requested), least_developed=False))
    assert checks["amount"] is passed


def test_empty_plan_asks_for_figures():
    checks = eligibility.check_plan(RULES, _plan(0, 0), least_developed=True)
    assert [(c.rule, c.passed) for c in checks] == [("plan", False)]


def _project(countries, start=date(2027, 1, 1), end=date(2029, 12, 31), **fields) -> ProjectFacts:
    return ProjectFacts(
        id=1,
        title="p",
        partnership_id=None,
        axes=fields.get("axes", set()),
        sectors=fields.get("sectors", {"14030"}),
        countries=set(countries),
        start=start,
        end=end,
        document_categories=fields.get("documents", set()),
    )


def test_least_developed_rate_needs_every_recipient_country_on_the_dac_list():
    assert eligibility.least_developed_rate(_project({"SN", "BF"})) is True
    assert eligibility.least_developed_rate(_project({"SN", "CI"})) is False
    assert eligibility.least_developed_rate(_project(set())) is False


@pytest.mark.parametrize(
    ("end", "passed"), [(date(2029, 12, 31), True), (date(2030, 1, 31), False)], ids=["36 months", "37 months"]
)
def test_duration_on_the_boundary(end, passed):
    call = SimpleNamespace(max_duration_months=36)
    assert eligibility.check_duration(call, _project({"SN"}, end=end)).passed is passed


def test_documents_missing_named():
    call = SimpleNamespace(required_documents=["A02", "B01"])
    check = eligibility.check_documents(call, _project({"SN"}, documents={"A02"}), {"B01": "Annual report"})
    assert (check.passed, check.reason) == (False, "Documents missing from the project: Annual report.")


def test_axes_and_sectors():
    call = SimpleNamespace(eligible_axes=["youth"], eligible_sectors=["151"])
    checks = _results(eligibility.check_themes(call, _project({"SN"}, axes={"water"}, sectors={"15150"}), {}))
    assert checks == {"axes": False, "sectors": True}


def _facts(**fields) -> OrganisationFacts:
    defaults = {
        "id": 1,
        "name": "Lyon",
        "kind": "municipality",
        "kind_label": "Municipality",
        "country_id": "FR",
        "confirmed_at": None,
        "declaration_year": 2025,
    }
    return OrganisationFacts(**{**defaults, **fields})


NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


@pytest.mark.parametrize(("days", "passed"), [(364, True), (365, True), (366, False)])
def test_record_confirmed_within_twelve_months(days, passed):
    check = eligibility.check_confirmed(_facts(confirmed_at=NOW - timedelta(days=days)), now=NOW)
    assert check.passed is passed


def test_record_confirmed_long_ago_says_when_and_where():
    check = eligibility.check_confirmed(_facts(confirmed_at=datetime(2024, 3, 3, tzinfo=UTC)), now=NOW)
    assert check.reason == "Your record was last confirmed on March 3, 2024: confirm it."
    assert check.fix_url == "/organisations/1/"


def test_declaration_rule_three_cases():
    assert eligibility.check_declaration(_facts(declaration_submitted=True, has_campaign=True)).passed is True
    missing = eligibility.check_declaration(_facts(has_campaign=True))
    assert (missing.passed, missing.reason) == (False, "Your aid declaration for 2025 is not submitted: submit it.")
    assert eligibility.check_declaration(_facts()).passed is False


def test_open_on_the_deadline_and_closed_the_day_after():
    call = SimpleNamespace(opens_on=date(2026, 1, 1), deadline=date(2026, 6, 30))
    assert eligibility.check_open(call, today=date(2026, 6, 30)).passed is True
    assert eligibility.check_open(call, today=date(2026, 7, 1)).passed is False
    assert eligibility.check_open(call, today=date(2025, 12, 31)).passed is False


def test_kind_and_country():
    call = SimpleNamespace(eligible_kinds=["region"], eligible_countries=["DE"])
    assert eligibility.check_kind(call, _facts(), {"region": "Region"}).reason == (
        "Municipality may not apply to this call; it is open to: Region."
    )
    assert eligibility.check_country(call, _facts()).passed is False


# From the register --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_register_facts_make_the_applicant_eligible():
    world = make_world()
    result = selectors.eligibility_of(world.applicant, world.call)
    assert result.as_json()["eligible"] is True
    assert [c["rule"] for c in result.as_json()["checks"]] == [
        "open",
        "applicant_kind",
        "applicant_country",
        "confirmed",
        "declaration",
        "reports",
        "agreement",
        "partner",
    ]


@pytest.mark.django_db
def test_overdue_report_of_an_earlier_grant_blocks():
    world = make_world()
    earlier = services.application_create(call=world.call, organisation=world.applicant, project=world.project)
    Report.objects.create(
        application=earlier,
        kind=ReportKind.FINAL,
        period_start=TODAY - timedelta(days=400),
        period_end=TODAY - timedelta(days=40),
        due_on=TODAY - timedelta(days=1),
    )
    checks = _results(selectors.eligibility_of(world.applicant, world.call).checks)
    assert checks["reports"] is False


@pytest.mark.django_db
def test_partner_and_agreement_missing_without_a_partnership():
    world = make_world()
    alone = factories.make_organisation(
        "Ville de Grenoble", geonameid=None, country_id="FR", confirmed_at=timezone.now()
    )
    checks = _results(selectors.eligibility_of(alone, world.call).checks)
    assert (checks["agreement"], checks["partner"], checks["declaration"]) == (False, False, False)


@pytest.mark.django_db
def test_application_eligibility_adds_project_and_plan_rules():
    world = make_world()
    application = services.application_create(call=world.call, organisation=world.applicant, project=world.project)
    result = selectors.application_eligibility(application, plan=Plan(**plan(9000, 500, 500)))
    checks = _results(result.checks)
    assert (checks["duration"], checks["rate"], checks["own_share"], checks["in_kind"], checks["amount"]) == (
        True,
        True,
        True,
        True,
        True,
    )
    assert result.eligible is True
