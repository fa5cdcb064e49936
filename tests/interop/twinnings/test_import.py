"""import_twinnings: resolution to one organisation per place, idempotence, bad input, rollback."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from coopdec.actors.models import Organisation, OrganisationKind
from coopdec.common.models import PublicationStatus, Source
from coopdec.cooperation.models import (
    Partnership,
    PartnershipKind,
    PartnershipParty,
    PartnershipStatus,
)
from coopdec.interop.spreadsheet.reader import ImportFileError
from coopdec.interop.twinnings.services import REPORT_COLUMNS, twinnings_import
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db

HEADER = "city1,country1,city2,country2\n"
PAIRS = (
    "Dakar,Senegal,Marseille,France\n"
    "Marseille,France,Dakar,Senegal\n"  # the same pair, reversed
    "Ouagadougou,Burkina Faso,Lyon,France\n"
    "Illingen,Germany,Lyon,France\n"  # ambiguous side: skipped
    "Qwxyzville,France,Lyon,France\n"  # unresolved side: skipped
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def write(tmp_path, text: str, *, encoding="utf-8", name="pairs.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_import_creates_one_organisation_per_place_and_one_twinning_per_pair(tmp_path):
    summary = twinnings_import(path=write(tmp_path, HEADER + PAIRS))
    assert (summary.places, summary.places_resolved, summary.places_ambiguous, summary.places_unresolved) == (
        6,
        4,
        1,
        1,
    )
    assert (summary.pairs, summary.pairs_imported, summary.pairs_duplicate, summary.pairs_skipped) == (5, 2, 1, 2)
    assert summary.organisations_created == 4
    organisations = Organisation.objects.filter(source=Source.TWINNINGS)
    assert sorted(organisations.values_list("name", flat=True)) == ["Dakar", "Lyon", "Marseille", "Ouagadougou"]
    dakar = organisations.get(name="Dakar")
    assert (dakar.kind, dakar.country_id, dakar.publication_status) == (
        OrganisationKind.MUNICIPALITY,
        "SN",
        PublicationStatus.PUBLISHED,
    )
    assert dakar.locality_id == 2253354
    assert dakar.resolution_confidence == 0.95
    assert dakar.resolution_reason == "main name, only place of this name in the country"
    assert dakar.history.count() == 1
    twinnings = Partnership.objects.filter(source=Source.TWINNINGS)
    assert twinnings.count() == 2
    assert set(twinnings.values_list("kind", "status", "publication_status")) == {
        (PartnershipKind.TWINNING, PartnershipStatus.ACTIVE, PublicationStatus.PUBLISHED)
    }
    marseille_dakar = PartnershipParty.objects.filter(organisation=dakar).get().partnership
    assert sorted(marseille_dakar.parties.values_list("name", flat=True)) == ["Dakar", "Marseille"]


def test_import_twice_creates_nothing_new(tmp_path):
    path = write(tmp_path, HEADER + PAIRS)
    twinnings_import(path=path)
    counts = (Organisation.objects.count(), Partnership.objects.count(), PartnershipParty.objects.count())
    again = twinnings_import(path=path)
    assert again.unchanged is True
    forced = twinnings_import(path=path, force=True)
    assert (forced.organisations_created, forced.organisations_existing) == (0, 4)
    assert (forced.pairs_imported, forced.pairs_existing) == (0, 2)
    assert (Organisation.objects.count(), Partnership.objects.count(), PartnershipParty.objects.count()) == counts


def test_import_reuses_a_registered_local_government(tmp_path):
    lyon = make_organisation("Métropole de Lyon", geonameid=2996944)
    summary = twinnings_import(path=write(tmp_path, HEADER + "Ouagadougou,Burkina Faso,Lyon,France\n"))
    assert (summary.organisations_created, summary.organisations_existing) == (1, 1)
    assert Partnership.objects.get().parties.filter(pk=lyon.pk).exists()


def test_import_dry_run_writes_nothing(tmp_path):
    summary = twinnings_import(path=write(tmp_path, HEADER + PAIRS), dry_run=True)
    assert (summary.pairs_imported, summary.organisations_created) == (2, 4)
    assert Organisation.objects.count() == 0
    assert Partnership.objects.count() == 0


def test_import_rolls_back_everything_after_a_database_error(tmp_path):
    def fail_on_parties(execute, sql, params, many, context):
        if "INSERT INTO" in sql and "cooperation_partnershipparty" in sql:
            raise KeyboardInterrupt
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_on_parties), pytest.raises(KeyboardInterrupt):
        twinnings_import(path=write(tmp_path, HEADER + PAIRS))
    assert Organisation.objects.count() == 0
    assert Partnership.objects.count() == 0
    # and a later run is not skipped as "already imported"
    assert twinnings_import(path=tmp_path / "pairs.csv").pairs_imported == 2


def test_import_reads_latin1_semicolons_bom_and_blank_lines(tmp_path):
    latin1 = twinnings_import(
        path=write(
            tmp_path, "city1;country1;city2;country2\n\nSaint-Étienne;France;Dakar;Sénégal\n\n", encoding="latin-1"
        ),
        dry_run=True,
    )
    assert (latin1.encoding, latin1.separator, latin1.places_resolved, latin1.pairs_imported) == ("cp1252", ";", 2, 1)
    bom = twinnings_import(
        path=write(tmp_path, "\ufeff" + HEADER + "Saint-Étienne,France,Dakar,Senegal\n", name="bom.csv"), dry_run=True
    )
    assert (bom.encoding, bom.places_resolved) == ("utf-8-sig", 2)


def test_import_refuses_missing_or_extra_columns_naming_them(tmp_path):
    with pytest.raises(ImportFileError) as missing:
        twinnings_import(path=write(tmp_path, "city1,country1,city2\nDakar,Senegal,Lyon\n"))
    assert "missing: country2" in str(missing.value)
    assert "Expected: city1, country1, city2, country2. Found: city1, country1, city2." in str(missing.value)
    with pytest.raises(ImportFileError) as extra:
        twinnings_import(path=write(tmp_path, "city1,country1,city2,country2,year\nDakar,Senegal,Lyon,France,1990\n"))
    assert "unknown: year" in str(extra.value)
    with pytest.raises(ImportFileError) as short_row:
        twinnings_import(path=write(tmp_path, HEADER + "Dakar,Senegal,Lyon\n"))
    assert "line 2: 3 cells where the header has 4" in str(short_row.value)
    assert Organisation.objects.count() == 0


def test_import_counts_unreadable_lines_with_plural_forms(tmp_path):
    with pytest.raises(ImportFileError) as one:
        twinnings_import(path=write(tmp_path, HEADER + "Dakar,Senegal,Lyon\n"))
    assert str(one.value) == "1 line cannot be read, nothing was imported. line 2: 3 cells where the header has 4."
    with pytest.raises(ImportFileError) as many:
        twinnings_import(path=write(tmp_path, HEADER + "Dakar,Senegal,Lyon\n" * 12))
    assert str(many.value).startswith("12 lines cannot be read, nothing was imported. line 2: 3 cells")
    assert str(many.value).endswith(
        "line 11: 3 cells where the header has 4. 2 more lines with a problem are not listed."
    )
    assert Organisation.objects.count() == 0


def test_import_refuses_a_10_mb_line_clearly(tmp_path):
    with pytest.raises(ImportFileError) as error:
        twinnings_import(path=write(tmp_path, HEADER + "Dakar,Senegal," + "x" * 10_000_000 + ",France\n"))
    assert "Line 2 cannot be read" in str(error.value)
    assert Organisation.objects.count() == 0


def test_import_keeps_formula_like_text_as_text_and_neutralises_it_in_the_report(tmp_path):
    report = tmp_path / "report.csv"
    call_command(
        "import_twinnings",
        str(write(tmp_path, HEADER + "=HYPERLINK(1),France,Dakar,Senegal\n")),
        "--report",
        str(report),
        stdout=io.StringIO(),
    )
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert list(rows[0]) == REPORT_COLUMNS
    assert rows[0]["input_city"] == "'=HYPERLINK(1)"
    assert rows[0]["status"] == "unresolved"
    assert rows[1]["input_city"] == "Dakar"
    assert rows[1]["geonameid"] == "2253354"
    assert rows[1]["country_code"] == "SN"


def test_command_prints_summary_and_json(tmp_path):
    path = write(tmp_path, HEADER + PAIRS)
    out = io.StringIO()
    call_command("import_twinnings", str(path), "--dry-run", stdout=out)
    assert "Places: 6 distinct, 4 resolved, 1 ambiguous, 1 unresolved." in out.getvalue()
    assert "Dry run: nothing was written." in out.getvalue()
    out = io.StringIO()
    call_command("import_twinnings", str(path), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["pairs_imported"], data["pairs_duplicate"], data["pairs_skipped"]) == (2, 1, 2)


def test_command_indexes_the_imported_records_in_the_atlas(tmp_path):
    from coopdec.atlas.models import SearchDocument

    out = io.StringIO()
    call_command("import_twinnings", str(write(tmp_path, HEADER + PAIRS)), stdout=out)
    assert "Atlas: 6 records indexed." in out.getvalue()
    assert SearchDocument.objects.filter(record_type="partnership").count() == 2
    assert SearchDocument.objects.filter(record_type="organisation").count() == 4


def test_command_reports_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_twinnings", str(tmp_path / "absent.csv"), stdout=io.StringIO())


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("IT-MI", OrganisationKind.COUNTY),  # Metropolitan city: Milan's former province
        ("IT-CT", OrganisationKind.COUNTY),  # Metropolitan city (Catania)
        ("IT-AG", OrganisationKind.COUNTY),  # Free municipal consortium (Agrigento)
        ("IT-25", OrganisationKind.REGION),  # Lombardy
        ("GB-LND", OrganisationKind.MUNICIPALITY),  # City of London: city corporation
        (None, OrganisationKind.MUNICIPALITY),  # a locality
    ],
)
def test_organisation_kind_follows_the_subdivision_type(code, kind):
    from coopdec.interop.twinnings.services import organisation_kind_for
    from coopdec.territories.models import Subdivision

    subdivision = Subdivision.objects.get(code=code) if code else None
    assert organisation_kind_for(subdivision) == kind
