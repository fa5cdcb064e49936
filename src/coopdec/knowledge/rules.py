"""Who may do what with good practices and knowledge pages: the one place for access checks.

A practice belongs to its author organisations. Their editors write it, ask for its review,
confirm it is still accurate and restore a version; their members read its draft. Coordinators
(platform, and the coordinators of an author's country) review it: they read drafts, publish,
send back, correct. Visitors and participants read published practices only and never edit.

Permissions:
    knowledge.view_practice(practice)      published: everyone; draft: the authors' members, reviewers
    knowledge.add_practice                 editors of an organisation (its authors), platform coordinators
    knowledge.change_practice(practice)    the authors' editors, reviewers (also: documents, confirm,
                                           ask for review, history, restore)
    knowledge.review_practice(practice)    platform coordinators, coordinators of an author's country
                                           (publish, send back, unpublish)
    knowledge.delete_practice(practice)    the authors' administrators, platform coordinators
    knowledge.view_review_queue            platform coordinators, country coordinators
    knowledge.view_page                    everyone
    knowledge.change_page                  platform coordinators (edit, history, restore)
"""

import rules

from coopdec.actors.models import EDITING_ROLES, MembershipRole
from coopdec.actors.rules import coordinates_a_country, is_coordinator, is_editor_somewhere, is_published
from coopdec.actors.selectors import coordinated_country_codes, roles_of


def _authors(practice) -> list[tuple[int, str]]:
    """(id, country) of the practice's authors, read once per practice object."""
    cached = getattr(practice, "_author_rows", None)
    if cached is None:
        cached = list(practice.organisations.values_list("id", "country_id")) if practice.pk else []
        practice._author_rows = cached
    return cached


@rules.predicate
def is_author_member(user, practice):
    if practice is None:
        return False
    roles = roles_of(user)
    return any(pk in roles for pk, _country in _authors(practice))


@rules.predicate
def is_author_editor(user, practice):
    if practice is None:
        return False
    roles = roles_of(user)
    return any(roles.get(pk) in EDITING_ROLES for pk, _country in _authors(practice))


@rules.predicate
def is_author_admin(user, practice):
    if practice is None:
        return False
    roles = roles_of(user)
    return any(roles.get(pk) == MembershipRole.ADMIN for pk, _country in _authors(practice))


@rules.predicate
def coordinates_author_country(user, practice):
    if practice is None:
        return False
    countries = coordinated_country_codes(user)
    return bool(countries) and any(country in countries for _pk, country in _authors(practice))


reviews = is_coordinator | coordinates_author_country

rules.add_perm("knowledge.view_practice", is_published | is_author_member | reviews)
rules.add_perm("knowledge.add_practice", is_editor_somewhere | is_coordinator)
rules.add_perm("knowledge.change_practice", is_author_editor | reviews)
rules.add_perm("knowledge.review_practice", reviews)
rules.add_perm("knowledge.delete_practice", is_author_admin | is_coordinator)
rules.add_perm("knowledge.view_review_queue", is_coordinator | coordinates_a_country)
rules.add_perm("knowledge.view_page", rules.always_allow)
rules.add_perm("knowledge.change_page", is_coordinator)
