"""Who may do what with strategies and scorecards: the one place for access checks (``rules``).

A strategy follows the record it belongs to: an organisation's strategy is edited by those who edit
the organisation; a partnership's joint strategy by those who edit the partnership (the editors of
either party), so both sides see and maintain the same strategy.

Permissions (the object is a Strategy, except where said):
    strategy.add_strategy(owner)     owner: an Organisation or a Partnership; who may change the owner
    strategy.view_strategy           published (and its owner visible): everyone; draft: the owner's
                                     members, coordinators, the coordinators of the owner's country
    strategy.change_strategy         who may change the owner (objectives, indicators, targets, projects)
    strategy.confirm_strategy        same as change
    strategy.publish_strategy        same as change
    strategy.view_strategy_history   same as change
    strategy.delete_strategy         who may delete the owner (its administrators, coordinators)

A scorecard is read with the permission to view its partnership or organisation
(``cooperation.view_partnership``, ``actors.view_organisation``); the statistics are public (they
count published partnerships only).
"""

import rules


def _owner_permission(organisation_permission: str, partnership_permission: str):
    @rules.predicate
    def predicate(user, strategy):
        if strategy is None:
            return False
        if strategy.organisation_id:
            return user.has_perm(organisation_permission, strategy.organisation)
        return user.has_perm(partnership_permission, strategy.partnership)

    return predicate


@rules.predicate
def may_change_owner(user, owner):
    from coopdec.actors.models import Organisation

    if owner is None:
        return False
    if isinstance(owner, Organisation):
        return user.has_perm("actors.change_organisation", owner)
    return user.has_perm("cooperation.change_partnership", owner)


@rules.predicate
def is_published_strategy(user, strategy):
    return strategy is not None and strategy.is_published


owner_visible = _owner_permission("actors.view_organisation", "cooperation.view_partnership")
# The owner's members: for an organisation, its dashboard readers; for a partnership, whoever sees its drafts.
owner_insider = _owner_permission("actors.view_dashboard", "strategy.member_of_partnership")
owner_editor = _owner_permission("actors.change_organisation", "cooperation.change_partnership")
owner_deleter = _owner_permission("actors.delete_organisation", "cooperation.delete_partnership")


@rules.predicate
def is_partnership_member(user, partnership):
    from coopdec.cooperation.rules import is_party_member

    return is_party_member(user, partnership)


rules.add_perm("strategy.member_of_partnership", is_partnership_member)
rules.add_perm("strategy.add_strategy", may_change_owner)
rules.add_perm("strategy.view_strategy", (is_published_strategy & owner_visible) | owner_insider | owner_editor)
rules.add_perm("strategy.change_strategy", owner_editor)
rules.add_perm("strategy.confirm_strategy", owner_editor)
rules.add_perm("strategy.publish_strategy", owner_editor)
rules.add_perm("strategy.view_strategy_history", owner_editor)
rules.add_perm("strategy.delete_strategy", owner_deleter)
