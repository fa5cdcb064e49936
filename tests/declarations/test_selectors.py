from datetime import date
from decimal import Decimal

import pytest

from coopdec.actors.models import OrganisationKind
from coopdec.declarations import selectors, services
from coopdec.territories.models import Country
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 10)


def _campaign(year=2025):
    return services.campaign_create(user=None, country=Country.objects.get(code="FR"), year=year, today=TODAY,
                                    opens_on=date(2026, 4, 15), closes_on=date(2026, 5, 31))


def _declare(campaign, organisation, *lines, submit=True):
    declaration = services.declaration_start(campaign=campaign, organisation=organisation, user=None, with_prefill=False)
    for fields in lines:
        services.line_add(declaration=declaration, user=None, **{
            "recipient_type": "country", "recipient_code": "SN", "sector": "14030", "channel": "12002",
            "original_currency": "EUR", **fields})
    if not lines:
        services.declaration_set_nil(declaration=declaration, user=None, is_nil=True)
    if submit:
        services.declaration_submit(declaration=declaration, user=None, today=TODAY)
    return declaration


def test_national_totals_add_up_submitted_declarations_only():
    campaign = _campaign()
    lyon, paris = make_organisation("Lyon", geonameid=2996944), make_organisation("Paris")
    nantes = make_organisation("Nantes", geonameid=2990969)
    _declare(campaign, lyon, {"original_amount": "1000", "marker_gender": "2"},
             {"original_amount": "500", "recipient_code": "BF", "sector": "11220", "marker_gender": "1"})
    _declare(campaign, paris)
    _declare(campaign, nantes, {"original_amount": "9999"}, submit=False)

    totals = selectors.national_totals(campaign)

    assert (totals.total, totals.declarations, totals.nil) == (Decimal("1500.00"), 2, 1)
    assert [(code, amount) for code, _label, amount in totals.by_recipient] == [("SN", Decimal("1000.00")), ("BF", Decimal("500.00"))]
    assert [(code, amount) for code, _label, amount in totals.by_sector] == [("14030", Decimal("1000.00")), ("11220", Decimal("500.00"))]
    assert totals.by_marker[0][0] == "1"
    assert totals.by_marker[0][2:] == (Decimal("500.00"), Decimal("1000.00"))


def test_campaign_progress_counts_every_local_government_of_the_country():
    campaign = _campaign()
    lyon, paris = make_organisation("Lyon", geonameid=2996944), make_organisation("Paris")
    make_organisation("Berlin", geonameid=2950159)
    make_organisation("ONG", geonameid=None, kind=OrganisationKind.NGO, country_id="FR")
    _declare(campaign, lyon, {"original_amount": "10"})
    _declare(campaign, paris, {"original_amount": "10"}, submit=False)
    make_organisation("Nantes", geonameid=2990969)

    progress = selectors.campaign_progress(campaign)

    assert progress.counts == {"submitted": 1, "draft": 1, "reopened": 0, "not_started": 1}
    assert [(row.organisation.name, row.status, row.total) for row in progress.rows] == [
        ("Lyon", "submitted", Decimal("10.00")), ("Nantes", "not_started", Decimal("0.00")), ("Paris", "draft", Decimal("10.00"))]
    assert [row.organisation.name for row in selectors.campaign_progress(campaign, status="not_started").rows] == ["Nantes"]


def test_trend_lists_each_year_of_the_country():
    lyon = make_organisation("Lyon", geonameid=2996944)
    _declare(_campaign(2024), lyon, {"original_amount": "100"})
    _declare(_campaign(2025), lyon, {"original_amount": "250"})
    assert [(campaign.year, total, count) for campaign, total, count in selectors.trend("FR")] == [
        (2024, Decimal("100.00"), 1), (2025, Decimal("250.00"), 1)]


def test_national_totals_read_once_then_follow_each_change_of_a_declaration(django_assert_num_queries):
    campaign = _campaign()
    lyon, nantes = make_organisation("Lyon", geonameid=2996944), make_organisation("Nantes", geonameid=2990969)
    _declare(campaign, lyon, {"original_amount": "1000"})
    draft = _declare(campaign, nantes, {"original_amount": "250"}, submit=False)
    assert selectors.national_totals(campaign).total == Decimal("1000.00")

    with django_assert_num_queries(1):  # the declarations' state: the totals come from the cache
        assert selectors.national_totals(campaign).total == Decimal("1000.00")
    services.declaration_submit(declaration=draft, user=None, today=TODAY)
    assert (selectors.national_totals(campaign).total, selectors.national_totals(campaign).declarations) == (
        Decimal("1250.00"), 2)
    services.declaration_reopen(declaration=draft, user=None, reason="Wrong year")
    assert selectors.national_totals(campaign).total == Decimal("1000.00")
