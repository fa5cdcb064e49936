import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from coopdec.actors.models import Organisation, OrganisationKind
from coopdec.common.models import PublicationStatus, Source
from coopdec.cooperation.models import IndicatorValue, Partnership, PartnershipKind, Project
from coopdec.interop.iati.importer import iati_files_import
from tests.factories import make_organisation, make_partnership, make_project

pytestmark = pytest.mark.django_db

WATER = """
 <iati-activity default-currency="EUR" xml:lang="fr" hierarchy="1">
  <iati-identifier>FR-RNA-W751-{n}</iati-identifier>
  <reporting-org ref="FR-RNA-W751" type="11"><narrative>Ville de Paris</narrative></reporting-org>
  <title><narrative>Eau potable à Dakar</narrative><narrative xml:lang="en">Drinking water in Dakar</narrative>
   <narrative xml:lang="wo">Ndox mu set</narrative></title>
  <description type="1"><narrative>Accès à l'eau.</narrative></description>
  <description type="2"><narrative>Objectifs.</narrative></description>
  <description type="3"><narrative>Quartiers de Dakar.</narrative></description>
  <participating-org ref="FR-RNA-W751" role="2" type="11"><narrative>Ville de Paris</narrative></participating-org>
  <participating-org ref="SN-NINEA-123" role="4" type="11"><narrative>Ville de Dakar</narrative></participating-org>
  <participating-org role="1" type="60"><narrative>Fondation de l'eau</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date iso-date="2024-01-15" type="1"/>
  <activity-date iso-date="2024-02-01" type="2"/>
  <activity-date iso-date="2026-12-31" type="3"/>
  <recipient-country code="SN" percentage="100"/>
  <location ref="DKR">
   <location-id vocabulary="G1" code="2253354"/>
   <name><narrative>Dakar</narrative></name>
   <point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>14.6937 -17.44406</pos></point>
  </location>
  <sector vocabulary="1" code="14030" percentage="70"/>
  <sector vocabulary="1" code="14081" percentage="30"/>
  <sector vocabulary="7" code="6"/>
  <tag vocabulary="3" code="6.1"/>
  <tag vocabulary="99" code="eau" vocabulary-uri="https://example.org/tags"><narrative>Eau</narrative></tag>
  <collaboration-type code="4"/>
  <default-flow-type code="10"/>
  <budget type="1" status="2">
   <period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>
   <value currency="EUR" value-date="2024-01-01">150000.00</value>
  </budget>
  <transaction ref="T1">
   <transaction-type code="2"/><transaction-date iso-date="2024-03-01"/>
   <value value-date="2024-03-01">50000</value>
   <description><narrative>Engagement</narrative></description>
   <provider-org ref="FR-RNA-W751"><narrative>Ville de Paris</narrative></provider-org>
   <receiver-org ref="SN-NINEA-123"><narrative>Ville de Dakar</narrative></receiver-org>
  </transaction>
  <document-link url="https://example.org/convention.pdf" format="application/pdf">
   <title><narrative>Convention</narrative></title><category code="A09"/><language code="fr"/>
   <document-date iso-date="2024-01-10"/>
  </document-link>
  <result type="1">
   <title><narrative>Bornes-fontaines</narrative></title>
   <indicator measure="1" ascending="1">
    <title><narrative>Bornes installées</narrative></title>
    <baseline year="2023" value="2"/>
    <period><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>
     <target value="10"/><actual value="7"><comment><narrative>Retard</narrative></comment></actual></period>
   </indicator>
  </result>
 </iati-activity>"""


def activities_file(tmp_path, *activities: str, name: str = "activities.xml"):
    path = tmp_path / name
    body = "".join(activities)
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">{body}\n</iati-activities>\n',
        encoding="utf-8",
    )
    return path


