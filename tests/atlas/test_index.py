"""The atlas index written from plain facts (``add_projects``) and read back from the database
(``reindex``) must give the same documents; ``fold_text`` keeps its exact output."""

from datetime import date
from decimal import Decimal

import pytest

from coopdec.atlas import index
from coopdec.atlas.models import SearchDocument
from coopdec.atlas.search import fold_text
from coopdec.cooperation.models import Budget, ProjectCountry, ProjectSdg
from tests.factories import make_organisation, make_partnership, make_project

pytestmark = pytest.mark.django_db

COMPARED = [f for f in index.DOCUMENT_FIELDS if f not in {"body_text", "record_updated_at"}]


def _document(project_id: int) -> dict:
    row = (
        SearchDocument.objects.filter(record_type="project", object_id=project_id).values(*COMPARED, "body_text").get()
    )
    # Vocabulary labels are appended in set order: compare the words, not their order.
    row["body_text"] = sorted(row["body_text"].split())
    return row


def test_fold_text_lowers_unaccents_and_collapses_every_space():
    assert fold_text("  Coopération\tdécentralisée\n\u00a0Saint-Étienne  ") == "cooperation decentralisee saint-etienne"
    assert fold_text("Straße Œuvre") == "strasse oeuvre"
    assert fold_text(" \n\t ") == ""
    assert fold_text("") == ""


def test_add_projects_writes_the_document_reindex_writes(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        paris = make_organisation("Ville de Paris", geonameid=2988507)
        dakar = make_organisation("Ville de Dakar", geonameid=2253354)
        partnership = make_partnership(paris, dakar)
        project = make_project(
            partnership=partnership,
            lead=paris,
            sectors={"14030": 70, "14081": 30},
            title={"fr": "Eau potable à Dakar", "en": "Drinking water in Dakar"},
            description={"fr": "Forages et bornes-fontaines."},
            planned_start=date(2024, 1, 15),
            actual_start=date(2024, 2, 1),
            currency="EUR",
        )
        Budget.objects.create(
            project=project,
            period_start=date(2024, 1, 1),
            period_end=date(2024, 12, 31),
            value=Decimal("150000"),
            currency="EUR",
        )
        Budget.objects.create(
            project=project,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            value=Decimal("1000"),
            currency="XOF",
        )
        ProjectSdg.objects.create(project=project, target="6.1")
        ProjectCountry.objects.create(project=project, country_id="SN")
    from_database = _document(project.pk)

    SearchDocument.objects.all().delete()
    written = index.add_projects(
        [
            index.project_facts(
                id=project.pk,
                title=project.title,
                description=project.description,
                status=project.status,
                currency="EUR",
                updated_at=project.updated_at,
                lead_organisation_id=paris.pk,
                partnership_id=partnership.pk,
                start="2024-02-01",
                sectors=[("1", "14030"), ("1", "14081")],
                sdgs=["6.1"],
                countries=["SN"],
                budgets=[("EUR", "150000.00", "2024-01-01"), ("XOF", "1000.00", "2025-01-01")],
            )
        ]
    )

    assert written == 1
    assert _document(project.pk) == from_database
    assert from_database["amount"] == 150000.0
    assert from_database["currency"] == "EUR"
    assert from_database["sectors"] == "140 14030 14081"
    assert from_database["sdgs"] == "6"
    assert from_database["start_year"] == 2024
    assert from_database["form"] == "bilateral"


def test_reindex_leaves_draft_projects_out(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_project(lead=make_organisation("Ville de Lyon", geonameid=2996944), published=False)
    assert index.reindex(projects=[draft.pk]) == 0
    assert not SearchDocument.objects.filter(record_type="project", object_id=draft.pk).exists()


def test_confirming_a_record_rewrites_no_document_but_an_edit_does(django_capture_on_commit_callbacks):
    from coopdec.common.services import record_confirm

    with django_capture_on_commit_callbacks(execute=True):
        lyon = make_organisation("Ville de Lyon", geonameid=2996944)
        partnership = make_partnership(lyon, make_organisation("Commune de Dakar", geonameid=None, country_id="SN"))
    documents = set(SearchDocument.objects.values_list("id", flat=True))
    version = index.current_version()
    assert documents

    with django_capture_on_commit_callbacks(execute=True):
        record_confirm(record=lyon)
        record_confirm(record=partnership)
    assert set(SearchDocument.objects.values_list("id", flat=True)) == documents
    assert index.current_version() == version

    with django_capture_on_commit_callbacks(execute=True):
        lyon.name = "Métropole de Lyon"
        lyon.save()
    assert set(SearchDocument.objects.values_list("id", flat=True)) != documents
    assert index.current_version() != version
