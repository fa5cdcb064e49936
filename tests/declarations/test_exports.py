import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from coopdec.declarations import exports
from tests.factories import make_organisation, make_project

from .factories import make_campaign, make_declaration

pytestmark = pytest.mark.django_db


@pytest.fixture
def lyon():
    return make_organisation("Lyon", geonameid=2996944, iati_identifier="FR-LYON")


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_declaration_export_has_the_documented_columns_and_values(lyon):
    project = make_project(lead=lyon)
    declaration = make_declaration(
        make_campaign(),
        lyon,
        {
            "original_amount": "1000",
            "original_currency": "XOF",
            "cofinancing": "0.50",
            "cofinancing_confirmed": True,
            "marker_gender": "2",
            "project": project,
            "description": "Forages",
        },
    )
    response = exports.declaration_response(declaration, "csv")
    assert response["Content-Disposition"] == f'attachment; filename="aid-declaration-2025-{lyon.pk}.csv"'
    rows = _csv(response)
    assert list(rows[0]) == exports.LINE_COLUMNS
    assert rows == [
        {
            "organisation": "Lyon",
            "organisation_iati_identifier": "FR-LYON",
            "year": "2025",
            "recipient_type": "country",
            "recipient_code": "SN",
            "recipient_label": "Senegal",
            "sector": "14030",
            "sector_label": "Basic drinking water supply and basic sanitation",
            "channel": "12002",
            "flow_type": "10",
            "finance_type": "110",
            "aid_type": "C01",
            "original_amount": "1000.00",
            "original_currency": "XOF",
            "exchange_rate": "0.0015244902",
            "rate_source": "fixed parity to the euro",
            "amount": "1.52",
            "cofinancing": "0.50",
            "cofinancing_deducted": "yes",
            "declared_amount": "1.02",
            "marker_gender": "2",
            "marker_environment": "",
            "marker_biodiversity": "",
            "marker_climate_mitigation": "",
            "marker_climate_adaptation": "",
            "marker_desertification": "",
            "marker_disability": "",
            "marker_nutrition": "",
            "project": str(project.pk),
            "project_title": "Access to drinking water",
            "description": "Forages",
            "status": "draft",
        }
    ]


def test_declaration_export_neutralises_formulas_in_csv_and_xlsx(lyon):
    declaration = make_declaration(make_campaign(), lyon, {"description": '=HYPERLINK("http://evil.example","x")'})
    assert (
        _csv(exports.declaration_response(declaration, "csv"))[0]["description"]
        == '\'=HYPERLINK("http://evil.example","x")'
    )
    response = exports.declaration_response(declaration, "xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    header, row = list(sheet.iter_rows(values_only=True))
    assert dict(zip(header, row, strict=True))["description"] == '\'=HYPERLINK("http://evil.example","x")'
    assert dict(zip(header, row, strict=True))["amount"] == 1000


def test_campaign_export_holds_submitted_declarations_unless_everything(lyon):
    campaign = make_campaign()
    make_declaration(campaign, lyon, {"original_amount": "100"}, submit=True)
    make_declaration(campaign, make_organisation("Paris"), {"original_amount": "7"})
    assert [(row["organisation"], row["status"]) for row in exports.campaign_rows(campaign)] == [("Lyon", "submitted")]
    assert [
        (row["organisation"], row["declared_amount"]) for row in exports.campaign_rows(campaign, everything=True)
    ] == [("Lyon", Decimal("100.00")), ("Paris", Decimal("7.00"))]


def test_crs_export_has_one_row_per_submitted_line(lyon, tmp_path):
    campaign = make_campaign()
    project = make_project(lead=lyon, title={"en": "Water", "fr": "Eau"})
    make_declaration(
        campaign,
        lyon,
        {"original_amount": "100", "project": project, "marker_climate_adaptation": "1"},
        {"recipient_type": "unallocated", "recipient_code": "", "original_amount": "20", "description": "Awareness"},
        submit=True,
    )
    make_declaration(campaign, make_organisation("Paris"), {"original_amount": "7"})
    path = tmp_path / "crs.csv"
    exports.write_campaign(campaign, path, format_name="crs")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert list(rows[0]) == exports.CRS_COLUMNS
    assert [
        (
            row["donor_name"],
            row["donor_identifier"],
            row["reporting_year"],
            row["recipient_code"],
            row["purpose_code"],
            row["channel_code"],
            row["amount"],
            row["currency"],
            row["climate_adaptation"],
            row["short_description"],
        )
        for row in rows
    ] == [
        ("Lyon", "FR-LYON", "2025", "SN", "14030", "12002", "100.00", "EUR", "1", "Water"),
        ("Lyon", "FR-LYON", "2025", "998", "14030", "12002", "20.00", "EUR", "", "Awareness"),
    ]
