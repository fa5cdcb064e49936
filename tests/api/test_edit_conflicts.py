"""No silent overwrite in the API: an update sends back the ``updated_at`` it read as ``version``; one
made over a change since of a field it sends is refused with 409 and what changed."""

import pytest

from coopdec.actors.models import Organisation
from coopdec.cooperation.models import Partnership, Project
from tests.factories import make_member, make_organisation, make_partnership, make_project

from .conftest import bearer

pytestmark = pytest.mark.django_db

LYON, DAKAR = 2996944, 2253354


def _organisation():
    lyon = make_organisation("Ville de Lyon", geonameid=LYON)
    return lyon, lyon, f"/api/v1/organisations/{lyon.pk}"


def _partnership():
    lyon = make_organisation("Ville de Lyon", geonameid=LYON)
    partnership = make_partnership(lyon, make_organisation("Ville de Dakar", geonameid=DAKAR), status="active")
    return partnership, lyon, f"/api/v1/partnerships/{partnership.pk}"


def _project():
    lyon = make_organisation("Ville de Lyon", geonameid=LYON)
    project = make_project(lead=lyon, title={"en": "Water"}, status="2")
    return project, lyon, f"/api/v1/projects/{project.pk}"


# (set-up, the first client's change, the field it changes, the second client's change, how to read it back)
CASES = {
    "organisation": (
        _organisation,
        {"name": "Métropole de Lyon"},
        "name",
        {"name": "Grand Lyon", "acronym": "VdL"},
        lambda record: (record.name, record.acronym),
    ),
    "partnership": (
        _partnership,
        {"status": "dormant"},
        "status",
        {"status": "ended", "kind": "agreement"},
        lambda record: (record.status, record.kind),
    ),
    "project": (
        _project,
        {"title": {"en": "Drinking water"}},
        "title",
        {"title": {"en": "Wells"}, "status": "3"},
        lambda record: (record.title, record.status),
    ),
}


def _patch(client, url, body, user):
    return client.patch(url, body, content_type="application/json", headers={**bearer(user), "Accept-Language": "en"})


@pytest.mark.parametrize("case", CASES)
def test_update_refused_over_a_change_made_since(client, case):
    setup, first_change, field, second_change, read = CASES[case]
    record, organisation, url = setup()
    first, second = make_member(organisation), make_member(organisation)
    read_by_first = client.get(url, headers=bearer(first)).json()["updated_at"]
    read_by_second = client.get(url, headers=bearer(second)).json()["updated_at"]
    assert read_by_first == read_by_second

    assert _patch(client, url, {**first_change, "version": read_by_first}, first).status_code == 200
    model = type(record)
    before, versions = read(model.objects.get(pk=record.pk)), record.history.count()

    refused = _patch(client, url, {**second_change, "version": read_by_second}, second)
    assert refused.status_code == 409
    body = refused.json()
    assert body["error"] == "stale_version"
    assert body["message"].startswith(f"{first.username} changed this record on ")
    assert [change["field"] for change in body["details"]["changes"]] == [field]
    assert body["details"]["changed_by"] == [first.username]
    assert read(model.objects.get(pk=record.pk)) == before
    assert record.history.count() == versions

    current = client.get(url, headers=bearer(second)).json()["updated_at"]
    assert body["details"]["version"] == current
    again = _patch(client, url, {**second_change, "version": current}, second)
    assert again.status_code == 200, again.content
    assert read(model.objects.get(pk=record.pk)) == tuple(second_change.values())


@pytest.mark.parametrize("case", CASES)
def test_update_without_version_applies_as_before(client, case):
    """Clients written before versions send none: the last writer wins, as it always did."""
    setup, first_change, _field, second_change, read = CASES[case]
    record, organisation, url = setup()
    editor = make_member(organisation)
    assert _patch(client, url, first_change, editor).status_code == 200
    assert _patch(client, url, second_change, editor).status_code == 200
    assert read(type(record).objects.get(pk=record.pk)) == tuple(second_change.values())


def test_update_over_a_change_of_other_fields_applies(client):
    """A change since of fields the update does not send is no conflict."""
    record, lyon, url = _organisation()
    editor = make_member(lyon)
    read = client.get(url, headers=bearer(editor)).json()["updated_at"]
    assert _patch(client, url, {"website": "https://lyon.example.org", "version": read}, editor).status_code == 200
    assert _patch(client, url, {"acronym": "VdL", "version": read}, editor).status_code == 200
    assert Organisation.objects.get(pk=record.pk).acronym == "VdL"


def test_update_project_sectors_refused_over_sectors_changed_since(client):
    record, lyon, url = _project()
    editor = make_member(lyon)
    read = client.get(url, headers=bearer(editor)).json()["updated_at"]
    assert (
        _patch(client, url, {"sectors": [{"code": "14031", "percentage": 100}], "version": read}, editor).status_code
        == 200
    )
    refused = _patch(client, url, {"sectors": [{"code": "14050", "percentage": 100}], "version": read}, editor)
    assert refused.status_code == 409
    assert refused.json()["details"]["changes"] == [
        {"field": "sectors", "label": "DAC sectors", "old": "14030 (100 %)", "new": "14031 (100 %)"}
    ]
    assert list(Project.objects.get(pk=record.pk).sectors.values_list("code", flat=True)) == ["14031"]


@pytest.mark.parametrize("version", ["yesterday", "2026-12-06T10:15:00"])
def test_update_with_a_malformed_version_refused(client, version):
    record, lyon, url = _partnership()
    response = _patch(client, url, {"status": "ended", "version": version}, make_member(lyon))
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "version"
    assert Partnership.objects.get(pk=record.pk).status == "active"
