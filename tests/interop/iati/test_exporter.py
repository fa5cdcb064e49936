import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree

from coopdec.cooperation.models import Budget, ProjectSdg
from coopdec.interop.iati.importer import iati_files_import
from coopdec.interop.iati.validate import validate_file
from coopdec.interop.models import IatiActivity
from tests.factories import make_member, make_organisation, make_partnership, make_project

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "data" / "iati" / "samples"


def native_twinning():
    paris = make_organisation(iati_identifier="FR-RNA-W751")
    dakar = make_organisation(geonameid=2253354)
    partnership = make_partnership(paris, dakar)
    project = make_project(partnership=partnership, planned_start=datetime.date(2025, 1, 1), sectors={"14030": 100})
    ProjectSdg.objects.create(project=project, target="6.1")
    Budget.objects.create(
        project=project,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        value=1000,
    )
    return paris, dakar, project


def fetch(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return b"".join(response.streaming_content)


def test_export_native_partnership_project_is_valid_iati(client, tmp_path):
    paris, dakar, project = native_twinning()
    body = fetch(client, f"/iati/organisations/{dakar.pk}/activities.xml")
    path = tmp_path / "dakar.xml"
    path.write_bytes(body)
    report = validate_file(path)
    assert (report.valid, report.errors) == (True, [])
    activity = etree.fromstring(body).find("iati-activity")
    assert activity.findtext("iati-identifier") == f"FR-RNA-W751-{project.pk}"
    assert activity.find("reporting-org").get("ref") == "FR-RNA-W751"
    assert [
        (p.get("role"), p.get("type"), p.findtext("narrative")) for p in activity.iterfind("participating-org")
    ] == [
        ("4", "11", "Paris"),
        ("4", "11", "Dakar"),
    ]
    assert [(t.get("vocabulary"), t.get("code")) for t in activity.iterfind("tag")] == [("3", "6.1")]
    assert {n.get("{http://www.w3.org/XML/1998/namespace}lang"): n.text for n in activity.find("title")} == {
        "fr": "Accès à l'eau potable",
        "en": "Access to drinking water",
    }


def test_export_organisation_file_is_valid_iati(client, tmp_path):
    paris, _dakar, _project = native_twinning()
    path = tmp_path / "org.xml"
    path.write_bytes(fetch(client, f"/iati/organisations/{paris.pk}/organisation.xml"))
    assert validate_file(path).valid is True
    assert etree.parse(str(path)).findtext("iati-organisation/organisation-identifier") == "FR-RNA-W751"


def test_export_leaves_out_drafts_and_projects_without_dates(client):
    paris, _dakar, project = native_twinning()
    make_project(lead=paris, published=False, planned_start=datetime.date(2025, 1, 1))
    make_project(lead=paris)  # no date: IATI requires one
    root = etree.fromstring(fetch(client, f"/iati/organisations/{paris.pk}/activities.xml"))
    assert [a.findtext("iati-identifier") for a in root] == [f"FR-RNA-W751-{project.pk}"]


def test_export_of_a_draft_organisation_is_not_found(client):
    draft = make_organisation(published=False)
    assert client.get(f"/iati/organisations/{draft.pk}/activities.xml").status_code == 404
    assert client.get(f"/iati/organisations/{draft.pk}/organisation.xml").status_code == 404


def test_organisation_page_links_its_iati_files_once_published(client):
    paris, _dakar, _project = native_twinning()
    draft = make_organisation("Brouillon", published=False)
    draft_owner = make_member(draft, role="admin")

    page = client.get(f"/organisations/{paris.pk}/").content.decode()

    assert f'href="/iati/organisations/{paris.pk}/activities.xml"' in page
    assert f'href="/iati/organisations/{paris.pk}/organisation.xml"' in page
    client.force_login(draft_owner)  # its members see the draft's page, but it publishes nothing yet
    response = client.get(f"/organisations/{draft.pk}/")
    assert response.status_code == 200
    assert "/iati/organisations/" not in response.content.decode()


def test_export_streams_with_a_small_sqlite_page_cache_then_gives_it_back():
    from django.db import connection

    from coopdec.interop.iati.exporter import EXPORT_PAGE_CACHE_KIB, activities_xml

    if connection.vendor != "sqlite":
        pytest.skip("the page cache is SQLite's")
    paris, _dakar, _project = native_twinning()

    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    before = cache_size()
    chunks = activities_xml(paris)
    next(chunks)  # the first activity is out: the export is streaming
    assert cache_size() == -EXPORT_PAGE_CACHE_KIB != before
    b"".join(chunks)
    assert cache_size() == before
    chunks = activities_xml(paris)
    next(chunks)
    chunks.close()  # a client that goes away closes the stream: the connection gets its cache back
    assert cache_size() == before


def test_export_command_writes_a_file_by_iati_identifier(tmp_path):
    native_twinning()
    output = tmp_path / "out.xml"
    call_command("iati_export", organisation="FR-RNA-W751", output=str(output))
    assert validate_file(output).valid is True


def test_export_command_unknown_organisation_is_an_error():
    with pytest.raises(CommandError, match="No organisation has the id or IATI identifier XX-NONE"):
        call_command("iati_export", organisation="XX-NONE")


@pytest.mark.integration
def test_round_trip_of_every_sample_changes_nothing(tmp_path):
    if not SAMPLES.is_dir():
        pytest.skip(f"the IATI sample files are not at {SAMPLES}")
    samples = sorted(SAMPLES.glob("*.xml"))
    first = iati_files_import(paths=samples)
    assert (first.activities, first.created, first.failed) == (606, 606, 0)
    reporters = sorted({ref for ref in IatiActivity.objects.values_list("reporting_org__iati_identifier", flat=True)})
    exported = []
    for ref in reporters:
        path = tmp_path / f"{ref}.xml"
        call_command("iati_export", organisation=ref, output=str(path))
        report = validate_file(path)
        assert (str(path), report.errors) == (str(path), [])
        exported.append(path)
    # Read back by a reader process (the first import read in one process): the same records.
    again = iati_files_import(paths=exported, reader_process=True)
    assert again.created == again.updated == again.failed == 0
    assert again.unchanged == again.activities >= 606
