"""Reads about places shared by the apps above (atlas, declarations...)."""

from functools import lru_cache

from django.utils.translation import get_language

from coopdec.common.i18n import localize

from .models import Country


def country_names() -> dict[str, str]:
    """ISO alpha-2 code -> the register's name of the country in the user's language (cached per language)."""
    return _country_names(get_language() or "")


@lru_cache(maxsize=8)
def _country_names(language: str) -> dict[str, str]:
    return {
        code: localize(names, language or None) or code for code, names in Country.objects.values_list("code", "names")
    }


def clear_caches() -> None:
    _country_names.cache_clear()
