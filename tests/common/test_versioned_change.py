"""``versioned_change``: a service written with it keeps its versions whole, so that restoring one
brings back the relations the record had then, even after a version written in bulk without them."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coopdec.common import services as record_services
from coopdec.common import versions
from coopdec.common.versions import save_with_history, versioned_change
from coopdec.cooperation import services
from coopdec.cooperation.models import Project, ProjectSdg
from coopdec.interop.iati.importer import _history_rows
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.django_db


def sdg_add(*, project: Project, target: str, user=None) -> None:
    """A service as a newcomer would write it: one block, nothing else to remember."""
    with versioned_change(project, user=user, reason="SDG added"):
        ProjectSdg.objects.create(project=project, target=target)


def retitle_with_sdgs(*, project: Project, title: dict, targets: list[str], user=None) -> None:
    """Saving the record first, then changing a relation: the version saved learns it when the block ends."""
    with versioned_change(project, user=user, reason="retitled") as change:
        project.title = title
        change.save()
        project.sdgs.all().delete()
        for target in targets:
            save_with_history(ProjectSdg(project=project, target=target), user=user)


def sdgs_of(project: Project) -> list[str]:
    return sorted(project.sdgs.values_list("target", flat=True))


@pytest.fixture
def project():
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    return services.project_create(lead_organisation=lyon, title={"fr": "Eau potable"}, sdgs=["6"])


def test_versioned_change_restores_the_relations_of_each_version(project):
    editor = make_user("editor")
    sdg_add(project=project, target="6.1", user=editor)
    with_two = project.history.latest()
    assert (with_two.history_change_reason, with_two.history_user) == ("SDG added", editor)
    sdg_add(project=project, target="6.2")
    record_services.record_restore(record=project, history_id=with_two.history_id)
    assert sdgs_of(project) == ["6", "6.1"]
    record_services.record_restore(record=project, history_id=project.history.earliest().history_id)
    assert sdgs_of(project) == ["6"]


def test_versioned_change_keeps_the_relations_of_a_version_written_in_bulk(project):
    _history_rows([project.pk], timezone.now(), update=True)  # as an IATI import writes its versions
    imported = project.history.latest()
    assert imported.relations is None
    sdg_add(project=project, target="6.1")
    assert versions.relations_at(project.history.get(history_id=imported.history_id))["sdgs"] == [["6"]]
    record_services.record_restore(record=project, history_id=imported.history_id)
    assert sdgs_of(project) == ["6"]


def test_versioned_change_records_relations_written_after_the_save(project):
    retitle_with_sdgs(project=project, title={"fr": "Eau et assainissement"}, targets=["6.2", "6.3"])
    latest = project.history.latest()
    assert (latest.title, latest.history_change_reason) == ({"fr": "Eau et assainissement"}, "retitled")
    assert versions.relations_at(latest) == versions.snapshot(project)
    assert latest.relations == {"sdgs": [["6.2"], ["6.3"]]}
    record_services.record_restore(record=project, history_id=project.history.earliest().history_id)
    assert (Project.objects.get(pk=project.pk).title, sdgs_of(project)) == ({"fr": "Eau potable"}, ["6"])


def test_versioned_change_without_a_save_writes_a_version_of_the_current_record(project):
    stale = Project.objects.get(pk=project.pk)
    services.project_update(project=project, title={"fr": "Eau potable à Dakar"})
    before = project.history.count()
    sdg_add(project=stale, target="6.1")
    latest = project.history.latest()
    assert project.history.count() == before + 1
    assert latest.title == {"fr": "Eau potable à Dakar"}  # the record was reloaded: the stale title is not written back
    assert latest.relations == {"sdgs": [["6"], ["6.1"]]}


def test_versioned_change_that_raises_writes_nothing(project):
    before = (project.history.count(), sdgs_of(project))
    with pytest.raises(ValidationError):
        with versioned_change(project, user=None, reason="refused"):
            ProjectSdg.objects.create(project=project, target="6.1")
            raise ValidationError("refused")
    assert (project.history.count(), sdgs_of(project)) == before