def test_import_maps_an_activity_onto_projects_and_organisations(tmp_path):
    summary = iati_files_import(paths=[activities_file(tmp_path, WATER.format(n=1))])
    assert summary.counts() == {
        "activities": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "failed": 0,
    }
    project = Project.objects.get(iati_identifier="FR-RNA-W751-1")
    assert project.title == {
        "fr": "Eau potable à Dakar",
        "en": "Drinking water in Dakar",
        "wo": "Ndox mu set",
    }
    assert project.description == {"fr": "Accès à l'eau."}
    assert project.beneficiary_groups == {"fr": "Quartiers de Dakar."}
    assert project.iati.descriptions == {"2": {"fr": "Objectifs."}}
    assert (project.publication_status, project.source, project.status) == (
        PublicationStatus.PUBLISHED,
        Source.IATI,
        "2",
    )
    assert (str(project.planned_start), str(project.actual_start), str(project.planned_end)) == (
        "2024-01-15",
        "2024-02-01",
        "2026-12-31",
    )
    assert (project.currency, project.language) == ("EUR", "fr")
    assert project.lead_organisation.iati_identifier == "FR-RNA-W751"
    participants = sorted(
        (p.organisation.name, p.organisation.kind, p.organisation.country_id, p.role)
        for p in project.participants.all()
    )
    assert participants == [
        ("Fondation de l'eau", OrganisationKind.FOUNDATION, "FR", "1"),
        ("Ville de Dakar", OrganisationKind.MUNICIPALITY, "SN", "4"),
        ("Ville de Paris", OrganisationKind.MUNICIPALITY, "FR", "2"),
    ]
    assert list(project.sectors.order_by("id").values_list("vocabulary", "code", "percentage")) == [
        ("1", "14030", Decimal("70.00")),
        ("1", "14081", Decimal("30.00")),
        ("7", "6", None),
    ]
    assert sorted(project.sdgs.values_list("target", flat=True)) == ["6", "6.1"]
    assert project.iati.tags == [
        {
            "vocabulary": "99",
            "code": "eau",
            "vocabulary_uri": "https://example.org/tags",
            "narrative": {"fr": "Eau"},
        }
    ]
    assert list(project.recipient_countries.values_list("country_id", "percentage")) == [("SN", Decimal("100.00"))]
    location = project.locations.get()
    assert (
        location.locality_id,
        location.name,
        location.latitude,
        location.longitude,
        location.ref,
    ) == (2253354, "Dakar", 14.6937, -17.44406, "DKR")
    assert list(project.budgets.values_list("value", "currency", "type", "status")) == [
        (Decimal("150000.00"), "EUR", "1", "2")
    ]
    transaction = project.transactions.get()
    assert (
        transaction.type,
        transaction.value,
        transaction.currency,
        transaction.receiver_ref,
    ) == ("2", Decimal("50000.00"), "EUR", "SN-NINEA-123")
    document = project.documents.get()
    assert (document.url, document.format, document.category, document.language) == (
        "https://example.org/convention.pdf",
        "application/pdf",
        "A09",
        "fr",
    )
    value = IndicatorValue.objects.get(indicator__result__project=project)
    assert (value.baseline, value.target, value.actual, value.comment) == (
        Decimal("2"),
        Decimal("10"),
        Decimal("7"),
        {"fr": "Retard"},
    )
    assert (
        project.iati.collaboration_type,
        project.iati.default_flow_type,
        project.iati.hierarchy,
    ) == ("4", "10", 1)


def test_import_two_local_governments_form_a_partnership(tmp_path):
    iati_files_import(paths=[activities_file(tmp_path, WATER.format(n=1), WATER.format(n=2))])
    projects = Project.objects.filter(iati_identifier__startswith="FR-RNA-W751-")
    partnership = Partnership.objects.get()
    assert {p.partnership_id for p in projects} == {partnership.pk}
    assert partnership.kind == PartnershipKind.AGREEMENT
    assert sorted(partnership.party_links.values_list("organisation__name", "role")) == [
        ("Ville de Dakar", "implementing"),
        ("Ville de Paris", "lead"),
    ]


def test_import_again_changes_nothing(tmp_path):
    path = activities_file(tmp_path, WATER.format(n=1))
    iati_files_import(paths=[path])
    project = Project.objects.get()
    summary = iati_files_import(paths=[path])
    assert summary.counts() == {
        "activities": 1,
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "failed": 0,
    }
    assert project.history.count() == 1
    assert Project.objects.get().updated_at == project.updated_at


def test_import_updated_file_updates_in_place(tmp_path):
    iati_files_import(paths=[activities_file(tmp_path, WATER.format(n=1))])
    first = Project.objects.get()
    changed = (
        WATER.format(n=1)
        .replace("Eau potable à Dakar", "Eau et assainissement")
        .replace('<sector vocabulary="1" code="14081" percentage="30"/>', "")
    )
    summary = iati_files_import(paths=[activities_file(tmp_path, changed, name="v2.xml")])
    assert summary.counts() == {
        "activities": 1,
        "created": 0,
        "updated": 1,
        "unchanged": 0,
        "failed": 0,
    }
    project = Project.objects.get()
    assert project.pk == first.pk
    assert project.title["fr"] == "Eau et assainissement"
    assert list(project.sectors.values_list("code", flat=True)) == ["14030", "6"]
    assert project.history.count() == 2
    assert project.iati.source_file == "v2.xml"


