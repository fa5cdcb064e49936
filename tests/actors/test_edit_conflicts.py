"""No silent overwrite on the web: the edit forms of organisations, partnerships and projects carry the
version their editor read; a save over a change made since is refused and says what changed."""

import re

import pytest
from django.urls import reverse

from coopdec.actors.models import Organisation
from coopdec.cooperation.models import Partnership, Project
from tests.factories import make_member, make_organisation, make_partnership, make_project

pytestmark = pytest.mark.django_db

LYON, DAKAR = 2996944, 2253354


def _organisation():
    lyon = make_organisation("Ville de Lyon", geonameid=LYON)
    return lyon, lyon, {"name": "Ville de Lyon", "kind": "municipality", "locality": LYON}


def _partnership():
    lyon = make_organisation("Ville de Lyon", geonameid=LYON)
    partnership = make_partnership(lyon, make_organisation("Ville de Dakar", geonameid=DAKAR), status="active")
    return partnership, lyon, {"kind": "twinning", "status": "active"}


def _project():
    lyon = make_organisation("Ville de Lyon", geonameid=LYON)
    project = make_project(lead=lyon, title={"en": "Water"}, status="2", currency="EUR")
    return (
        project,
        lyon,
        {"title_en": "Water", "status": "2", "currency": "EUR", "sector_0": "14030", "sector_0_percentage": "100"},
    )


# (set-up, URL name, the first editor's change, its label, the second editor's change, how to read it back)
CASES = {
    "organisation": (
        _organisation,
        "actors:organisation_update",
        {"name": "Métropole de Lyon"},
        "Name",
        {"acronym": "VdL"},
        lambda record: record.acronym,
    ),
    "partnership": (
        _partnership,
        "cooperation:partnership_update",
        {"status": "dormant"},
        "Status",
        {"kind": "agreement"},
        lambda record: record.kind,
    ),
    "project": (
        _project,
        "cooperation:project_update",
        {"title_en": "Drinking water"},
        "Title",
        {"status": "3"},
        lambda record: record.status,
    ),
}


def _version(response) -> str:
    found = re.search(r'name="version" value="([^"]+)"', response.content.decode())
    assert found is not None, "the edit form carries no version"
    return found.group(1)


def _second_refused(client, setup, url_name, first_change: dict, second_change: dict, language: str):
    """Two editors read the form, the first saves ``first_change``, then the second sends theirs:
    (the first editor, the record, the data of the form, the response to the second)."""
    record, organisation, data = setup()
    first, second = make_member(organisation), make_member(organisation)
    url = reverse(url_name, args=[record.pk])
    client.force_login(second)
    read = _version(client.get(url))
    client.force_login(first)
    assert _version(client.get(url)) == read
    assert client.post(url, {**data, **first_change, "version": read}).status_code == 302
    client.force_login(second)
    response = client.post(url, {**data, **second_change, "version": read}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return first, record, data, response


@pytest.mark.parametrize("case", CASES)
def test_edit_form_refuses_a_save_over_a_change_made_since(client, case):
    setup, url_name, first_change, label, second_change, read = CASES[case]
    first, record, data, refused = _second_refused(client, setup, url_name, first_change, second_change, "en")
    page = refused.content.decode()
    assert f"{first.username} changed this record on " in page
    assert f"after you read it: {label}: “" in page
    assert "Nothing of your change was saved." in page
    ((name, value),) = second_change.items()
    assert f'name="{name}" value="{value}"' in page or f'<option value="{value}" selected>' in page  # the input is kept
    record = type(record).objects.get(pk=record.pk)
    assert read(record) != value
    versions = record.history.count()
    assert versions == 2  # created, then the first editor's change

    merged = client.post(
        refused.request["PATH_INFO"], {**data, **first_change, **second_change, "version": _version(refused)}
    )
    assert merged.status_code == 302
    record = type(record).objects.get(pk=record.pk)
    assert read(record) == value
    assert record.history.count() == versions + 1


def test_edit_form_refusal_speaks_the_reader_language(client):
    first, record, _data, response = _second_refused(
        client, _organisation, "actors:organisation_update", {"name": "Métropole de Lyon"}, {"acronym": "VdL"}, "fr"
    )
    page = response.content.decode()
    assert f"{first.username} a modifié cette fiche le " in page
    assert "Nom : «\u00a0Ville de Lyon\u00a0» → «\u00a0Métropole de Lyon\u00a0»" in page
    assert Organisation.objects.get(pk=record.pk).acronym == ""


def test_project_form_saves_over_a_change_of_what_it_does_not_write(client):
    """A contribution added since the form was read changes none of the form's fields: no conflict."""
    project, lyon, data = _project()
    editor = make_member(lyon)
    client.force_login(editor)
    url = reverse("cooperation:project_update", args=[project.pk])
    read = _version(client.get(url))
    added = client.post(
        reverse("cooperation:project_add", args=[project.pk, "contribution"]),
        {"organisation": lyon.pk, "role": "party", "kind": "cash", "amount": "1000", "currency": "EUR"},
    )
    assert added.status_code == 302
    assert client.post(url, {**data, "status": "3", "version": read}).status_code == 302
    assert Project.objects.get(pk=project.pk).status == "3"


def test_project_form_refuses_a_save_over_sectors_changed_since(client):
    _first, project, _data, response = _second_refused(
        client, _project, "cooperation:project_update", {"sector_0": "14031"}, {"status": "3"}, "en"
    )
    page = response.content.decode()
    assert "DAC sectors: “14030 (100 %)” → “14031 (100 %)”" in page
    assert list(Project.objects.get(pk=project.pk).sectors.values_list("code", flat=True)) == ["14031"]
    assert Project.objects.get(pk=project.pk).status == "2"


def test_partnership_form_without_version_saves_as_before(client):
    partnership, lyon, data = _partnership()
    client.force_login(make_member(lyon))
    response = client.post(
        reverse("cooperation:partnership_update", args=[partnership.pk]), {**data, "status": "ended"}
    )
    assert response.status_code == 302
    assert Partnership.objects.get(pk=partnership.pk).status == "ended"
