"""Asking for access to one's organisation: the address is confirmed by a link, then the request is
approved (an editor membership, a link to set a password) or refused with a reason (nothing granted)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError

from coopdec.actors import selectors, services
from coopdec.actors.models import (
    AccessRequest,
    AccessRequestStatus,
    CountryCoordinator,
    Membership,
    MembershipRole,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _user(username, *, email=None, **fields):
    user = factories.make_user(username, **fields)
    if email is not None:
        user.email = email
        user.save(update_fields=["email"])
    return user


def _ask(organisation, email="maire@lyon.fr", **fields):
    return services.access_request_create(
        organisation=organisation,
        name=fields.pop("name", "Awa Ndiaye"),
        email=email,
        function=fields.pop("function", "Head of international relations"),
        **fields,
    )


def _confirm_link(outbox_message) -> str:
    return re.search(r"https?://\S+/access/confirm/\S+/", outbox_message.body).group(0)


def test_access_request_create_mails_a_confirmation_link_and_grants_nothing(django_capture_on_commit_callbacks):
    organisation = factories.make_organisation("Lyon")
    with django_capture_on_commit_callbacks(execute=True):
        request = _ask(organisation)
    assert request.status == AccessRequestStatus.UNCONFIRMED
    assert [message.to for message in mail.outbox] == [["maire@lyon.fr"]]
    assert "/access/confirm/" in mail.outbox[0].body
    assert Membership.objects.count() == 0
    assert list(selectors.access_requests_to_answer(factories.make_user(is_coordinator=True))) == []


def test_access_request_unconfirmed_cannot_be_approved():
    organisation = factories.make_organisation("Lyon")
    request = _ask(organisation)
    with pytest.raises(ValidationError, match="no longer awaiting an answer"):
        services.access_request_approve(access_request=request, user=factories.make_user(is_coordinator=True))
    assert Membership.objects.count() == 0
    assert get_user_model().objects.filter(email="maire@lyon.fr").exists() is False


def test_access_request_second_open_request_is_refused_with_a_clear_message():
    organisation = factories.make_organisation("Lyon")
    _ask(organisation)
    with pytest.raises(ValidationError) as error:
        _ask(organisation, email="MAIRE@lyon.fr")
    assert error.value.message_dict["email"] == [
        "A request from MAIRE@lyon.fr to join Lyon is already waiting for its address to be confirmed: open the link "
        f"we sent to MAIRE@lyon.fr on {AccessRequest.objects.get().created_at.date().isoformat()} (look in the spam "
        "folder too)."
    ]
    assert AccessRequest.objects.count() == 1


def test_access_request_pending_second_request_says_it_awaits_an_answer():
    organisation = factories.make_organisation("Lyon")
    services.access_request_confirm(access_request=_ask(organisation))
    with pytest.raises(ValidationError, match="already awaiting an answer"):
        _ask(organisation)


def test_access_request_throttled_per_email_and_per_client_address():
    places = [factories.make_organisation(f"Commune {n}", geonameid=None, kind="ngo") for n in range(5)]
    for organisation in places[:3]:
        _ask(organisation)
    with pytest.raises(ValidationError, match="3 requests were sent from maire@lyon.fr"):
        _ask(places[3])
    for n in range(services.ACCESS_REQUESTS_PER_CLIENT):
        _ask(places[n % 5], email=f"person{n}@example.org", client_address="192.0.2.7")
    with pytest.raises(ValidationError, match="Too many requests were sent from your network"):
        _ask(places[4], email="late@example.org", client_address="192.0.2.7")


def test_access_request_answerers_are_admins_else_country_and_platform_coordinators():
    organisation = factories.make_organisation("Lyon")
    platform = factories.make_user("platform", is_coordinator=True)
    french = factories.make_user("french")
    CountryCoordinator.objects.create(user=french, country_id=organisation.country_id)
    factories.make_user("other")
    assert selectors.access_request_answerers(organisation) == ("coordinators", [platform, french])
    admin = factories.make_member(organisation, role=MembershipRole.ADMIN)
    assert selectors.access_request_answerers(organisation) == ("admins", [admin])


def test_access_request_confirm_notifies_answerers(django_capture_on_commit_callbacks):
    organisation = factories.make_organisation("Lyon")
    coordinator = _user("coord", is_coordinator=True)
    request = _ask(organisation)
    with django_capture_on_commit_callbacks(execute=True):
        services.access_request_confirm(access_request=request)
    assert [message.to for message in mail.outbox] == [["coord@example.org"]]
    assert f"/access/requests/{request.pk}/" in mail.outbox[0].body
    assert list(selectors.access_requests_to_answer(coordinator)) == [request]
    assert list(selectors.access_requests_to_answer(factories.make_user("nobody"))) == []


def test_access_request_approve_creates_account_membership_and_password_link(django_capture_on_commit_callbacks):
    organisation = factories.make_organisation("Lyon")
    coordinator = factories.make_user("coord", is_coordinator=True)
    request = services.access_request_confirm(access_request=_ask(organisation))
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.access_request_approve(access_request=request, user=coordinator)
    account = get_user_model().objects.get(email="maire@lyon.fr")
    assert (membership.user, membership.organisation, membership.role) == (account, organisation, MembershipRole.EDITOR)
    assert account.has_usable_password() is False
    assert "/accounts/reset/" in mail.outbox[0].body
    request.refresh_from_db()
    assert (request.status, request.answered_by, request.user) == (AccessRequestStatus.APPROVED, coordinator, account)
    assert [version.status for version in request.history.order_by("history_date")] == [
        "unconfirmed",
        "pending",
        "approved",
    ]


def test_access_request_approve_gives_existing_account_a_membership():
    organisation = factories.make_organisation("Lyon")
    existing = _user("awa", email="Maire@Lyon.fr")
    request = services.access_request_confirm(access_request=_ask(organisation))
    services.access_request_approve(access_request=request, user=factories.make_user("c", is_coordinator=True))
    assert list(Membership.objects.values_list("user", "role")) == [(existing.pk, "editor")]
    assert get_user_model().objects.filter(email__iexact="maire@lyon.fr").count() == 1


def test_access_request_refuse_needs_a_reason_writes_no_membership_and_mails_it(django_capture_on_commit_callbacks):
    organisation = factories.make_organisation("Lyon")
    admin = factories.make_member(organisation, role=MembershipRole.ADMIN)
    request = services.access_request_confirm(access_request=_ask(organisation))
    with pytest.raises(ValidationError, match="Say why"):
        services.access_request_refuse(access_request=request, user=admin, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.access_request_refuse(access_request=request, user=admin, reason="Not on our staff list.")
    assert list(Membership.objects.values_list("user", flat=True)) == [admin.pk]
    assert get_user_model().objects.filter(email="maire@lyon.fr").exists() is False
    assert "Not on our staff list." in mail.outbox[0].body
    with pytest.raises(ValidationError, match="no longer awaiting"):
        services.access_request_approve(access_request=request, user=admin)


def test_access_request_answer_permission(rf):
    organisation = factories.make_organisation("Lyon")
    request = _ask(organisation)
    french = factories.make_user("french")
    CountryCoordinator.objects.create(user=french, country_id=organisation.country_id)
    senegal = factories.make_user("senegal")
    CountryCoordinator.objects.create(user=senegal, country_id="SN")
    editor = factories.make_member(organisation)
    admin = factories.make_member(organisation, role=MembershipRole.ADMIN)
    allowed = {
        user.username: user.has_perm("actors.answer_access_request", request)
        for user in (french, senegal, editor, admin)
    }
    assert allowed == {"french": True, "senegal": False, editor.username: False, admin.username: True}


def test_access_request_pages_walk(client, django_capture_on_commit_callbacks):
    organisation = factories.make_organisation("Lyon", published=True)
    coordinator = _user("coord", is_coordinator=True)
    page = client.get(f"/access/?organisation={organisation.pk}")
    assert "will be answered by the coordinators of France and the platform coordinators" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/access/",
            {
                "organisation": organisation.pk,
                "name": "Awa Ndiaye",
                "email": "maire@lyon.fr",
                "function": "Head of relations",
            },
        )
    assert "We sent a link to maire@lyon.fr" in sent.content.decode()
    link = _confirm_link(mail.outbox[0]).split("//", 1)[1].split("/", 1)[1]
    assert client.get("/" + link).status_code == 200
    assert AccessRequest.objects.get().status == AccessRequestStatus.UNCONFIRMED  # a GET confirms nothing
    confirmed = client.post("/" + link)
    assert "your request was sent to the coordinators of France" in confirmed.content.decode()
    assert client.post("/" + link).status_code == 410
    client.force_login(coordinator)
    assert "Awa Ndiaye" in client.get("/coordination/").content.decode()
    answer = client.post(f"/access/requests/{AccessRequest.objects.get().pk}/", {"approve": "1"})
    assert answer.status_code == 302
    assert Membership.objects.get().user.email == "maire@lyon.fr"


def test_access_request_sign_in_page_links_to_it(client):
    assert (
        '<a href="/access/">Ask for access to your organisation\'s records</a>'
        in client.get("/accounts/login/").content.decode()
    )


def test_a_name_with_a_line_break_or_a_direction_override_is_refused():
    """The shared validator of names (common/validators.py) holds for the requester's name and
    function too: they reach the mails sent to the organisation's administrators."""
    lyon = factories.make_organisation("Ville de Lyon", geonameid=2996944)
    with pytest.raises(ValidationError) as error:
        _ask(lyon, name="Awa\nNdiaye", function="Head\u202eof relations")
    assert set(error.value.message_dict) == {"name", "function"}
    assert not AccessRequest.objects.exists()
