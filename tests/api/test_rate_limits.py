"""Anonymous clients are rate-limited per address; token holders get their own, higher limit; every
worker process counts against the same limit."""

import threading

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, RequestFactory

from coopdec.api.auth import ClientThrottle
from coopdec.common.models import RateCounter
from coopdec.common.throttle import rate_counters_purge, rate_hit, seconds_until_allowed
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


@pytest.mark.django_db(transaction=True)
def test_workers_with_their_own_database_connections_share_one_count(settings):
    """Two workers (threads here, each with its own database connection, as two gunicorn
    processes have) count the same client's requests against one limit."""
    settings.API_RATE_ANONYMOUS = "4/min"
    statuses: dict[str, list[int]] = {}

    def worker(name: str, requests: int) -> None:
        try:
            statuses[name] = [
                Client().get("/api/v1/axes", REMOTE_ADDR="10.9.9.9").status_code for _n in range(requests)
            ]
        finally:
            connection.close()

    for name, requests in (("first", 3), ("second", 2)):
        cache.clear()  # a second process shares no memory with the first
        thread = threading.Thread(target=worker, args=(name, requests))
        thread.start()
        thread.join()
    assert statuses == {"first": [200, 200, 200], "second": [200, 429]}
    assert RateCounter.objects.get().count == 4


def test_refused_requests_are_not_counted(client, settings):
    settings.API_RATE_ANONYMOUS = "2/min"
    for _n in range(2):
        assert client.get("/api/v1/axes").status_code == 200
    for _n in range(3):
        assert client.get("/api/v1/axes").status_code == 429
    assert RateCounter.objects.get().count == 2


def test_counter_slides_the_previous_window_out(settings):
    # 10 a minute; 8 requests in the window before, 2 in this one, 3/4 of it gone by: 8 * 1/4 + 2 = 4
    # counted, so 6 more fit, the 7th is refused.
    throttle = ClientThrottle(authenticated=False)
    throttle.timer = lambda: 600.0 * 60 + 45
    settings.API_RATE_ANONYMOUS = "10/min"
    RateCounter.objects.create(
        client="60:ip:10.1.1.1", period=600, count=2, previous=8, last_seen=600 * 60 + 40, expires=602 * 60
    )
    request = RequestFactory().get("/api/v1/axes", REMOTE_ADDR="10.1.1.1")
    assert [throttle.allow_request(request) for _n in range(7)] == [True] * 6 + [False]
    # One more fits once the previous window's weight drops by one request: 8 * (1 - t) <= 1 at t = 7/8.
    assert throttle.wait() == pytest.approx((7 / 8 - 3 / 4) * 60)


def test_wait_after_a_full_window_reaches_into_the_next():
    # 10 a minute, all 10 made in this window with half of it gone: wait the other half, then until
    # 10 * (1 - t) + 1 <= 10, t = 1/10 of the next window.
    assert seconds_until_allowed(10, 60, 10, 0, 0.5) == pytest.approx(30 + 6)


def test_counters_of_quiet_clients_are_purged():
    RateCounter.objects.create(
        client="60:ip:10.1.1.1", period=600, count=2, previous=0, last_seen=600 * 60, expires=602 * 60
    )
    RateCounter.objects.create(
        client="60:ip:10.1.1.2", period=601, count=2, previous=0, last_seen=601 * 60, expires=603 * 60
    )
    assert rate_counters_purge(now=602 * 60 + 1) == 1
    assert list(RateCounter.objects.values_list("client", flat=True)) == ["60:ip:10.1.1.2"]


def test_counting_an_event_purges_quiet_clients_on_its_draw(settings):
    RateCounter.objects.create(client="60:ip:10.1.1.1", period=1, count=2, previous=0, last_seen=60, expires=180)
    settings.RATE_COUNTER_PURGE_EVERY = 0  # never: the quiet client's row stays
    rate_hit(client="60:ip:10.1.1.2", duration=60, now=601 * 60)
    assert RateCounter.objects.filter(client="60:ip:10.1.1.1").exists()
    settings.RATE_COUNTER_PURGE_EVERY = 1  # every event
    rate_hit(client="60:ip:10.1.1.2", duration=60, now=601 * 60)
    assert list(RateCounter.objects.values_list("client", flat=True)) == ["60:ip:10.1.1.2"]


def test_client_silent_for_a_whole_window_starts_afresh(settings):
    throttle = ClientThrottle(authenticated=False)
    settings.API_RATE_ANONYMOUS = "3/min"
    request = RequestFactory().get("/api/v1/axes", REMOTE_ADDR="10.1.1.1")
    throttle.timer = lambda: 600.0 * 60 + 1
    assert [throttle.allow_request(request) for _n in range(4)] == [True, True, True, False]
    assert throttle.wait() == 60  # the estimate alone would say 59 + 20 s
    throttle.timer = lambda: 601.0 * 60 + 1
    assert throttle.allow_request(request) is True


@pytest.mark.django_db(transaction=True)
def test_requests_are_served_uncounted_while_another_process_holds_the_write_lock(settings):
    """SQLite has one write lock: during a long import a read must not fail for its rate count."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the database: nothing to wait for")
    settings.API_RATE_ANONYMOUS = "1/min"
    holding, done = threading.Event(), threading.Event()

    def importer() -> None:
        try:
            with transaction.atomic():
                RateCounter.objects.create(client="import", period=0, count=0, previous=0, last_seen=0, expires=0)
                holding.set()
                done.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=importer)
    thread.start()
    assert holding.wait(30)
    try:
        statuses = [Client().get("/api/v1/axes", REMOTE_ADDR="10.7.7.7").status_code for _n in range(2)]
    finally:
        done.set()
        thread.join()
    assert statuses == [200, 200]  # over 1/min, but not counted
    assert list(RateCounter.objects.values_list("client", flat=True)) == ["import"]
