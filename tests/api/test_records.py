"""Contract tests: organisations, partnerships and projects (reads, writes, drafts, contacts)."""

import pytest

from coopdec.actors.models import Contact, MembershipRole, Organisation
from coopdec.cooperation.models import Project
from tests.factories import (
    make_member,
    make_organisation,
    make_partnership,
    make_project,
    make_user,
)

from .conftest import bearer

pytestmark = pytest.mark.django_db

DAKAR = 2253354
PARIS = 2988507


def test_organisations_list_shape_and_filters(client):
    paris = make_organisation("Ville de Paris", geonameid=PARIS)
    dakar = make_organisation("Ville de Dakar", geonameid=DAKAR)
    ngo = make_organisation("Eau Vive", geonameid=None, kind="ngo", country_id="FR")
    make_organisation("Brouillon", geonameid=PARIS, published=False)

    body = client.get("/api/v1/organisations").json()
    assert [org["id"] for org in body["results"]] == [paris.pk, dakar.pk, ngo.pk]
    assert body["next"] is None
    first = body["results"][0]
    assert first["locality"] == {"geonameid": PARIS, "name": "Paris"}
    assert first["country"] == "FR"
    assert first["publication_status"] == "published"

    assert [o["id"] for o in client.get("/api/v1/organisations?country=sn").json()["results"]] == [dakar.pk]
    assert [o["id"] for o in client.get("/api/v1/organisations?kind=ngo").json()["results"]] == [ngo.pk]
    assert [o["id"] for o in client.get(f"/api/v1/organisations?geonameid={PARIS}").json()["results"]] == [paris.pk]
    assert [o["id"] for o in client.get("/api/v1/organisations?q=ville de d").json()["results"]] == [dakar.pk]


def test_organisations_pagination_is_stable_when_records_are_added(client):
    organisations = [make_organisation(f"Commune {n}", geonameid=PARIS) for n in range(5)]
    first = client.get("/api/v1/organisations?limit=2").json()
    make_organisation("Nouvelle commune", geonameid=PARIS)  # added between two pages
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    ids = [o["id"] for page in (first, second, third) for o in page["results"]]
    assert ids[:5] == [o.pk for o in organisations]
    assert len(ids) == len(set(ids))


def test_organisation_draft_hidden_from_anonymous_and_others(client):
    draft = make_organisation("Brouillon", geonameid=PARIS, published=False)
    member = make_member(draft)
    assert client.get(f"/api/v1/organisations/{draft.pk}").status_code == 404
    other = make_user()
    assert client.get(f"/api/v1/organisations/{draft.pk}", headers=bearer(other)).status_code == 404
    assert client.get(f"/api/v1/organisations/{draft.pk}", headers=bearer(member)).status_code == 200
    listed = client.get("/api/v1/organisations", headers=bearer(member)).json()["results"]
    assert [o["id"] for o in listed] == [draft.pk]
    assert client.get("/api/v1/organisations").json()["results"] == []


def test_contacts_only_for_signed_in_callers(client):
    organisation = make_organisation("Ville de Paris")
    Contact.objects.create(organisation=organisation, name="Jeanne Martin", email="jeanne@example.org")
    anonymous = client.get(f"/api/v1/organisations/{organisation.pk}").json()
    assert anonymous["contacts"] is None
    assert "jeanne@example.org" not in str(anonymous)
    signed_in = client.get(f"/api/v1/organisations/{organisation.pk}", headers=bearer(make_user())).json()
    assert signed_in["contacts"][0]["email"] == "jeanne@example.org"


def test_invalid_token_is_refused_even_for_reads(client):
    response = client.get("/api/v1/organisations", headers={"Authorization": "Bearer cdk_wrong"})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="coopdec"'


