"""A partnership's parties: changing a party's role or joining date (service, page, who may), and what follows
(history, restore, atlas, IATI export)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coopdec.atlas.models import SearchDocument
from coopdec.common import services as record_services
from coopdec.common.records import history_entries
from coopdec.cooperation import services
from coopdec.cooperation.models import PartnershipParty
from coopdec.interop.iati.exporter import activities_xml
from tests.cooperation.test_views import outcome
from tests.factories import (
    make_member,
    make_organisation,
    make_partnership,
    make_project,
    make_user,
)

pytestmark = pytest.mark.django_db

JOINED = datetime.date(2019, 3, 1)


@pytest.fixture
def world():
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    partnership = services.partnership_create(
        parties=[(lyon, "lead"), (dakar, "partner")], publication_status="published"
    )
    return lyon, dakar, partnership


def roles(partnership):
    return sorted(partnership.party_links.values_list("organisation__name", "role", "joined_on"))


# Service


def test_party_update_changes_role_and_date_with_history(world):
    lyon, dakar, partnership = world
    admin = make_member(dakar, role="admin")
    party = partnership.party_links.get(organisation=dakar)
    services.party_update(party=party, role="funder", joined_on=JOINED, user=admin)
    assert roles(partnership) == [("Ville de Dakar", "funder", JOINED), ("Ville de Lyon", "lead", None)]
    latest = history_entries(partnership)[0]
    assert (latest["version"].history_user, latest["reason"]) == (admin, "party's role or joining date changed")
    assert [(str(c["field"]), c["old"], c["new"]) for c in latest["changes"]] == [
        ("Parties", "Ville de Dakar (Partner)", "Ville de Dakar (Funder)")
    ]
    assert PartnershipParty.history.filter(id=party.pk).latest().history_user == admin


def test_party_update_without_change_writes_no_version(world):
    _lyon, dakar, partnership = world
    count = partnership.history.count()
    services.party_update(party=partnership.party_links.get(organisation=dakar), role="partner", joined_on=None)
    assert partnership.history.count() == count


@pytest.mark.parametrize(
    ("role", "joined_on", "message"),
    [
        ("boss", None, "Unknown party role “boss”."),
        ("funder", datetime.date(2024, 1, 1), "Ville de Dakar cannot join after the partnership ended (2023-12-31)."),
    ],
)
def test_party_update_bad_input_refused_writes_nothing(world, role, joined_on, message):
    _lyon, dakar, partnership = world
    services.partnership_update(partnership=partnership, end_date=datetime.date(2023, 12, 31))
    count = partnership.history.count()
    with pytest.raises(ValidationError) as raised:
        services.party_update(party=partnership.party_links.get(organisation=dakar), role=role, joined_on=joined_on)
    assert raised.value.messages == [message]
    assert roles(partnership)[0] == ("Ville de Dakar", "partner", None)
    assert partnership.history.count() == count


def test_restore_brings_back_the_role_and_date_before(world):
    lyon, dakar, partnership = world
    before = partnership.history.latest()
    services.party_update(party=partnership.party_links.get(organisation=dakar), role="funder", joined_on=JOINED)
    record_services.record_restore(record=partnership, history_id=before.history_id)
    assert roles(partnership) == [("Ville de Dakar", "partner", None), ("Ville de Lyon", "lead", None)]


def test_party_change_reindexes_the_partnership_and_shows_in_the_iati_export(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the atlas reindexes after each commit
        # IATI needs the reporting organisation's identifier: a project without one is left out of the file.
        lyon = make_organisation("Ville de Lyon", geonameid=2996944, iati_identifier="FR-LYON-TEST")
        dakar = make_organisation("Ville de Dakar", geonameid=2253354)
        partnership = services.partnership_create(
            parties=[(lyon, "lead"), (dakar, "partner")], publication_status="published"
        )
        project = make_project(partnership=partnership, planned_start=datetime.date(2024, 1, 1))
    indexed = SearchDocument.objects.filter(record_type="partnership", object_id=partnership.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.party_update(party=partnership.party_links.get(organisation=dakar), role="funder", joined_on=JOINED)
    partnership.refresh_from_db()
    assert indexed.get().record_updated_at == partnership.updated_at
    xml = b"".join(activities_xml(lyon)).decode()
    assert '<participating-org type="11" role="1"><narrative>Ville de Dakar</narrative>' in xml
    assert project.display_title in xml


# Page: works without JavaScript, htmx swaps the section


def test_party_change_page_without_javascript(world, client):
    lyon, dakar, partnership = world
    client.force_login(make_member(lyon, role="admin"))
    party = partnership.party_links.get(organisation=dakar)
    page = client.get(reverse("cooperation:partnership_update", args=[partnership.pk])).content.decode()
    assert reverse("cooperation:party_change", args=[partnership.pk, party.pk]) in page
    response = client.post(
        reverse("cooperation:party_change", args=[partnership.pk, party.pk]),
        {"role": "associate", "joined_on": "2019-03-01"},
        follow=True,
    )
    assert "Saved: Ville de Dakar." in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("/edit/#parties")
    assert roles(partnership)[0] == ("Ville de Dakar", "associate", JOINED)


def test_party_change_htmx_answers_with_the_section_and_its_message(world, client):
    lyon, dakar, partnership = world
    client.force_login(make_member(lyon, role="admin"))
    party = partnership.party_links.get(organisation=dakar)
    response = client.post(
        reverse("cooperation:party_change", args=[partnership.pk, party.pk]),
        {"role": "boss", "joined_on": "2019-03-01"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.startswith('<section id="parties">')
    assert "Select a valid choice. boss is not one of the available choices." in html
    assert roles(partnership)[0] == ("Ville de Dakar", "partner", None)
    response = client.post(
        reverse("cooperation:party_change", args=[partnership.pk, party.pk]),
        {"role": "funder", "joined_on": ""},
        headers={"HX-Request": "true"},
    )
    assert "Saved: Ville de Dakar." in response.content.decode()
    assert '<option value="funder" selected>' in response.content.decode()


def test_party_add_with_joining_date_and_htmx(world, client):
    lyon, _dakar, partnership = world
    thies = make_organisation("Ville de Thiès", geonameid=2244802)
    client.force_login(make_member(lyon, role="admin"))
    response = client.post(
        reverse("cooperation:party_add", args=[partnership.pk]),
        {"organisations": [thies.pk], "role": "associate", "joined_on": "2019-03-01"},
        headers={"HX-Request": "true"},
    )
    assert "1 party added." in response.content.decode()
    assert ("Ville de Thiès", "associate", JOINED) in roles(partnership)


def test_party_editor_sees_roles_without_forms(world, client):
    _lyon, dakar, partnership = world
    services.party_update(party=partnership.party_links.get(organisation=dakar), role="funder", joined_on=JOINED)
    client.force_login(make_member(dakar, role="editor"))
    page = client.get(reverse("cooperation:partnership_update", args=[partnership.pk])).content.decode()
    assert "Funder, joined March 1, 2019" in page
    assert "party_change" not in page and 'name="joined_on"' not in page


PARTY_PERSONAS = ["anonymous", "unrelated_admin", "party_editor", "party_admin", "coordinator"]
EXPECTED_PARTY_CHANGE = {
    "anonymous": {"change": "login", "change_draft": "missing"},
    "unrelated_admin": {"change": "forbidden", "change_draft": "missing"},
    "party_editor": {"change": "forbidden", "change_draft": "forbidden"},
    "party_admin": {"change": "ok", "change_draft": "ok"},
    "coordinator": {"change": "ok", "change_draft": "ok"},
}


def test_permission_matrix_party_change(client):
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    published, draft = make_partnership(lyon, dakar), make_partnership(lyon, dakar, published=False)
    users = {
        "anonymous": None,
        "unrelated_admin": make_member(make_organisation("Bordeaux", geonameid=3031582), role="admin"),
        "party_editor": make_member(dakar),
        "party_admin": make_member(lyon, role="admin"),
        "coordinator": make_user(is_coordinator=True),
    }
    got = {}
    for persona in PARTY_PERSONAS:
        client.logout()
        if users[persona] is not None:
            client.force_login(users[persona])
        got[persona] = {
            name: outcome(
                client.post(
                    reverse(
                        "cooperation:party_change", args=[record.pk, record.party_links.get(organisation=dakar).pk]
                    ),
                    {"role": "funder"},
                )
            )
            for name, record in (("change", published), ("change_draft", draft))
        }
        expected_role = "funder" if got[persona]["change"] == "ok" else "partner"
        assert published.party_links.get(organisation=dakar).role == expected_role
        PartnershipParty.objects.update(role="partner")
    assert got == EXPECTED_PARTY_CHANGE
