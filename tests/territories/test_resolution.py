"""Place resolution on the test slice of the gazetteer (every place of 50,000+, all of FR, DE, SN, BF)."""

import pytest
from django.utils import translation

from coopdec.territories.resolution import (
    AMBIGUOUS,
    RESOLVED,
    UNRESOLVED,
    Place,
    PlaceIndex,
    Region,
    distance_km,
    get_index,
    key,
    romanised,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def index():
    with translation.override("en"):
        yield get_index()


def resolved(index, city, country):
    result = index.resolve(city, country)
    assert result.status == RESOLVED, result.reason
    return result


def test_key_folds_accents_punctuation_and_saint():
    assert key("  Saint-Étienne ") == "saint etienne"
    assert key("St. Albans") == "saint albans"
    assert key("Łódź") == "lodz"
    assert key("Москва") == ""


@pytest.mark.parametrize(
    ("country", "code"),
    [
        ("Ivory Coast", "CI"),
        ("Côte d'Ivoire", "CI"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("Turquie", "TR"),
        ("Republic of Ireland", "IE"),
        ("Bosnia and Hercegovina", "BA"),
        ("Kazakhstah", "KZ"),
        ("Japa", "JP"),
        ("Grece", "GR"),
        ("Allemagne", "DE"),
        ("Alemanha", "DE"),
        ("Czech Republic", "CZ"),
        ("Georgia (country)", "GE"),
        ("in Italy", "IT"),
        ("England", "GB"),
        ("Scotland, United Kingdom", "GB"),
        ("Réunion, France", "RE"),
        ("Åland Islands, Finland", "AX"),
        ("Congo", "CG"),
        ("DR Congo", "CD"),
        ("Anhui, China", "CN"),
    ],
)
def test_country_reads_variants_translations_typos_and_regions(index, country, code):
    assert index.country(country).code == code


def test_country_refuses_what_it_cannot_read(index):
    assert index.country("Atlantis").code is None
    assert index.country("").code is None


def test_resolve_variant_country_names(index):
    assert resolved(index, "Abidjan", "Ivory Coast").locality.country == "CI"
    assert resolved(index, "Istanbul", "Turkey").locality.country == "TR"
    assert resolved(index, "Cork", "Republic of Ireland").locality.country == "IE"
    assert resolved(index, "Sarajevo", "Bosnia and Hercegovina").locality.country == "BA"
    assert resolved(index, "Almaty", "Kazakhstah").locality.country == "KZ"


def test_resolve_accents_and_alternate_names(index):
    assert resolved(index, "Saint-Etienne", "France").locality.geonameid == 2980291
    assert resolved(index, "Nimes", "France").locality.geonameid == 2990363
    munich = resolved(index, "München", "Germany")
    assert munich.locality.geonameid == 2867714
    assert "alternate" in munich.reason
    assert resolved(index, "Cologne", "Germany").locality.geonameid == 2886242


def test_resolve_region_in_country_field_decides_between_namesakes(index):
    lower_saxony = resolved(index, "Friedland", "Lower Saxony, Germany")
    brandenburg = resolved(index, "Friedland", "Brandenburg, Germany")
    assert lower_saxony.locality.admin1 == "06"
    assert brandenburg.locality.admin1 == "11"
    assert "region" in lower_saxony.reason


def test_resolve_england_hint(index):
    cambridge = resolved(index, "Cambridge", "England, United Kingdom")
    assert cambridge.locality.country == "GB"
    assert cambridge.locality.admin1 == "ENG"


def test_resolve_overseas_region_is_its_own_country(index):
    result = resolved(index, "Saint-Denis", "Réunion, France")
    assert result.country_code == "RE"
    assert result.locality.country == "RE"


def test_resolve_flags_ambiguity_instead_of_guessing(index):
    result = index.resolve("Illingen", "Germany")
    assert result.status == AMBIGUOUS
    assert result.locality is None
    assert "2 places of this name" in result.reason
    assert len(result.candidates) == 2


def test_resolve_prefers_a_clearly_dominant_place(index):
    result = resolved(index, "Frankfurt", "Germany")
    assert result.locality.geonameid == 2925533  # Frankfurt am Main, not Frankfurt (Oder)
    assert result.confidence < 0.95


def test_resolve_parenthesis_that_is_part_of_the_name(index):
    assert resolved(index, "Hennef (Sieg)", "Germany").locality.name == "Hennef (Sieg)"


def test_resolve_ward_to_itself_near_its_city_or_to_the_city(index):
    tokyo = resolved(index, "Tokyo", "Japan").locality
    ward = resolved(index, "Tokyo – Arakawa", "Japan")
    assert distance_km(ward.latitude, ward.longitude, tokyo.latitude, tokyo.longitude) < 25
    district = resolved(index, "Hardtberg (Bonn)", "Germany")
    assert district.locality.name in {"Hardtberg", "Bonn"}


def test_resolve_county_to_iso_subdivision(index):
    result = resolved(index, "County Laois", "Republic of Ireland")
    assert result.subdivision.code == "IE-LS"
    assert result.locality is None
    assert result.identity == ("subdivision", "IE-LS")


def test_resolve_german_district_is_unresolved_with_reason(index):
    result = index.resolve("Lahn-Dill (district)", "Germany")
    assert result.status == UNRESOLVED
    assert "district" in result.reason


def test_resolve_unknown_place_or_country_is_unresolved(index):
    assert index.resolve("Qwxyzville", "France").status == UNRESOLVED
    result = index.resolve("Paris", "Atlantis")
    assert result.status == UNRESOLVED
    assert "Atlantis" in result.reason
    assert index.resolve("Paris", "").reason == "no country given"


def test_resolve_subdivision_name_drops_the_iso_note(index):
    result = resolved(index, "Isle of Anglesey", "Wales")
    assert result.subdivision.code == "GB-AGY"
    assert result.name == "Isle of Anglesey"


def test_resolve_known_region_after_the_comma_is_binding(index):
    texas = resolved(index, "Pasadena, Texas", "United States")
    assert texas.locality.geonameid == 4717782
    florida = index.resolve("Pasadena, Florida", "United States")  # Pasadena, CA and TX exist, none in Florida
    assert florida.status == UNRESOLVED
    assert florida.reason == "no place of this name in the region given"


def test_resolve_swiss_canton_after_the_comma(index):
    assert resolved(index, "Winterthur, Zürich", "Switzerland").locality.geonameid == 2657970
    assert index.resolve("Basel, Zürich", "Switzerland").status == UNRESOLVED


def test_resolve_unknown_region_after_the_comma_leaves_namesakes_ambiguous(index):
    result = index.resolve("Friedland, Atlantis", "Germany")
    assert result.status == AMBIGUOUS
    assert result.reason.startswith("several places of this name, and the region after the comma")
    assert {p.geonameid for p in result.candidates} == {9972705, 2924679, 2924680}


def test_resolve_merged_name_needs_both_parts_nearby(index):
    evry = resolved(index, "Évry-Courcouronnes", "France")
    assert evry.locality.name == "Évry"
    assert evry.reason.endswith("first part of a merged name, the other part being a place nearby")
    # Montreuil-Juigné (Maine-et-Loire) is a commune of its own, not Montreuil (Seine-Saint-Denis).
    assert index.resolve("Montreuil-Juigné", "France").status == UNRESOLVED


def test_resolve_name_with_other_spaces_or_hyphens(index):
    result = resolved(index, "Mönchen-Gladbach", "Germany")
    assert result.locality.geonameid == 2869894
    assert result.reason == "main name written with other spaces or hyphens, only place of this name in the country"


def test_resolve_region_name_borne_only_as_another_name_of_a_town(index):
    # Marechal Deodoro was once called Alagoas; "Alagoas, Brazil" in a list of local governments is the state.
    result = resolved(index, "Alagoas", "Brazil")
    assert result.identity == ("subdivision", "BR-AL")
    assert "Marechal Deodoro" in result.reason


def test_resolve_town_sharing_a_region_name_stays_the_town(index):
    result = resolved(index, "Saint-Louis", "Senegal")  # 176,000 people; also the region SN-SL
    assert result.locality.geonameid == 2246452


def test_resolve_hamlet_sharing_a_first_level_region_name_is_the_region():
    molise = Place(3173221, "Molise", "IT", "11", 41.63147, 14.49252, 167)  # GeoNames: a hamlet of 167
    campobasso = Place(3180991, "Campobasso", "IT", "11", 41.55947, 14.66737, 49230)
    index = PlaceIndex(
        places=[molise, campobasso],
        alternates={},
        regions=[
            Region("IT-67", "Molise", "IT", None, None, "region", True),
            Region("IT-CB", "Campobasso", "IT", None, None, "province", False),
        ],
        countries={"IT": ["Italy"]},
        variants=[],
    )
    with translation.override("en"):
        region = index.resolve("Molise", "Italy")
        city = index.resolve("Campobasso", "Italy")
    assert region.identity == ("subdivision", "IT-67")
    assert region.reason == "subdivision IT-67; a region's name, shared by the small town Molise"
    assert city.identity == ("locality", "3180991")  # a province's name, and a town of 49,000


def test_resolve_ward_tells_which_of_two_namesake_cities(index):
    assert index.resolve("Grajaú", "Brazil").status == AMBIGUOUS  # a district of São Paulo and a town in Maranhão
    ward = resolved(index, "Grajaú – Vila Mariana", "Brazil")
    assert ward.locality.geonameid == 3445061
    assert ward.reason.startswith("part of Grajaú")


def test_resolve_small_place_whose_name_larger_places_bear_with_more_words_is_ambiguous(index):
    # Gutach (Schwarzwaldbahn), 2,200 people, or Gutach im Breisgau, 4,400, written short?
    result = index.resolve("Gutach", "Germany")
    assert result.status == AMBIGUOUS
    assert result.reason.startswith("Gutach may be short for the name of a larger place, such as Gutach im Breisgau")
    assert {p.geonameid for p in result.candidates} == {2913425, 2913428}
    # A city is trusted under its own name, whatever longer names exist ("Saint-Quentin-en-Yvelines").
    assert resolved(index, "Saint-Quentin", "France").locality.population > 50_000
    assert resolved(index, "Abomey", "Benin").locality.name == "Abomey"  # Abomey-Calavi is another city


def test_resolve_region_written_in_english_to_its_iso_name(index):
    lviv = resolved(index, "Lviv Oblast", "Ukraine")
    assert lviv.identity == ("subdivision", "UA-46")
    assert lviv.reason == "subdivision UA-46, whose name in the country's language begins so"
    assert resolved(index, "Olomouc Region", "Czech Republic").identity == ("subdivision", "CZ-71")
    # Polish counties (powiats) are not in ISO 3166-2: no voivodeship is taken for one.
    assert index.resolve("Sanok County", "Poland").status == UNRESOLVED


def test_resolve_city_under_its_own_language_name_stays_the_city_beside_a_same_named_province(index):
    # Milano, Roma, Napoli are also Italian provinces (IT-MI, IT-RM, IT-NA); the city is meant.
    assert resolved(index, "Milano", "Italy").locality.name == "Milan"
    assert resolved(index, "Napoli", "Italy").locality.name == "Naples"
    assert resolved(index, "Wien", "Austria").locality.name == "Vienna"


def test_resolve_namesake_of_unknown_population_is_not_outweighed_by_a_small_town(index):
    # GeoNames gives 0 for a population it does not know: the Adelsdorf of 7,245 is not 8 times larger.
    result = index.resolve("Adelsdorf", "Germany")
    assert result.status == AMBIGUOUS
    assert {p.geonameid for p in result.candidates} == {2959514, 2959513}


def test_resolve_city_still_outweighs_a_namesake_of_unknown_population():
    city = Place(1793743, "Suzhou", "CN", "01", 33.63611, 116.97889, 1647642)
    unknown = Place(8507323, "Suzhou", "CN", "15", 40.16375, 94.63989, 0)
    index = PlaceIndex(places=[city, unknown], alternates={}, regions=[], countries={"CN": ["China"]}, variants=[])
    with translation.override("en"):
        result = index.resolve("Suzhou", "China")
    assert result.status == RESOLVED
    assert result.locality == city
    assert result.reason == "main name, most populous of 2 places of this name"


def test_resolve_parenthesis_written_to_tell_namesakes_apart_leaves_them_ambiguous(index):
    # Stolberg (Harz), 1,400 people, or Stolberg (Rheinland), 57,700: "Südharz" says which,
    # the gazetteer cannot read it.
    result = index.resolve("Stolberg (Südharz)", "Germany")
    assert result.status == AMBIGUOUS
    assert result.reason.startswith(
        "several places of this name, and the words in parenthesis (Südharz) do not tell which: Stolberg (2826595, "
        "57684)"
    )
    assert {p.geonameid for p in result.candidates} == {2826595, 2826594}
    # Without namesakes the words in parenthesis do not matter.
    assert resolved(index, "Hennef (Sieg)", "Germany").locality.name == "Hennef (Sieg)"


def _belgrade_index():
    belgrade = Place(792680, "Belgrade", "RS", "SE", 44.80401, 20.46513, 1273651)
    mladenovac = Place(787893, "Mladenovac", "RS", "SE", 44.43861, 20.69917, 0)  # 45 km away, in the City of Belgrade
    return PlaceIndex(
        places=[belgrade, mladenovac], alternates={}, regions=[], countries={"RS": ["Serbia"]}, variants=[]
    )


def test_resolve_ward_whose_name_is_a_town_farther_out_is_ambiguous():
    index = _belgrade_index()
    with translation.override("en"):
        dashed = index.resolve("Belgrade – Mladenovac", "Serbia")
        bracketed = index.resolve("Mladenovac (Belgrade)", "Serbia")
        ward = index.resolve("Belgrade – Zvezdara", "Serbia")  # no place of this name anywhere: a ward of the city
    for result in (dashed, bracketed):
        assert result.status == AMBIGUOUS
        assert result.reason.startswith(
            "no Mladenovac near Belgrade, but a place of this name lies 45 km away: the city or that place?"
        )
        assert {p.geonameid for p in result.candidates} == {792680, 787893}
    assert ward.status == RESOLVED
    assert ward.locality.geonameid == 792680
    assert ward.reason.endswith("ward or district of this city; resolved to the city")


def test_resolve_chinese_province_after_the_comma_or_in_the_country_field(index):
    anhui = resolved(index, "Suzhou, Anhui", "China")
    jiangsu = resolved(index, "Suzhou, Jiangsu", "China")
    assert anhui.locality.geonameid == 1793743
    assert jiangsu.locality.geonameid == 1886760
    assert jiangsu.reason == "main name, in the region given"
    guess = index.country("Jiangsu, China")
    assert (guess.code, guess.admin1) == ("CN", {"04"})


def test_resolve_first_level_region_in_english_whatever_its_iso_type(index):
    # A Romanian județ is a "department" in ISO 3166-2, a county in English; Slovak kraje are regions.
    assert resolved(index, "Argeș County", "Romania").identity == ("subdivision", "RO-AG")
    bratislava = resolved(index, "Bratislava Region", "Slovakia")
    assert bratislava.identity == ("subdivision", "SK-BL")
    assert bratislava.reason == "subdivision SK-BL, whose name in the country's language begins so"
    # A county is still not a state.
    assert index.resolve("Washington County", "United States").status == UNRESOLVED


def test_romanised_key_joins_romanisations_of_one_cyrillic_name():
    assert romanised("pogranichny") == romanised("pogranichnyy") == "pogranichny"
    assert romanised("velykyi bychkiv") == romanised("velykyy bychkiv")
    assert romanised("mizhhiria") == romanised("mizhhirya")
    assert romanised("zalischyky") == romanised("zalishchyky")


def test_resolve_name_romanised_from_cyrillic_another_way():
    pogranichnyy = Place(2017851, "Pogranichnyy", "RU", "59", 44.41041, 131.37847, 11930)
    bychkiv = Place(690040, "Velykyy Bychkiv", "UA", "25", 47.96821, 24.01061, 9255)
    index = PlaceIndex(
        places=[pogranichnyy, bychkiv],
        alternates={},
        regions=[],
        countries={"RU": ["Russia"], "UA": ["Ukraine"], "ES": ["Spain"]},
        variants=[],
    )
    with translation.override("en"):
        russian = index.resolve("Pogranichny", "Russia")
        ukrainian = index.resolve("Velykyi Bychkiv", "Ukraine")
        elsewhere = index.resolve("Pogranichny", "Spain")
    assert russian.locality == pogranichnyy
    assert russian.reason == "name romanised from Cyrillic in another way, only place so spelt in the country"
    assert ukrainian.locality == bychkiv
    assert elsewhere.status == UNRESOLVED


def test_resolve_municipality_of_iso_3166_2_rather_than_namesake_villages():
    # Kose Parish (EE-338), a municipality, and three villages called Kose.
    villages = [
        Place(591076, "Kose", "EE", "01", 59.46001, 24.87824, 2232),
        Place(794296, "Kose", "EE", "21", 57.81278, 27.03694, 549),
        Place(591078, "Kose", "EE", "01", 59.17889, 25.17306, 0),
    ]
    index = PlaceIndex(
        places=villages,
        alternates={},
        countries={"EE": ["Estonia"]},
        variants=[],
        regions=[
            Region("EE-338", "Kose", "EE", None, None, "rural municipality", False),
            Region("EE-37", "Harjumaa", "EE", None, None, "county", True),
        ],
    )
    with translation.override("en"):
        result = index.resolve("Kose", "Estonia")
        county = index.resolve("Harjumaa", "Estonia")
    assert result.identity == ("subdivision", "EE-338")
    assert result.reason == "municipality EE-338 of this name, rather than one of the places that bear it"
    assert {p.geonameid for p in result.candidates} == {591076, 794296, 591078}
    assert county.identity == ("subdivision", "EE-37")  # no village of that name: the county, as before


def test_resolve_place_in_several_overseas_territories_is_ambiguous():
    guadeloupe = Place(3579023, "Lamentin", "GP", "GP", 16.27047, -61.63166, 14891)
    martinique = Place(3570428, "Le Lamentin", "MQ", "MQ", 14.61341, -60.99964, 40581)
    reunion = Place(935264, "Saint-Denis", "RE", "RE", -20.88231, 55.4504, 154765)
    index = PlaceIndex(
        places=[guadeloupe, martinique, reunion],
        alternates={3579023: ["Le Lamentin"]},
        regions=[],
        countries={"FR": ["France"], "GP": ["Guadeloupe"], "MQ": ["Martinique"], "RE": ["Réunion"]},
        variants=[],
    )
    with translation.override("en"):
        lamentin = index.resolve("Le Lamentin", "France")
        saint_denis = index.resolve("Saint-Denis", "France")
    assert lamentin.status == AMBIGUOUS
    assert lamentin.reason.startswith("no place of this name in the country, but one in each of several of its")
    assert {p.geonameid for p in lamentin.candidates} == {3579023, 3570428}
    assert saint_denis.locality == reunion  # one territory only: that one
