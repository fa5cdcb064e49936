"""Restoring a version brings back a project's expected results, indicators, values and documents
(and a partnership's agreements) as they were, under their former ids; a document whose file was
purged since cannot come back, and the restore says so."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from coopdec.common import services as record_services
from coopdec.common import versions
from coopdec.common.records import history_entries
from coopdec.cooperation import services
from coopdec.cooperation.models import Document, Indicator, IndicatorValue, Result
from tests.cooperation.test_views import outcome
from tests.factories import (
    make_member,
    make_organisation,
    make_partnership,
    make_project,
    make_user,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JAN, DEC = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def world():
    """Lyon leads a water project of its partnership with Dakar, with one result measured in both cities."""
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    project = make_project(partnership=make_partnership(lyon, dakar), lead=lyon)
    return lyon, dakar, project


def with_results(project, lyon, dakar):
    wells = services.result_create(project=project, title={"fr": "Puits réhabilités"}, description={"fr": "Dix puits"})
    trained = services.result_create(project=project, title={"fr": "Agents formés"}, type="2")
    indicator = services.indicator_create(result=wells, title={"fr": "Puits en service"}, measure="1")
    for territory, actual in ((lyon, "4"), (dakar, "7")):
        services.indicator_value_set(
            indicator=indicator,
            territory=territory,
            period_start=JAN,
            period_end=DEC,
            baseline=Decimal("0"),
            target=Decimal("10"),
            actual=Decimal(actual),
        )
    return wells, trained, indicator


def state(project):
    """Everything results carry, with ids, as plain values."""
    return {
        "results": list(
            Result.objects.filter(project=project)
            .order_by("pk")
            .values_list("pk", "type", "title", "description", "position")
        ),
        "indicators": list(
            Indicator.objects.filter(result__project=project)
            .order_by("pk")
            .values_list("pk", "result_id", "title", "measure", "ascending")
        ),
        "values": list(
            IndicatorValue.objects.filter(indicator__result__project=project)
            .order_by("pk")
            .values_list("pk", "indicator_id", "territory_id", "baseline", "target", "actual")
        ),
    }


def test_restore_brings_back_edited_and_removed_results_indicators_and_values(world):
    lyon, dakar, project = world
    editor = make_member(dakar, role="editor")
    wells, trained, indicator = with_results(project, lyon, dakar)
    before, version = state(project), project.history.latest()

    services.result_update(result=wells, title={"fr": "Puits creusés"}, type="2", user=editor)
    services.indicator_update(indicator=indicator, title={"fr": "Puits"}, measure="2", ascending=False, user=editor)
    services.indicator_value_set(
        indicator=indicator,
        territory=dakar,
        period_start=JAN,
        period_end=DEC,
        baseline=Decimal("0"),
        target=Decimal("10"),
        actual=Decimal("9"),
    )
    services.indicator_value_remove(value=IndicatorValue.objects.get(territory=lyon), user=editor)
    services.result_remove(result=trained, user=editor)
    assert state(project) != before

    record_services.record_restore(record=project, history_id=version.history_id, user=editor)
    assert state(project) == before
    assert versions.relations_at(project.history.latest())["results"] == versions.relations_at(version)["results"]


def test_restore_of_a_removed_result_brings_back_its_indicators_and_values_under_their_ids(world):
    lyon, dakar, project = world
    wells, _trained, indicator = with_results(project, lyon, dakar)
    ids, values = (wells.pk, indicator.pk), sorted(IndicatorValue.objects.values_list("pk", flat=True))
    version = project.history.latest()
    services.result_remove(result=wells)
    assert Indicator.objects.count() == 0 and IndicatorValue.objects.count() == 0
    record_services.record_restore(record=project, history_id=version.history_id)
    assert Result.objects.get(pk=ids[0]).title == {"fr": "Puits réhabilités"}
    assert Indicator.objects.get().pk == ids[1]
    assert sorted(IndicatorValue.objects.values_list("pk", flat=True)) == values


def test_restore_undone_by_restoring_the_version_before(world):
    lyon, dakar, project = world
    wells, trained, _indicator = with_results(project, lyon, dakar)
    first = project.history.latest()
    services.result_remove(result=trained)
    services.result_update(result=wells, title={"fr": "Puits creusés"})
    after, edited = state(project), project.history.latest()
    record_services.record_restore(record=project, history_id=first.history_id)
    record_services.record_restore(record=project, history_id=edited.history_id)
    assert state(project) == after


def test_history_shows_result_indicator_and_value_changes(world):
    lyon, dakar, project = world
    _wells, trained, indicator = with_results(project, lyon, dakar)
    services.indicator_value_set(
        indicator=indicator,
        territory=dakar,
        period_start=JAN,
        period_end=DEC,
        baseline=Decimal("0"),
        target=Decimal("10"),
        actual=Decimal("9"),
    )
    services.result_remove(result=trained)
    removed, changed = history_entries(project)[:2]
    assert removed["reason"] == "expected result removed"
    assert [(str(c["field"]), c["old"], c["new"]) for c in removed["changes"]] == [
        ("Expected results", "Agents formés", "—")
    ]
    assert [(str(c["field"]), c["old"], c["new"]) for c in changed["changes"]] == [
        (
            "Values measured",
            "Puits en service, Ville de Dakar, 2025-01-01 – 2025-12-31: 0 / 10 / 7",
            "Puits en service, Ville de Dakar, 2025-01-01 – 2025-12-31: 0 / 10 / 9",
        )
    ]
    assert changed["restorable"] is True


def test_restore_brings_back_a_removed_document_with_its_file(world, media, client):
    lyon, _dakar, project = world
    editor = make_member(lyon)
    document = services.document_add(
        project=project,
        title={"fr": "Convention"},
        user=editor,
        file=SimpleUploadedFile("convention.pdf", PDF),
        signed_on=JAN,
    )
    created_at, version, pk = document.created_at, project.history.latest(), document.pk
    services.document_remove(document=document, user=editor)
    assert (media / document.file.name).read_bytes() == PDF  # kept for a restore

    client.force_login(editor)
    response = client.post(reverse("cooperation:project_restore", args=[project.pk, version.history_id]), follow=True)
    assert "The earlier version was restored as a new version" in response.content.decode()
    restored = Document.objects.get()
    assert (restored.pk, restored.file.name, restored.signed_on, restored.created_at, restored.uploaded_by) == (
        pk,
        document.file.name,
        JAN,
        created_at,
        editor,
    )
    download = client.get(reverse("cooperation:document_file", args=[pk]))
    assert b"".join(download.streaming_content) == PDF
    assert Document.history.filter(id=pk).values_list("history_type", flat=True)[0] == "+"


def test_restore_leaves_out_a_document_whose_file_was_purged_and_says_so(world, media, client):
    lyon, dakar, project = world
    document = services.document_add(project=project, title={"fr": "Rapport"}, file=SimpleUploadedFile("r.pdf", PDF))
    link = services.document_add(project=project, title={"fr": "Site"}, url="https://example.org/rapport")
    result = services.result_create(project=project, title={"fr": "Puits"})
    version, link_id, result_id = project.history.latest(), link.pk, result.pk
    services.document_remove(document=document)
    services.document_remove(document=link)
    services.result_remove(result=result)
    assert services.documents_purge(older_than=timedelta(0)) == [document.file.name]
    assert not (media / document.file.name).exists()
    removal = next(
        entry
        for entry in history_entries(project)
        if entry["reason"] == "document removed" and entry["changes"][0]["old"].startswith("Rapport")
    )
    assert removal["changes"][0]["old"] == "Rapport (file deleted since: cannot come back)"

    client.force_login(make_member(dakar))
    page = client.post(
        reverse("cooperation:project_restore", args=[project.pk, version.history_id]), follow=True
    ).content.decode()
    assert "The document “Rapport” cannot come back: its file was deleted since." in page
    assert list(project.documents.values_list("pk", "url")) == [(link_id, "https://example.org/rapport")]
    assert project.results.get().pk == result_id


def test_documents_purge_keeps_recent_and_used_files(world, media):
    _lyon, _dakar, project = world
    removed = services.document_add(project=project, title={"fr": "Ancien"}, file=SimpleUploadedFile("a.pdf", PDF))
    kept = services.document_add(project=project, title={"fr": "Actuel"}, file=SimpleUploadedFile("b.pdf", PDF))
    services.document_remove(document=removed)
    assert services.documents_purge(older_than=timedelta(days=90)) == []  # removed today
    assert services.documents_purge(older_than=timedelta(0), dry_run=True) == [removed.file.name]
    assert (media / removed.file.name).exists()
    call_command("documents_purge", "--days", "0", verbosity=0)
    assert not (media / removed.file.name).exists()
    assert (media / kept.file.name).exists()
    services.project_delete(project=project)  # its documents go with it; their files wait for the purge too
    assert (media / kept.file.name).exists()
    assert services.documents_purge(older_than=timedelta(0)) == [kept.file.name]


def test_partnership_restore_brings_back_a_removed_agreement(world, media):
    lyon, dakar, _project = world
    partnership = services.partnership_create(parties=[lyon, dakar])
    agreement = services.document_add(
        partnership=partnership,
        title={"fr": "Convention de jumelage"},
        is_agreement=True,
        signed_on=JAN,
        renewal_on=DEC,
        file=SimpleUploadedFile("c.pdf", PDF),
    )
    version, pk = partnership.history.latest(), agreement.pk
    services.document_remove(document=agreement)
    assert [(str(c["field"]), c["old"]) for c in history_entries(partnership)[0]["changes"]] == [
        ("Documents", "Convention de jumelage")
    ]
    record_services.record_restore(record=partnership, history_id=version.history_id)
    assert list(partnership.documents.values_list("pk", "is_agreement", "renewal_on")) == [(pk, True, DEC)]


def test_history_page_says_what_a_restore_does_not_bring_back(world, client):
    lyon, _dakar, project = world
    client.force_login(make_member(lyon))
    page = client.get(reverse("cooperation:project_history", args=[project.pk])).content.decode()
    assert "with what it held then: DAC sectors, SDG goals or targets" in page
    assert "A document whose file was deleted since cannot come back" in page


# Editing and removing results, indicators and values through the pages


def test_result_edit_page_changes_and_removes_without_javascript(world, client):
    lyon, dakar, project = world
    wells, _trained, indicator = with_results(project, lyon, dakar)
    client.force_login(make_member(dakar))
    url = reverse("cooperation:result_update", args=[project.pk, wells.pk])
    assert "Puits réhabilités" in client.get(url).content.decode()
    response = client.post(url, {"type": "2", "title_fr": "Puits creusés", "description_fr": "Douze puits"})
    assert response.status_code == 302
    wells.refresh_from_db()
    assert (wells.type, wells.title, wells.description) == ("2", {"fr": "Puits creusés"}, {"fr": "Douze puits"})
    empty = client.post(url, {"type": "2", "title_fr": ""})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    client.post(
        reverse("cooperation:indicator_update", args=[project.pk, indicator.pk]),
        {"title_fr": "Puits ouverts", "measure": "1"},
    )
    indicator.refresh_from_db()
    assert (indicator.title, indicator.ascending) == ({"fr": "Puits ouverts"}, False)
    value = IndicatorValue.objects.get(territory=lyon)
    client.post(reverse("cooperation:indicator_value_remove", args=[project.pk, value.pk]))
    assert IndicatorValue.objects.filter(pk=value.pk).exists() is False
    client.post(reverse("cooperation:result_remove", args=[project.pk, wells.pk]))
    assert list(project.results.values_list("title", flat=True)) == [{"fr": "Agents formés"}]
    assert [entry["reason"] for entry in history_entries(project)[:4]] == [
        "expected result removed",
        "indicator values removed",
        "indicator changed",
        "expected result changed",
    ]


def test_result_of_another_project_answers_404(world, client):
    lyon, dakar, project = world
    other = make_project(partnership=make_partnership(lyon, dakar))
    wells, _trained, indicator = with_results(other, lyon, dakar)
    client.force_login(make_member(lyon))
    assert client.get(reverse("cooperation:result_update", args=[project.pk, wells.pk])).status_code == 404
    assert client.post(reverse("cooperation:indicator_remove", args=[project.pk, indicator.pk])).status_code == 404
    assert Indicator.objects.filter(pk=indicator.pk).exists()


PART_PERSONAS = ["anonymous", "unrelated_admin", "partner_editor", "lead_editor", "coordinator"]
# ok (200, or a redirect after success), login, forbidden (403), missing (404): see ``outcome``.
EXPECTED_PARTS = {
    "anonymous": dict.fromkeys(["edit_result", "edit_indicator", "remove_value", "remove_result", "restore"], "login")
    | {"edit_draft_result": "missing"},
    "unrelated_admin": dict.fromkeys(
        ["edit_result", "edit_indicator", "remove_value", "remove_result", "restore"], "forbidden"
    )
    | {"edit_draft_result": "missing"},
    **{
        persona: dict.fromkeys(
            ["edit_result", "edit_indicator", "remove_value", "remove_result", "restore", "edit_draft_result"], "ok"
        )
        for persona in ("partner_editor", "lead_editor", "coordinator")
    },
}


def test_permission_matrix_results_pages_and_their_restore(client):
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    partnership = make_partnership(lyon, dakar)
    project = make_project(partnership=partnership, lead=lyon)
    draft = make_project(partnership=partnership, lead=lyon, published=False)
    users = {
        "anonymous": None,
        "unrelated_admin": make_member(make_organisation("Bordeaux", geonameid=3031582), role="admin"),
        "partner_editor": make_member(dakar),
        "lead_editor": make_member(lyon),
        "coordinator": make_user(is_coordinator=True),
    }
    draft_result = services.result_create(project=draft, title={"fr": "Brouillon"})
    got = {}
    for persona in PART_PERSONAS:
        client.logout()
        if users[persona] is not None:
            client.force_login(users[persona])
        wells, _trained, indicator = with_results(project, lyon, dakar)
        version = project.history.latest()
        services.result_remove(result=_trained)
        got[persona] = {
            "edit_draft_result": outcome(
                client.get(reverse("cooperation:result_update", args=[draft.pk, draft_result.pk]))
            ),
            "edit_result": outcome(client.get(reverse("cooperation:result_update", args=[project.pk, wells.pk]))),
            "edit_indicator": outcome(
                client.post(
                    reverse("cooperation:indicator_update", args=[project.pk, indicator.pk]),
                    {"title_fr": "Puits", "measure": "1"},
                )
            ),
            "restore": outcome(
                client.post(reverse("cooperation:project_restore", args=[project.pk, version.history_id]))
            ),
            "remove_value": outcome(
                client.post(
                    reverse("cooperation:indicator_value_remove", args=[project.pk, IndicatorValue.objects.first().pk])
                )
            ),
            "remove_result": outcome(client.post(reverse("cooperation:result_remove", args=[project.pk, wells.pk]))),
        }
        Result.objects.filter(project=project).delete()
    assert got == EXPECTED_PARTS


def test_saving_the_same_result_indicator_or_values_again_writes_no_version(world):
    lyon, dakar, project = world
    wells, _trained, indicator = with_results(project, lyon, dakar)
    count = project.history.count()
    services.result_update(result=wells, title={"fr": "Puits réhabilités"}, description={"fr": "Dix puits"}, type="1")
    services.indicator_update(indicator=indicator, title={"fr": "Puits en service"}, measure="1", ascending=True)
    services.indicator_value_set(
        indicator=indicator,
        territory=dakar,
        period_start=JAN,
        period_end=DEC,
        baseline=Decimal("0"),
        target=Decimal("10"),
        actual=Decimal("7"),
    )
    assert project.history.count() == count


def test_restored_results_and_documents_appear_in_the_iati_export(world):
    from coopdec.interop.iati.exporter import activities_xml

    lyon, dakar, project = world
    lyon.iati_identifier = "FR-LYON-TEST"  # IATI needs the reporting organisation's identifier
    lyon.save()
    project.planned_start = JAN  # IATI needs a date
    project.save()
    wells, _trained, _indicator = with_results(project, lyon, dakar)
    services.document_add(project=project, title={"fr": "Rapport annuel"}, url="https://example.org/rapport-annuel")
    version = project.history.latest()
    services.result_remove(result=wells)
    services.document_remove(document=project.documents.get())
    assert "Puits réhabilités" not in b"".join(activities_xml(lyon)).decode()
    record_services.record_restore(record=project, history_id=version.history_id)
    xml = b"".join(activities_xml(lyon)).decode()
    assert '<narrative xml:lang="fr">Puits réhabilités</narrative>' in xml
    assert '<document-link url="https://example.org/rapport-annuel"' in xml