def test_import_bad_activity_is_reported_and_skipped(tmp_path):
    too_big = WATER.format(n=2).replace(">150000.00<", ">1e30<")
    no_identifier = WATER.format(n=3).replace("<iati-identifier>FR-RNA-W751-3</iati-identifier>", "")
    path = activities_file(tmp_path, WATER.format(n=1), too_big, no_identifier)
    summary = iati_files_import(paths=[path])
    assert summary.counts() == {
        "activities": 3,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "failed": 2,
    }
    assert [(f.identifier, f.line, f.reason) for f in summary.failures] == [
        ("FR-RNA-W751-2", 56, "the budget 1e30 is too large"),
        ("", 109, "the activity has no iati-identifier"),
    ]
    assert list(Project.objects.values_list("iati_identifier", flat=True)) == ["FR-RNA-W751-1"]


def _reported_by_abroad(activity: str, reporter: str) -> str:
    """The activity reported by another organisation (``reporter``: its attributes and the start of
    its name), without a recipient country to place it by."""
    return activity.replace('ref="FR-RNA-W751" type="11"><narrative>Ville de Paris', reporter, 1).replace(
        '<recipient-country code="SN" percentage="100"/>', ""
    )


def test_import_failure_inside_a_batch_leaves_no_partial_activity(tmp_path):
    # The second activity's reporting organisation cannot be placed in any country: it fails while
    # the batch is being written; the batch is replayed activity by activity and nothing of it stays.
    unplaceable = _reported_by_abroad(WATER.format(n=2), 'ref="XM-ZZ-1" type="40"><narrative>Nowhere')
    summary = iati_files_import(paths=[activities_file(tmp_path, WATER.format(n=1), unplaceable, WATER.format(n=3))])
    assert summary.counts() == {
        "activities": 3,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "failed": 1,
    }
    assert summary.failures[0].identifier == "FR-RNA-W751-2"
    assert summary.failures[0].reason.startswith("cannot tell the country of organisation Nowhere")
    assert not Organisation.objects.filter(iati_identifier="XM-ZZ-1").exists()
    assert sorted(Project.objects.values_list("iati_identifier", flat=True)) == [
        "FR-RNA-W751-1",
        "FR-RNA-W751-3",
    ]


def test_import_matches_an_existing_organisation_by_name_and_country(tmp_path):
    paris = make_organisation("Ville de Paris")
    iati_files_import(paths=[activities_file(tmp_path, WATER.format(n=1))])
    paris.refresh_from_db()
    assert Project.objects.get().lead_organisation_id == paris.pk
    assert paris.iati_identifier == "FR-RNA-W751"
    assert Organisation.objects.filter(name="Ville de Paris").count() == 1


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<iati-activities version="2.03">
<iati-activity><iati-identifier>&lol3;</iati-identifier></iati-activity></iati-activities>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<iati-activities version="2.03">
<iati-activity><iati-identifier>&secret;</iati-identifier></iati-activity></iati-activities>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_import_refuses_hostile_xml(tmp_path, text):
    path = tmp_path / "hostile.xml"
    path.write_text(text, encoding="utf-8")
    summary = iati_files_import(paths=[path])
    assert summary.counts() == {
        "activities": 0,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "failed": 0,
    }
    assert [f.reason for f in summary.failures] == [
        "the file declares a document type (DOCTYPE); IATI files never do, so it is refused"
    ]
    assert not Project.objects.exists()


def test_import_command_prints_json_summary(tmp_path, capsys):
    call_command("iati_import", str(activities_file(tmp_path, WATER.format(n=1))), json=True)
    assert json.loads(capsys.readouterr().out) == {
        "activities": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "failed": 0,
    }


def test_import_command_exits_one_on_failures(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "iati_import",
            str(activities_file(tmp_path, WATER.format(n=1).replace("FR-RNA-W751-1", ""))),
        )
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert "1 activities read: 0 created, 0 updated, 0 unchanged, 1 failed." in captured.out
    assert "the activity has no iati-identifier" in captured.err


