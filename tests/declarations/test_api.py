from datetime import date

import pytest

from coopdec.actors.models import CountryCoordinator
from coopdec.declarations.models import Campaign, DeclarationLine
from tests.api.conftest import _fresh_rate_limits, bearer  # noqa: F401 (the rate limits reset between tests)
from tests.factories import make_member, make_organisation, make_user

from .factories import make_campaign, make_declaration

pytestmark = pytest.mark.django_db

LINE = {
    "recipient_type": "country",
    "recipient_code": "BF",
    "sector": "11220",
    "channel": "12002",
    "original_amount": "500",
    "original_currency": "EUR",
    "marker_gender": 1,
}


@pytest.fixture
def world():
    lyon = make_organisation("Lyon", geonameid=2996944)
    campaign = make_campaign()
    declaration = make_declaration(campaign, lyon, {"original_amount": "1000", "marker_gender": "2"})
    editor = make_member(lyon, user=make_user("editor"))
    national = make_user("national")
    CountryCoordinator.objects.create(user=national, country_id="FR")
    return {
        "lyon": lyon,
        "campaign": campaign,
        "declaration": declaration,
        "editor": editor,
        "national": national,
        "line": declaration.lines.get(),
    }


def _lines(declaration):
    return list(DeclarationLine.objects.filter(declaration=declaration).values_list("id", "sector", "net_amount"))


def test_campaigns_and_totals_are_public(client, world):
    make_declaration(world["campaign"], make_organisation("Paris"), {"original_amount": "300"}, submit=True)
    campaign = world["campaign"]
    assert client.get("/api/v1/aid/campaigns").json() == {
        "results": [
            {
                "id": campaign.pk,
                "country": "FR",
                "year": 2025,
                "opens_on": "2026-04-15",
                "closes_on": "2026-05-31",
                "currency": "EUR",
                "submitted": 1,
            }
        ]
    }
    totals = client.get(f"/api/v1/aid/campaigns/{campaign.pk}/totals").json()
    assert (totals["campaign"], totals["total"], totals["declarations"], totals["by_recipient"]) == (
        campaign.pk,
        "300.00",
        1,
        [{"code": "SN", "label": "Senegal", "amount": "300.00"}],
    )
    assert totals["trend"] == [{"campaign": campaign.pk, "year": 2025, "total": "300.00", "declarations": 1}]
    assert client.get("/api/v1/aid/campaigns/999999/totals").status_code == 404
    assert client.get("/api/v1/aid/campaigns?country=FR").status_code == 400


def test_declaration_is_read_with_a_token_by_its_members_only(client, world):
    url = f"/api/v1/aid/declarations/{world['declaration'].pk}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(make_user())).status_code == 404
    assert client.get(url, headers=bearer(world["national"])).status_code == 200
    response = client.get(url, headers=bearer(world["editor"]))
    assert response.status_code == 200
    body = response.json()
    assert (body["organisation_name"], body["status"], body["revision"], body["checks"]) == ("Lyon", "draft", 2, [])
    assert [
        (line["id"], line["recipient_label"], line["declared_amount"], line["marker_gender"]) for line in body["lines"]
    ] == [(world["line"].pk, "Senegal", "1000.00", 2)]


