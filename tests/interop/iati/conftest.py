import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the default language of the site is French)."""
    with translation.override("en"):
        yield
