"""Sign-in, password-reset mail and invitations are limited per account and per client address,
in the database counters the API uses (every worker process shares them)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from coopdec.common.env import parse_rate
from coopdec.common.models import RateCounter
from coopdec.common.throttle import TooManyAttempts
from tests import factories

pytestmark = pytest.mark.django_db

WRONG = {"username": "alice", "password": "not-the-password"}


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def sign_in(client, data, address="10.0.0.1", **headers):
    return client.post("/accounts/login/", data, REMOTE_ADDR=address, **headers)


def test_sign_in_over_the_account_limit_answers_429_with_when_to_try_again(client, settings):
    settings.SIGNIN_RATE_ACCOUNT = "3/15min"
    factories.make_user("alice")
    assert [sign_in(client, WRONG).status_code for _n in range(3)] == [200, 200, 200]
    response = sign_in(client, {"username": "alice", "password": "a-long-passphrase-42"})
    assert response.status_code == 429
    # 3 in 15 minutes: the next fits once they weigh 2 (a third of the next window), 5 to 15 minutes on.
    minutes = re.search(
        r"Too many attempts\. For your security, try again in (\d+) minutes\.", response.content.decode()
    )
    assert minutes is not None and 5 <= int(minutes[1]) <= 15
    assert "_auth_user_id" not in client.session  # even the right password waits


def test_sign_in_limit_is_per_account_not_per_shared_address(client, settings):
    """A town hall's shared connection: one account locked, its colleagues still sign in."""
    settings.SIGNIN_RATE_ACCOUNT = "2/15min"
    factories.make_user("alice")
    factories.make_user("bob")
    for _n in range(3):
        sign_in(client, WRONG)
    response = sign_in(client, {"username": "bob", "password": "a-long-passphrase-42"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get(username="bob").pk)


def test_sign_in_limit_per_address_is_looser_and_not_fooled_by_forwarded_for(client, settings):
    settings.SIGNIN_RATE_ACCOUNT = "100/15min"
    settings.SIGNIN_RATE_ADDRESS = "4/15min"
    statuses = [
        sign_in(client, {"username": f"user{n}", "password": "x"}, HTTP_X_FORWARDED_FOR=f"1.1.1.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    assert sign_in(client, WRONG, address="10.0.0.2").status_code == 200


def test_successful_sign_in_is_not_held_against_the_account(client, settings):
    settings.SIGNIN_RATE_ACCOUNT = "2/15min"
    factories.make_user("alice")
    for _n in range(3):
        assert sign_in(client, {"username": "alice", "password": "a-long-passphrase-42"}).status_code == 302
        client.logout()


def test_sign_in_lock_ends_after_a_short_window(settings):
    """Refused attempts are not counted, so an account is free one window after the attack stops."""
    from coopdec.common.throttle import rate_allow

    assert [
        rate_allow(client="signin:account:alice", rate="2/15min", now=900.0 * 10 + n)[0] is None for n in range(4)
    ] == [True, True, False, False]
    assert rate_allow(client="signin:account:alice", rate="2/15min", now=900.0 * 12 + 1)[0] is None


def test_password_reset_mails_are_limited_per_address_asked_for(client, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_RATE_ACCOUNT = "2/hour"
    factories.make_user("alice")
    with django_capture_on_commit_callbacks(execute=True):  # the mail is queued on commit
        statuses = [
            client.post("/accounts/password_reset/", {"email": "alice@example.org"}).status_code for _n in range(3)
        ]
    assert statuses == [302, 302, 429]
    assert len(mail.outbox) == 2
    # An address without an account counts the same (the limit tells nothing about accounts).
    assert [
        client.post("/accounts/password_reset/", {"email": "nobody@example.org"}).status_code for _n in range(3)
    ] == [302, 302, 429]


def test_password_reset_refusal_says_when_to_try_again_in_french(client, settings):
    settings.PASSWORD_RESET_RATE_ADDRESS = "1/hour"
    client.post("/accounts/password_reset/", {"email": "a@example.org"})
    response = client.post("/accounts/password_reset/", {"email": "b@example.org"}, headers={"Accept-Language": "fr"})
    assert response.status_code == 429
    assert "Trop de tentatives. Par sécurité, réessayez dans 60 minutes." in response.content.decode()


def test_invitations_are_limited_per_inviting_user(client, settings, django_capture_on_commit_callbacks):
    settings.INVITATION_RATE_ACCOUNT = "2/hour"
    organisation = factories.make_organisation("Ville de Lyon", geonameid=2996944)
    client.force_login(factories.make_member(organisation))
    url = f"/organisations/{organisation.pk}/members/"
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            client.post(url, {"email": f"person{n}@example.org", "role": "editor"}).status_code for n in range(3)
        ]
    assert statuses == [302, 302, 429]
    assert organisation.invitations.count() == 2
    assert len(mail.outbox) == 2


def test_refused_attempts_are_not_counted(client, settings):
    settings.SIGNIN_RATE_ACCOUNT = "1/15min"
    for _n in range(4):
        sign_in(client, WRONG)
    assert RateCounter.objects.get(client="900:signin:account:alice").count == 1


def test_too_many_attempts_message_rounds_up_to_minutes():
    assert TooManyAttempts(61).message == "Too many attempts. For your security, try again in 2 minutes."
    assert TooManyAttempts(1).message == "Too many attempts. For your security, try again in 1 minute."


def test_rate_accepts_a_window_of_several_units():
    assert parse_rate("10/15min") == (10, 900)
    assert parse_rate("120/min") == (120, 60)
    with pytest.raises(ValueError):
        parse_rate("10/0min")
