import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English, the source language (the French catalogue changes as it is translated)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
