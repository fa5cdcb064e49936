"""Template filters of the funding pages."""

from django import template

from coopdec.common.i18n import localize

register = template.Library()


@register.filter
def localized(value) -> str:
    """The text of a multilingual JSON value (``{"fr": ..., "en": ...}``) in the reader's language."""
    return localize(value)
