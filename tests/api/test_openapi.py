"""The OpenAPI document validates, the interactive docs work offline, and a property-based run of
schemathesis against the live document finds no server error."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error

from coopdec.wsgi import application

pytestmark = pytest.mark.django_db


def test_openapi_document_validates(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    paths = document["paths"]
    for path in [
        "/api/v1/countries",
        "/api/v1/countries/{code}",
        "/api/v1/localities",
        "/api/v1/localities/{geonameid}",
        "/api/v1/sectors",
        "/api/v1/sdgs",
        "/api/v1/axes",
        "/api/v1/organisations",
        "/api/v1/organisations/{organisation_id}",
        "/api/v1/partnerships",
        "/api/v1/partnerships/{partnership_id}",
        "/api/v1/projects",
        "/api/v1/projects/{project_id}",
        "/api/v1/partnerships/{partnership_id}/parties",
        "/api/v1/partnerships/{partnership_id}/parties/{organisation_id}",
        "/api/v1/projects/{project_id}/participants",
        "/api/v1/projects/{project_id}/participants/{organisation_id}",
    ]:
        assert path in paths, path
    assert set(paths["/api/v1/projects"]) == {"get", "post"}
    assert set(paths["/api/v1/partnerships/{partnership_id}/parties"]) == {"post"}
    assert set(paths["/api/v1/partnerships/{partnership_id}/parties/{organisation_id}"]) == {"patch", "delete"}
    assert set(paths["/api/v1/projects/{project_id}/participants"]) == {"get", "post"}
    assert set(paths["/api/v1/projects/{project_id}/participants/{organisation_id}"]) == {"patch", "delete"}
    role = paths["/api/v1/projects/{project_id}/participants/{organisation_id}"]["delete"]["parameters"][-1]
    assert (role["name"], role["in"], role["required"]) == ("role", "query", False)
    assert document["components"]["securitySchemes"] == {"BearerToken": {"type": "http", "scheme": "bearer"}}
    assert paths["/api/v1/projects"]["get"]["security"] == [{}, {"BearerToken": []}]  # reading: token optional
    assert paths["/api/v1/projects"]["post"]["security"] == [{"BearerToken": []}]


def test_openapi_documents_the_aid_declaration_api(client):
    document = client.get("/api/v1/openapi.json").json()
    validate(document)
    paths = document["paths"]
    assert {path: set(paths[path]) for path in paths if path.startswith("/api/v1/aid/")} == {
        "/api/v1/aid/campaigns": {"get"},
        "/api/v1/aid/campaigns/{campaign_id}/totals": {"get"},
        "/api/v1/aid/declarations/{declaration_id}": {"get"},
        "/api/v1/aid/declarations/{declaration_id}/lines": {"post"},
        "/api/v1/aid/declarations/{declaration_id}/lines/{line_id}": {"patch", "delete"},
        "/api/v1/aid/declarations/{declaration_id}/submit": {"post"},
    }
    assert paths["/api/v1/aid/campaigns"]["get"]["security"] == [{}, {"BearerToken": []}]
    assert paths["/api/v1/aid/declarations/{declaration_id}"]["get"]["security"] == [{"BearerToken": []}]
    line_in = document["components"]["schemas"]["LineIn"]
    assert line_in["required"] == ["revision", "sector", "channel", "original_amount"]


def test_docs_page_uses_local_assets_only(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


@pytest.mark.integration
def test_api_has_no_server_error(settings, db):
    """Every operation, 15 generated requests each, with a coordinator's token (reads see drafts,
    writes reach the services): never a 5xx."""
    from tests.factories import make_organisation, make_partnership, make_project, make_user

    from .conftest import bearer

    settings.API_RATE_ANONYMOUS = settings.API_RATE_AUTHENTICATED = "1000000/min"
    paris = make_organisation("Ville de Paris", geonameid=2988507)
    make_project(partnership=make_partnership(paris, make_organisation("Ville de Dakar", geonameid=2253354)))
    token_headers = bearer(make_user(is_coordinator=True))
    statuses = []
    # As Django's test client does: keep the test's database connection (and transaction) open
    # across the WSGI requests, which would otherwise close it when each response finishes.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 20
        for operation in operations:
            statuses += _fuzz(operation, token_headers)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert len(statuses) >= 5 * len(operations)
    assert 200 in statuses and 400 in statuses


def _fuzz(operation, headers) -> list[int]:
    statuses = []

    @given(case=operation.as_strategy())
    @hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
        statuses.append(response.status_code)

    run()
    return statuses
