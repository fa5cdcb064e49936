from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coopdec.actors.models import OrganisationKind
from coopdec.cooperation.models import Contribution
from coopdec.declarations import checks, services
from coopdec.declarations.models import Declaration, DeclarationLine, DeclarationStatus
from coopdec.territories.models import Country
from tests.factories import make_member, make_organisation, make_project, make_user

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 10)


def _campaign(year=2025, **fields):
    defaults = {"opens_on": date(2026, 4, 15), "closes_on": date(2026, 5, 31)}
    defaults.update(fields)
    return services.campaign_create(
        user=None, country=Country.objects.get(code="FR"), year=year, today=TODAY, **defaults
    )


def _line(**fields):
    data = {
        "recipient_type": "country",
        "recipient_code": "SN",
        "sector": "14030",
        "channel": "12002",
        "original_amount": "1000",
        "original_currency": "EUR",
    }
    data.update(fields)
    return data


@pytest.fixture
def lyon():
    return make_organisation("Lyon", geonameid=2996944)


def test_campaign_create_refuses_a_year_not_over():
    with pytest.raises(ValidationError) as error:
        _campaign(year=2026)
    assert error.value.message_dict["year"] == ["2026 is not over yet: a campaign declares a past year (at most 2025)."]


def test_campaign_create_refuses_a_second_campaign_for_the_same_year():
    _campaign()
    with pytest.raises(ValidationError, match="exists already"):
        _campaign()


def test_declaration_start_prefills_from_the_register(lyon):
    project = make_project(lead=lyon)
    Contribution.objects.create(project=project, organisation=lyon, amount=Decimal("5000"), currency="EUR", year=2025)
    declaration = services.declaration_start(campaign=_campaign(), organisation=lyon, user=None)
    assert [(line.amount, line.sector, line.source) for line in declaration.lines.all()] == [
        (Decimal("5000.00"), "14030", "contribution")
    ]


def test_declaration_start_refuses_an_ngo_and_a_foreign_government(lyon):
    campaign = _campaign()
    ngo = make_organisation("Une ONG", geonameid=None, kind=OrganisationKind.NGO, country_id="FR")
    with pytest.raises(ValidationError, match="Only local and regional governments"):
        services.declaration_start(campaign=campaign, organisation=ngo, user=None)
    berlin = make_organisation("Berlin", geonameid=2950159)
    with pytest.raises(ValidationError, match="is not in France"):
        services.declaration_start(campaign=campaign, organisation=berlin, user=None)


def test_line_add_converts_and_records_the_rate(lyon):
    declaration = services.declaration_start(campaign=_campaign(), organisation=lyon, user=None)
    line = services.line_add(
        declaration=declaration, user=None, **_line(original_amount="1 000,50", original_currency="USD")
    )
    assert line.original_amount == Decimal("1000.50")
    assert line.rate_source == "ECB average 2025"
    assert line.amount == (Decimal("1000.50") * line.exchange_rate).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"sector": "99999"}, "sector", "“99999” is not in the IATI Sector codelist."),
        ({"sector": "15120"}, "sector", "was withdrawn from the IATI Sector codelist"),
        ({"original_amount": "-5"}, "original_amount", "An amount cannot be negative (-5)."),
        ({"original_amount": "12abc"}, "original_amount", "“12abc” is not a number."),
        ({"original_amount": "99999999999"}, "original_amount", "implausibly large"),
        ({"original_currency": "NGN"}, "original_currency", "publishes no rate for NGN"),
        ({"recipient_code": "XX"}, "recipient_code", "“XX” is not in the IATI Country codelist."),
        ({"marker_gender": "3"}, "marker_gender", "A policy marker is 0"),
    ],
)
def test_line_add_refuses_bad_input_and_writes_nothing(lyon, fields, field, message):
    declaration = services.declaration_start(campaign=_campaign(), organisation=lyon, user=None)
    with pytest.raises(ValidationError) as error:
        services.line_add(declaration=declaration, user=None, **_line(**fields))
    assert message in error.value.message_dict[field][0]
    assert DeclarationLine.objects.count() == 0
    assert Declaration.objects.get().revision == 1


def test_line_update_by_a_second_editor_with_a_stale_revision_is_refused(lyon):
    first, second = make_member(lyon), make_member(lyon)
    declaration = services.declaration_start(campaign=_campaign(), organisation=lyon, user=first)
    line = services.line_add(declaration=declaration, user=first, revision=1, **_line())
    services.line_update(line=line, user=first, revision=2, original_amount="2000")
    with pytest.raises(ValidationError, match=f"{second.username}|{first.username}") as error:
        services.line_update(line=DeclarationLine.objects.get(), user=second, revision=2, original_amount="3000")
    assert error.value.code == "stale"
    assert DeclarationLine.objects.get().amount == Decimal("2000.00")


