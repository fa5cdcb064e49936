import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["home", "about", "login", "password_reset"]


@pytest.mark.parametrize("language", ["fr", "en", "es", "pt"])
@pytest.mark.parametrize("page", PAGES)
def test_page_answers_in_each_language(client, page, language):
    response = client.get(reverse(page), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


def test_about_page_is_written_in_french_and_english(client):
    fr = client.get(reverse("about"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    en = client.get(reverse("about"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "subsidiarité" in fr and "Bilatérale ou multilatérale" in fr
    assert "Subsidiarity" in en and "Bilateral or multilateral" in en


def test_home_shows_live_counts(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["counts"]["reference_countries"] == 250


def test_home_counts_use_singular_and_plural_forms(client, settings):
    from tests.factories import make_organisation

    settings.LANGUAGE_CODE = "en"
    make_organisation("Ville de Lyon", geonameid=2996944)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<strong>1</strong><span>organisation</span>" in page
    assert "<strong>0</strong><span>partnerships</span>" in page
    assert "They lie in 250 countries." in page


def test_home_page_is_french_by_default(client):
    response = client.get(reverse("home"))
    assert "Rechercher" in response.content.decode()


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_language_switch_sets_cookie(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/about/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def test_pages_send_a_strict_content_security_policy(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_sign_in_and_out(client, django_user_model):
    django_user_model.objects.create_user("amina", password="a-long-passphrase-42")
    response = client.post(reverse("login"), {"username": "amina", "password": "a-long-passphrase-42"})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"].is_authenticated
    client.post(reverse("logout"))
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_language_menu_names_each_language_in_itself(client):
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    for name in ['lang="en">English<', 'lang="fr">Français<', 'lang="es">Español<', 'lang="pt">Português<']:
        assert name in page


def test_password_change_page_names_its_action(client, django_user_model):
    user = django_user_model.objects.create_user("amina", password="a-long-passphrase-42")
    client.force_login(user)
    page = client.get(reverse("password_change"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<title>Change your password" in page
    assert "<h1>Change your password</h1>" in page
    assert '<button type="submit">Change the password</button>' in page


def test_password_reset_page_names_its_action(client):
    page = client.get(reverse("password_reset"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Reset your password</h1>" in page
    assert '<button type="submit">Send the reset link</button>' in page


def test_password_reset_link_that_is_invalid_says_so_without_a_form(client):
    url = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "not-a-token"})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Choose a new password</h1>" in page
    assert "This password reset link is invalid or has expired." in page
    assert '<form method="post" novalidate>' not in page


def test_unknown_address_gets_the_site_page_not_found(client):
    response = client.get("/organisations/999999/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 404
    page = response.content.decode()
    assert 'class="site-header"' in page  # the site's own page, with its navigation and search
    assert "<h1>Page introuvable</h1>" in page
    assert 'action="/atlas/"' in page


def test_error_pages_need_no_request_context(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.views import defaults

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()

    forbidden = defaults.permission_denied(request, PermissionDenied())
    assert forbidden.status_code == 403
    assert 'href="/accounts/login/?next=/somewhere/"' in forbidden.content.decode()
    for response, title in (
        (defaults.server_error(request), "Server error"),
        (defaults.bad_request(request, None), "Bad request"),
    ):
        assert f"<h1>{title}</h1>" in response.content.decode()  # rendered without context (Django's own rule)
