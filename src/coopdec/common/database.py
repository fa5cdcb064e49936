"""Turn ``DATABASE_URL`` into Django's ``DATABASES`` entry, with a clear error when malformed."""

from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from .env import ConfigError

SQLITE_OPTIONS = {
    # WAL lets readers and one writer work at once; the busy timeout waits instead of failing.
    "init_command": (
        "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
        "PRAGMA busy_timeout=10000;PRAGMA temp_store=MEMORY;PRAGMA cache_size=-65536;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 10,
}

EXPECTED = "expected sqlite:///path/to/file.sqlite3 or postgres://user:password@host:5432/name"


def sqlite_database(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": dict(SQLITE_OPTIONS),
    }


def parse_database_url(url: str) -> dict:
    """Parse a ``DATABASE_URL``. Raise ``ConfigError`` with one actionable line if malformed."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a non-numeric port
    except ValueError as exc:
        raise ConfigError(f"DATABASE_URL is malformed ({exc}); {EXPECTED}") from None
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        raw = unquote(parts.path)
        if parts.netloc or not raw or raw == "/":
            raise ConfigError(f"DATABASE_URL {url!r} names no SQLite file; {EXPECTED}")
        # sqlite:///relative.db -> "relative.db"; sqlite:////abs/path.db -> "/abs/path.db"
        return sqlite_database(Path(raw[1:] if raw.startswith("/") else raw))
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name or "/" in name:
            raise ConfigError(f"DATABASE_URL {url!r} names no database; {EXPECTED}")
        options = dict(parse_qsl(parts.query))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    if not scheme:
        raise ConfigError(f"DATABASE_URL {url!r} has no scheme; {EXPECTED}")
    raise ConfigError(f"DATABASE_URL scheme {scheme!r} is not supported; {EXPECTED}")
