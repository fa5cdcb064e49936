"""Every parameterless HTML page answers in French and English, for a visitor and a coordinator."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import make_user

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("admin/", "api/", "i18n/", "accounts/logout/", "media/")


def _plain_paths(patterns=None, prefix: str = "") -> list[str]:
    paths = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            paths += _plain_paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern) and "<" not in route and "(?P" not in route and not route.startswith("^"):
            path = prefix + route
            if not path.startswith(SKIPPED_PREFIXES) and not path.endswith(
                (".xml", ".csv", ".json", ".xlsx", ".geojson")
            ):
                paths.append("/" + path)
    return sorted(set(paths))


PATHS = _plain_paths()


def test_the_site_has_pages():
    assert {"/", "/about/", "/healthz"} <= set(PATHS)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("path", PATHS)
def test_page_answers_a_visitor(client, path, language):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    # Public pages answer; pages for members send visitors to sign in; forms may accept only POST.
    assert response.status_code in {200, 302, 405}, (path, response.status_code)
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"], (path, response["Location"])


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("path", PATHS)
def test_page_answers_a_coordinator(client, path, language):
    client.force_login(make_user(is_coordinator=True))
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code in {200, 302, 405}, (path, response.status_code)
    if response.status_code == 302:
        assert "/accounts/login/" not in response["Location"], (path, response["Location"])
