"""Who is calling: a personal token (``Authorization: Bearer <token>``), or nobody; and how often.

- ``token_required``: writes. The caller acts as the token's user; a session cookie is not
  enough (so browsers cannot be tricked into writing: no CSRF exposure).
- ``token_or_public``: reads. A valid token reads as its user (drafts of their organisations);
  without one the caller reads as the signed-in web user if any, else anonymously. A token that
  is sent but not valid is refused (401) rather than silently downgraded.
- ``throttles``: a sliding-window limit per client in the cache: per IP address for anonymous
  callers (``API_RATE_ANONYMOUS``), per token for authenticated ones (``API_RATE_AUTHENTICATED``).
"""

from django.conf import settings
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from .models import ApiToken
from .services import token_authenticate

DEFAULT_RATE_ANONYMOUS = "120/min"
DEFAULT_RATE_AUTHENTICATED = "1200/min"


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


class ClientThrottle(SimpleRateThrottle):
    """Sliding window per client: the timestamps of its recent requests, kept in the cache."""

    cache_format = "coopdec-api-throttle-%(scope)s-%(ident)s"

    def __init__(self, *, authenticated: bool):
        self.authenticated = authenticated
        self.scope = "token" if authenticated else "ip"
        super().__init__(rate=self._setting())

    def _setting(self) -> str:
        if self.authenticated:
            return getattr(settings, "API_RATE_AUTHENTICATED", DEFAULT_RATE_AUTHENTICATED)
        return getattr(settings, "API_RATE_ANONYMOUS", DEFAULT_RATE_ANONYMOUS)

    def allow_request(self, request) -> bool:
        self.rate = self._setting()  # read each time, so that settings can change (tests, reload)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_ident(self, request) -> str:
        # X-Forwarded-For is only believed for the number of proxies the operator declares
        # (API_TRUSTED_PROXIES); otherwise any client could pick a fresh address per request.
        proxies = getattr(settings, "API_TRUSTED_PROXIES", 0)
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
        if proxies and forwarded:
            addresses = [address.strip() for address in forwarded.split(",")]
            return addresses[-min(proxies, len(addresses))]
        return request.META.get("REMOTE_ADDR", "")

    def get_cache_key(self, request):
        token = getattr(request, "auth", None)
        if isinstance(token, ApiToken) != self.authenticated:
            return None
        ident = token.pk if self.authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def throttles() -> list[ClientThrottle]:
    return [ClientThrottle(authenticated=False), ClientThrottle(authenticated=True)]