def test_submit_runs_the_checks(lyon):
    declaration = services.declaration_start(campaign=_campaign(), organisation=lyon, user=None)
    with pytest.raises(ValidationError, match="has no line"):
        services.declaration_submit(declaration=declaration, user=None, today=TODAY)
    services.declaration_set_nil(declaration=declaration, user=None, is_nil=True)
    submitted = services.declaration_submit(declaration=declaration, user=make_user(), today=TODAY)
    assert (submitted.status, submitted.is_locked) == (DeclarationStatus.SUBMITTED, True)
    with pytest.raises(ValidationError, match="was submitted"):
        services.line_add(declaration=declaration, user=None, **_line())


def test_submit_after_the_closing_date_needs_an_extension(lyon):
    declaration = services.declaration_start(campaign=_campaign(), organisation=lyon, user=None)
    services.declaration_set_nil(declaration=declaration, user=None, is_nil=True)
    with pytest.raises(ValidationError, match="closed on"):
        services.declaration_submit(declaration=declaration, user=None, today=date(2026, 6, 2))
    services.declaration_extend(declaration=declaration, user=None, until=date(2026, 6, 15))
    assert services.declaration_submit(declaration=declaration, user=None, today=date(2026, 6, 2)).status == "submitted"


def test_unconfirmed_cofinancing_blocks_submission(lyon):
    declaration = services.declaration_start(campaign=_campaign(), organisation=lyon, user=None)
    line = services.line_add(declaration=declaration, user=None, **_line(cofinancing="200"))
    assert line.net_amount == Decimal("1000.00")
    with pytest.raises(ValidationError, match="confirm whether to deduct it"):
        services.declaration_submit(declaration=declaration, user=None, today=TODAY)
    line = services.line_update(line=line, user=None, cofinancing_confirmed=True)
    assert line.net_amount == Decimal("800.00")
    services.declaration_submit(declaration=declaration, user=None, today=TODAY)


def test_reopen_needs_a_reason_and_allows_resubmission(lyon):
    declaration = services.declaration_start(campaign=_campaign(), organisation=lyon, user=None)
    services.declaration_set_nil(declaration=declaration, user=None, is_nil=True)
    services.declaration_submit(declaration=declaration, user=None, today=TODAY)
    with pytest.raises(ValidationError, match="Say why"):
        services.declaration_reopen(declaration=declaration, user=None, reason="  ")
    reopened = services.declaration_reopen(declaration=declaration, user=None, reason="Ligne Louga manquante")
    assert (reopened.status, reopened.reopen_reason) == ("reopened", "Ligne Louga manquante")
    services.line_add(declaration=declaration, user=None, **_line())
    services.declaration_set_nil(declaration=declaration, user=None, is_nil=False)
    assert services.declaration_submit(declaration=declaration, user=None, today=TODAY).status == "submitted"
    assert [h.history_change_reason for h in declaration.history.order_by("history_id")] == [
        "created",
        "nil declaration",
        "submitted",
        "reopened",
        "line added",
        "not a nil declaration",
        "submitted",
    ]


def test_checks_flag_duplicates_and_lines_ten_times_last_year(lyon):
    last = services.declaration_start(campaign=_campaign(year=2024), organisation=lyon, user=None)
    services.line_add(declaration=last, user=None, **_line(original_amount="100"))
    services.declaration_submit(declaration=last, user=None, today=TODAY)
    declaration = services.declaration_start(campaign=_campaign(), organisation=lyon, user=None)
    services.line_add(declaration=declaration, user=None, **_line(original_amount="1001"))
    services.line_add(declaration=declaration, user=None, **_line(original_amount="1001"))
    warnings = [issue.message for issue in checks.check(declaration) if issue.level == checks.WARNING]
    assert (
        "Line 1 (1001.00) is more than ten times last year's whole declaration (100.00): check the amount." in warnings
    )
    assert "Line 2 is the same as another line: remove it if it was entered twice." in warnings


def test_lines_replace_refuses_the_whole_import_on_one_bad_row(lyon):
    declaration = services.declaration_start(campaign=_campaign(), organisation=lyon, user=None)
    services.line_add(declaration=declaration, user=None, **_line())
    with pytest.raises(ValidationError) as error:
        services.lines_replace(declaration=declaration, user=None, rows=[_line(), _line(sector="1")])
    assert error.value.messages == ["Row 3: sector: “1” is not in the IATI Sector codelist."]
    assert DeclarationLine.objects.count() == 1


def test_checks_warn_when_a_declared_project_is_a_draft(lyon):
    project = make_project(lead=lyon, published=False, title={"fr": "Eau à Louga"})
    Contribution.objects.create(project=project, organisation=lyon, amount=Decimal("50"), currency="EUR", year=2025)
    declaration = services.declaration_start(campaign=_campaign(), organisation=lyon, user=None)
    warnings = [issue.message for issue in checks.check(declaration) if issue.level == checks.WARNING]
    assert warnings == [
        f"Project {project.pk} (Eau à Louga) is declared but still a draft: publish it so that your IATI "
        "file shows what you declared."
    ]
