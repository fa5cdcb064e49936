"""Who is calling: a personal token (``Authorization: Bearer <token>``), or nobody; and how often.

- ``token_required``: writes. The caller acts as the token's user; a session cookie is not
  enough (so browsers cannot be tricked into writing: no CSRF exposure).
- ``token_or_public``: reads. A valid token reads as its user (drafts of their organisations);
  without one the caller reads as the signed-in web user if any, else anonymously. A token that
  is sent but not valid is refused (401) rather than silently downgraded.
- ``throttles``: a sliding-window limit per client, counted in the database so that all worker
  processes share it (``coopdec.common.throttle``): per IP address for anonymous callers
  (``API_RATE_ANONYMOUS``), per token for authenticated ones (``API_RATE_AUTHENTICATED``);
  ``heavy_throttles`` adds a smaller budget of its own (``API_RATE_HEAVY``) for the downloads.
"""

import threading
import time

from django.conf import settings
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from coopdec.common.throttle import client_address, rate_allow

from .models import ApiToken
from .services import token_authenticate

DEFAULT_RATE_ANONYMOUS = "120/min"
DEFAULT_RATE_AUTHENTICATED = "1200/min"
DEFAULT_RATE_HEAVY = "10/min"


class Public:
    """The ``request.auth`` of a caller without a token (truthy, so ninja lets it through)."""

    def __bool__(self):
        return True

    def __str__(self):
        return "public"


PUBLIC = Public()


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        record = token_authenticate(token.strip())
        if record is None:
            raise AuthenticationError()
        request.user = record.user
        return record


class TokenOrPublic(BearerToken):
    def __call__(self, request):
        if not request.headers.get(self.header):
            return PUBLIC
        result = super().__call__(request)
        if result is None:  # a header that is not "Bearer ...": refuse rather than ignore it
            raise AuthenticationError()
        return result


token_required = BearerToken()
token_or_public = TokenOrPublic()


def caller(request):
    """The user on whose behalf the request reads or writes (maybe anonymous)."""
    return request.user


class ClientThrottle(BaseThrottle):
    """A limit per client shared by every worker process: a sliding window counted in the default
    database (``coopdec.common.throttle``). A client refused with 429 that waits ``Retry-After``
    seconds (at most one window) gets through."""

    timer = staticmethod(time.time)

    def __init__(self, *, authenticated: bool, heavy: bool = False):
        self.authenticated = authenticated
        self.heavy = heavy  # the separate, smaller budget of the calls that cost seconds of a worker
        self.scope = ("heavy-" if heavy else "") + ("token" if authenticated else "ip")
        self._waits = threading.local()

    def _rate(self) -> str:  # read each time, so that settings can change (tests, reload)
        if self.heavy:
            return getattr(settings, "API_RATE_HEAVY", DEFAULT_RATE_HEAVY)
        if self.authenticated:
            return getattr(settings, "API_RATE_AUTHENTICATED", DEFAULT_RATE_AUTHENTICATED)
        return getattr(settings, "API_RATE_ANONYMOUS", DEFAULT_RATE_ANONYMOUS)

    def allow_request(self, request) -> bool:
        self._waits.seconds = None
        client = self.get_client(request)
        if client is None:
            return True
        wait, _counted = rate_allow(client=f"{self.scope}:{client}", rate=self._rate(), now=self.timer())
        self._waits.seconds = wait
        return wait is None

    def wait(self) -> float | None:
        return getattr(self._waits, "seconds", None)

    def get_client(self, request) -> str | None:
        """Who is counted: the token for authenticated callers, the address for the others; None
        when this throttle is not the caller's (the other one counts them)."""
        token = getattr(request, "auth", None)
        if self.authenticated:
            return str(token.pk) if isinstance(token, ApiToken) else None
        return None if isinstance(token, ApiToken) else client_address(request)


def throttles() -> list[BaseThrottle]:
    return [ClientThrottle(authenticated=False), ClientThrottle(authenticated=True)]


def heavy_throttles() -> list[BaseThrottle]:
    """The general limits plus ``API_RATE_HEAVY`` (per address, or per token), for the operations
    that cost seconds of a worker (atlas downloads)."""
    return [
        *throttles(),
        ClientThrottle(authenticated=False, heavy=True),
        ClientThrottle(authenticated=True, heavy=True),
    ]
