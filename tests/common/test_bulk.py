"""The bulk writer (``common.bulk``): rows as the ORM would write them, a version per record, and
nothing else (no signal: the caller indexes the atlas)."""

import datetime

import pytest
from django.utils import timezone

from coopdec.atlas import index as atlas_index
from coopdec.atlas.models import RecordType, SearchDocument
from coopdec.common import bulk, versions
from coopdec.common import services as record_services
from coopdec.common.models import PublicationStatus
from coopdec.cooperation import services
from coopdec.cooperation.models import ActivityStatus, Project, ProjectSdg
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db

COLUMNS = ("title", "planned_start", "lead_organisation_id", "publication_status", "created_at", "updated_at")


@pytest.fixture
def lyon():
    return make_organisation("Ville de Lyon", geonameid=2996944)


def insert(lyon, *titles: str) -> list[int]:
    now = timezone.now()
    rows = [(title, "2026-01-15", lyon.pk, PublicationStatus.PUBLISHED.value, now, now) for title in titles]
    return bulk.table(Project, COLUMNS).insert(rows, returning=True)


def test_insert_returns_the_ids_in_order_and_fills_the_defaults(lyon):
    ids = insert(lyon, '{"fr": "Eau potable"}', '{"en": "Drinking water"}', "{}")
    projects = Project.objects.in_bulk(ids)
    assert [projects[pk].title for pk in ids] == [{"fr": "Eau potable"}, {"en": "Drinking water"}, {}]
    first = projects[ids[0]]
    assert (first.planned_start, first.status, first.currency, first.support_types) == (
        datetime.date(2026, 1, 15),
        ActivityStatus.IMPLEMENTATION,
        "EUR",
        [],
    )


def test_insert_without_returning_writes_every_row(lyon):
    (pid,) = insert(lyon, '{"fr": "Eau potable"}')
    assert bulk.table(ProjectSdg, ("project_id", "target")).insert([(pid, "6"), (pid, "6.1")]) == []
    assert sorted(ProjectSdg.objects.filter(project_id=pid).values_list("target", flat=True)) == ["6", "6.1"]


def test_update_rows_changes_only_the_given_columns(lyon):
    first, second = insert(lyon, '{"fr": "Eau"}', '{"fr": "Assainissement"}')
    bulk.update_rows(Project, ("title", "currency"), [('{"fr": "Eau potable"}', "XOF", first)])
    projects = Project.objects.in_bulk([first, second])
    assert (projects[first].title, projects[first].currency, projects[first].planned_start) == (
        {"fr": "Eau potable"},
        "XOF",
        datetime.date(2026, 1, 15),
    )
    assert (projects[second].title, projects[second].currency) == ({"fr": "Assainissement"}, "EUR")


def test_history_rows_give_each_record_a_version_a_later_service_completes(lyon):
    now = timezone.now()
    (pid,) = insert(lyon, '{"fr": "Eau potable"}')
    bulk.history_rows(Project, [pid], now, update=False, reason="IATI import")
    bulk.table(ProjectSdg, ("project_id", "target")).insert([(pid, "6")])
    project = Project.objects.get(pk=pid)
    (version,) = project.history.all()
    assert (version.history_type, version.history_change_reason, version.history_user, version.title) == (
        "+",
        "IATI import",
        None,
        {"fr": "Eau potable"},
    )
    assert version.relations is None  # not recorded by a bulk write
    services.project_update(project=project, sdgs=["6.1"])
    assert versions.relations_at(project.history.get(history_id=version.history_id))["sdgs"] == [["6"]]
    record_services.record_restore(record=project, history_id=version.history_id)
    assert list(project.sdgs.values_list("target", flat=True)) == ["6"]


def test_bulk_writes_leave_the_atlas_to_the_caller(lyon):
    ids = insert(lyon, '{"fr": "Eau potable"}')
    assert SearchDocument.objects.filter(object_id__in=ids, record_type=RecordType.PROJECT).count() == 0
    atlas_index.reindex(projects=ids)
    assert SearchDocument.objects.filter(object_id__in=ids, record_type=RecordType.PROJECT).count() == 1
