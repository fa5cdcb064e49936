import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English, whatever the catalogues translate."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
