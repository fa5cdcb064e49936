"""Spreadsheet import: the template's rows, row-level problems, XLSX, dry run, idempotence."""

import csv
import io

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import Workbook

from coopdec.actors.models import Organisation, OrganisationKind
from coopdec.common.models import PublicationStatus, Source
from coopdec.cooperation.models import Partnership, PartnershipKind
from coopdec.interop.spreadsheet.reader import ImportFileError
from coopdec.interop.spreadsheet.services import (
    COLUMNS,
    ParsedSheet,
    error_report,
    spreadsheet_import,
    spreadsheet_parse,
)

pytestmark = pytest.mark.django_db

ROWS = [
    ["Ville de Lyon", "municipality", "Lyon", "France", "", "", "Dakar", "Senegal", "twinning", "active", "1990", ""],
    ["=Cités Unies", "ngo", "Paris", "France", "", "", "", "", "", "", "", ""],
    ["", "municipality", "Illingen", "Germany", "", "", "", "", "", "", "", ""],
    ["Test", "alien", "Paris", "France", "", "", "", "", "", "", "", ""],
    [
        "",
        "municipality",
        "Lyon",
        "France",
        "",
        "municipality",
        "Ouagadougou",
        "Burkina Faso",
        "agreement",
        "",
        "2019-05-14",
        "Eau potable",
    ],
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def as_csv(rows, header=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_parse_reports_problems_per_row():
    parsed = spreadsheet_parse(as_csv(ROWS))
    assert [r.line for r in parsed.error_rows] == [4, 5]
    assert parsed.rows[2].problems[0].startswith("Illingen, Germany: place ambiguous")
    assert parsed.rows[3].problems[0].startswith("kind_1: unknown kind “alien”")
    assert Organisation.objects.count() == 0


def test_import_creates_organisations_and_partnerships_once():
    parsed = spreadsheet_parse(as_csv(ROWS))
    summary = spreadsheet_import(parsed)
    assert (summary.rows, summary.rows_with_errors) == (5, 2)
    assert (summary.organisations_created, summary.partnerships_created) == (4, 2)
    lyon = Organisation.objects.get(locality_id=2996944)
    assert (lyon.name, lyon.kind, lyon.source) == ("Ville de Lyon", OrganisationKind.MUNICIPALITY, Source.SPREADSHEET)
    ngo = Organisation.objects.get(kind=OrganisationKind.NGO)
    assert (ngo.name, ngo.country_id, ngo.locality_id) == ("=Cités Unies", "FR", None)
    agreement = Partnership.objects.get(kind=PartnershipKind.AGREEMENT)
    assert str(agreement.start_date) == "2019-05-14"
    assert agreement.title == {"fr": "Eau potable", "en": "Eau potable"}
    assert Partnership.objects.get(kind=PartnershipKind.TWINNING).start_date.year == 1990
    again = spreadsheet_import(spreadsheet_parse(as_csv(ROWS)))
    assert (again.organisations_created, again.organisations_existing) == (0, 4)
    assert (again.partnerships_created, again.partnerships_existing) == (0, 2)


def test_import_as_drafts_and_dry_run():
    spreadsheet_import(spreadsheet_parse(as_csv(ROWS)), dry_run=True)
    assert Organisation.objects.count() == 0
    spreadsheet_import(spreadsheet_parse(as_csv(ROWS)), publish=False)
    assert set(Organisation.objects.values_list("publication_status", flat=True)) == {PublicationStatus.DRAFT}


def test_parsed_sheet_survives_a_json_round_trip():
    parsed = spreadsheet_parse(as_csv(ROWS))
    again = ParsedSheet.from_data(parsed.as_data())
    assert again.as_data() == parsed.as_data()
    assert spreadsheet_import(again).partnerships_created == 2


def test_xlsx_is_read_like_csv():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for row in ROWS:
        sheet.append(row)
    sheet["A3"].data_type = "s"  # text that looks like a formula, as a spreadsheet stores it when typed as text
    out = io.BytesIO()
    workbook.save(out)
    parsed = spreadsheet_parse(out.getvalue(), filename="partners.xlsx")
    assert [r.line for r in parsed.error_rows] == [4, 5]
    assert parsed.rows[1].cells["organisation_1"] == "=Cités Unies"


def test_refuses_unknown_columns_and_broken_xlsx():
    with pytest.raises(ImportFileError, match="missing: country_1"):
        spreadsheet_parse(as_csv([["Lyon"]], header=["organisation_1", "kind_1", "city_1"]))
    with pytest.raises(ImportFileError, match="cannot be opened"):
        spreadsheet_parse(b"PK\x03\x04 not really a zip", filename="x.xlsx")


def test_error_report_neutralises_formulas():
    report = error_report(spreadsheet_parse(as_csv(ROWS)))
    rows = list(csv.reader(io.StringIO(report)))
    assert rows[0] == ["line", "status", "organisation_1", "organisation_2", "problems"]
    assert rows[2][2] == "'=Cités Unies"
    assert rows[4][1] == "error"


def test_command_dry_run(tmp_path):
    path = tmp_path / "partners.csv"
    path.write_bytes(as_csv(ROWS))
    out = io.StringIO()
    call_command("import_spreadsheet", str(path), "--dry-run", "--report", str(tmp_path / "r.csv"), stdout=out)
    assert "line 4: Illingen, Germany: place ambiguous" in out.getvalue()
    assert "Dry run: nothing was written." in out.getvalue()
    assert (tmp_path / "r.csv").exists()
    assert Organisation.objects.count() == 0
