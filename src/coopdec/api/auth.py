"""Who is calling: a personal token (``Authorization: Bearer <token>``), or nobody; and how often.

- ``token_required``: writes. The caller acts as the token's user; a session cookie is not
  enough (so browsers cannot be tricked into writing: no CSRF exposure).
- ``token_or_public``: reads. A valid token reads as its user (drafts of their organisations);
  without one the caller reads as the signed-in web user if any, else anonymously. A token that
  is sent but not valid is refused (401) rather than silently downgraded.
- ``throttles``: a sliding-window limit per client, counted in the database so that all worker
  processes share it: per IP address for anonymous callers (``API_RATE_ANONYMOUS``), per token for
  authenticated ones (``API_RATE_AUTHENTICATED``); ``heavy_throttles`` adds a smaller budget of
  its own (``API_RATE_HEAVY``) for the downloads.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import OperationalError
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from .models import ApiToken
from .services import rate_hit, rate_unhit, token_authenticate

logger = logging.getLogger("coopdec.api")

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
    """A limit per client shared by every worker process: counters in the default database.

    The window slides: the requests of the previous fixed window count in proportion to the part
    of it still inside the last ``duration`` seconds (``previous * (1 - elapsed) + current``), which
    is what a log of timestamps would give for evenly spread requests, in one row and one atomic
    statement per request. Refused requests are taken back from the count; a client that then waits
    ``Retry-After`` seconds (at most one window: after a whole window of silence the count starts
    afresh) gets through.
    """

    timer = staticmethod(time.time)

    def __init__(self, *, authenticated: bool, heavy: bool = False):
        self.authenticated = authenticated
        self.heavy = heavy  # the separate, smaller budget of the calls that cost seconds of a worker
        self.scope = ("heavy-" if heavy else "") + ("token" if authenticated else "ip")
        self._waits = threading.local()

    def _rate(self) -> tuple[int, int]:
        if self.heavy:
            return parse_rate(getattr(settings, "API_RATE_HEAVY", DEFAULT_RATE_HEAVY))
        if self.authenticated:
            rate = getattr(settings, "API_RATE_AUTHENTICATED", DEFAULT_RATE_AUTHENTICATED)
        else:
            rate = getattr(settings, "API_RATE_ANONYMOUS", DEFAULT_RATE_ANONYMOUS)
        return parse_rate(rate)

    def allow_request(self, request) -> bool:
        self._waits.seconds = None
        client = self.get_client(request)
        if client is None:
            return True
        limit, duration = self._rate()  # read each time, so that settings can change (tests, reload)
        client = f"{self.scope}:{duration}:{client}"
        now = self.timer()
        try:
            count, previous, period = rate_hit(client=client, duration=duration, now=now)
        except OperationalError as error:
            # SQLite while another process holds its one write lock for longer than the busy
            # timeout (a long import): serve the request uncounted rather than fail it.
            logger.warning("API rate limit not counted for %s: %s", client, error)
            return True
        elapsed = min(max(now / duration - period, 0.0), 1.0)  # fraction of the current window gone by
        if previous * (1 - elapsed) + count <= limit:
            return True
        rate_unhit(client=client, period=period)
        # After a whole window without any request the count starts afresh, so never more than that.
        wait = min(seconds_until_allowed(limit, duration, count - 1, previous, elapsed), duration)
        self._waits.seconds = max(1.0, wait)
        return False

    def wait(self) -> float | None:
        return getattr(self._waits, "seconds", None)

    def get_ident(self, request) -> str:
        # X-Forwarded-For is only believed for the number of proxies the operator declares
        # (API_TRUSTED_PROXIES); otherwise any client could pick a fresh address per request.
        proxies = getattr(settings, "API_TRUSTED_PROXIES", 0)
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
        if proxies and forwarded:
            addresses = [address.strip() for address in forwarded.split(",")]
            return addresses[-min(proxies, len(addresses))][:64]
        return request.META.get("REMOTE_ADDR", "")[:64]

    def get_client(self, request) -> str | None:
        """Who is counted: the token for authenticated callers, the address for the others; None
        when this throttle is not the caller's (the other one counts them)."""
        token = getattr(request, "auth", None)
        if self.authenticated:
            return str(token.pk) if isinstance(token, ApiToken) else None
        return None if isinstance(token, ApiToken) else self.get_ident(request)


PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"120/min"`` -> (120, 60): requests allowed per window length in seconds."""
    number, _slash, period = rate.partition("/")
    return int(number), PERIODS[period.strip().lower()]


def seconds_until_allowed(limit: int, duration: int, count: int, previous: int, elapsed: float) -> float:
    """How long until one more request fits: ``count`` requests made in the current window (at
    ``elapsed``, a fraction of it), ``previous`` in the one before. While the previous window's
    weight ``previous * (1 - t)`` fades, the current count stays; if the current count alone
    fills the limit, wait for the next window, where it fades in turn."""
    if count + 1 <= limit:
        # previous * (1 - t) + count + 1 <= limit  <=>  t >= 1 - (limit - count - 1) / previous
        needed = 1 - (limit - count - 1) / previous if previous else elapsed
        return max(0.0, needed - elapsed) * duration
    needed = 1 - (limit - 1) / count if count else 0.0  # in the next window, count is the previous
    return (1 - elapsed + max(0.0, needed)) * duration


def throttles() -> list[BaseThrottle]:
    return [ClientThrottle(authenticated=False), ClientThrottle(authenticated=True)]


def heavy_throttles() -> list[BaseThrottle]:
    """The general limits plus ``API_RATE_HEAVY`` (per address, or per token), for the operations
    that cost seconds of a worker (atlas downloads)."""
    return [*throttles(), ClientThrottle(authenticated=False, heavy=True), ClientThrottle(authenticated=True, heavy=True)]
