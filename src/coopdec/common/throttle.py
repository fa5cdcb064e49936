"""Limits on how often a client may do something, shared by every worker process.

The counters live in the default database (``common.RateCounter``, one row per client and window
length), so that all workers count the same events; a per-process cache would multiply every
limit by the number of workers. The API counts its requests here (``coopdec.api.auth``); the
sign-in, password-reset and invitation forms count their attempts (``throttle_attempt``).

The window slides: the events of the previous fixed window count in proportion to the part of it
still inside the last ``duration`` seconds (``previous * (1 - elapsed) + current``), which is what a
log of timestamps would give for evenly spread events, in one row and one atomic statement per
event. Refused events are taken back from the count; a client that then waits the time it is told
(at most one window: after a whole window of silence the count starts afresh) gets through.
"""

import logging
import random
import time
from math import ceil

from django.conf import settings
from django.db import OperationalError, connection, models
from django.utils.translation import ngettext

from .env import parse_rate
from .models import RateCounter

logger = logging.getLogger("coopdec.throttle")

# Counts an event and returns the counts in one statement (the same SQL on PostgreSQL and SQLite
# 3.35+). The right-hand sides read the row as it was: after a whole window of silence (the %s is
# the window length) the count starts afresh; in a new window ``count`` moves to ``previous`` (or
# is dropped, if that window was not the one just before) and starts again at 1.
RATE_UPSERT = f"""
INSERT INTO {RateCounter._meta.db_table} AS c (client, period, count, previous, last_seen, expires)
VALUES (%s, %s, 1, 0, %s, %s)
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
"""  # noqa: S608 - the table name is ours, every value a parameter


def rate_hit(*, client: str, duration: int, now: float) -> tuple[int, int, int]:
    """Count one event of ``client`` in windows of ``duration`` seconds; return (events in the
    current window including this one, events in the previous window, the current window's number).

    Atomic across processes: concurrent events each get their own count. It runs in the caller's
    transaction if any.
    """
    period = int(now // duration)
    expires = (period + 2) * duration  # after two windows the row no longer counts
    with connection.cursor() as cursor:
        cursor.execute(RATE_UPSERT, [client, period, now, expires, duration, duration])
        count, previous, period = cursor.fetchone()
    # Purge the rows of clients gone quiet about once every RATE_COUNTER_PURGE_EVERY events (0: never,
    # as in the test suite, whose query counts must not depend on a draw).
    purge_every = settings.RATE_COUNTER_PURGE_EVERY
    if purge_every and random.random() < 1 / purge_every:  # noqa: S311 - not security: spreads the purge
        rate_counters_purge(now=now)
    return count, previous, period


def rate_unhit(*, client: str, period: int) -> None:
    """Take back an event counted by ``rate_hit`` and then refused (or not to be held against the
    client), so that refused events do not push a client's next allowed one further away."""
    RateCounter.objects.filter(client=client, period=period, count__gt=0).update(count=models.F("count") - 1)


def rate_counters_purge(*, now: float) -> int:
    """Delete the counters of clients that did nothing for two windows; return how many."""
    deleted, _by_model = RateCounter.objects.filter(expires__lt=int(now)).delete()
    return deleted


def seconds_until_allowed(limit: int, duration: int, count: int, previous: int, elapsed: float) -> float:
    """How long until one more event fits: ``count`` events in the current window (at ``elapsed``,
    a fraction of it), ``previous`` in the one before. While the previous window's weight
    ``previous * (1 - t)`` fades, the current count stays; if the current count alone fills the
    limit, wait for the next window, where it fades in turn."""
    if count + 1 <= limit:
        # previous * (1 - t) + count + 1 <= limit  <=>  t >= 1 - (limit - count - 1) / previous
        needed = 1 - (limit - count - 1) / previous if previous else elapsed
        return max(0.0, needed - elapsed) * duration
    needed = 1 - (limit - 1) / count if count else 0.0  # in the next window, count is the previous
    return (1 - elapsed + max(0.0, needed)) * duration


Counter = tuple[str, int]  # a counted event: its client's row and its window, for ``rate_unhit``


def rate_allow(*, client: str, rate: str, now: float | None = None) -> tuple[float | None, Counter | None]:
    """Count one event of ``client`` against ``rate`` (``"10/15min"``). Return (None if allowed,
    else the seconds to wait; the counted event, None if refused or not counted).

    ``client`` is prefixed with the window length, so one client may have several limits.
    """
    limit, duration = parse_rate(rate)
    client = f"{duration}:{client}"[:150]
    now = time.time() if now is None else now
    try:
        count, previous, period = rate_hit(client=client, duration=duration, now=now)
    except OperationalError as error:
        # SQLite while another process holds its one write lock for longer than the busy timeout
        # (a long import): let the event through uncounted rather than fail it.
        logger.warning("Rate limit not counted for %s: %s", client, error)
        return None, None
    elapsed = min(max(now / duration - period, 0.0), 1.0)  # fraction of the current window gone by
    if previous * (1 - elapsed) + count <= limit:
        return None, (client, period)
    rate_unhit(client=client, period=period)
    # After a whole window without any event the count starts afresh, so never more than that.
    wait = min(seconds_until_allowed(limit, duration, count - 1, previous, elapsed), duration)
    return max(1.0, wait), None


def rate_forgive(counter: Counter | None) -> None:
    """Take back a counted event that is not to be held against its client (a right password)."""
    if counter is not None:
        rate_unhit(client=counter[0], period=counter[1])


def client_address(request) -> str:
    """The caller's address. ``X-Forwarded-For`` is only believed for the number of proxies the
    operator declares (``API_TRUSTED_PROXIES``); otherwise any client could pick a fresh address
    per request and escape every limit."""
    proxies = getattr(settings, "API_TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(",")]
        return addresses[-min(proxies, len(addresses))][:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


class TooManyAttempts(Exception):
    """An action was refused by a limit; ``wait`` seconds until it is allowed again."""

    def __init__(self, wait: float):
        super().__init__(wait)
        self.wait = wait

    @property
    def message(self) -> str:
        minutes = max(1, ceil(self.wait / 60))
        return ngettext(
            "Too many attempts. For your security, try again in %(minutes)d minute.",
            "Too many attempts. For your security, try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}


def throttle_attempt(*, action: str, request, account: str = "") -> Counter | None:
    """Count one attempt at ``action`` (``"signin"``, ``"password_reset"``, ``"invitation"``) from
    ``request``'s address and, when given, for ``account`` (a user name, an e-mail address, a user id).

    The limits are the settings ``<ACTION>_RATE_ADDRESS`` (loose: a town hall or a cybercafé shares
    one address) and ``<ACTION>_RATE_ACCOUNT`` (strict). Raise ``TooManyAttempts`` when either is
    reached (nothing is counted then); otherwise return the account's counted attempt, for
    ``rate_forgive``.
    """
    prefix = action.upper()
    wait, by_address = rate_allow(
        client=f"{action}:ip:{client_address(request)}", rate=getattr(settings, f"{prefix}_RATE_ADDRESS")
    )
    if wait is not None:
        raise TooManyAttempts(wait)
    if not account:
        return None
    wait, by_account = rate_allow(
        client=f"{action}:account:{account.strip().casefold()}", rate=getattr(settings, f"{prefix}_RATE_ACCOUNT")
    )
    if wait is not None:
        rate_forgive(by_address)
        raise TooManyAttempts(wait)
    return by_account
