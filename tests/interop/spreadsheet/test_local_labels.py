"""The import reads the interface's labels and local dates, names places, and lets the user choose."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coopdec.actors.models import Organisation
from coopdec.cooperation.models import Partnership
from coopdec.interop.models import SpreadsheetImport
from coopdec.interop.spreadsheet.services import _start_date, spreadsheet_choose, spreadsheet_parse
from tests import factories

from .test_import import as_csv

pytestmark = pytest.mark.django_db

FRENCH = [
    [
        "Ville de Lyon",
        "Commune",
        "Lyon",
        "France",
        "",
        "commune",
        "Dakar",
        "Sénégal",
        "jumelage",
        "actif",
        "20/06/2015",
        "",
    ],
    [
        "",
        "COMMUNE",
        "Lyon",
        "France",
        "",
        "Commune",
        "Ouagadougou",
        "Burkina Faso",
        "Convention de coopération",
        "termine",
        "2015-06-21",
        "",
    ],
]
AMBIGUOUS = ["", "commune", "Illingen", "Allemagne", "", "", "", "", "", "", "", ""]


@pytest.fixture
def editor():
    return factories.make_member(factories.make_organisation("Ville de Paris"))


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("20/06/2015", ("2015-06-20", "")),
        ("20.06.2015", ("2015-06-20", "")),
        ("2015-06-20", ("2015-06-20", "")),
        ("2015-06-20T00:00:00", ("2015-06-20", "")),  # an Excel date cell, as the reader gives it
        ("42175", ("2015-06-20", "")),  # an Excel date number in a cell not formatted as a date
        ("2015", ("2015-01-01", "")),
        ("", (None, "")),
    ],
)
def test_start_date_reads_local_formats(written, expected):
    assert _start_date(written) == expected


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        (
            "31/02/2015",
            "start_date: “31/02/2015” does not exist in the calendar (write 2015-06-20, 20/06/2015 or 2015)",
        ),
        (
            "06/20/2015",
            "start_date: “06/20/2015” reads as month/day; write the day first, or the year first "
            "(write 2015-06-20, 20/06/2015 or 2015)",
        ),
        (
            "20/06/15",
            "start_date: “20/06/15”: the year is ambiguous; write it with four digits "
            "(write 2015-06-20, 20/06/2015 or 2015)",
        ),
        ("juin 2015", "start_date: “juin 2015” is not a date (write 2015-06-20, 20/06/2015 or 2015)"),
    ],
)
def test_start_date_explains_ambiguous_or_impossible_dates(written, problem):
    assert _start_date(written) == (None, problem)


def test_french_spanish_and_portuguese_labels_are_read_whatever_the_case_and_accents():
    rows = FRENCH + [
        ["", "municipio", "Lyon", "France", "", "Município", "Dakar", "Senegal", "hermanamiento", "ACTIVA", "", ""],
        ["", "commune", "Lyon", "France", "", "commune", "Dakar", "Senegal", "irmanamento", "encerrada", "", ""],
    ]
    parsed = spreadsheet_parse(as_csv(rows))
    assert [r.problems for r in parsed.rows] == [[], [], [], []]
    assert [
        (r.sides[0].kind, r.partnership["kind"], r.partnership["status"], r.partnership["start_date"])
        for r in parsed.rows
    ] == [
        ("municipality", "twinning", "active", "2015-06-20"),
        ("municipality", "agreement", "ended", "2015-06-21"),
        ("municipality", "twinning", "active", None),
        ("municipality", "twinning", "ended", None),
    ]


def test_unknown_kind_lists_the_labels_of_the_interface():
    parsed = spreadsheet_parse(as_csv([["X", "alien", "Paris", "France"] + [""] * 8]))
    assert parsed.rows[0].problems[0].startswith("kind_1: unknown kind “alien” (expected one of Municipality, ")


def test_a_chosen_place_makes_an_ambiguous_row_ready():
    parsed = spreadsheet_parse(as_csv([AMBIGUOUS]))
    row = parsed.rows[0]
    ids = [c["geonameid"] for c in row.candidates["1"]]
    assert not row.ok and len(ids) >= 2
    chosen = spreadsheet_choose(parsed, {(row.line, 1): ids[1]})
    assert chosen.rows[0].problems == []
    assert (chosen.rows[0].sides[0].locality_id, chosen.rows[0].sides[0].country) == (ids[1], "DE")
    assert spreadsheet_choose(parsed, {(row.line, 1): 1}).rows[0].ok is False  # not a candidate: ignored


def test_french_file_imported_end_to_end_with_places_named_and_a_chosen_place(client, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("partenaires.csv", as_csv(FRENCH + [AMBIGUOUS]), content_type="text/csv")
    preview = client.post(reverse("interop:import_upload"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="fr")
    page = client.get(preview.url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "2 lignes prêtes à importer" in page
    assert "Lyon, France · Dakar, Sénégal" in page
    assert "Quel lieu est visé ?" in page
    candidates = spreadsheet_parse(as_csv([AMBIGUOUS])).rows[0].candidates["1"]
    assert f'<option value="{candidates[0]["geonameid"]}">Illingen, Allemagne — ' in page

    done = client.post(
        preview.url, {"confirm": "1", "place-4-1": str(candidates[0]["geonameid"])}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    job = SpreadsheetImport.objects.get()
    assert (job.status, job.rows_total, job.rows_refused) == ("done", 3, 0)
    assert Partnership.objects.filter(pk__in=job.partnership_ids, status="ended", kind="agreement").count() == 1
    assert Organisation.objects.filter(locality_id=candidates[0]["geonameid"], pk__in=job.organisation_ids).count() == 1
    result = client.get(done.url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    illingen = Organisation.objects.get(locality_id=candidates[0]["geonameid"])
    assert illingen.get_absolute_url() in result

    mine = client.get(reverse("actors:mine"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert reverse("interop:import_status", args=[job.pk]) in mine
    assert "partenaires.csv" in mine


def test_template_example_rows_are_all_ready_to_import(client):
    parsed = spreadsheet_parse(client.get(reverse("interop:import_template")).content)
    assert [(r.line, r.problems) for r in parsed.rows] == [(2, []), (3, []), (4, []), (5, [])]
    assert parsed.rows[1].partnership == {
        "kind": "twinning",
        "status": "active",
        "start_date": "2015-06-20",
        "title": "",
    }


def test_upload_page_says_labels_and_local_dates_are_accepted(client, editor):
    client.force_login(editor)
    page = client.get(reverse("interop:import_upload"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Les types et les statuts peuvent aussi s’écrire comme le site les affiche" in page


def test_xlsx_date_cells_and_french_labels_are_read():
    from datetime import datetime
    from io import BytesIO

    from openpyxl import Workbook

    from coopdec.interop.spreadsheet.services import COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    sheet.append(
        [
            "",
            "Commune",
            "Lyon",
            "France",
            "",
            "commune",
            "Dakar",
            "Sénégal",
            "Jumelage",
            "Actif",
            datetime(2015, 6, 20),
            "",
        ]
    )
    sheet.append(
        ["", "commune", "Lyon", "France", "", "commune", "Ouagadougou", "Burkina Faso", "jumelage", "actif", 42176, ""]
    )  # a date typed in a cell formatted as a number
    data = BytesIO()
    workbook.save(data)

    parsed = spreadsheet_parse(data.getvalue(), filename="partenaires.xlsx")
    assert [(r.problems, r.partnership["start_date"]) for r in parsed.rows] == [([], "2015-06-20"), ([], "2015-06-21")]
