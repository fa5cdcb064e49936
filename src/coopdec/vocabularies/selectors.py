"""Labels of codes, in the user's language, from the reference data (cached per process)."""

from functools import lru_cache

from coopdec.common.i18n import localize

from .models import Axis, CodelistItem


@lru_cache(maxsize=128)
def _codelist(name: str) -> dict[str, CodelistItem]:
    return {item.code: item for item in CodelistItem.objects.filter(codelist=name)}


def codelist(name: str) -> dict[str, CodelistItem]:
    return _codelist(name)


def code_exists(name: str, code: str) -> bool:
    return code in _codelist(name)


def code_label(name: str, code: str, language: str | None = None) -> str:
    item = _codelist(name).get(code)
    return localize(item.names, language) if item else code


def codelist_choices(
    name: str, *, include_withdrawn: bool = False, language: str | None = None
) -> list[tuple[str, str]]:
    return [
        (code, f"{code} – {localize(item.names, language)}")
        for code, item in _codelist(name).items()
        if include_withdrawn or not item.withdrawn
    ]


def axes() -> list[Axis]:
    return list(Axis.objects.all())


def clear_caches() -> None:
    _codelist.cache_clear()
