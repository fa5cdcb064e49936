"""Who may do what in participation spaces: the one place for access checks (``rules`` package).

A space belongs to a partnership (or to one organisation's whole cooperation) and is seen by whoever
may see that record. A participant profile gives no right on the register's records: editing
organisations, partnerships and projects comes from memberships only (``actors``, ``cooperation``).

Permissions:
    participation.add_space(record)        (a Partnership or an Organisation) the editors of its parties
                                           (of the organisation), platform coordinators
    participation.view_space(space)        whoever may see its partnership or organisation
    participation.take_part(space)         anyone signed in who may see it (the services then ask for a
                                           participant profile of one of its territories and an open phase)
    participation.manage_space(space)      the editors of its deciding parties, platform coordinators
                                           (dates, budget, answers, feasibility reviews, projects)
    participation.moderate_space(space)    same as manage, and the coordinators of a party's country
                                           (moderation queue, hiding with a reason)
    participation.view_proposal(proposal)  a shown proposal: whoever sees its space; a hidden one: its
                                           author and the space's moderators
    participation.report(proposal)         anyone signed in who may see it
"""

import rules

from coopdec.actors.rules import is_coordinator, is_editor_of
from coopdec.actors.selectors import coordinated_country_codes
from coopdec.cooperation.models import Partnership
from coopdec.cooperation.rules import is_party_editor

from . import selectors

is_signed_in = rules.is_authenticated & rules.is_active


@rules.predicate
def may_see_record(user, space):
    if space is None:
        return True
    if space.partnership_id:
        return user.has_perm("cooperation.view_partnership", space.partnership)
    return user.has_perm("actors.view_organisation", space.organisation)


@rules.predicate
def edits_the_record(user, record):
    if record is None:
        return False
    if isinstance(record, Partnership):
        return is_party_editor(user, record)
    return is_editor_of(user, record)


@rules.predicate
def manages_space(user, space):
    return space is not None and user.is_authenticated and selectors.manages(user, space)


@rules.predicate
def coordinates_a_space_country(user, space):
    countries = coordinated_country_codes(user)
    if not countries or space is None:
        return False
    return any(party.country_id in countries for party in selectors.deciding_parties(space))


@rules.predicate
def is_proposal_author(user, proposal):
    return proposal is not None and user.is_authenticated and proposal.author_id == user.pk


@rules.predicate
def proposal_shown(user, proposal):
    return proposal is not None and not proposal.is_hidden


def _space_of(predicate):
    """A predicate on a space, applied to a proposal's space."""

    @rules.predicate(name=f"{predicate.name}_of_proposal")
    def of_proposal(user, proposal):
        return proposal is not None and predicate.test(user, proposal.space)

    return of_proposal


can_manage = manages_space | is_coordinator
can_moderate = can_manage | coordinates_a_space_country

rules.add_perm("participation.add_space", edits_the_record | is_coordinator)
rules.add_perm("participation.view_space", may_see_record)
rules.add_perm("participation.take_part", is_signed_in & may_see_record)
rules.add_perm("participation.manage_space", can_manage)
rules.add_perm("participation.moderate_space", can_moderate)
rules.add_perm(
    "participation.view_proposal",
    _space_of(may_see_record) & (proposal_shown | is_proposal_author | _space_of(can_moderate)),
)
rules.add_perm("participation.report", is_signed_in & _space_of(may_see_record) & proposal_shown)
