"""Countries and localities (GeoNames): the canonical places organisations are tied to."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from coopdec.common.text import fold
from coopdec.territories.models import Country, Locality

from ..pagination import page_response, paginate
from ..params import MAX_ID, PageQuery, StrictQuery, no_query

router = Router(tags=["places"])


class CountryOut(Schema):
    code: str = Field(description="ISO 3166-1 alpha-2 code.")
    alpha3: str
    numeric: str
    name: str = Field(description="Name in the request's language (Accept-Language).")
    names: dict[str, str]
    continent: str
    latitude: float | None
    longitude: float | None


class CountryQuery(StrictQuery):
    continent: str | None = Field(None, description="Continent code: AF, AN, AS, EU, NA, OC, SA.")


class LocalityOut(Schema):
    geonameid: int
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    admin1_code: str
    latitude: float
    longitude: float
    population: int
    timezone: str


class LocalityDetailOut(LocalityOut):
    alternate_names: list[str]


class LocalityQuery(PageQuery):
    q: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="Name or alternate name, accent- and case-insensitive, matched from its start.",
    )
    country: str | None = Field(None, min_length=2, max_length=2, description="ISO 3166-1 alpha-2 code.")
    min_population: int | None = Field(None, ge=0, le=MAX_ID)


def country_out(country: Country) -> dict:
    return {
        "code": country.code,
        "alpha3": country.alpha3,
        "numeric": country.numeric,
        "name": country.name,
        "names": country.names,
        "continent": country.continent,
        "latitude": country.latitude,
        "longitude": country.longitude,
    }


def locality_out(locality: Locality, *, detail: bool = False) -> dict:
    data = {
        "geonameid": locality.geonameid,
        "name": locality.name,
        "country": locality.country_id,
        "admin1_code": locality.admin1_code,
        "latitude": locality.latitude,
        "longitude": locality.longitude,
        "population": locality.population,
        "timezone": locality.timezone,
    }
    if detail:
        data["alternate_names"] = locality.alternate_names
    return data


@router.get("/countries", response=list[CountryOut], summary="All countries (ISO 3166-1, plus Kosovo)")
def list_countries(request, params: Query[CountryQuery]):
    countries = Country.objects.all().order_by("code")
    if params.continent:
        countries = countries.filter(continent=params.continent.upper())
    return [country_out(country) for country in countries]


@router.get("/countries/{code}", response=CountryOut, summary="One country")
@no_query
def get_country(request, code: str):
    return country_out(get_object_or_404(Country, code=code.upper()))


class LocalityPage(Schema):
    next: str | None
    results: list[LocalityOut]


@router.get("/localities", response=LocalityPage, summary="Search localities (GeoNames places)")
def list_localities(request, params: Query[LocalityQuery]):
    """Most populous first. `q` matches the start of the name or of an alternate name, ignoring
    accents and case (`saint-etienne` finds Saint-Étienne); alternate names are only searched
    together with `country`, to keep the query fast."""
    localities = Locality.objects.all()
    if params.country:
        localities = localities.filter(country_id=params.country.upper())
    if params.min_population is not None:
        localities = localities.filter(population__gte=params.min_population)
    if params.q:
        folded = fold(params.q)
        condition = Q(name_folded__startswith=folded)
        if params.country:
            # Alternate names are a JSON list: a text match narrows down, then Python confirms.
            condition |= Q(alternate_names__icontains=folded)
        localities = localities.filter(condition)
    page = paginate(
        request,
        localities,
        ordering=("-population", "geonameid"),
        cursor=params.cursor,
        limit=params.limit,
        serialize=lambda locality: locality,
    )
    if params.q:
        folded = fold(params.q)
        page["results"] = [
            locality
            for locality in page["results"]
            if locality.name_folded.startswith(folded)
            or any(fold(name).startswith(folded) for name in locality.alternate_names or [])
        ]
    page["results"] = [locality_out(locality) for locality in page["results"]]
    return page_response(page)


@router.get("/localities/{geonameid}", response=LocalityDetailOut, summary="One locality")
@no_query
def get_locality(request, geonameid: int):
    return locality_out(get_object_or_404(Locality, geonameid=geonameid), detail=True)
