"""Restoring a version of a partnership or a project brings back its relations as they were."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coopdec.atlas.models import SearchDocument
from coopdec.common import services as record_services
from coopdec.common import versions
from coopdec.common.records import history_entries
from coopdec.cooperation import services
from coopdec.cooperation.models import Contribution, PartnershipParty, ProjectParticipant
from tests.factories import make_member, make_organisation, make_partnership, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cities():
    return (
        make_organisation("Ville de Lyon", geonameid=2996944),
        make_organisation("Ville de Dakar", geonameid=2253354),
        make_organisation("Ville de Thiès", geonameid=2244802),
    )


def parties_of(partnership):
    return sorted(partnership.party_links.values_list("organisation__name", "role"))


def indexed_sectors(project) -> str:
    return SearchDocument.objects.get(record_type="project", object_id=project.pk).sectors


def oldest(record):
    return record.history.order_by("history_date", "history_id").first()


def test_partnership_restore_brings_back_parties_and_roles(cities):
    lyon, dakar, thies = cities
    editor = make_member(lyon, role="admin")
    partnership = services.partnership_create(user=editor, parties=[(lyon, "lead"), (dakar, "partner")])
    services.party_add(partnership=partnership, organisation=thies, role="funder", user=editor)
    before = oldest(partnership)
    record_services.record_restore(record=partnership, history_id=before.history_id, user=editor)
    assert parties_of(partnership) == [("Ville de Dakar", "partner"), ("Ville de Lyon", "lead")]
    assert partnership.history.count() == 3
    newest = partnership.history.latest()
    assert newest.history_user == editor
    parties = versions.sort_rows([[lyon.pk, "lead", None], [dakar.pk, "partner", None]])
    assert newest.relations == {"parties": parties}  # only what the restore changed is stored with it
    assert versions.relations_at(newest) == {"parties": parties, "documents": []}
    removal = PartnershipParty.history.filter(organisation_id=thies.pk, history_type="-").get()
    assert removal.history_user == editor


def test_partnership_restore_can_itself_be_undone(cities):
    lyon, dakar, thies = cities
    partnership = services.partnership_create(parties=[lyon, dakar])
    services.party_add(partnership=partnership, organisation=thies)
    with_thies = partnership.history.latest()
    record_services.record_restore(record=partnership, history_id=oldest(partnership).history_id)
    assert len(parties_of(partnership)) == 2
    record_services.record_restore(record=partnership, history_id=with_thies.history_id)
    assert [name for name, _role in parties_of(partnership)] == ["Ville de Dakar", "Ville de Lyon", "Ville de Thiès"]


def test_project_restore_brings_back_every_relation_and_support_types(cities):
    lyon, dakar, thies = cities
    partnership = services.partnership_create(parties=[lyon, dakar])
    project = services.project_create(
        partnership=partnership,
        lead_organisation=lyon,
        title={"fr": "Eau potable"},
        sectors={"14030": 70, "14031": 30},
        sdgs=["6", "6.1"],
        axes=["water-sanitation"],
        locations=[2253354],
        support_types=["technical", "financial"],
    )
    services.contribution_add(project=project, organisation=lyon, amount="120000", currency="EUR")
    services.participant_add(project=project, organisation=thies, role="1")
    first = project.history.latest()
    services.project_update(
        project=project, sectors={"15112": 100}, sdgs=["11.3"], axes=[], locations=[2244802], support_types=["human"]
    )
    services.contribution_remove(contribution=Contribution.objects.get())
    services.participant_remove(participant=ProjectParticipant.objects.get())

    record_services.record_restore(record=project, history_id=first.history_id)
    project.refresh_from_db()
    assert project.support_types == ["technical", "financial"]
    assert sorted(project.sectors.values_list("code", "percentage")) == [
        ("14030", Decimal("70.00")),
        ("14031", Decimal("30.00")),
    ]
    assert sorted(project.sdgs.values_list("target", flat=True)) == ["6", "6.1"]
    assert list(project.axes.values_list("code", flat=True)) == ["water-sanitation"]
    assert list(project.locations.values_list("locality_id", "name")) == [(2253354, "Dakar")]
    assert list(project.contributions.values_list("organisation_id", "amount", "currency")) == [
        (lyon.pk, Decimal("120000.00"), "EUR")
    ]
    assert list(project.participants.values_list("organisation_id", "role")) == [(thies.pk, "1")]


def test_project_restore_keeps_the_atlas_current(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the atlas reindexes after each commit
        lyon = make_organisation("Ville de Lyon", geonameid=2996944)
        project = services.project_create(
            lead_organisation=lyon, title={"fr": "Eau"}, sectors={"14030": 100}, publication_status="published"
        )
    first = project.history.latest()
    with django_capture_on_commit_callbacks(execute=True):
        services.project_update(project=project, sectors={"15112": 100})
    assert "15112" in indexed_sectors(project) and "14030" not in indexed_sectors(project)
    with django_capture_on_commit_callbacks(execute=True):
        record_services.record_restore(record=project, history_id=first.history_id)
    assert "14030" in indexed_sectors(project) and "15112" not in indexed_sectors(project)


def test_restore_refused_when_a_party_no_longer_exists_writes_nothing(cities):
    lyon, dakar, thies = cities
    partnership = services.partnership_create(parties=[lyon, dakar, thies])
    first = partnership.history.latest()
    services.party_remove(party=partnership.party_links.get(organisation=thies))
    thies_id = thies.pk
    thies.delete()
    count = partnership.history.count()
    with pytest.raises(ValidationError) as raised:
        record_services.record_restore(record=partnership, history_id=first.history_id)
    assert raised.value.messages == [
        f"This version names organisations that no longer exist (#{thies_id}); it cannot be restored as it was."
    ]
    assert len(parties_of(partnership)) == 2
    assert partnership.history.count() == count


def test_version_written_without_relations_learns_them_before_the_next_change(cities):
    """An import writes versions in bulk, without relations: the next change records what they were."""
    lyon, dakar, thies = cities
    partnership = make_partnership(lyon, dakar)  # saved through the ORM, parties added afterwards, like an import
    imported = partnership.history.get()
    assert imported.relations is None
    services.party_add(partnership=partnership, organisation=thies)
    imported.refresh_from_db()
    assert imported.relations == {
        "parties": versions.sort_rows([[lyon.pk, "partner", None], [dakar.pk, "partner", None]]),
        "documents": [],
    }
    record_services.record_restore(record=partnership, history_id=imported.history_id)
    assert len(parties_of(partnership)) == 2


def test_restore_of_a_version_without_relations_restores_fields_only(client, cities):
    lyon, dakar, thies = cities
    partnership = make_partnership(lyon, dakar, title={"fr": "Jumelage"})
    first = partnership.history.get()
    PartnershipParty.objects.create(partnership=partnership, organisation=thies)  # written without a version
    services.partnership_update(partnership=partnership, title={"fr": "Coopération"})
    first.refresh_from_db()
    first.relations = None  # as an import leaves it
    first.save(update_fields=["relations"])
    client.force_login(make_member(lyon, role="admin"))
    response = client.post(
        reverse("cooperation:partnership_restore", args=[partnership.pk, first.history_id]), follow=True
    )
    partnership.refresh_from_db()
    assert partnership.title == {"fr": "Jumelage"}
    assert len(parties_of(partnership)) == 3
    assert (
        "That version did not record its relations (parties, sectors, places...), so they were left as they are."
        in response.content.decode()
    )


def test_history_page_shows_relation_changes_and_offers_to_restore_them(client, cities):
    lyon, dakar, thies = cities
    partnership = services.partnership_create(parties=[lyon, dakar])
    services.party_add(partnership=partnership, organisation=thies, role="funder")
    entries = history_entries(partnership)
    assert [(str(change["field"]), change["old"], change["new"]) for change in entries[0]["changes"]] == [
        ("Parties", "—", "Ville de Thiès (Funder)")
    ]
    assert entries[1]["restorable"] is True
    client.force_login(make_member(lyon, role="admin"))
    page = client.get(reverse("cooperation:partnership_history", args=[partnership.pk])).content.decode()
    assert "Ville de Thiès (Funder)" in page
    assert reverse("cooperation:partnership_restore", args=[partnership.pk, entries[1]["version"].history_id]) in page


def test_restore_changing_parties_refused_to_a_party_editor(client, cities):
    """Editors change a partnership, but only a party's administrators add or remove parties."""
    lyon, dakar, thies = cities
    partnership = services.partnership_create(parties=[lyon, dakar])
    services.party_add(partnership=partnership, organisation=thies)
    first = oldest(partnership)
    client.force_login(make_member(dakar, role="editor"))
    response = client.post(
        reverse("cooperation:partnership_restore", args=[partnership.pk, first.history_id]), follow=True
    )
    assert "Restoring this version would also change: parties, which you may not change." in response.content.decode()
    assert len(parties_of(partnership)) == 3
    client.force_login(make_member(dakar, role="admin", user=make_user()))
    client.post(reverse("cooperation:partnership_restore", args=[partnership.pk, first.history_id]))
    assert len(parties_of(partnership)) == 2


def test_restore_changing_participants_refused_to_a_partner_editor(client, cities):
    lyon, dakar, thies = cities
    partnership = services.partnership_create(parties=[lyon, dakar])
    project = services.project_create(partnership=partnership, lead_organisation=lyon, title={"fr": "Eau"})
    first = project.history.latest()
    services.participant_add(project=project, organisation=thies, role="1")
    client.force_login(make_member(dakar, role="admin"))
    response = client.post(reverse("cooperation:project_restore", args=[project.pk, first.history_id]), follow=True)
    assert "would also change: participating organisations, which you may not change" in response.content.decode()
    assert project.participants.count() == 1
    client.force_login(make_member(lyon, role="editor"))
    client.post(reverse("cooperation:project_restore", args=[project.pk, first.history_id]))
    assert project.participants.count() == 0
