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
    return services.campaign_create(
        user=None,
        country=Country.objects.get(code="FR"),
        year=year,
        today=TODAY,
        opens_on=date(2026, 4, 15),
        closes_on=date(2026, 5, 31),
    )


def _declare(campaign, organisation, *lines, submit=True):
    declaration = services.declaration_start(
        campaign=campaign, organisation=organisation, user=None, with_prefill=False
    )
    for fields in lines:
        services.line_add(
            declaration=declaration,
            user=None,
            **{
                "recipient_type": "country",
                "recipient_code": "SN",
                "sector": "14030",
                "channel": "12002",
                "original_currency": "EUR",
                **fields,
            },
        )
    if not lines:
        services.declaration_set_nil(declaration=declaration, user=None, is_nil=True)
    if submit:
        services.declaration_submit(declaration=declaration, user=None, today=TODAY)
    return declaration


def test_national_totals_add_up_submitted_declarations_only():
    campaign = _campaign()
    lyon, paris = make_organisation("Lyon", geonameid=2996944), make_organisation("Paris")
    nantes = make_organisation("Nantes", geonameid=2990969)
    _declare(
        campaign,
        lyon,
        {"original_amount": "1000", "marker_gender": "2"},
        {"original_amount": "500", "recipient_code": "BF", "sector": "11220", "marker_gender": "1"},
    )
    _declare(campaign, paris)
    _declare(campaign, nantes, {"original_amount": "9999"}, submit=False)

    totals = selectors.national_totals(campaign)

    assert (totals.total, totals.declarations, totals.nil) == (Decimal("1500.00"), 2, 1)
    assert [(code, amount) for code, _label, amount in totals.by_recipient] == [
        ("SN", Decimal("1000.00")),
        ("BF", Decimal("500.00")),
    ]
    assert [(code, amount) for code, _label, amount in totals.by_sector] == [
        ("14030", Decimal("1000.00")),
        ("11220", Decimal("500.00")),
    ]
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
        ("Lyon", "submitted", Decimal("10.00")),
        ("Nantes", "not_started", Decimal("0.00")),
        ("Paris", "draft", Decimal("10.00")),
    ]
    assert [row.organisation.name for row in selectors.campaign_progress(campaign, status="not_started").rows] == [
        "Nantes"
    ]


def test_trend_lists_each_year_of_the_country():
    lyon = make_organisation("Lyon", geonameid=2996944)
    _declare(_campaign(2024), lyon, {"original_amount": "100"})
    _declare(_campaign(2025), lyon, {"original_amount": "250"})
    assert [(campaign.year, total, count) for campaign, total, count in selectors.trend("FR")] == [
        (2024, Decimal("100.00"), 1),
        (2025, Decimal("250.00"), 1),
    ]


def test_national_totals_follow_each_submission_reopening_and_deletion(django_assert_num_queries):
    campaign = _campaign()
    lyon, nantes = make_organisation("Lyon", geonameid=2996944), make_organisation("Nantes", geonameid=2990969)
    _declare(campaign, lyon, {"original_amount": "1000", "marker_climate_adaptation": "1"})
    draft = _declare(campaign, nantes, {"original_amount": "250", "recipient_code": "BF"}, submit=False)

    selectors.national_totals(campaign)  # labels read once per process
    with django_assert_num_queries(2):  # the counts, and the campaign's sums: never the lines
        assert selectors.national_totals(campaign).total == Decimal("1000.00")
    services.declaration_submit(declaration=draft, user=None, today=TODAY)
    totals = selectors.national_totals(campaign)
    assert (totals.total, totals.declarations) == (Decimal("1250.00"), 2)
    assert [(code, amount) for code, _label, amount in totals.by_recipient] == [
        ("SN", Decimal("1000.00")),
        ("BF", Decimal("250.00")),
    ]
    services.declaration_reopen(declaration=draft, user=None, reason="Wrong year")
    totals = selectors.national_totals(campaign)
    assert (totals.total, [code for code, _label, _amount in totals.by_recipient]) == (Decimal("1000.00"), ["SN"])
    lyon.aid_declarations.get().delete()
    totals = selectors.national_totals(campaign)
    assert (totals.total, totals.by_recipient, totals.by_marker[4][2]) == (Decimal("0.00"), [], Decimal("0.00"))


def test_rebuild_gives_the_sums_kept_by_the_services():
    from coopdec.declarations import totals as campaign_totals
    from coopdec.declarations.models import CampaignTotal

    campaign = _campaign()
    lyon, paris = make_organisation("Lyon", geonameid=2996944), make_organisation("Paris")
    _declare(
        campaign,
        lyon,
        {"original_amount": "1000", "marker_gender": "2"},
        {"original_amount": "500", "recipient_type": "region", "recipient_code": "289", "marker_gender": "1"},
    )
    _declare(
        campaign,
        paris,
        {
            "original_amount": "70",
            "recipient_type": "unallocated",
            "recipient_code": "",
            "sector": "99820",
            "marker_gender": "0",
        },
    )
    kept = sorted(
        CampaignTotal.objects.filter(campaign=campaign)
        .exclude(amount=0)
        .values_list("dimension", "code", "significance", "amount")
    )
    campaign_totals.rebuild(campaign)
    rebuilt = sorted(
        CampaignTotal.objects.filter(campaign=campaign).values_list("dimension", "code", "significance", "amount")
    )
    assert rebuilt == kept
    assert ("recipient", "region:289", 0, Decimal("500.00")) in rebuilt
    assert ("marker", "1", 2, Decimal("1000.00")) in rebuilt
