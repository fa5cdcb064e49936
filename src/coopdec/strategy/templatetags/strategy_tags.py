"""Template helpers of the strategy app: the scorecard and strategies panel of partnership and
organisation pages (``strategy/record_panel.html``), and the width of a small SVG bar."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import get_language

from coopdec.actors.models import Organisation
from coopdec.common.i18n import localize
from coopdec.cooperation.models import Partnership

from .. import scorecard, selectors

register = template.Library()


@register.filter
def bar_width(value) -> int:
    """A percentage as the width of a bar of 100 units: 0 to 100."""
    try:
        return max(0, min(100, int(value)))
    except (TypeError, ValueError):
        return 0


@register.filter
def figure(value, arg="-2g"):
    """``floatformat``, remembered per value, format and language: a strategy page formats hundreds of
    figures, most of them repeated (targets, round numbers)."""
    try:
        return _figure(type(value).__name__, value, arg, get_language())
    except TypeError:  # a value that cannot be a key (unhashable): formatted each time
        return floatformat(value, arg)


@lru_cache(maxsize=4096)
def _figure(_kind: str, value, arg: str, _language: str | None):
    return floatformat(value, arg)


@register.filter
def localized(value) -> str:
    """A multilingual text in the reader's language (else another)."""
    return localize(value)


@register.simple_tag
def record_panel(record, user) -> dict:
    """The principles scorecard and the strategies of a partnership or an organisation, for its page."""
    if isinstance(record, Partnership):
        principles = scorecard.partnership_principles(record)
        kind, can_add = "partnership", user.has_perm("strategy.add_strategy", record)
        api = f"/api/v1/partnerships/{record.pk}/scorecard"
    elif isinstance(record, Organisation):
        principles = scorecard.organisation_principles(record)
        kind, can_add = "organisation", user.has_perm("strategy.add_strategy", record)
        api = f"/api/v1/organisations/{record.pk}/scorecard"
    else:
        return {}
    return {
        "principles": principles,
        "strategies": selectors.strategies_of(record, user=user),
        "kind": kind,
        "can_add": can_add,
        "api": api,
    }
