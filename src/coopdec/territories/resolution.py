"""Place resolution: turn a free-text place and country into one canonical place, or say why not.

A wrong identity is worse than none: the resolver only answers ``resolved`` when the evidence
decides (one place of that name in the country, the one in the region the text names, or one that
clearly dominates by population); otherwise it answers ``ambiguous`` (several candidates) or
``unresolved`` (none), always with a reason a person can act on.

Inside a country, the place text goes through ``STRATEGIES``, an ordered list of small named
strategies (the name as written, "City, Region", "Prague 8", "Name (something)", "City – Ward",
subdivisions, merged and respelt names), each with the example that motivated it.

The index is built once from the gazetteer in the database (every locality's folded name and
alternate names per country, the subdivisions and the countries' names in several languages) and
kept in memory; ``get_index()`` rebuilds it only when the reference data changed.
"""

from __future__ import annotations

import csv
import difflib
import json
import math
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
from django.conf import settings
from django.db import connection
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from coopdec.common.text import _SPECIAL, fold

RESOLVED = "resolved"
AMBIGUOUS = "ambiguous"
UNRESOLVED = "unresolved"

VARIANTS_FILE = Path(settings.DATA_DIR) / "territories" / "country_variants.csv"

# Candidates closer than this are one place listed twice (a town and its centre, a commune and
# its main village): the most populous stands for them.
SAME_PLACE_KM = 8.0
# Wards and districts written "City – Ward" or "Ward (City)" must lie this close to their city.
WARD_KM = 40.0
# A candidate wins on population alone when it is this many times larger than the next one.
DOMINANCE = 8.0
# A place found only under one of its alternate names is trusted from this population up (or when
# the alternate is a mere spelling of its main name).
TRUSTED_ALTERNATE_POPULATION = 5_000
# The population a namesake of unknown population (0 in GeoNames) is counted with when weighing candidates.
UNKNOWN_POPULATION = 2_500
# A ward written "City – Ward" whose name is a place this far from the city (beyond WARD_KM) may be that
# place, in a large municipality ("Belgrade – Mladenovac", 45 km away): neither is chosen.
FAR_WARD_KM = 100.0
# A place smaller than this that bears the very name of one of its country's first-level
# subdivisions (states, provinces, regions) stands aside for the subdivision.
SMALLER_THAN_REGION = 1_000

# Countries whose GeoNames first-level codes are their ISO 3166-2 codes (US states, Swiss cantons...).
SAME_ADMIN1_CODES = {"US", "CH", "BE", "GB"}

# A place smaller than this is not trusted under a name that larger places of its country bear followed
# by more words.
SHORTENED_NAME_POPULATION = 5_000

# Overseas territories that GeoNames lists as countries of their own ("Réunion, France" is RE).
TERRITORIES = {
    "FR": {"RE", "MQ", "GP", "GF", "YT", "NC", "PF", "PM", "WF", "BL", "MF"},
    "FI": {"AX"},
    "DK": {"GL", "FO"},
    "US": {"PR", "GU", "VI", "AS", "MP"},
    "GB": {"IM", "JE", "GG", "GI", "BM", "FK"},
    "NL": {"AW", "CW", "SX", "BQ"},
    "CN": {"HK", "MO"},
    "NO": {"SJ"},
}

# Words in a place name that say what kind of administrative unit it is.
_SUBDIVISION_WORDS = re.compile(
    r"^(?:county|province|provincia|region|district|department|prefecture|municipality|oblast|raion|rayon|"
    r"state|canton|voivodeship|powiat|kreis|landkreis|comarca|okres|zupanija|judet|gmina)\s+(?:of\s+)?|"
    r"\s+(?:county|province|region|district|department|prefecture|municipality|oblast|raion|rayon|"
    r"state|canton|voivodeship|powiat|kreis|landkreis|comarca|okres|municipal district|district municipality|"
    r"regional unit|rural district|urban district)$"
)
_QUALIFIERS = {
    "district",
    "county",
    "region",
    "province",
    "prefecture",
    "municipality",
    "microregion",
    "state",
    "rural gmina",
    "urban gmina",
    "urban-rural gmina",
    "gmina",
    "department",
    "canton",
    "borough",
    "oblast",
    "raion",
    "rayon",
    "town",
    "city",
    "village",
    "commune",
    "parish",
    "island",
    "regional unit",
}
# The subdivision types a qualifier word may stand for.
_QUALIFIER_TYPES = {
    "county": ("county",),
    "district": ("district", "raion", "rayon"),
    "raion": ("district", "raion", "rayon"),
    "rayon": ("district", "raion", "rayon"),
    "province": ("province",),
    "provincia": ("province",),
    "region": ("region", "oblast", "krai"),
    "oblast": ("region", "oblast"),
    "department": ("department",),
    "prefecture": ("prefecture",),
    "municipality": ("municipal",),
    "state": ("state",),
    "canton": ("canton",),
    "voivodeship": ("voivodeship", "province"),
    "okres": ("district",),
}
# ISO 3166-2 types of the first-level regions that English calls counties, provinces or regions.
_FIRST_LEVEL_TYPES = {
    "county",
    "province",
    "region",
    "department",
    "oblast",
    "voivodship",
    "voivodeship",
    "administrative region",
    "autonomous region",
    "prefecture",
    "krai",
}
_PUNCT_SPACES = str.maketrans(dict.fromkeys("-‐‑–—'’.,/", " "))
_SPACES = re.compile(r"\s+")
_DASH_SPLIT = re.compile(r"\s+[–—-]\s+")
_PARENS = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*(.*)$")
_TRAILING_NUMBER = re.compile(r"\s+(?:\d+|[ivxlc]+)\.?$")
# Alternate names in other scripts (Cyrillic, Han, Arabic...) are left out of the index: input lists
# are written in Latin script, and the index must stay small and quick to build.
_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2010-\u2019]")


