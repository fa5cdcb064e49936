"""An organisation's versions keep its contacts, and restoring one brings them back under their
former ids; members and their roles are access control, never restored."""

import pytest
from django.urls import reverse

from coopdec.actors import services
from coopdec.actors.duplicates import organisations_merge
from coopdec.actors.models import Contact, Membership, MembershipRole
from coopdec.common import services as record_services
from coopdec.common import versions
from coopdec.common.records import history_entries
from tests.factories import make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db


def contacts_of(organisation) -> list[tuple[int, str, str, str]]:
    return sorted(organisation.contacts.values_list("pk", "kind", "name", "email"))


def test_contact_changes_are_versions_of_the_organisation():
    editor = make_user()
    organisation = services.organisation_create(user=editor, name="Eau Vive Sénégal", kind="ngo", country="SN")
    contact = services.contact_create(
        organisation=organisation,
        user=editor,
        name=" Awa Diop ",
        kind="elected",
        function="Adjointe",
        email="awa.diop@example.org",
    )
    contact_id = contact.pk
    services.contact_delete(contact=contact, user=editor)
    versions = list(
        organisation.history.order_by("history_id").values_list("history_change_reason", "history_user_id", "relations")
    )
    row = [contact_id, organisation.pk, "elected", "Awa Diop", "Adjointe", "awa.diop@example.org", ""]
    assert versions == [
        (None, editor.pk, {"contacts": []}),
        ("contact added", editor.pk, {"contacts": [row]}),
        ("contact removed", editor.pk, {"contacts": []}),
    ]
    assert [entry["reason"] for entry in history_entries(organisation)] == ["contact removed", "contact added", ""]
    assert [(str(c["field"]), c["old"], c["new"]) for c in history_entries(organisation)[1]["changes"]] == [
        ("Contacts", "—", "Awa Diop, Adjointe, awa.diop@example.org")
    ]


def test_restore_brings_back_contacts_under_their_ids_and_leaves_members_alone():
    organisation = make_organisation("Ville de Lyon", geonameid=2996944)
    admin = make_member(organisation, role=MembershipRole.ADMIN)
    kept = services.contact_create(
        organisation=organisation,
        user=admin,
        name="Jean Martin",
        kind="staff",
        function="Chargé de mission",
        email="jmartin@example.org",
    )
    removed = services.contact_create(organisation=organisation, user=admin, name="Marie Curie", kind="elected")
    version, removed_id = organisation.history.latest(), removed.pk
    services.contact_delete(contact=removed, user=admin)
    later = services.contact_create(organisation=organisation, user=admin, name="Paul Durand", kind="staff")
    services.organisation_update(organisation=organisation, user=admin, acronym="VdL")
    newcomer = make_member(organisation)  # members come and go, roles change: not part of a version
    Membership.objects.filter(user=admin, organisation=organisation).update(role=MembershipRole.EDITOR)
    make_member(organisation, role=MembershipRole.ADMIN)

    record_services.record_restore(record=organisation, history_id=version.history_id, user=admin)

    assert contacts_of(organisation) == [
        (kept.pk, "staff", "Jean Martin", "jmartin@example.org"),
        (removed_id, "elected", "Marie Curie", ""),
    ]
    assert not Contact.objects.filter(pk=later.pk).exists()
    organisation.refresh_from_db()
    assert organisation.acronym == ""
    assert organisation.history.latest().history_change_reason.startswith("restored ")
    assert Contact.history.filter(id=removed_id, history_type="+").latest().history_user == admin
    assert Contact.history.filter(id=later.pk, history_type="-").get().history_user == admin
    roles = dict(organisation.memberships.values_list("user_id", "role"))
    assert roles[admin.pk] == "editor" and roles[newcomer.pk] == "editor" and len(roles) == 3


def test_restore_can_itself_be_undone():
    organisation = make_organisation("Ville de Dakar", geonameid=2253354)
    editor = make_member(organisation)
    contact = services.contact_create(organisation=organisation, user=editor, name="Awa Diop", kind="elected")
    with_contact = organisation.history.latest()
    record_services.record_restore(
        record=organisation, history_id=organisation.history.earliest().history_id, user=editor
    )
    assert contacts_of(organisation) == []
    record_services.record_restore(record=organisation, history_id=with_contact.history_id, user=editor)
    assert contacts_of(organisation) == [(contact.pk, "elected", "Awa Diop", "")]


def test_merge_keeps_the_kept_organisations_earlier_contacts():
    keep = make_organisation("Ville de Lyon", geonameid=2996944)
    drop = make_organisation("Lyon", geonameid=2996944)
    own = services.contact_create(organisation=keep, name="Jean Martin", kind="staff")
    Contact.objects.create(organisation=drop, name="Marie Curie", kind="elected")
    before = keep.history.latest()
    organisations_merge(keep=keep, drop=drop)
    before.refresh_from_db()
    assert [row[0] for row in before.relations["contacts"]] == [own.pk]
    assert len(keep.history.latest().relations["contacts"]) == 2


def test_history_page_says_members_are_not_restored(client):
    organisation = make_organisation("Ville de Lyon", geonameid=2996944)
    editor = make_member(organisation)
    services.contact_create(organisation=organisation, user=editor, name="Jean Martin", kind="staff")
    client.force_login(editor)
    page = client.get(reverse("actors:organisation_history", args=[organisation.pk])).content.decode()
    assert "with what it held then: Contacts." in page
    assert (
        "Members and their roles are not part of a version: restoring one never changes who may edit or "
        "administer the organisation."
    ) in page
    assert "Jean Martin" in page
    response = client.post(
        reverse("actors:organisation_restore", args=[organisation.pk, organisation.history.earliest().history_id]),
        follow=True,
    )
    assert "The earlier version was restored as a new version; nothing was erased." in response.content.decode()
    assert contacts_of(organisation) == []


def test_organisation_versions_store_the_contacts_when_they_change_and_restore_walks_back():
    organisation = make_organisation("Ville de Thiès", geonameid=2244802)
    admin = make_member(organisation, role=MembershipRole.ADMIN)
    first = services.contact_create(organisation=organisation, user=admin, name="Awa Diop", kind="elected")
    second = services.contact_create(organisation=organisation, user=admin, name="Jean Martin", kind="staff")
    both, ids = organisation.history.latest(), (first.pk, second.pk)
    services.organisation_update(organisation=organisation, user=admin, acronym="VdT")
    services.organisation_update(organisation=organisation, user=admin, website="https://thies.example.org")
    services.contact_delete(contact=first, user=admin)
    services.contact_create(organisation=organisation, user=admin, name="Paul Durand", kind="staff")
    stored = [version.relations for version in organisation.history.order_by("history_date", "history_id")]
    assert stored[0] == {"contacts": []}  # created through the ORM, like an import: learnt before the first contact
    assert [list(relations) for relations in stored[1:]] == [
        ["contacts"],
        ["contacts"],
        [],
        [],
        ["contacts"],
        ["contacts"],
    ]
    record_services.record_restore(record=organisation, history_id=both.history_id, user=admin)
    assert [pk for pk, *_rest in contacts_of(organisation)] == sorted(ids)
    assert organisation.history.latest().relations == {"contacts": versions.relations_at(both)["contacts"]}
