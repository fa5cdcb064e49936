"""Contract tests: countries, localities, sectors, SDGs, axes."""

import pytest

pytestmark = pytest.mark.django_db


def test_countries_list_all_with_localised_name(client):
    response = client.get("/api/v1/countries", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    countries = response.json()
    assert len(countries) == 250
    france = next(country for country in countries if country["code"] == "FR")
    assert france["alpha3"] == "FRA"
    assert france["continent"] == "EU"
    assert france["names"]["fr"] == "France"


def test_countries_filter_by_continent(client):
    response = client.get("/api/v1/countries?continent=af")
    codes = {country["code"] for country in response.json()}
    assert "SN" in codes
    assert "FR" not in codes


def test_country_detail_and_unknown(client):
    assert client.get("/api/v1/countries/sn").json()["alpha3"] == "SEN"
    response = client.get("/api/v1/countries/ZZ")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_localities_search_is_accent_insensitive(client):
    response = client.get("/api/v1/localities?q=Saint-Etienne&country=FR&limit=1")
    assert response.status_code == 200
    assert response.json()["results"][0]["geonameid"] == 2980291  # Saint-Étienne
    assert client.get("/api/v1/localities?q=SAINT-ÉTIENNE&limit=1").json()["results"][0]["geonameid"] == 2980291


def test_localities_search_by_alternate_name_within_country(client):
    # GeoNames lists "Sankt Etienne"-like variants; "dakar" must at least find Dakar by name.
    response = client.get("/api/v1/localities?q=dakar&country=SN")
    assert response.json()["results"][0]["name"] == "Dakar"


def test_localities_pages_are_stable_and_disjoint(client):
    first = client.get("/api/v1/localities?country=SN&limit=5").json()
    second = client.get(first["next"]).json()
    again = client.get(first["next"]).json()
    assert second == again
    ids_first = [locality["geonameid"] for locality in first["results"]]
    ids_second = [locality["geonameid"] for locality in second["results"]]
    assert len(ids_first) == 5
    assert not set(ids_first) & set(ids_second)
    populations = [locality["population"] for locality in first["results"] + second["results"]]
    assert populations == sorted(populations, reverse=True)


def test_localities_follow_next_to_the_end(client):
    url = "/api/v1/localities?country=SN&min_population=100000&limit=3"
    seen = []
    while url:
        page = client.get(url).json()
        seen += [locality["geonameid"] for locality in page["results"]]
        url = page["next"]
    from coopdec.territories.models import Locality

    expected = list(
        Locality.objects.filter(country_id="SN", population__gte=100000)
        .order_by("-population", "geonameid")
        .values_list("geonameid", flat=True)
    )
    assert seen == expected


def test_locality_detail_includes_alternate_names(client):
    body = client.get("/api/v1/localities/2253354").json()  # Dakar
    assert body["name"] == "Dakar"
    assert isinstance(body["alternate_names"], list)


def test_unknown_query_parameter_is_rejected_naming_the_allowed(client):
    response = client.get("/api/v1/localities?contry=FR")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "unknown_parameter"
    assert body["details"] == {"unknown": ["contry"], "allowed": ["country", "cursor", "limit", "min_population", "q"]}
    assert "contry" in body["message"]


def test_detail_endpoints_reject_any_query_parameter(client):
    response = client.get("/api/v1/countries/FR?expand=1")
    assert response.status_code == 400
    assert response.json()["details"]["allowed"] == []


def test_invalid_values_get_a_json_400_naming_the_field(client):
    response = client.get("/api/v1/localities?limit=1000")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_request"
    assert body["details"][0]["field"] == "limit"


def test_tampered_cursor_is_rejected(client):
    response = client.get("/api/v1/localities?cursor=not-a-cursor")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_cursor"


def test_unknown_address_under_the_api_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_sectors_five_and_three_digits(client):
    sectors = client.get("/api/v1/sectors?category=140").json()
    assert "14030" in {sector["code"] for sector in sectors}
    assert all(sector["code"].startswith("140") for sector in sectors)
    categories = client.get("/api/v1/sectors?digits=3").json()
    assert {"140", "151"} <= {category["code"] for category in categories}
    assert client.get("/api/v1/sectors/14030").json()["code"] == "14030"
    assert client.get("/api/v1/sectors/99999").status_code == 404


def test_sdgs_goals_then_targets_of_a_goal(client):
    goals = client.get("/api/v1/sdgs").json()
    assert [goal["code"] for goal in goals] == [str(n) for n in range(1, 18)]
    targets = client.get("/api/v1/sdgs?level=target&goal=6").json()
    assert [target["code"] for target in targets][:3] == ["6.1", "6.2", "6.3"]
    assert all(target["code"].startswith("6.") for target in targets)


def test_axes_list_and_detail(client):
    axes = client.get("/api/v1/axes").json()
    assert axes
    first = axes[0]
    assert set(first) == {"code", "name", "names", "descriptions", "sector_categories", "sectors"}
    assert client.get(f"/api/v1/axes/{first['code']}").json()["code"] == first["code"]
