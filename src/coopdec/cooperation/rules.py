"""Who may do what with partnerships and projects: the one place for access checks (``rules``).

Check with ``user.has_perm("cooperation.<permission>", record)``; every view, form and API
endpoint goes through these. An organisation's editors edit every partnership and project it is a
party to, so both sides of a partnership maintain it together. Stable names:

Predicates:
    is_party_member(record)    member of a party of the partnership / project (any role)
    is_party_editor(record)    editor or administrator of a party
    is_party_admin(record)     administrator of a party
    is_lead_editor(project)    editor or administrator of the project's lead organisation
    has_no_lead(project)       the project has no lead organisation (it belongs to its partnership)
    coordinates_a_party_country(record)  coordinator of the country of one of its parties
    (plus ``coopdec.actors.rules``: is_coordinator, is_editor_of, is_admin_of, is_published...)

The parties of a partnership are its ``PartnershipParty`` organisations; the parties of a project
are the parties of its partnership plus its lead organisation (``cooperation.selectors.party_ids``).

Permissions (the object is a Partnership or a Project):
    cooperation.view_partnership / view_project        published: everyone; draft: the parties' members,
                                                       coordinators, the coordinators of a party's country
    cooperation.add_partnership / add_project          editors of at least one organisation, coordinators
    cooperation.change_partnership / change_project    the parties' editors, coordinators, the coordinators of a
                                                       party's country
    cooperation.confirm_partnership / confirm_project  same as change ("still accurate")
    cooperation.publish_partnership / publish_project  same as change
    cooperation.delete_partnership / delete_project    the parties' administrators, coordinators
    cooperation.manage_parties                         partnership: the parties' administrators, coordinators
    cooperation.manage_participants                    project (IATI participating organisations): the editors of
                                                       its lead organisation (of its parties, when it has no lead
                                                       organisation), coordinators
    cooperation.view_partnership_history / view_project_history  same as change
    cooperation.view_review_queue (no object)          platform coordinators, country coordinators

Results monitoring (the object is an IndicatorValue, an update of a reporting period):
    cooperation.review_indicator_value    see an update with its review actions: who may change the project,
                                          and the editors of the approving organisation (``monitoring.approver_ids``)
    cooperation.approve_indicator_value   approve or return it: the editors of the approving organisation, never
                                          the person who entered it (an approver need not edit the project)
    cooperation.view_results_dashboard    (an Organisation) late, returned and waiting updates: its members,
                                          coordinators, the coordinators of its country
    cooperation.view_results_coordination (no object) every organisation's updates: platform and country
                                          coordinators
"""

import rules

from coopdec.actors.models import EDITING_ROLES, MembershipRole, Organisation
from coopdec.actors.rules import (
    coordinates_a_country,
    coordinates_country_of,
    is_coordinator,
    is_editor_somewhere,
    is_member_of,
    is_published,
)
from coopdec.actors.selectors import coordinated_country_codes, roles_of

from .selectors import party_ids


def _party_roles(user, record) -> set[str]:
    roles = roles_of(user)
    if not roles or record is None:
        return set()
    return {roles[org_id] for org_id in party_ids(record) if org_id in roles}


@rules.predicate
def is_party_member(user, record):
    return bool(_party_roles(user, record))


@rules.predicate
def is_party_editor(user, record):
    return bool(_party_roles(user, record) & EDITING_ROLES)


@rules.predicate
def is_party_admin(user, record):
    return MembershipRole.ADMIN in _party_roles(user, record)


@rules.predicate
def is_lead_editor(user, project):
    if project is None or not project.lead_organisation_id:
        return False
    return roles_of(user).get(project.lead_organisation_id) in EDITING_ROLES


@rules.predicate
def has_no_lead(user, project):
    return project is not None and not project.lead_organisation_id


@rules.predicate
def coordinates_a_party_country(user, record):
    countries = coordinated_country_codes(user)
    if not countries or record is None:
        return False
    return Organisation.objects.filter(pk__in=party_ids(record), country_id__in=countries).exists()


# A country coordinator reviews the records of their country's organisations: views their drafts,
# corrects, confirms and publishes them, but deletes nothing and manages no parties or participants.
can_view = is_published | is_party_member | is_coordinator | coordinates_a_party_country
can_edit = is_party_editor | is_coordinator | coordinates_a_party_country
can_delete = is_party_admin | is_coordinator

for _model in ("partnership", "project"):
    rules.add_perm(f"cooperation.view_{_model}", can_view)
    rules.add_perm(f"cooperation.add_{_model}", is_editor_somewhere | is_coordinator)
    rules.add_perm(f"cooperation.change_{_model}", can_edit)
    rules.add_perm(f"cooperation.confirm_{_model}", can_edit)
    rules.add_perm(f"cooperation.publish_{_model}", can_edit)
    rules.add_perm(f"cooperation.delete_{_model}", can_delete)
    rules.add_perm(f"cooperation.view_{_model}_history", can_edit)

rules.add_perm("cooperation.manage_parties", can_delete)
# The lead organisation answers for whom it declares as funding, accountable, extending or implementing
# (IATI participating-org): its editors, not the other parties'.
rules.add_perm("cooperation.manage_participants", is_lead_editor | (has_no_lead & is_party_editor) | is_coordinator)


# The review queue of drafts: platform coordinators (every country), country coordinators (theirs).
rules.add_perm("cooperation.view_review_queue", is_coordinator | coordinates_a_country)


# Results monitoring: the approver of an update may approve it without editing the project.


@rules.predicate
def is_update_approver(user, value):
    from .monitoring import is_approver

    return value is not None and is_approver(user, value.indicator)


@rules.predicate
def entered_the_update(user, value):
    return value is not None and user.is_authenticated and value.submitted_by_id == user.pk


@rules.predicate
def may_change_updated_project(user, value):
    return value is not None and user.has_perm("cooperation.change_project", value.indicator.result.project)


rules.add_perm("cooperation.review_indicator_value", is_update_approver | may_change_updated_project)
rules.add_perm("cooperation.approve_indicator_value", is_update_approver & ~entered_the_update)
rules.add_perm("cooperation.view_results_dashboard", is_member_of | is_coordinator | coordinates_country_of)
rules.add_perm("cooperation.view_results_coordination", is_coordinator | coordinates_a_country)
