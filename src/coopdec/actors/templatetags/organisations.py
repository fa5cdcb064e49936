"""``{{ organisation|name_for:user }}``: an organisation's name, or a placeholder for a draft the
reader may not see (edit pages read by the editors of a record's other parties)."""

from django import template

from coopdec.actors.selectors import organisation_name_for

register = template.Library()


@register.filter
def name_for(organisation, user) -> str:
    return organisation_name_for(user, organisation)
