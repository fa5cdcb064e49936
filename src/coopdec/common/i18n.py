"""Text that users write is stored as one JSON object per field: {"fr": ..., "en": ...}."""

from django.conf import settings
from django.utils.translation import get_language


def fallback_order(language: str | None = None) -> list[str]:
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    order = [language]
    order += [code for code in settings.LANGUAGE_FALLBACKS if code != language]
    return order


def localize(value, language: str | None = None) -> str:
    """The text of ``value`` in ``language``, else in the fallback order, else any text at all."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    for code in fallback_order(language):
        text = value.get(code)
        if text:
            return text
    for text in value.values():
        if text:
            return text
    return ""


def localized_language(value, language: str | None = None) -> str | None:
    """The language code whose text ``localize`` would show."""
    if not value or isinstance(value, str):
        return None
    for code in fallback_order(language):
        if value.get(code):
            return code
    return next((code for code, text in value.items() if text), None)


def clean_i18n(value) -> dict[str, str]:
    """Keep only known languages and non-blank strings."""
    if not value:
        return {}
    if isinstance(value, str):
        return {settings.LANGUAGE_CODE: value.strip()} if value.strip() else {}
    return {
        code: text.strip()
        for code, text in value.items()
        if code in settings.CONTENT_LANGUAGES and isinstance(text, str) and text.strip()
    }
