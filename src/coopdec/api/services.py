"""Writes of the API app: tokens (create, revoke, authenticate) and the shared rate counters."""

import hashlib
import random
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, RateCounter

TOKEN_PREFIX = "cdk_"  # noqa: S105 - a public marker, not a secret
MAX_ACTIVE_TOKENS = 20
# Recording each use would write on every request; once a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return the record and the token (shown once, never stored)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the token a name, for example the tool that will use it."))
    if not user.is_active:
        raise PermissionDenied(_("This account is disabled."))
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You already have %(count)d active tokens; revoke one you no longer use first.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user, name=name[:100], prefix=token[: len(TOKEN_PREFIX) + 6], digest=token_digest(token)
    )
    return record, token


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke ``token``; only its owner (or a superuser) may."""
    if token.user_id != by.pk and not by.is_superuser:
        raise PermissionDenied(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(token: str) -> ApiToken | None:
    """The active token matching ``token`` (its user active), or None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    record = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        record.last_used_at = now
    return record


# Rate counters: one row per client in the default database, so that every worker shares them.

# Purge the rows of clients gone quiet about once every PURGE_EVERY requests.
PURGE_EVERY = 2000


# Counts a request and returns the counts in one statement (the same SQL on PostgreSQL and SQLite
# 3.35+). The right-hand sides read the row as it was: after a whole window of silence (the %s is
# the window length) the count starts afresh; in a new window ``count`` moves to ``previous`` (or
# is dropped, if that window was not the one just before) and starts again at 1.
RATE_UPSERT = """
INSERT INTO api_ratecounter AS c (client, period, count, previous, last_seen, expires) VALUES (%s, %s, 1, 0, %s, %s)
ON CONFLICT (client) DO UPDATE SET
  count = CASE WHEN excluded.last_seen - c.last_seen >= %s THEN 1
               WHEN c.period >= excluded.period THEN c.count + 1 ELSE 1 END,
  previous = CASE WHEN excluded.last_seen - c.last_seen >= %s THEN 0
                  WHEN c.period >= excluded.period THEN c.previous
                  WHEN c.period = excluded.period - 1 THEN c.count ELSE 0 END,
  period = CASE WHEN c.period > excluded.period THEN c.period ELSE excluded.period END,
  last_seen = CASE WHEN c.last_seen > excluded.last_seen THEN c.last_seen ELSE excluded.last_seen END,
  expires = CASE WHEN c.expires > excluded.expires THEN c.expires ELSE excluded.expires END
RETURNING count, previous, period
"""


def rate_hit(*, client: str, duration: int, now: float) -> tuple[int, int, int]:
    """Count one request of ``client`` in windows of ``duration`` seconds; return (requests in the
    current window including this one, requests in the previous window, the current window's number).

    Atomic across processes: concurrent requests each get their own count. It runs in the caller's
    transaction if any (the API's requests have none, so the row is not locked beyond the statement).
    """
    period = int(now // duration)
    expires = (period + 2) * duration  # after two windows the row no longer counts
    with connection.cursor() as cursor:
        cursor.execute(RATE_UPSERT, [client, period, now, expires, duration, duration])
        count, previous, period = cursor.fetchone()
    if random.random() < 1 / PURGE_EVERY:  # noqa: S311 - not security: spreads the purge over requests
        rate_counters_purge(now=now)
    return count, previous, period


def rate_unhit(*, client: str, period: int) -> None:
    """Take back a request counted by ``rate_hit`` and then refused, so that refused requests do not
    push a client's next allowed request further away."""
    RateCounter.objects.filter(client=client, period=period, count__gt=0).update(count=models.F("count") - 1)


def rate_counters_purge(*, now: float) -> int:
    """Delete the counters of clients that made no request for two windows; return how many."""
    deleted, _by_model = RateCounter.objects.filter(expires__lt=int(now)).delete()
    return deleted
