"""Anonymous clients are rate-limited per address; token holders get their own, higher limit."""

import pytest

from tests.factories import make_user

from .conftest import bearer

pytestmark = pytest.mark.django_db


def test_anonymous_client_over_the_limit_gets_json_429_with_retry_after(client, settings):
    settings.API_RATE_ANONYMOUS = "3/min"
    for _n in range(3):
        assert client.get("/api/v1/axes").status_code == 200
    response = client.get("/api/v1/axes")
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_limit_is_per_address(client, settings):
    settings.API_RATE_ANONYMOUS = "1/min"
    assert client.get("/api/v1/axes", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get("/api/v1/axes", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get("/api/v1/axes", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_forwarded_for_is_ignored_unless_a_proxy_is_declared(client, settings):
    settings.API_RATE_ANONYMOUS = "1/min"
    assert client.get("/api/v1/axes", HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert client.get("/api/v1/axes", HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429
    settings.API_TRUSTED_PROXIES = 1
    assert client.get("/api/v1/axes", HTTP_X_FORWARDED_FOR="3.3.3.3").status_code == 200


def test_authenticated_clients_get_the_higher_limit(client, settings):
    settings.API_RATE_ANONYMOUS = "1/min"
    settings.API_RATE_AUTHENTICATED = "5/min"
    headers = bearer(make_user())
    assert client.get("/api/v1/axes").status_code == 200
    assert client.get("/api/v1/axes").status_code == 429
    for _n in range(5):
        assert client.get("/api/v1/axes", headers=headers).status_code == 200
    assert client.get("/api/v1/axes", headers=headers).status_code == 429
