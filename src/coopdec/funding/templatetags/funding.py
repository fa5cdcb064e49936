"""Template filters of the funding pages."""

from django import template

from coopdec.common.i18n import localize
from coopdec.cooperation.models import ContributionKind

register = template.Library()


@register.filter
def localized(value) -> str:
    """The text of a multilingual JSON value (``{"fr": ..., "en": ...}``) in the reader's language."""
    return localize(value)


@register.filter
def contribution_kind(code: str) -> str:
    """The label of a contribution kind code kept in a submitted copy (cash, in_kind, staff_time)."""
    return str(dict(ContributionKind.choices).get(code, code))