def test_import_updates_a_project_entered_in_coopdec_and_keeps_its_partnership(tmp_path):
    partnership = make_partnership(make_organisation(), make_organisation(geonameid=2253354))
    project = make_project(partnership=partnership, iati_identifier="FR-RNA-W751-1", support_types=["technical"])
    activity = WATER.format(n=1).replace(
        'ref="SN-NINEA-123" role="4" type="11"', 'ref="SN-NINEA-123" role="4" type="22"'
    )
    summary = iati_files_import(paths=[activities_file(tmp_path, activity)])
    assert summary.counts() == {
        "activities": 1,
        "created": 0,
        "updated": 1,
        "unchanged": 0,
        "failed": 0,
    }
    project.refresh_from_db()
    assert (project.partnership_id, project.support_types) == (partnership.pk, ["technical"])
    assert project.title["en"] == "Drinking water in Dakar"
    assert project.lead_organisation.iati_identifier == "FR-RNA-W751"


def test_import_places_a_dac_donor_by_its_donor_code(tmp_path):
    activity = _reported_by_abroad(WATER.format(n=1), 'ref="XM-DAC-7" type="10"><narrative>Ministry of Foreign Affairs')
    assert iati_files_import(paths=[activities_file(tmp_path, activity)]).failed == 0
    donor = Organisation.objects.get(iati_identifier="XM-DAC-7")
    assert (donor.country_id, donor.kind, donor.resolution_confidence) == (
        "NL",
        OrganisationKind.NATIONAL_AGENCY,
        0.8,
    )


def _atlas_document(project_id: int) -> dict:
    from coopdec.atlas.index import DOCUMENT_FIELDS
    from coopdec.atlas.models import SearchDocument

    fields = [f for f in DOCUMENT_FIELDS if f not in {"body_text", "record_updated_at"}]
    row = SearchDocument.objects.filter(record_type="project", object_id=project_id).values(*fields, "body_text").get()
    row["body_text"] = sorted(row["body_text"].split())  # labels are appended in set order
    return row


def test_import_indexes_new_projects_as_a_full_reindex_would(tmp_path):
    from coopdec.atlas.index import reindex_all

    iati_files_import(paths=[activities_file(tmp_path, WATER.format(n=1), WATER.format(n=2))])
    ids = sorted(Project.objects.values_list("id", flat=True))
    imported = {pid: _atlas_document(pid) for pid in ids}
    reindex_all()
    assert {pid: _atlas_document(pid) for pid in ids} == imported
    assert imported[ids[0]]["titles"] == {
        "fr": "Eau potable à Dakar",
        "en": "Drinking water in Dakar",
        "wo": "Ndox mu set",
    }
    assert imported[ids[0]]["form"] == "bilateral"
    assert imported[ids[0]]["amount"] == 150000.0


def test_import_update_reaches_the_atlas(tmp_path):
    iati_files_import(paths=[activities_file(tmp_path, WATER.format(n=1))])
    changed = WATER.format(n=1).replace("Eau potable à Dakar", "Eau et assainissement")
    iati_files_import(paths=[activities_file(tmp_path, changed, name="v2.xml")])
    assert _atlas_document(Project.objects.get().pk)["titles"]["fr"] == "Eau et assainissement"


def test_import_history_rows_copy_the_project(tmp_path):
    iati_files_import(paths=[activities_file(tmp_path, WATER.format(n=1))])
    project = Project.objects.get()
    created = project.history.get()
    assert (
        created.history_type,
        created.history_change_reason,
        created.history_user_id,
        created.iati_identifier,
        created.title,
        created.lead_organisation_id,
        created.partnership_id,
        created.planned_start,
        created.created_at,
    ) == (
        "+",
        "IATI import",
        None,
        "FR-RNA-W751-1",
        project.title,
        project.lead_organisation_id,
        project.partnership_id,
        project.planned_start,
        project.created_at,
    )
    changed = WATER.format(n=1).replace("Eau potable à Dakar", "Eau et assainissement")
    iati_files_import(paths=[activities_file(tmp_path, changed, name="v2.xml")])
    latest = project.history.order_by("-history_id").first()
    assert (latest.history_type, latest.history_change_reason, latest.title["fr"]) == (
        "~",
        "IATI import",
        "Eau et assainissement",
    )
