"""Places of the import preview as people read them: "Valence, Drôme, France", never a GeoNames number.

Read-only (a selector): the names of the localities, subdivisions and countries that the rows of
one preview page name, looked up in three queries.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from coopdec.territories.models import Country, Locality, Subdivision
from coopdec.territories.names import display_name
from coopdec.territories.resolution import SAME_ADMIN1_CODES

from .services import Row


def _region_code(country: str, admin1: str) -> str:
    """The ISO 3166-2 code of a GeoNames first-level code, where both systems share their codes."""
    return f"{country}-{admin1}" if country in SAME_ADMIN1_CODES and admin1 else ""


class PlaceNames:
    def __init__(self, rows: list[Row]):
        sides = [s for r in rows for s in r.sides]
        candidates = [c for r in rows for places in r.candidates.values() for c in places]
        localities = Locality.objects.in_bulk([s.locality_id for s in sides if s.locality_id])
        self.admin1 = {pk: (loc.country_id, loc.admin1_code) for pk, loc in localities.items()}
        self.localities = {pk: loc.name for pk, loc in localities.items()}
        codes = {s.subdivision_code for s in sides if s.subdivision_code}
        codes |= {_region_code(c, a) for c, a in self.admin1.values()}
        codes |= {_region_code(c["country"], c["admin1"]) for c in candidates}
        self.regions = dict(Subdivision.objects.filter(code__in=codes - {""}).values_list("code", "name"))
        countries = {s.country for s in sides} | {c["country"] for c in candidates}
        self.countries = {c.code: c.name for c in Country.objects.filter(code__in=countries)}

    def _join(self, name: str, region: str, country: str) -> str:
        return ", ".join(part for part in (name, region, self.countries.get(country, country)) if part)

    def side(self, side) -> str:
        if side.locality_id:
            country, admin1 = self.admin1.get(side.locality_id, (side.country, ""))
            name = display_name(self.localities.get(side.locality_id, side.name), side.locality_id)
            return self._join(name, self.regions.get(_region_code(country, admin1), ""), side.country)
        if side.subdivision_code:
            return self._join(self.regions.get(side.subdivision_code, side.subdivision_code), "", side.country)
        return self._join("", "", side.country)

    def candidate(self, place: dict) -> str:
        label = self._join(
            display_name(place["name"], place["geonameid"]),
            self.regions.get(_region_code(place["country"], place["admin1"]), ""),
            place["country"],
        )
        if place["population"]:
            label += " — " + _("%(population)s inhabitants") % {
                "population": number_format(place["population"], force_grouping=True)
            }
        return f"{label} ({place['latitude']:.2f}, {place['longitude']:.2f})"


def preview_rows(rows: list[Row]) -> list[dict]:
    """Each row with its places named: {"row", "places": [label per side], "choices": [(side, [(id, label)])]}."""
    names = PlaceNames(rows)
    return [
        {
            "row": row,
            "places": [names.side(side) for side in row.sides],
            "choices": [
                (n, [(c["geonameid"], names.candidate(c)) for c in places])
                for n, places in sorted(row.candidates.items())
            ],
        }
        for row in rows
    ]
