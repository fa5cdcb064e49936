"""A version stores only the relations that changed since the version before; reading a version
(restore, history) walks back to the latest version that recorded each relation."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from coopdec.actors import services as actor_services
from coopdec.common import services as record_services
from coopdec.common import versions
from coopdec.common.records import history_entries
from coopdec.cooperation import services
from coopdec.cooperation.models import Document, IndicatorValue, Project, ProjectSector, Result
from coopdec.interop.iati.importer import _history_rows
from tests.cooperation.test_versions_results_documents import DEC, JAN, state, with_results
from tests.factories import make_organisation, make_partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    thies = make_organisation("Ville de Thiès", geonameid=2244802)
    partnership = services.partnership_create(parties=[(lyon, "lead"), (dakar, "partner")])
    project = services.project_create(
        partnership=partnership, lead_organisation=lyon, title={"fr": "Eau potable"}, sectors={"14030": 100}, sdgs=["6"]
    )
    return lyon, dakar, thies, project


def ordered(record) -> list:
    return list(record.history.order_by("history_date", "history_id"))


def stored(record) -> list:
    """The relation names each version stores, oldest first (None: not recorded)."""
    return [None if version.relations is None else sorted(version.relations) for version in ordered(record)]


def descriptions(record) -> list:
    return [
        [(str(change["field"]), change["old"], change["new"]) for change in entry["changes"]]
        for entry in history_entries(record)
    ]


def test_title_only_change_stores_no_relation(world):
    lyon, dakar, _thies, project = world
    with_results(project, lyon, dakar)
    services.document_add(project=project, title={"fr": "Rapport"}, url="https://example.org/rapport")
    services.project_update(project=project, title={"fr": "Eau potable pour tous"})
    assert project.history.latest().relations == {}
    assert versions.relations_at(project.history.latest()) == versions.snapshot(project)
    partnership = project.partnership
    services.partnership_update(partnership=partnership, title={"fr": "Lyon - Dakar"})
    assert partnership.history.latest().relations == {}
    actor_services.organisation_update(organisation=lyon, acronym="VdL")
    assert lyon.history.latest().relations == {}
    assert versions.relations_at(lyon.history.latest()) == {"contacts": []}


def test_each_version_stores_only_the_relations_it_changed(world):
    lyon, dakar, _thies, project = world
    count = project.history.count()
    result = services.result_create(project=project, title={"fr": "Puits"})
    indicator = services.indicator_create(result=result, title={"fr": "Puits en service"})
    services.indicator_value_set(
        indicator=indicator, territory=dakar, period_start=JAN, period_end=DEC, actual=Decimal("3")
    )
    services.document_add(project=project, title={"fr": "Rapport"}, url="https://example.org/rapport")
    services.project_update(project=project, sectors={"15112": 100})
    services.contribution_add(project=project, organisation=lyon, amount="1000", currency="EUR")
    services.result_remove(result=result)
    assert stored(project)[count:] == [
        ["results"],
        ["indicators"],
        ["indicator_values"],
        ["documents"],
        ["sectors"],
        ["contributions"],
        ["indicator_values", "indicators", "results"],
    ]
    assert stored(project)[0] == sorted(relation.name for relation in versions.relations_of(Project))  # every one


def test_restore_after_several_partial_changes_brings_back_exactly_that_version(world):
    lyon, dakar, thies, project = world
    wells, trained, indicator = with_results(project, lyon, dakar)
    report = services.document_add(project=project, title={"fr": "Rapport"}, url="https://example.org/rapport")
    report_id = report.pk
    first, first_relations, first_rows = project.history.latest(), versions.snapshot(project), state(project)

    services.project_update(project=project, title={"fr": "Eau potable pour tous"})
    services.result_update(result=wells, title={"fr": "Puits creusés"})
    services.indicator_value_set(
        indicator=indicator,
        territory=dakar,
        period_start=JAN,
        period_end=DEC,
        baseline=Decimal("0"),
        target=Decimal("10"),
        actual=Decimal("9"),
    )
    middle, middle_relations, middle_rows = project.history.latest(), versions.snapshot(project), state(project)
    services.document_add(project=project, title={"fr": "Convention"}, url="https://example.org/convention")
    services.result_remove(result=trained)
    services.project_update(project=project, sectors={"15112": 60, "14030": 40}, sdgs=["6", "6.1"])
    services.document_remove(document=report)
    services.participant_add(project=project, organisation=thies, role="4")
    services.project_update(project=project, title={"fr": "Eau"})
    assert versions.relations_at(first) == first_relations
    assert versions.relations_at(middle) == middle_relations

    record_services.record_restore(record=project, history_id=first.history_id)
    assert versions.snapshot(project) == first_relations
    assert state(project) == first_rows
    assert list(project.documents.values_list("pk", "url")) == [(report_id, "https://example.org/rapport")]
    # the restore's version stores what it changed: not the indicators (only a value of one changed)
    assert sorted(project.history.latest().relations) == [
        "documents",
        "indicator_values",
        "participants",
        "results",
        "sdgs",
        "sectors",
    ]

    record_services.record_restore(record=project, history_id=middle.history_id)
    assert versions.snapshot(project) == middle_relations
    assert state(project) == middle_rows
    assert Result.objects.get(pk=wells.pk).title == {"fr": "Puits creusés"}
    assert IndicatorValue.objects.get(territory=dakar).actual == Decimal("9")


def test_partnership_restore_walks_back_to_its_parties(world):
    lyon, dakar, thies, project = world
    partnership = project.partnership
    services.party_add(partnership=partnership, organisation=thies, role="funder")
    with_thies = partnership.history.latest()
    services.party_update(party=partnership.party_links.get(organisation=thies), role="partner")
    services.document_add(
        partnership=partnership, title={"fr": "Convention"}, url="https://example.org/c", is_agreement=True
    )
    services.partnership_update(partnership=partnership, title={"fr": "Lyon - Dakar - Thiès"})
    services.party_remove(party=partnership.party_links.get(organisation=dakar))
    assert stored(partnership)[1:] == [["parties"], ["parties"], ["documents"], [], ["parties"]]
    record_services.record_restore(record=partnership, history_id=with_thies.history_id)
    assert sorted(partnership.party_links.values_list("organisation_id", "role")) == sorted(
        [(lyon.pk, "lead"), (dakar.pk, "partner"), (thies.pk, "funder")]
    )
    assert partnership.documents.count() == 0


def test_a_chain_that_starts_with_a_bulk_imported_version(world):
    lyon, dakar, thies, _project = world
    partnership = make_partnership(lyon, dakar, title={"fr": "Jumelage"})  # an import: its version knows nothing
    imported = partnership.history.get()
    assert imported.relations is None and versions.relations_at(imported) is None
    assert versions.restore_plan(partnership, imported.history_id).recorded is False
    services.partnership_update(partnership=partnership, title={"fr": "Coopération"})
    services.party_add(partnership=partnership, organisation=thies)
    assert stored(partnership) == [["documents", "parties"], [], ["parties"]]
    record_services.record_restore(record=partnership, history_id=imported.history_id)
    assert sorted(partnership.parties.values_list("pk", flat=True)) == sorted([lyon.pk, dakar.pk])
    partnership.refresh_from_db()
    assert partnership.title == {"fr": "Jumelage"}


def _import_sectors(project, codes, *, result=None):
    """What an IATI import does: rows written in bulk, then a version copied from the project's row by
    SQL, whose relations are not recorded."""
    ProjectSector.objects.filter(project=project).delete()
    ProjectSector.objects.bulk_create(
        ProjectSector(project=project, code=code, percentage=Decimal(100 // len(codes))) for code in codes
    )
    if result:
        Result.objects.bulk_create([Result(project=project, title={"fr": result}, position=0)])
    _history_rows([project.pk], timezone.now(), update=True)


def test_versions_not_recorded_in_the_middle_of_a_chain(world):
    _lyon, _dakar, _thies, project = world
    services.document_add(project=project, title={"fr": "Rapport"}, url="https://example.org/rapport")
    before = versions.snapshot(project)
    _import_sectors(project, ["15112"])
    _import_sectors(project, ["15110", "15111"], result="Budget voté")
    imported = versions.snapshot(project)
    services.project_update(project=project, title={"fr": "Gouvernance"})
    first_import, second_import, latest = ordered(project)[-3:]
    assert (first_import.relations, sorted(second_import.relations), latest.relations) == (
        None,
        ["results", "sectors"],
        {},
    )
    assert versions.relations_at(first_import) is None
    assert versions.relations_at(second_import) == imported == versions.relations_at(latest)
    assert versions.relations_along([latest, second_import, first_import]) == [imported, imported, None]

    record_services.record_restore(record=project, history_id=ordered(project)[-4].history_id)
    assert versions.snapshot(project) == before
    record_services.record_restore(record=project, history_id=second_import.history_id)
    assert versions.snapshot(project) == imported


def test_history_descriptions_read_from_deltas_as_from_whole_snapshots(world):
    lyon, dakar, thies, project = world
    wells, trained, indicator = with_results(project, lyon, dakar)
    services.document_add(project=project, title={"fr": "Rapport"}, url="https://example.org/rapport")
    services.project_update(project=project, title={"fr": "Eau potable pour tous"}, sectors={"15112": 100})
    _import_sectors(project, ["14030", "14031"])
    services.indicator_value_set(
        indicator=indicator,
        territory=dakar,
        period_start=JAN,
        period_end=DEC,
        baseline=Decimal("0"),
        target=Decimal("10"),
        actual=Decimal("9"),
    )
    services.participant_add(project=project, organisation=thies, role="4")
    services.result_remove(result=trained)
    services.document_remove(document=Document.objects.get())
    from_deltas = descriptions(project)
    rows = list(project.history.order_by("-history_date", "-history_id"))
    assert versions.relations_along(rows[2:6]) == [versions.relations_at(version) for version in rows[2:6]]

    for version in rows:  # every version made whole, as versions were stored before deltas
        version.relations = versions.relations_at(version)
    for version in rows:
        version.save(update_fields=["relations"])
    assert descriptions(project) == from_deltas
    assert from_deltas[0] == [("Documents", "Rapport", "—")]
    assert from_deltas[3] == [
        (
            "Values measured",
            "Puits en service, Ville de Dakar, 2025-01-01 – 2025-12-31: 0 / 10 / 7",
            "Puits en service, Ville de Dakar, 2025-01-01 – 2025-12-31: 0 / 10 / 9",
        )
    ]


def test_deleting_old_versions_keeps_what_later_versions_read(world):
    lyon, dakar, thies, project = world
    with_results(project, lyon, dakar)
    services.document_add(project=project, title={"fr": "Rapport"}, url="https://example.org/rapport")
    services.project_update(project=project, title={"fr": "Eau potable pour tous"})
    services.participant_add(project=project, organisation=thies, role="4")
    services.project_update(project=project, sdgs=["6.1"])
    everything = {version.history_id: versions.relations_at(version) for version in ordered(project)}

    # several at once, the first (which held every relation) among them, and the version right after it
    doomed = [version.history_id for version in ordered(project)[:3]] + [ordered(project)[5].history_id]
    project.history.filter(history_id__in=doomed).delete()
    left = ordered(project)
    assert [version.history_id for version in left] == [pk for pk in everything if pk not in doomed]
    assert {version.history_id: versions.relations_at(version) for version in left} == {
        pk: relations for pk, relations in everything.items() if pk not in doomed
    }
    assert sorted(left[0].relations) == sorted(relation.name for relation in versions.relations_of(Project))

    # simple-history's command, run on versions older than 30 days
    old = timezone.now() - datetime.timedelta(days=60)
    for index, version in enumerate(left[:4]):
        project.history.filter(history_id=version.history_id).update(
            history_date=old + datetime.timedelta(seconds=index)
        )
    call_command("clean_old_history", "cooperation.Project", "--days", "30", verbosity=0)
    kept = ordered(project)
    assert len(kept) == len(left) - 4
    assert {version.history_id: versions.relations_at(version) for version in kept} == {
        version.history_id: everything[version.history_id] for version in kept
    }
    record_services.record_restore(record=project, history_id=kept[0].history_id)
    assert versions.snapshot(project) == everything[kept[0].history_id]
