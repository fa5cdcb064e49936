"""Template filters of the funding pages."""

from datetime import date

from django import template
from django.utils.formats import date_format

from coopdec.common.i18n import localize
from coopdec.cooperation.models import ContributionKind
from coopdec.territories.selectors import country_names

register = template.Library()


@register.filter
def localized(value) -> str:
    """The text of a multilingual JSON value (``{"fr": ..., "en": ...}``) in the reader's language."""
    return localize(value)


@register.filter
def contribution_kind(code: str) -> str:
    """The label of a contribution kind code kept in a submitted copy (cash, in_kind, staff_time)."""
    return str(dict(ContributionKind.choices).get(code, code))


@register.filter
def country_list(codes) -> str:
    """Country codes kept in a submitted copy (["SN", "FR"]) named in the reader's language, in the
    order kept; a code the register does not know is shown as kept."""
    names = country_names()
    return ", ".join(names.get(code, code) for code in codes or ())


@register.filter
def snapshot_date(value) -> str:
    """A day kept in a submitted copy as ISO text ("2026-03-01"), written as the reader's language writes a
    date; anything that is not such a day is shown as it is kept."""
    if not value:
        return ""
    try:
        return date_format(date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return str(value)
