"""Who may do what with organisations: the one place for access checks (``rules`` package).

Check with ``user.has_perm("actors.<permission>", organisation)`` (or ``rules.test_rule``); views,
forms and API endpoints all go through these. Stable names:

Predicates (usable by other apps' rules):
    is_coordinator                 platform coordinator (or superuser): may edit and validate everything
    is_member_of(org)              any membership of ``org``
    is_editor_of(org)              editor or administrator of ``org``
    is_admin_of(org)               administrator of ``org``
    is_published(record)           a record (organisation, partnership, project) is published
    is_editor_somewhere            the user edits at least one organisation
    coordinates_a_country          the user is a country coordinator (actors.CountryCoordinator)
    coordinates_country_of(org)    the user coordinates the organisation's country

A country coordinator reviews the records of their country as a platform coordinator does
(view drafts, correct, confirm, publish), but neither deletes them nor manages their members.

Permissions (the object is an Organisation):
    actors.view_organisation       published: everyone; draft: its members, coordinators, the
                                   coordinators of its country, and the user who proposed it as a
                                   partner (read only)
    actors.add_organisation        any signed-in user (the creator becomes its administrator)
    actors.change_organisation     its editors and administrators, coordinators, the coordinators of its country
    actors.confirm_organisation    same as change ("still accurate")
    actors.publish_organisation    same as change
    actors.delete_organisation     its administrators, coordinators
    actors.manage_members          its administrators, coordinators (roles, removals, withdrawing invitations)
    actors.invite_members          its editors and administrators, coordinators (editors invite editors only)
    actors.view_organisation_history  its editors, coordinators, the coordinators of its country
                                   (the history names users)
    actors.view_dashboard          its members, coordinators, the coordinators of its country
                                   (freshness dashboard)
    actors.view_contacts           any signed-in user (contacts are never shown to anonymous visitors)
    actors.change_own_reminders    (no object) any signed-in user: turns their own e-mail reminders on or off
    actors.view_coordinator_dashboard  (no object) platform coordinators (every country), country
                                   coordinators (their countries: ``coordinated_country_codes``)
    actors.answer_access_request   (object: an AccessRequest) the organisation's administrators, the
                                   coordinators of its country, platform coordinators
"""

import rules

from .models import EDITING_ROLES, MembershipRole
from .selectors import can_answer_access_request, coordinated_country_codes, roles_of
from .selectors import is_coordinator as _is_coordinator


@rules.predicate
def is_coordinator(user):
    return _is_coordinator(user)


@rules.predicate
def is_member_of(user, organisation):
    if organisation is None:
        return False
    return organisation.pk in roles_of(user)


@rules.predicate
def is_editor_of(user, organisation):
    if organisation is None:
        return False
    return roles_of(user).get(organisation.pk) in EDITING_ROLES


@rules.predicate
def is_admin_of(user, organisation):
    if organisation is None:
        return False
    return roles_of(user).get(organisation.pk) == MembershipRole.ADMIN


@rules.predicate
def is_published(user, record):
    # Without an object (a list page), reading is allowed: lists are filtered by the selectors.
    return record is None or record.is_published


@rules.predicate
def is_proposer_of(user, organisation):
    return user.is_authenticated and getattr(organisation, "proposed_by_id", None) == user.pk


@rules.predicate
def may_answer_access_request(user, access_request):
    return access_request is not None and can_answer_access_request(user, access_request)


@rules.predicate
def is_editor_somewhere(user):
    return bool(roles_of(user))


@rules.predicate
def coordinates_a_country(user):
    return bool(coordinated_country_codes(user))


@rules.predicate
def coordinates_country_of(user, organisation):
    return organisation is not None and organisation.country_id in coordinated_country_codes(user)


is_signed_in = rules.is_authenticated & rules.is_active
# Platform coordinators, and the coordinators of the organisation's country.
reviews = is_coordinator | coordinates_country_of

rules.add_perm("actors.view_organisation", is_published | is_member_of | reviews | is_proposer_of)
rules.add_perm("actors.add_organisation", is_signed_in)
rules.add_perm("actors.change_organisation", is_editor_of | reviews)
rules.add_perm("actors.confirm_organisation", is_editor_of | reviews)
rules.add_perm("actors.publish_organisation", is_editor_of | reviews)
rules.add_perm("actors.delete_organisation", is_admin_of | is_coordinator)
rules.add_perm("actors.manage_members", is_admin_of | is_coordinator)
rules.add_perm("actors.invite_members", is_editor_of | is_coordinator)
rules.add_perm("actors.view_organisation_history", is_editor_of | reviews)
rules.add_perm("actors.view_dashboard", is_member_of | reviews)
rules.add_perm("actors.view_contacts", is_signed_in)
rules.add_perm("actors.change_own_reminders", is_signed_in)
rules.add_perm("actors.view_coordinator_dashboard", is_coordinator | coordinates_a_country)
rules.add_perm("actors.answer_access_request", may_answer_access_request)