def test_create_organisation_with_token_makes_the_creator_admin(client):
    user = make_user()
    response = client.post(
        "/api/v1/organisations",
        {
            "name": "Commune de Ouagadougou",
            "kind": "municipality",
            "geonameid": 2357048,
            "description": {"fr": "Capitale", "xx": "dropped"},
        },
        content_type="application/json",
        headers=bearer(user),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["country"] == "BF"
    assert body["locality"]["geonameid"] == 2357048
    assert body["publication_status"] == "draft"
    assert body["description"] == {"fr": "Capitale"}
    organisation = Organisation.objects.get(pk=body["id"])
    assert organisation.memberships.get().role == MembershipRole.ADMIN
    assert organisation.history.first().history_user == user


def test_create_organisation_needs_a_token_not_a_session(client):
    user = make_user()
    client.force_login(user)
    response = client.post(
        "/api/v1/organisations", {"name": "X", "kind": "ngo", "country": "FR"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert not Organisation.objects.exists()


def test_create_organisation_rejects_bad_input_and_writes_nothing(client):
    headers = bearer(make_user())
    unknown_place = client.post(
        "/api/v1/organisations",
        {"name": "X", "kind": "municipality", "geonameid": 1},
        content_type="application/json",
        headers=headers,
    )
    assert unknown_place.status_code == 400
    assert unknown_place.json()["details"][0]["field"] == "geonameid"
    no_place = client.post(
        "/api/v1/organisations", {"name": "X", "kind": "municipality"}, content_type="application/json", headers=headers
    )
    assert no_place.status_code == 400
    assert no_place.json()["details"][0]["field"] == "locality"
    extra = client.post(
        "/api/v1/organisations",
        {"name": "X", "kind": "ngo", "country": "FR", "colour": "red"},
        content_type="application/json",
        headers=headers,
    )
    assert extra.status_code == 400
    assert extra.json()["details"][0]["field"] == "colour"
    not_json = client.post("/api/v1/organisations", "{", content_type="application/json", headers=headers)
    assert not_json.status_code == 400
    assert not Organisation.objects.exists()


def test_update_organisation_changes_only_sent_fields(client):
    organisation = make_organisation("Ville de Paris", acronym="VdP")
    editor = make_member(organisation)
    response = client.patch(
        f"/api/v1/organisations/{organisation.pk}",
        {"website": "https://paris.example.org"},
        content_type="application/json",
        headers=bearer(editor),
    )
    assert response.status_code == 200, response.content
    organisation.refresh_from_db()
    assert organisation.website == "https://paris.example.org"
    assert organisation.acronym == "VdP"


def _project_setup():
    paris = make_organisation("Ville de Paris", geonameid=PARIS)
    dakar = make_organisation("Ville de Dakar", geonameid=DAKAR)
    partnership = make_partnership(paris, dakar)
    return paris, dakar, partnership


def test_partnerships_list_and_detail(client):
    paris, dakar, partnership = _project_setup()
    draft = make_partnership(paris, dakar, published=False)
    body = client.get("/api/v1/partnerships").json()
    assert [p["id"] for p in body["results"]] == [partnership.pk]
    detail = client.get(f"/api/v1/partnerships/{partnership.pk}").json()
    assert detail["form"] == "bilateral"
    assert [party["organisation"]["id"] for party in detail["parties"]] == [paris.pk, dakar.pk]
    assert detail["display_title"] == "Ville de Paris – Ville de Dakar"
    assert client.get(f"/api/v1/partnerships/{draft.pk}").status_code == 404
    assert [p["id"] for p in client.get("/api/v1/partnerships?country=SN").json()["results"]] == [partnership.pk]
    assert client.get("/api/v1/partnerships?country=DE").json()["results"] == []


def test_projects_list_filters_and_detail(client):
    paris, dakar, partnership = _project_setup()
    water = make_project(partnership=partnership, sectors={"14030": 100}, status="2")
    school = make_project(lead=dakar, title={"fr": "École"}, sectors={"11220": 100}, status="3")
    make_project(partnership=partnership, published=False)

    body = client.get("/api/v1/projects").json()
    assert [p["id"] for p in body["results"]] == [school.pk, water.pk]
    assert body["results"][1]["sectors"] == [{"vocabulary": "1", "code": "14030", "percentage": "100.00"}]
    assert [p["id"] for p in client.get("/api/v1/projects?sector=140&status=2").json()["results"]] == [water.pk]
    assert [p["id"] for p in client.get("/api/v1/projects?sector=112").json()["results"]] == [school.pk]
    assert [p["id"] for p in client.get(f"/api/v1/projects?organisation={paris.pk}").json()["results"]] == [water.pk]
    assert [p["id"] for p in client.get("/api/v1/projects?country=SN").json()["results"]] == [school.pk, water.pk]
    detail = client.get(f"/api/v1/projects/{water.pk}").json()
    assert detail["partnership"] == partnership.pk
    assert detail["budgets"] == [] and detail["locations"] == []


def test_projects_pages_cover_everything_once(client):
    paris, _dakar, partnership = _project_setup()
    projects = [make_project(partnership=partnership) for _n in range(7)]
    url, seen = "/api/v1/projects?limit=3", []
    while url:
        page = client.get(url).json()
        seen += [p["id"] for p in page["results"]]
        url = page["next"]
    assert seen == sorted((p.pk for p in projects), reverse=True)


def test_create_and_update_project_with_token(client):
    paris, _dakar, partnership = _project_setup()
    editor = make_member(paris)
    headers = bearer(editor)
    response = client.post(
        "/api/v1/projects",
        {
            "title": {"fr": "Assainissement", "en": "Sanitation"},
            "partnership": partnership.pk,
            "sectors": [{"code": "14050", "percentage": 60}, {"code": "14030", "percentage": 40}],
            "sdgs": ["6", "6.2"],
            "locations": [DAKAR, {"name": "Puits", "latitude": 14.7, "longitude": -17.4, "country": "SN"}],
        },
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["publication_status"] == "draft"
    assert [s["code"] for s in body["sectors"]] == ["14050", "14030"]
    assert [loc["geonameid"] for loc in body["locations"]] == [DAKAR, None]
    project_id = body["id"]
    assert client.get(f"/api/v1/projects/{project_id}").status_code == 404  # draft: hidden from the public

    update = client.patch(
        f"/api/v1/projects/{project_id}",
        {"publication_status": "published", "status": "3"},
        content_type="application/json",
        headers=headers,
    )
    assert update.status_code == 200, update.content
    assert client.get(f"/api/v1/projects/{project_id}").json()["status"] == "3"
    assert [s["code"] for s in client.get(f"/api/v1/projects/{project_id}").json()["sectors"]] == ["14050", "14030"]


def test_create_project_with_bad_sectors_writes_nothing(client):
    paris, _dakar, partnership = _project_setup()
    headers = bearer(make_member(paris))
    response = client.post(
        "/api/v1/projects",
        {"title": {"fr": "X"}, "partnership": partnership.pk, "sectors": [{"code": "14030", "percentage": 50}]},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "sectors"
    assert "100" in response.json()["message"]
    assert not Project.objects.exists()


def test_create_partnership_with_token(client):
    paris, dakar, _partnership = _project_setup()
    headers = bearer(make_member(paris, role=MembershipRole.ADMIN))
    response = client.post(
        "/api/v1/partnerships",
        {
            "parties": [{"organisation": paris.pk}, {"organisation": dakar.pk, "role": "lead"}],
            "kind": "agreement",
            "start_date": "2024-01-15",
        },
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "agreement"
    assert [(p["organisation"]["id"], p["role"]) for p in body["parties"]] == [
        (paris.pk, "partner"),
        (dakar.pk, "lead"),
    ]
    one_party = client.post(
        "/api/v1/partnerships",
        {"parties": [{"organisation": paris.pk}]},
        content_type="application/json",
        headers=headers,
    )
    assert one_party.status_code == 400


def test_ids_beyond_64_bits_are_refused_not_a_server_error(client):
    for path in ("/api/v1/projects/99999999999999999999999", "/api/v1/organisations/99999999999999999999999"):
        response = client.get(path)
        assert response.status_code in {400, 404}
        assert response.json()["error"] in {"invalid_request", "not_found"}
    response = client.get("/api/v1/partnerships?organisation=99999999999999999999999")
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "organisation"


def test_draft_party_of_a_published_partnership_stays_hidden(client):
    paris = make_organisation("Ville de Paris", geonameid=PARIS)
    secret = make_organisation("Commune en préparation", geonameid=DAKAR, published=False)
    partnership = make_partnership(paris, secret)
    project = make_project(partnership=partnership, lead=secret)
    public = client.get(f"/api/v1/partnerships/{partnership.pk}").json()
    assert [party["organisation"]["id"] for party in public["parties"]] == [paris.pk]
    assert public["display_title"] == "Ville de Paris"
    assert "préparation" not in client.get("/api/v1/partnerships").content.decode()
    assert client.get(f"/api/v1/projects/{project.pk}").json()["lead_organisation"] is None
    member = bearer(make_member(secret))
    assert len(client.get(f"/api/v1/partnerships/{partnership.pk}", headers=member).json()["parties"]) == 2
    assert client.get(f"/api/v1/projects/{project.pk}", headers=member).json()["lead_organisation"]["id"] == secret.pk


def test_answers_are_utf8_json_with_accents_as_they_are(client):
    org = make_organisation("Ville de Saint-Étienne", geonameid=PARIS)
    for url in ("/api/v1/organisations", f"/api/v1/organisations/{org.pk}"):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/json")
        assert "Saint-Étienne".encode() in response.content
        assert b"\\u00c9" not in response.content
