"""Who may do what with aid declarations: the one place for access checks (``rules`` package).

A campaign belongs to a country: platform coordinators and the coordinators of that country
(``actors.CountryCoordinator``) open and follow it. A declaration belongs to its organisation: its
editors prepare and submit it; its members and the campaign's coordinators read it. Individual
declarations are never public; national totals of submitted declarations are.

Permissions:
    declarations.add_campaign              platform coordinators and country coordinators
                                           (of the country they open it for)
    declarations.manage_campaign(campaign) platform coordinators, coordinators of the campaign's country
                                           (dates, progress dashboard, reminders, reopening, extensions, exports)
    declarations.view_campaign(campaign)   everyone (country, year, dates and national totals are public)
    declarations.view_declaration(decl)    the organisation's members, the campaign's coordinators
    declarations.change_declaration(decl)  the organisation's editors and administrators, platform coordinators
    declarations.submit_declaration(decl)  same as change
    declarations.reopen_declaration(decl)  the campaign's coordinators
"""

import rules

from coopdec.actors.rules import is_coordinator, is_editor_of, is_member_of
from coopdec.actors.selectors import coordinated_country_codes, coordinates_country


def _country_of(record) -> str | None:
    if record is None:
        return None
    campaign = getattr(record, "campaign", record)
    return campaign.country_id


@rules.predicate
def coordinates_record_country(user, record):
    return record is not None and coordinates_country(user, _country_of(record))


@rules.predicate
def coordinates_some_country(user):
    return bool(coordinated_country_codes(user))


@rules.predicate
def is_declaration_member(user, declaration):
    return declaration is not None and is_member_of(user, declaration.organisation)


@rules.predicate
def is_declaration_editor(user, declaration):
    return declaration is not None and is_editor_of(user, declaration.organisation)


rules.add_perm("declarations.add_campaign", is_coordinator | coordinates_some_country)
rules.add_perm("declarations.manage_campaign", coordinates_record_country)
rules.add_perm("declarations.view_campaign", rules.always_allow)
rules.add_perm("declarations.view_declaration", is_declaration_member | coordinates_record_country)
rules.add_perm("declarations.change_declaration", is_declaration_editor | is_coordinator)
rules.add_perm("declarations.submit_declaration", is_declaration_editor | is_coordinator)
rules.add_perm("declarations.reopen_declaration", coordinates_record_country)
