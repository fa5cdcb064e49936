"""API test helpers: a client, tokens, and the rate limits reset between tests."""

import pytest
from django.core.cache import cache

from coopdec.api.services import token_create


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def bearer(user) -> dict:
    """Headers authenticating as ``user`` with a new personal token."""
    _record, token = token_create(user=user, name="tests")
    return {"Authorization": f"Bearer {token}"}
