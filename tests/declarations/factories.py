"""Campaigns and declarations for the export, import, command and API tests."""

from datetime import date

from coopdec.declarations import services
from coopdec.territories.models import Country

TODAY = date(2026, 5, 10)
LINE = {
    "recipient_type": "country",
    "recipient_code": "SN",
    "sector": "14030",
    "channel": "12002",
    "original_amount": "1000",
    "original_currency": "EUR",
}


def make_campaign(year=2025, country="FR"):
    return services.campaign_create(
        user=None,
        country=Country.objects.get(code=country),
        year=year,
        today=TODAY,
        opens_on=date(2026, 4, 15),
        closes_on=date(2026, 5, 31),
    )


def make_declaration(campaign, organisation, *lines, submit=False):
    declaration = services.declaration_start(
        campaign=campaign, organisation=organisation, user=None, with_prefill=False
    )
    for fields in lines:
        services.line_add(declaration=declaration, user=None, **{**LINE, **fields})
    if submit:
        services.declaration_submit(declaration=declaration, user=None, today=TODAY)
    declaration.refresh_from_db()
    return declaration
