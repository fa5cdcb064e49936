"""Who may do what in matchmaking: the one place for access checks (``rules`` package).

Permissions:
    matching.view_listing            current offers and requests of published organisations: everyone;
                                     the others (expired, future, draft organisation): its editors, coordinators
    matching.manage_listings         object: an Organisation; its editors and administrators, coordinators
                                     (publish, edit and delete its offers and requests)
    matching.view_recommendations    object: an Organisation; its editors, coordinators
    matching.send_proposal           object: the sending Organisation; its editors (coordinators too)
    matching.answer_proposal         object: a Proposal; the recipient's editors, coordinators
    matching.view_proposal           object: a Proposal; editors of either side, coordinators, and the
                                     coordinators of the recipient's country (a proposal to an
                                     organisation with no editor is sent to them)
"""

import rules

from coopdec.actors.models import EDITING_ROLES
from coopdec.actors.rules import is_coordinator, is_editor_of
from coopdec.actors.selectors import coordinated_country_codes, roles_of


@rules.predicate
def is_listing_public(user, listing):
    return listing is None or (listing.organisation.is_published and listing.is_current())


@rules.predicate
def edits_listing_organisation(user, listing):
    return listing is not None and roles_of(user).get(listing.organisation_id) in EDITING_ROLES


@rules.predicate
def edits_recipient(user, proposal):
    return proposal is not None and roles_of(user).get(proposal.recipient_id) in EDITING_ROLES


@rules.predicate
def edits_either_side(user, proposal):
    if proposal is None:
        return False
    roles = roles_of(user)
    return roles.get(proposal.recipient_id) in EDITING_ROLES or roles.get(proposal.sender_id) in EDITING_ROLES


@rules.predicate
def coordinates_recipient_country(user, proposal):
    return proposal is not None and proposal.recipient.country_id in coordinated_country_codes(user)


rules.add_perm("matching.view_listing", is_listing_public | edits_listing_organisation | is_coordinator)
rules.add_perm("matching.manage_listings", is_editor_of | is_coordinator)
rules.add_perm("matching.view_recommendations", is_editor_of | is_coordinator)
rules.add_perm("matching.send_proposal", is_editor_of | is_coordinator)
rules.add_perm("matching.answer_proposal", edits_recipient | is_coordinator)
rules.add_perm("matching.view_proposal", edits_either_side | is_coordinator | coordinates_recipient_country)