def test_line_add_update_and_remove_with_the_revision(client, world):
    declaration, headers = world["declaration"], bearer(world["editor"])
    url = f"/api/v1/aid/declarations/{declaration.pk}/lines"
    response = client.post(url, {**LINE, "revision": 2}, content_type="application/json", headers=headers)
    assert response.status_code == 201
    body = response.json()
    assert body["revision"] == 3
    added = body["lines"][1]
    assert (added["recipient_code"], added["sector"], added["amount"], added["source"]) == (
        "BF",
        "11220",
        "500.00",
        "manual",
    )
    response = client.patch(
        f"{url}/{added['id']}",
        {"revision": 3, "original_amount": "750.5"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    assert [(line["sector"], line["declared_amount"]) for line in response.json()["lines"]] == [
        ("14030", "1000.00"),
        ("11220", "750.50"),
    ]
    response = client.delete(f"{url}/{added['id']}", {"revision": 4}, content_type="application/json", headers=headers)
    assert response.status_code == 200
    assert (response.json()["revision"], len(response.json()["lines"])) == (5, 1)


def test_line_write_with_a_stale_revision_is_a_conflict_and_writes_nothing(client, world):
    declaration, headers = world["declaration"], bearer(world["editor"])
    before = _lines(declaration)
    url = f"/api/v1/aid/declarations/{declaration.pk}/lines"
    response = client.patch(
        f"{url}/{world['line'].pk}",
        {"revision": 1, "sector": "11220"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert "changed this declaration" in response.json()["message"]
    assert (
        client.post(url, {**LINE, "revision": 1}, content_type="application/json", headers=headers).status_code == 409
    )
    assert _lines(declaration) == before


def test_line_write_is_refused_to_other_callers_and_writes_nothing(client, world):
    declaration = world["declaration"]
    before = _lines(declaration)
    url = f"/api/v1/aid/declarations/{declaration.pk}/lines"
    body = {**LINE, "revision": 2}
    assert client.post(url, body, content_type="application/json").status_code == 401
    assert client.post(url, body, content_type="application/json", headers=bearer(make_user())).status_code == 404
    response = client.post(url, body, content_type="application/json", headers=bearer(world["national"]))
    assert (response.status_code, response.json()["message"]) == (
        403,
        "Only the organisation's editors (or a coordinator) may change its declaration.",
    )
    paris_editor = make_member(make_organisation("Paris"))
    assert (
        client.delete(
            f"{url}/{world['line'].pk}", {"revision": 2}, content_type="application/json", headers=bearer(paris_editor)
        ).status_code
        == 404
    )
    response = client.post(
        url, {**body, "sector": "99999"}, content_type="application/json", headers=bearer(world["editor"])
    )
    assert (response.status_code, response.json()["message"]) == (
        400,
        "sector: “99999” is not in the IATI Sector codelist.",
    )
    other = make_organisation("Paris").pk
    response = client.patch(
        f"{url}/{world['line'].pk}",
        {"revision": 2, "project": other},
        content_type="application/json",
        headers=bearer(world["editor"]),
    )
    assert (response.status_code, response.json()["message"]) == (400, f"project: Lyon has no project {other}.")
    assert _lines(declaration) == before


def test_submit_refuses_check_errors_then_locks(client, world):
    declaration, headers = world["declaration"], bearer(world["editor"])
    Campaign.objects.filter(pk=world["campaign"].pk).update(opens_on=date(2000, 1, 1), closes_on=date(2999, 12, 31))
    url = f"/api/v1/aid/declarations/{declaration.pk}"
    client.delete(f"{url}/lines/{world['line'].pk}", {"revision": 2}, content_type="application/json", headers=headers)
    response = client.post(f"{url}/submit", {"revision": 3}, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert response.json()["details"] == [
        "The declaration has no line: add the aid paid in 2025, or state that it is a nil declaration."
    ]
    assert (
        client.post(
            f"{url}/submit", {"revision": 3}, content_type="application/json", headers=bearer(make_user())
        ).status_code
        == 404
    )
    client.post(f"{url}/lines", {**LINE, "revision": 3}, content_type="application/json", headers=headers)
    response = client.post(f"{url}/submit", {"revision": 4}, content_type="application/json", headers=headers)
    assert (response.status_code, response.json()["status"], response.json()["revision"]) == (200, "submitted", 5)
    response = client.post(f"{url}/lines", {**LINE, "revision": 5}, content_type="application/json", headers=headers)
    assert (response.status_code, response.json()["message"]) == (
        409,
        "This declaration was submitted: it cannot change unless a coordinator reopens it.",
    )
