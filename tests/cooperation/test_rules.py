"""The permission matrix through the rules: (who) × (what) for organisations, partnerships, projects."""

import pytest

from coopdec.actors.models import MembershipRole
from tests.factories import (
    make_member,
    make_organisation,
    make_partnership,
    make_project,
    make_user,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "unrelated_member", "party_editor", "party_admin", "coordinator"]
ACTIONS = ["view_draft", "view_published", "edit", "delete", "manage_members"]

# The expected answer for every (persona, action); identical for the three record types.
EXPECTED = {
    "anonymous": {"view_draft": False, "view_published": True, "edit": False, "delete": False, "manage_members": False},
    "unrelated_member": {
        "view_draft": False,
        "view_published": True,
        "edit": False,
        "delete": False,
        "manage_members": False,
    },
    "party_editor": {
        "view_draft": True,
        "view_published": True,
        "edit": True,
        "delete": False,
        "manage_members": False,
    },
    "party_admin": {"view_draft": True, "view_published": True, "edit": True, "delete": True, "manage_members": True},
    "coordinator": {"view_draft": True, "view_published": True, "edit": True, "delete": True, "manage_members": True},
}

PERMISSIONS = {
    "organisation": {
        "view": "actors.view_organisation",
        "edit": "actors.change_organisation",
        "delete": "actors.delete_organisation",
        "manage_members": "actors.manage_members",
    },
    "partnership": {
        "view": "cooperation.view_partnership",
        "edit": "cooperation.change_partnership",
        "delete": "cooperation.delete_partnership",
        "manage_members": "cooperation.manage_parties",
    },
    "project": {
        "view": "cooperation.view_project",
        "edit": "cooperation.change_project",
        "delete": "cooperation.delete_project",
        "manage_members": "cooperation.manage_participants",
    },
}


def build_world(*, published: bool):
    """Two partner cities (Lyon and Dakar) and an unrelated one (Bordeaux), each with its people."""
    from django.contrib.auth.models import AnonymousUser

    ours = make_organisation("Ville de Lyon", geonameid=2996944, published=published)
    theirs = make_organisation("Ville de Dakar", geonameid=2253354, published=published)
    unrelated = make_organisation("Bordeaux", geonameid=3031582)
    partnership = make_partnership(ours, theirs, published=published)
    # The project belongs to the partnership and is led by Lyon (whose editors declare its participants).
    project = make_project(partnership=partnership, lead=ours, published=published)
    users = {
        "anonymous": AnonymousUser(),
        "unrelated_member": make_member(unrelated, role=MembershipRole.ADMIN),
        "party_editor": make_member(theirs, role=MembershipRole.EDITOR),
        "party_admin": make_member(ours, role=MembershipRole.ADMIN),
        "coordinator": make_user(is_coordinator=True),
    }
    # For organisations, "editor of a party" is an editor of that very organisation: the other side (Dakar).
    organisations = {persona: ours for persona in PERSONAS} | {"party_editor": theirs}
    return users, {"organisation": organisations, "partnership": partnership, "project": project}


def record_for(records, record_type, persona):
    record = records[record_type]
    return record[persona] if isinstance(record, dict) else record


def answer(user, record_type, record, action):
    permissions = PERMISSIONS[record_type]
    if action.startswith("view"):
        return user.has_perm(permissions["view"], record)
    return user.has_perm(permissions[action], record)


@pytest.mark.parametrize("record_type", ["organisation", "partnership", "project"])
def test_permission_matrix_rules_match_expectations(record_type):
    draft_users, drafts = build_world(published=False)
    published_users, published = build_world(published=True)
    got = {}
    for persona in PERSONAS:
        got[persona] = {}
        for action in ACTIONS:
            if action == "view_draft":
                record = record_for(drafts, record_type, persona)
                got[persona][action] = answer(draft_users[persona], record_type, record, action)
            else:
                record = record_for(published, record_type, persona)
                got[persona][action] = answer(published_users[persona], record_type, record, action)
    assert got == EXPECTED


def test_project_led_without_partnership_editable_by_lead_editors_only():
    lead = make_organisation("Ville de Lyon", geonameid=2996944)
    other = make_organisation("Bordeaux", geonameid=3031582)
    project = make_project(lead=lead, published=False)
    assert make_member(lead).has_perm("cooperation.change_project", project) is True
    assert make_member(other).has_perm("cooperation.change_project", project) is False
    assert make_member(other).has_perm("cooperation.view_project", project) is False


def test_contacts_visible_to_signed_in_users_only():
    from django.contrib.auth.models import AnonymousUser

    assert AnonymousUser().has_perm("actors.view_contacts") is False
    assert make_user().has_perm("actors.view_contacts") is True


def test_add_partnership_requires_an_editor_membership():
    organisation = make_organisation()
    assert make_user().has_perm("cooperation.add_partnership") is False
    assert make_member(organisation).has_perm("cooperation.add_partnership") is True
