"""Personal API tokens: created once, stored as a hash, revoked; the account page and the command."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from coopdec.api.models import ApiToken
from coopdec.api.services import token_authenticate, token_create, token_revoke
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_token_is_stored_only_as_its_hash():
    user = make_user()
    record, token = token_create(user=user, name="my tool")
    assert token.startswith("cdk_")
    assert len(token) >= 40
    stored = ApiToken.objects.values().get(pk=record.pk)
    assert token not in str(stored)
    assert stored["digest"] == hashlib.sha256(token.encode()).hexdigest()
    assert stored["prefix"] == token[:10]


def test_token_authenticates_until_revoked():
    user = make_user()
    record, token = token_create(user=user, name="my tool")
    assert token_authenticate(token) == record
    assert ApiToken.objects.get(pk=record.pk).last_used_at is not None
    token_revoke(token=record, by=user)
    assert token_authenticate(token) is None


def test_token_of_a_disabled_user_does_not_authenticate():
    user = make_user()
    _record, token = token_create(user=user, name="my tool")
    user.is_active = False
    user.save()
    assert token_authenticate(token) is None


def test_revoked_token_is_refused_by_the_api(client):
    user = make_user()
    record, token = token_create(user=user, name="my tool")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/organisations", headers=headers).status_code == 200
    token_revoke(token=record, by=user)
    assert client.get("/api/v1/organisations", headers=headers).status_code == 401


def test_only_the_owner_revokes_a_token():
    from django.core.exceptions import PermissionDenied

    record, _token = token_create(user=make_user(), name="my tool")
    with pytest.raises(PermissionDenied):
        token_revoke(token=record, by=make_user())


def test_token_needs_a_name():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        token_create(user=make_user(), name="  ")


def test_account_page_requires_sign_in(client):
    response = client.get("/account/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_account_page_creates_shows_once_and_revokes(client):
    user = make_user()
    client.force_login(user)
    response = client.post("/account/tokens/", {"name": "QGIS plugin"})
    assert response.status_code == 200
    record = ApiToken.objects.get(user=user)
    page = response.content.decode()
    token = page.split('id="new-token" type="text" readonly value="')[1].split('"')[0]
    assert hashlib.sha256(token.encode()).hexdigest() == record.digest
    assert "no-store" in response["Cache-Control"]
    listing = client.get("/account/tokens/").content.decode()
    assert "QGIS plugin" in listing
    assert token not in listing  # shown once only

    revoked = client.post(f"/account/tokens/{record.pk}/revoke/")
    assert revoked.status_code == 302
    record.refresh_from_db()
    assert record.revoked_at is not None


def test_account_page_cannot_revoke_someone_elses_token(client):
    record, _token = token_create(user=make_user(), name="theirs")
    client.force_login(make_user())
    assert client.post(f"/account/tokens/{record.pk}/revoke/").status_code == 404
    record.refresh_from_db()
    assert record.revoked_at is None


def test_account_page_is_linked_from_the_navigation_when_signed_in(client):
    client.force_login(make_user())
    assert 'href="/account/tokens/"' in client.get("/").content.decode()


def test_create_token_command_prints_a_working_token(client):
    make_user("amina")
    out = StringIO()
    call_command("create_token", "amina", "--name", "sync script", stdout=out, stderr=StringIO())
    token = out.getvalue().strip()
    assert token_authenticate(token).user.username == "amina"
    assert ApiToken.objects.get().name == "sync script"


def test_create_token_command_unknown_user():
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("create_token", "nobody", stdout=StringIO(), stderr=StringIO())