def key(text: str) -> str:
    """The matching key of a name: folded, punctuation as spaces, "St" spelt out."""
    if not text.isascii():
        # fold(), made quicker for the index: letters that do not decompose are spelt out, accents
        # dropped, and what is left outside ASCII (other scripts) goes.
        text = unicodedata.normalize("NFKD", text.translate(_SPECIAL)).encode("ascii", "ignore").decode("ascii")
    k = " ".join(text.lower().translate(_PUNCT_SPACES).split())
    if k[:3] == "st " or k[:4] == "ste ":
        k = ("saint " if k.startswith("st ") else "sainte ") + k.split(" ", 1)[1]
    return k.replace(" st ", " saint ")


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer locality as the index keeps it."""

    geonameid: int
    name: str
    country: str
    admin1: str
    latitude: float
    longitude: float
    population: int


@dataclass(frozen=True, slots=True)
class Region:
    """An ISO 3166-2 subdivision as the index keeps it (coordinates of its same-named seat, if any)."""

    code: str
    name: str
    country: str
    latitude: float | None
    longitude: float | None
    type: str = ""
    top_level: bool = True


@dataclass(frozen=True)
class Resolution:
    status: str
    country_code: str = ""
    locality: Place | None = None
    subdivision: Region | None = None
    confidence: float = 0.0
    reason: str = ""
    candidates: tuple[Place, ...] = field(default=(), compare=False)

    @property
    def is_resolved(self) -> bool:
        return self.status == RESOLVED

    @property
    def geonameid(self) -> int | None:
        return self.locality.geonameid if self.locality else None

    @property
    def name(self) -> str:
        if self.locality:
            return self.locality.name
        # "Isle of Anglesey [Sir Ynys Môn GB-YNM]": the ISO list's note in brackets is not part of the name.
        return re.sub(r"\s*\[[^\]]*\]\s*$", "", self.subdivision.name) if self.subdivision else ""

    @property
    def latitude(self) -> float | None:
        return self.locality.latitude if self.locality else (self.subdivision.latitude if self.subdivision else None)

    @property
    def longitude(self) -> float | None:
        return self.locality.longitude if self.locality else (self.subdivision.longitude if self.subdivision else None)

    @property
    def identity(self) -> tuple[str, str] | None:
        """The canonical identity: ("locality", geonameid) or ("subdivision", code)."""
        if self.status != RESOLVED:
            return None
        if self.locality:
            return ("locality", str(self.locality.geonameid))
        return ("subdivision", self.subdivision.code) if self.subdivision else None


@dataclass
class CountryGuess:
    code: str | None
    admin1: set[str] = field(default_factory=set)
    hints: list[str] = field(default_factory=list)
    how: str = ""


def _read_variants(path: Path = VARIANTS_FILE) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8") as handle:
        rows = [line for line in handle if not line.startswith("#")]
    return [(fold(r["variant"]), r["country_code"], r["admin1_code"] or "") for r in csv.DictReader(rows)]


class PlaceIndex:
    """Every locality, subdivision and country name of the gazetteer, in memory, for fast resolution."""

    def __init__(
        self,
        *,
        places: list[Place],
        alternates: dict[int, list[str]],
        regions: list[Region],
        countries: dict[str, list[str]],
        variants: list[tuple[str, str, str]],
    ):
        self.places = {p.geonameid: p for p in places}
        self.admin1_codes = {(p.country, p.admin1) for p in places}
        keys: dict[str, str] = {}
        # (country, key) -> geonameids matched by their main name / by an alternate name.
        self.by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.by_alternate: dict[tuple[str, str], list[int]] = defaultdict(list)
        by_name, by_alternate, non_latin = self.by_name, self.by_alternate, _NON_LATIN.search
        for place in places:
            gid, country = place.geonameid, place.country
            main = key(place.name)
            by_name[(country, main)].append(gid)
            seen = {main}
            for alt in alternates.get(gid, ()):
                k = keys.get(alt)
                if k is None:
                    k = keys[alt] = "" if non_latin(alt) else key(alt)
                if k and k not in seen:
                    seen.add(k)
                    by_alternate[(country, k)].append(gid)
        self.regions: dict[tuple[str, str], list[Region]] = defaultdict(list)
        for region in regions:
            for name in _region_names(region.name):
                self.regions[(region.country, key(name))].append(region)
        self.country_names: dict[str, str] = {}
        self.region_variants: dict[str, tuple[str, str]] = {}
        for code, names in countries.items():
            for name in names:
                self.country_names.setdefault(key(name), code)
        for variant, code, admin1 in variants:
            if admin1:
                self.region_variants[key(variant)] = (code, admin1)
            else:
                self.country_names[key(variant)] = code
        self.country_codes = set(countries)
        self._cache: dict[tuple[str, str, str], Resolution] = {}
        self._joined: dict[tuple[str, str], list[int]] | None = None
        self._prefixes: dict[tuple[str, str], list[int]] | None = None
        self._regions_by_country: dict[str, list[Region]] | None = None
        self._romanised: dict[tuple[str, str], list[int]] | None = None
        self._countries: dict[str, CountryGuess] = {}

    # ---- building -------------------------------------------------------------------------------

    @classmethod
    def from_database(cls) -> PlaceIndex:
        from .models import Country, Locality, Subdivision

        places: list[Place] = []
        alternates: dict[int, list[str]] = {}
        # Plain SQL: the ORM's per-row conversions would triple the time of this 235,000-row read.
        table = Locality._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT geonameid, name, country_id, admin1_code, latitude, longitude, population, alternate_names "  # noqa: S608
                f"FROM {table}"
            )
            for gid, name, country, admin1, lat, lng, population, alts in cursor.fetchall():
                places.append(Place(gid, name, country, admin1, lat, lng, population))
                if isinstance(alts, str):
                    alts = json.loads(alts) if alts != "[]" else None
                if alts:
                    alternates[gid] = alts
        countries: dict[str, list[str]] = {}
        for code, alpha3, names in Country.objects.values_list("code", "alpha3", "names"):
            found = list(names.values()) + [alpha3]
            official = pycountry.countries.get(alpha_2=code)
            if official:
                found += [getattr(official, a, "") for a in ("name", "common_name", "official_name")]
                found += [part.strip() for part in official.name.split(",")[:1]]
            countries[code] = [n for n in found if n]
        # A subdivision's position is that of the most populous same-named locality of its country.
        by_country_name: dict[tuple[str, str], Place] = {}
        for place in places:
            k = (place.country, key(place.name))
            if k not in by_country_name or place.population > by_country_name[k].population:
                by_country_name[k] = place
        regions = []
        rows = Subdivision.objects.values_list("code", "name", "country_id", "type", "parent_id")
        for code, name, country, kind, parent in rows:
            seat = None
            for variant in _region_names(name):
                seat = seat or by_country_name.get((country, key(variant)))
            regions.append(
                Region(
                    code,
                    name,
                    country,
                    seat.latitude if seat else None,
                    seat.longitude if seat else None,
                    fold(kind),
                    parent is None,
                )
            )
        return cls(
            places=places, alternates=alternates, regions=regions, countries=countries, variants=_read_variants()
        )

    # ---- countries ------------------------------------------------------------------------------

    def _country_code(self, text: str) -> tuple[str | None, set[str], str]:
        k = key(re.sub(r"\((?:country|state|nation)\)", "", fold(text)))
        if not k:
            return None, set(), ""
        if k in self.country_names:
            return self.country_names[k], set(), "name"
        if k in self.region_variants:
            code, admin1 = self.region_variants[k]
            return code, {admin1}, "region"
        if len(k) == 2 and k.upper() in self.country_codes and text.strip().isupper():
            return k.upper(), set(), "code"
        close = difflib.get_close_matches(k, list(self.country_names), n=2, cutoff=0.85)
        if close and (len(close) == 1 or self.country_names[close[0]] == self.country_names[close[1]]):
            return self.country_names[close[0]], set(), "close"
        return None, set(), ""

    def country(self, text: str) -> CountryGuess:
        """Read the country field: a country, possibly after regions ("Lower Saxony, Germany")."""
        text = text or ""
        if text not in self._countries:  # a list repeats its few hundred country texts thousands of times
            self._countries[text] = self._read_country(text)
        guess = self._countries[text]
        return CountryGuess(guess.code, set(guess.admin1), list(guess.hints), guess.how)

    def _read_country(self, text: str) -> CountryGuess:
        text = re.sub(r"^\s*in\s+", "", text or "", flags=re.IGNORECASE)
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not parts:
            return CountryGuess(None)
        code, admin1, how = self._country_code(", ".join(parts))
        if code:
            return CountryGuess(code, admin1, [], how)
        code, admin1, how = self._country_code(parts[-1])
        if not code:
            return CountryGuess(None)
        guess = CountryGuess(code, set(admin1), parts[:-1], how)
        for hint in parts[:-1]:
            sub_code, sub_admin1, _how = self._country_code(hint)
            if sub_code and sub_code in TERRITORIES.get(code, ()):
                return CountryGuess(sub_code, set(), [], "territory")
            if sub_code == code:
                guess.admin1 |= sub_admin1
            else:
                guess.admin1 |= self.region_admin1(code, hint)
        return guess

    def region_admin1(self, country: str, hint: str) -> set[str]:
        """GeoNames admin1 codes a region name points to, when they can be told."""
        k = key(hint)
        if k in self.region_variants and self.region_variants[k][0] == country:
            return {self.region_variants[k][1]}
        found = set()
        for region in self.regions.get((country, k), ()):
            code = region.code.split("-", 1)[1]
            if country in SAME_ADMIN1_CODES and (country, code) in self.admin1_codes:
                found.add(code)
        if found:
            return found
        # A region often shares its name with its main city ("Izumi, Osaka"): take that city's admin1.
        named = self._lookup(country, k)
        if named:
            best = max(named, key=lambda p: p.population)
            if best.population >= 20_000:
                return {best.admin1}
        return set()

    # ---- places ---------------------------------------------------------------------------------

    def _lookup(self, country: str, k: str, *, alternates: bool = True) -> list[Place]:
        ids = list(self.by_name.get((country, k), ()))
        if alternates:
            ids += [i for i in self.by_alternate.get((country, k), ()) if i not in ids]
        return [self.places[i] for i in ids]

    def resolve(self, city: str, country: str) -> Resolution:
        # Reasons are written in the active language: one cache entry per language.
        cache_key = (city or "", country or "", get_language() or "")
        if cache_key not in self._cache:
            self._cache[cache_key] = self._resolve(city or "", country or "")
        return self._cache[cache_key]

    def _resolve(self, city: str, country_text: str) -> Resolution:
        city = _SPACES.sub(" ", city.strip())
        guess = self.country(country_text)
        if not guess.code:
            if not country_text.strip():
                return Resolution(UNRESOLVED, reason=_("no country given"))
            return Resolution(
                UNRESOLVED, reason=_("country not recognised: %(country)s") % {"country": country_text.strip()}
            )
        if not city:
            return Resolution(UNRESOLVED, guess.code, reason=_("no place name given"))
        result = self._resolve_in_country(city, guess)
        if result.status == UNRESOLVED and guess.code in TERRITORIES:
            # "Saint-Denis, France" may be on Réunion: try the overseas territories listed as countries.
            found = []
            for territory in sorted(TERRITORIES[guess.code]):
                other = self._resolve_in_country(city, CountryGuess(territory, set(), [], "territory"))
                if other.status == RESOLVED and other.locality and other.locality.population >= 5_000:
                    found.append(other)
            if len(found) == 1:
                return found[0]
            if found:  # "Le Lamentin, France": a town of Martinique and a town of Guadeloupe.
                return _ambiguous(
                    guess.code,
                    [other.locality for other in found if other.locality],
                    _("no place of this name in the country, but one in each of several of its overseas territories"),
                )
        return result

    def _resolve_in_country(self, city: str, guess: CountryGuess) -> Resolution:
        """The first answer of the resolution sequence (``STRATEGIES``), or why none applies."""
        assert guess.code is not None  # _resolve returns earlier when no country is recognised
        wanted = Wanted(city, guess.code, set(guess.admin1))
        for strategy in STRATEGIES:
            found = strategy(self, wanted)
            if found is not None:
                return found
        return Resolution(
            UNRESOLVED, guess.code, reason=_("no place of this name in %(country)s") % {"country": guess.code}
        )

    def by_romanisation(self) -> dict[tuple[str, str], list[int]]:
        """(country, name romanised plainly) -> geonameids, for the countries that write in Cyrillic."""
        if self._romanised is None:
            found: dict[tuple[str, str], set[int]] = defaultdict(set)
            for names in (self.by_name, self.by_alternate):
                for (country, k), ids in names.items():
                    if country in CYRILLIC_COUNTRIES:
                        found[(country, romanised(k))].update(ids)
            self._romanised = {name: sorted(ids) for name, ids in found.items()}
        return self._romanised

    def _longer_names(self, cc: str, k: str, place: Place) -> list[Place]:
        """Larger places of the country whose name is this one followed by more words ("Zell am See" for
        "Zell", "Lwówek Śląski" for "Lwówek"), which a writer may have shortened. Only for a small place:
        "Saint-Quentin" is the city of 55,000, whatever "Saint-Quentin-en-Yvelines" is."""
        if place.population >= SHORTENED_NAME_POPULATION:
            return []
        if self._prefixes is None:
            prefixes: dict[tuple[str, str], list[int]] = defaultdict(list)
            for (country, name), ids in self.by_name.items():
                words = name.split(" ")
                for n in range(1, len(words)):
                    prefixes[(country, " ".join(words[:n]))].extend(ids)
            self._prefixes = prefixes
        size = len(k.split(" "))
        found = [
            p
            for p in (self.places[i] for i in self._prefixes.get((cc, k), ()))
            # A space, not a hyphen, after the name: "Abomey-Calavi" is a city of its own, not a longer Abomey.
            if p.population > place.population
            and not _near_any(p, [place])
            and key(" ".join(fold(p.name).split(" ")[:size])) == k
            and len(fold(p.name).split(" ")) > size
        ]
        return sorted(found, key=lambda p: -p.population)

    def regions_of(self, cc: str) -> list[Region]:
        """The subdivisions of a country."""
        if self._regions_by_country is None:
            by_country: dict[str, dict[str, Region]] = defaultdict(dict)
            for (country, _name), regions in self.regions.items():
                for region in regions:
                    by_country[country][region.code] = region
            self._regions_by_country = {c: list(r.values()) for c, r in by_country.items()}
        return self._regions_by_country.get(cc, [])

    def by_joined_name(self) -> dict[tuple[str, str], list[int]]:
        """(country, main name without spaces) -> geonameids, for names whose words are spaced differently."""
        if self._joined is None:
            joined: dict[tuple[str, str], list[int]] = defaultdict(list)
            for (country, k), ids in self.by_name.items():
                joined[(country, k.replace(" ", ""))].extend(ids)
            self._joined = joined
        return self._joined

    def _region_rather_than(self, found: Resolution, city: str, cc: str) -> Resolution:
        """A region of the country of this very name, when the town found cannot be what is meant.

        "Alagoas" (once Marechal Deodoro's name) or "Quảng Nam" is a town's other, unrelated name
        only, and "Molise" or "Selenge" a hamlet: a list of local governments names the state,
        province or region.
        """
        town = found.locality
        assert town is not None  # called with a town found
        by_main_name = bool(self.by_name.get((cc, key(city))))
        if by_main_name and town.population >= SMALLER_THAN_REGION:
            return found
        # "Venezia" is Venice, "Nara" Nara-shi: another name that is a spelling of the main name is the town.
        if not by_main_name and difflib.SequenceMatcher(None, key(city), key(town.name)).ratio() >= 0.5:
            return found
        region = self._subdivision(city, cc, qualified="")
        if (
            region.status != RESOLVED
            or region.subdivision is None
            or (by_main_name and not region.subdivision.top_level)
        ):
            return found
        why = (
            _("a region's name, which the town %(town)s bears only among its other names")
            if not by_main_name
            else _("a region's name, shared by the small town %(town)s")
        )
        return _lower(region, 0.1, why % {"town": town.name})

    def _municipality(self, city: str, cc: str, ambiguous: Resolution) -> Resolution | None:
        """ "Kose, Estonia": several villages bear the name, and so does one municipality of ISO 3166-2
        (Estonian parishes, Slovenian and Macedonian municipalities, Maltese local councils): a list of local
        governments names the municipality."""
        named = {r.code: r for r in self.regions.get((cc, key(city)), ())}
        councils = [r for r in named.values() if _is_municipal(r.type)]
        if len(councils) == 1:
            return Resolution(
                RESOLVED,
                cc,
                subdivision=councils[0],
                confidence=0.8,
                reason=_("municipality %(code)s of this name, rather than one of the places that bear it")
                % {"code": councils[0].code},
                candidates=ambiguous.candidates,
            )
        return None

    def _match_or_unresolved(self, name: str, cc: str, admin1: set[str], inside: str = "") -> Resolution:
        found = self._match(name, cc, admin1)
        if found.status == RESOLVED:
            return self._unless_namesakes(found, name, inside, cc) or _lower(
                found, 0.1, _("name without its parenthesis")
            )
        if found.status == AMBIGUOUS:
            return found
        return Resolution(UNRESOLVED, cc, reason=_("no place of this name in %(country)s") % {"country": cc})

    def _part_of(self, part: str, whole: str, cc: str, admin1: set[str]) -> Resolution | None:
        """A ward or quarter of a city: the ward if the gazetteer has it near the city, else the city."""
        whole_name = _TRAILING_NUMBER.sub("", whole.strip())
        parent = self._match(whole_name, cc, admin1)
        part_candidates = self._candidates(part.strip(), cc)
        if parent.status == RESOLVED and parent.locality:
            near = [
                p
                for p in part_candidates
                if distance_km(p.latitude, p.longitude, parent.locality.latitude, parent.locality.longitude) <= WARD_KM
            ]
            clusters = _clusters(near)
            if len(clusters) == 1:
                return Resolution(
                    RESOLVED,
                    cc,
                    clusters[0],
                    confidence=0.85,
                    reason=_("part of %(city)s, found near it") % {"city": parent.locality.name},
                )
            if not clusters:
                # "Belgrade – Mladenovac": no ward of this name near the city, but a town of this name
                # farther out, which a large municipality may include: the city or that town?
                farther = [
                    p
                    for p in part_candidates
                    if distance_km(p.latitude, p.longitude, parent.locality.latitude, parent.locality.longitude)
                    <= FAR_WARD_KM
                ]
                if farther:
                    return _ambiguous(
                        cc,
                        [parent.locality, *_clusters(farther)],
                        _(
                            "no %(part)s near %(city)s, but a place of this name lies %(km)d km away: the city or "
                            "that place?"
                        )
                        % {
                            "part": part.strip(),
                            "city": parent.locality.name,
                            "km": round(
                                min(
                                    distance_km(
                                        p.latitude, p.longitude, parent.locality.latitude, parent.locality.longitude
                                    )
                                    for p in farther
                                )
                            ),
                        },
                    )
            return _lower(parent, 0.3, _("ward or district of this city; resolved to the city"))
        if parent.status == AMBIGUOUS:
            # "Suzhou – Wujiang": several cities of this name; the ward near only one of them tells which.
            near_city = {
                city: [
                    p
                    for p in part_candidates
                    if distance_km(p.latitude, p.longitude, city.latitude, city.longitude) <= WARD_KM
                ]
                for city in parent.candidates
            }
            near_city = {city: wards for city, wards in near_city.items() if wards}
            if len(near_city) == 1:
                city, wards = next(iter(near_city.items()))
                clusters = _clusters(wards)
                if len(clusters) == 1:
                    return Resolution(
                        RESOLVED,
                        cc,
                        clusters[0],
                        confidence=0.8,
                        reason=_("part of %(city)s, found near it") % {"city": city.name},
                    )
            return None
        # The inside is not a city: maybe another name of the same place ("Oamaru (Waitaki)").
        found = self._match(part.strip(), cc, admin1)
        if found.status == RESOLVED:
            return self._unless_namesakes(found, part, whole, cc) or _lower(
                found, 0.15, _("name in parenthesis is not a place; matched the main name")
            )
        return None

    def _unless_namesakes(self, found: Resolution, name: str, inside: str, cc: str) -> Resolution | None:
        """ "Stolberg (Südharz)": words in parenthesis written to tell namesakes apart, which the gazetteer
        cannot read; when there are namesakes, the most populous is not the answer."""
        namesakes = _clusters(self._candidates(name.strip(), cc))
        if found.locality is None or len(namesakes) < 2:
            return None
        return _ambiguous(
            cc,
            namesakes,
            _("several places of this name, and the words in parenthesis (%(inside)s) do not tell which")
            % {"inside": inside.strip()},
        )

    def _candidates(self, name: str, cc: str) -> list[Place]:
        k = key(name)
        found = self._lookup(cc, k)
        if not found and k.startswith("saint "):
            found = self._lookup(cc, "st " + k[6:])
        return found

    def _match(self, name: str, cc: str, admin1: set[str], *, require_hint: bool = False) -> Resolution:
        """Places called ``name`` in country ``cc``; decide between them or say why not.

        Places known by this as their main name come first; places that only have it among their
        alternate names count only when no place has it as its main name.
        """
        k = key(name)
        main = [self.places[i] for i in self.by_name.get((cc, k), ())]
        alt = [self.places[i] for i in self.by_alternate.get((cc, k), ()) if self.places[i] not in main]
        if not main and not alt:
            return Resolution(UNRESOLVED, cc, reason=_("no place of this name in %(country)s") % {"country": cc})
        in_region = False
        if admin1:
            hinted_main = [p for p in main if p.admin1 in admin1]
            hinted_alt = [p for p in alt if p.admin1 in admin1]
            if hinted_main or hinted_alt:
                main, alt, in_region = hinted_main, hinted_alt, True
            elif require_hint:
                return Resolution(UNRESOLVED, cc, reason=_("no place of this name in the region given"))
        tier = _clusters(main or alt)
        others = [a for a in _clusters(alt) if main and not _near_any(a, tier)]
        if in_region:
            confidence = 0.95
            reason = _("main name, in the region given") if main else _("alternate name, in the region given")
        elif admin1:
            confidence = 0.7
            reason = _("main name, not in the region given") if main else _("alternate name, not in the region given")
        else:
            confidence = 0.95 if main else 0.9
            reason = (
                _("main name, only place of this name in the country")
                if main
                else _("alternate name, only place of this name in the country")
            )
        if len(tier) == 1:
            place = tier[0]
            bigger = [o for o in others if o.population > place.population]
            if bigger:
                return _ambiguous(
                    cc,
                    [place, *bigger],
                    _("%(name)s is the main name of %(place)s but also another name of the larger %(other)s")
                    % {"name": name, "place": place.name, "other": bigger[0].name},
                )
            if not main and not self._trust_alternate(k, place):
                return _ambiguous(
                    cc,
                    [place],
                    _("only %(place)s has this among its other names; confirm it is the place meant")
                    % {"place": place.name},
                )
            longer = self._longer_names(cc, k, place) if not in_region else []
            if longer:
                return _ambiguous(
                    cc,
                    [place, *longer],
                    _("%(name)s may be short for the name of a larger place, such as %(other)s")
                    % {"name": name, "other": longer[0].name},
                )
            return Resolution(RESOLVED, cc, place, confidence=confidence, reason=reason)
        ranked = sorted(tier, key=lambda p: -p.population)
        if _dominates(ranked[0], ranked[1:] + others, DOMINANCE) and (main or self._trust_alternate(k, ranked[0])):
            count = len(ranked)
            reason = (
                ngettext(
                    "main name, most populous of %(count)s place of this name",
                    "main name, most populous of %(count)s places of this name",
                    count,
                )
                if main
                else ngettext(
                    "alternate name, most populous of %(count)s place of this name",
                    "alternate name, most populous of %(count)s places of this name",
                    count,
                )
            )
            return Resolution(
                RESOLVED, cc, ranked[0], confidence=min(confidence, 0.75), reason=reason % {"count": count}
            )
        count = len(ranked) + len(others)
        return _ambiguous(
            cc,
            ranked + others,
            ngettext("%(count)s place of this name", "%(count)s places of this name", count) % {"count": count},
        )

    def _trust_alternate(self, k: str, place: Place) -> bool:
        """An alternate name is trusted for a large place, when it is a spelling of the main name, or when
        it is the main name followed by words that tell where it is ("Gmünd in Kärnten" for Gmünd)."""
        if place.population >= TRUSTED_ALTERNATE_POPULATION:
            return True
        main = key(place.name)
        return k.startswith(main + " ") or difflib.SequenceMatcher(None, k, main).ratio() >= 0.75

    def _subdivision(self, name: str, cc: str, *, qualified: str) -> Resolution:
        """An ISO 3166-2 subdivision named like ``name`` (qualifier words removed)."""
        k = fold(name)
        stripped = _SUBDIVISION_WORDS.sub("", k).strip()
        keys = {key(stripped), key(k)}
        if cc == "EE":  # Estonian counties: "Lääne-Viru County" is Lääne-Virumaa.
            keys.add(key(stripped) + "maa")
        found = {r.code: r for kk in keys for r in self.regions.get((cc, kk), ())}
        words = set(k.replace("(", " ").replace(")", " ").split()) | set(qualified.split())
        wanted = {t for word, types in _QUALIFIER_TYPES.items() if word in words for t in types}

        def of_kind(region: Region) -> bool:
            # English names a country's first-level regions county, province or region whatever their ISO
            # type ("Argeș County" is the județ RO-AG, a "department" in ISO); below the first level, and
            # for states, the kind must be the one written.
            return any(t in region.type for t in wanted) or (
                region.top_level and bool(wanted & _FIRST_LEVEL_TYPES) and region.type in _FIRST_LEVEL_TYPES
            )

        if wanted:  # "Washington County" is not the State of Washington.
            found = {code: r for code, r in found.items() if of_kind(r)}
        if len(found) == 1:
            region = next(iter(found.values()))
            return Resolution(
                RESOLVED,
                cc,
                subdivision=region,
                confidence=0.85 if qualified else 0.8,
                reason=_("subdivision %(code)s") % {"code": region.code},
            )
        if len(found) > 1:
            return Resolution(
                AMBIGUOUS,
                cc,
                reason=_("several subdivisions of this name: %(codes)s") % {"codes": ", ".join(sorted(found))},
            )
        stem = key(stripped).replace(" ", "")
        if wanted and len(stem) >= 4:
            # "Lviv Oblast" is L'vivs'ka Oblast', "Olomouc Region" Olomoucký kraj: the ISO name in the
            # country's language begins with the name written, and the kind of area is the one asked.
            # "Bratislava Region" is Bratislavský kraj: the name's last vowel may change.
            stem = stem[:-1] if stem[-1] in "aeiouy" and len(stem) >= 6 else stem
            similar = [
                r
                for r in self.regions_of(cc)
                if of_kind(r) and any(key(n).replace(" ", "").startswith(stem) for n in _region_names(r.name))
            ]
            if len(similar) == 1:
                return Resolution(
                    RESOLVED,
                    cc,
                    subdivision=similar[0],
                    confidence=0.75,
                    reason=_("subdivision %(code)s, whose name in the country's language begins so")
                    % {"code": similar[0].code},
                )
        if qualified:
            return Resolution(
                UNRESOLVED,
                cc,
                reason=_("an administrative area (%(kind)s) that is not in the gazetteer") % {"kind": qualified},
            )
        return Resolution(UNRESOLVED, cc, reason=_("no place of this name in %(country)s") % {"country": cc})


# ---- the resolution sequence --------------------------------------------------------------------
#
# Inside its country, a place name is tried against each strategy in turn: the first that gives an
# answer (resolved, ambiguous, or unresolved with a reason of its own) ends the sequence; a strategy
# that does not apply, or finds nothing it can vouch for, returns None and the next one is tried.
# The order matters: the name as written comes first, rewritings of it after, the readings that
# guess most come last. Each strategy names, in its docstring, the example that motivated it; the
# tests in tests/territories/test_resolution.py hold them.


@dataclass(frozen=True, slots=True)
class Wanted:
    """The place field as a strategy reads it: the text, the country, the regions the country field named."""

    city: str
    cc: str
    admin1: set[str]


def whole_name(index: PlaceIndex, wanted: Wanted) -> Resolution | None:
    """The name as written: "Dakar", "Saint-Louis". A town found may stand aside for a region of that
    very name ("Alagoas", "Molise"), and namesake villages for a municipality of ISO 3166-2 ("Kose,
    Estonia")."""
    found = index._match(wanted.city, wanted.cc, wanted.admin1)
    if found.status == UNRESOLVED:
        return None
    if found.status == AMBIGUOUS:
        return index._municipality(wanted.city, wanted.cc, found) or found
    return index._region_rather_than(found, wanted.city, wanted.cc) if found.locality else found


def city_comma_region(index: PlaceIndex, wanted: Wanted) -> Resolution | None:
    """ "City, Region" in the place field: "Coventry, Connecticut" is not a Coventry elsewhere; after an
    unknown region ("Friedland, Atlantis") the name alone decides only if it is unique."""
    if "," not in wanted.city:
        return None
    head, _sep, tail = wanted.city.partition(",")
    head = head.strip()
    tail_admin1 = index.region_admin1(wanted.cc, tail.strip())
    if tail_admin1:
        return index._match(head, wanted.cc, wanted.admin1 | tail_admin1, require_hint=True)
    found = index._match(head, wanted.cc, wanted.admin1)
    namesakes = _clusters(index._candidates(head, wanted.cc))
    if found.status == RESOLVED and len(namesakes) == 1:
        return _lower(found, 0.1, _("name before the comma"))
    if len(namesakes) > 1:
        return _ambiguous(
            wanted.cc,
            namesakes,
            _("several places of this name, and the region after the comma is not one the gazetteer knows"),
        )
    return None


def numbered_district(index: PlaceIndex, wanted: Wanted) -> Resolution | None:
    """ "Prague 8": a numbered district of a city, resolved to the city."""
    numbered = _TRAILING_NUMBER.sub("", wanted.city)
    if numbered == wanted.city or len(numbered) < 3:
        return None
    found = index._match(numbered, wanted.cc, wanted.admin1)
    if found.status != RESOLVED:
        return None
    return _lower(found, 0.3, _("numbered district of this city; resolved to the city"))


def without_town_word(index: PlaceIndex, wanted: Wanted) -> Resolution | None:
    """ "Mukono Town", "Ramallah City": the place without the word."""
    bare = re.sub(r"\s+(?:town|city|village|township)$", "", wanted.city, flags=re.IGNORECASE)
    if bare == wanted.city:
        return None
    found = index._match(bare, wanted.cc, wanted.admin1)
    if found.status != RESOLVED:
        return None
    return _lower(found, 0.1, _("name without “town” or “city”"))


def name_with_parenthesis(index: PlaceIndex, wanted: Wanted) -> Resolution | None:
    """ "Name (something)": a kind of area ("Lahn-Dill (district)"), the city a ward belongs to
    ("Mladenovac (Belgrade)"), another name of the place ("Oamaru (Waitaki)"), or words meant to tell
    namesakes apart that the gazetteer cannot read ("Stolberg (Südharz)")."""
    m = _PARENS.match(wanted.city)
    if not m or m.group(3):
        return None
    name, inside = m.group(1).strip(), m.group(2).strip()
    if fold(inside) in _QUALIFIERS:
        return index._subdivision(name, wanted.cc, qualified=fold(inside))
    return index._part_of(name, inside, wanted.cc, wanted.admin1) or index._match_or_unresolved(
        name, wanted.cc, wanted.admin1, inside
    )


def city_dash_ward(index: PlaceIndex, wanted: Wanted) -> Resolution | None:
    """ "City – Ward": the ward if the gazetteer has it near the city ("Suzhou – Wujiang"), else the
    city ("Belgrade – Zvezdara"), or both when the ward's name is a town farther out ("Belgrade –
    Mladenovac")."""
    parts = _DASH_SPLIT.split(wanted.city)
    if len(parts) != 2:
        return None
    return index._part_of(parts[1], parts[0], wanted.cc, wanted.admin1) or Resolution(
        UNRESOLVED,
        wanted.cc,
        reason=_("neither the ward nor its city is in the gazetteer: %(name)s") % {"name": wanted.city},
    )


def qualified_subdivision(index: PlaceIndex, wanted: Wanted) -> Resolution | None:
    """ "County Laois", "Oświęcim County", "Călărași District": a subdivision named with its kind
    ("Washington County" is not the State of Washington)."""
    qualifier = _SUBDIVISION_WORDS.search(fold(wanted.city))
    if not qualifier:
        return None
    word = re.sub(r"\s+of$", "", qualifier.group(0).strip())
    return index._subdivision(wanted.city, wanted.cc, qualified=word)


def bare_subdivision(index: PlaceIndex, wanted: Wanted) -> Resolution | None:
    """A subdivision without its kind ("South Lanarkshire", "Harjumaa"), once no locality bears the name."""
    region = index._subdivision(wanted.city, wanted.cc, qualified="")
    return region if region.status != UNRESOLVED else None


def merged_municipality(index: PlaceIndex, wanted: Wanted) -> Resolution | None:
    """Merged municipalities ("Sittard-Geleen"): the first part, if both parts are places near each
    other ("Montreuil-Juigné" is not Montreuil, 270 km away; "Etten-Leur" is not Etten)."""
    pieces = [p.strip() for p in re.split(r"[-‐‑–—/]", wanted.city) if p.strip()]
    if len(pieces) != 2 or any(len(p) < 4 for p in pieces):
        return None
    first = index._match(pieces[0], wanted.cc, wanted.admin1)
    if first.status != RESOLVED or first.locality is None:
        return None
    town = first.locality
    if not any(
        distance_km(p.latitude, p.longitude, town.latitude, town.longitude) <= WARD_KM
        for p in index._candidates(pieces[1], wanted.cc)
    ):
        return None
    return _lower(first, 0.25, _("first part of a merged name, the other part being a place nearby"))


def joined_name(index: PlaceIndex, wanted: Wanted) -> Resolution | None:
    """ "Hitachiōta" for Hitachi-Ōta, "Mönchen-Gladbach" for Mönchengladbach: the name with other spaces
    or hyphens, when exactly one place of the country is spelt so."""
    joined = [index.places[i] for i in index.by_joined_name().get((wanted.cc, key(wanted.city).replace(" ", "")), ())]
    if len(_clusters(joined)) != 1:
        return None
    return Resolution(
        RESOLVED,
        wanted.cc,
        max(joined, key=lambda p: p.population),
        confidence=0.85,
        reason=_("main name written with other spaces or hyphens, only place of this name in the country"),
    )


def other_romanisation(index: PlaceIndex, wanted: Wanted) -> Resolution | None:
    """ "Pogranichny" for Pogranichnyy, "Vyzhnytsia" for Vyzhnytsya: the same Cyrillic name romanised
    another way, when exactly one place of the country is spelt so."""
    if wanted.cc not in CYRILLIC_COUNTRIES:
        return None
    spelt = [index.places[i] for i in index.by_romanisation().get((wanted.cc, romanised(key(wanted.city))), ())]
    if len(_clusters(spelt)) != 1:
        return None
    return Resolution(
        RESOLVED,
        wanted.cc,
        max(spelt, key=lambda p: p.population),
        confidence=0.8,
        reason=_("name romanised from Cyrillic in another way, only place so spelt in the country"),
    )


Strategy = Callable[[PlaceIndex, Wanted], Resolution | None]

# The resolution sequence, in the order the strategies are tried.
STRATEGIES: tuple[Strategy, ...] = (
    whole_name,
    city_comma_region,
    numbered_district,
    without_town_word,
    name_with_parenthesis,
    city_dash_ward,
    qualified_subdivision,
    bare_subdivision,
    merged_municipality,
    joined_name,
    other_romanisation,
)


# Countries whose place names are romanised from Cyrillic, in several competing systems.
CYRILLIC_COUNTRIES = {"RU", "UA", "BY", "BG", "KZ", "KG", "TJ", "MN", "RS", "MK", "ME", "MD"}
_ROMANISATION = [
    (re.compile(r"[`ʹʼ]"), ""),
    (re.compile(r"shch"), "sch"),
    (re.compile(r"(?:iy|yy|yi|ij|ii)\b"), "y"),
    (re.compile(r"(?<=[bcdfghklmnprstvzy])i(?=[aeou])"), "y"),
    (re.compile(r"yy"), "y"),
]


def romanised(k: str) -> str:
    """A matching key that one Cyrillic name romanised in different ways shares: "Pogranichnyy" and
    "Pogranichny", "Velykyi" and "Velykyy", "Mizhhiria" and "Mizhhirya", "Zalishchyky" and "Zalischyky"."""
    for pattern, replacement in _ROMANISATION:
        k = pattern.sub(replacement, k)
    return k


# ISO 3166-2 types of subdivisions that are local governments of their own (municipalities, communes,
# local councils, parishes, boroughs), not counties or regions grouping them.
_MUNICIPAL_TYPE = re.compile(
    r"municipal|commune|local council|parish|borough|unitary authority|council area|metropolitan "
    r"district|^(?:city|town)$"
)


def _is_municipal(kind: str) -> bool:
    return bool(_MUNICIPAL_TYPE.search(kind))


def _region_names(name: str) -> list[str]:
    """ "Isle of Anglesey [Sir Ynys Môn GB-YNM]" and "Bristol, City of" in the forms people write."""
    names = []
    m = re.match(r"^(.*?)\s*\[(.*?)\]\s*$", name)
    if m:
        name = m.group(1)
        names.append(re.sub(r"\s+[A-Z]{2}-[A-Z0-9]+$", "", m.group(2)))
    names.append(name)
    if ", " in name:
        head, tail = name.split(", ", 1)
        names += [head, f"{tail} {head}"]
    for part in name.split(" / "):
        names.append(part)
    return [n for n in names if n]


def _clusters(candidates: list[Place]) -> list[Place]:
    """Group candidates lying within SAME_PLACE_KM of a bigger one; return one place per group."""
    kept: list[Place] = []
    for place in sorted(candidates, key=lambda p: -p.population):
        if not any(
            distance_km(place.latitude, place.longitude, k.latitude, k.longitude) <= SAME_PLACE_KM for k in kept
        ):
            kept.append(place)
    return kept


def _near_any(place: Place, others: list[Place]) -> bool:
    return any(distance_km(place.latitude, place.longitude, o.latitude, o.longitude) <= SAME_PLACE_KM for o in others)


def _ambiguous(cc: str, candidates: list[Place], why: str) -> Resolution:
    ranked = sorted(candidates, key=lambda p: -p.population)
    listed = "; ".join(f"{p.name} ({p.geonameid}, {p.population})" for p in ranked[:3])
    return Resolution(AMBIGUOUS, cc, candidates=tuple(ranked[:5]), reason=f"{why}: {listed}")


def _dominates(place: Place, others: list[Place], factor: float) -> bool:
    if not others:
        return True
    # GeoNames writes 0 when it does not know a population: such a namesake is counted as a small town,
    # not as an empty one ("Adelsdorf", 7,245, does not outweigh an Adelsdorf of unknown size).
    biggest = max(o.population or UNKNOWN_POPULATION for o in others)
    return place.population >= 1_000 and place.population >= factor * biggest and place.population > biggest


def _lower(found: Resolution, by: float, why: str) -> Resolution:
    return Resolution(
        found.status,
        found.country_code,
        found.locality,
        found.subdivision,
        round(max(0.3, found.confidence - by), 2),
        f"{found.reason}; {why}",
        found.candidates,
    )


_INDEX: tuple[str, PlaceIndex] | None = None
_LOCK = threading.Lock()


def _index_version() -> str:
    from coopdec.common.models import ReferenceDataset

    from .models import Locality

    checksums = dict(ReferenceDataset.objects.values_list("name", "checksum"))
    return f"{checksums.get('localities', '')}:{checksums.get('subdivisions', '')}:{Locality.objects.count()}"


def get_index() -> PlaceIndex:
    """The place index, built on first use and rebuilt only when the reference data changed."""
    global _INDEX
    version = _index_version()
    with _LOCK:
        if _INDEX is None or _INDEX[0] != version:
            _INDEX = (version, PlaceIndex.from_database())
        return _INDEX[1]


def resolve_place(city: str, country: str) -> Resolution:
    return get_index().resolve(city, country)
