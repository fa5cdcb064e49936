import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English, the source language."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
