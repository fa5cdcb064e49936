import os
import subprocess
import sys

import pytest

from coopdec.common.database import parse_database_url
from coopdec.common.env import ConfigError, env_bool, env_secret


def test_parse_database_url_postgres():
    db = parse_database_url("postgres://alice:s%40cret@db.example.org:5433/coopdec")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "coopdec",
        "alice",
        "s@cret",
        "db.example.org",
        "5433",
    )


def test_parse_database_url_sqlite_absolute_path():
    db = parse_database_url("sqlite:////tmp/x/coopdec.sqlite3")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == "/tmp/x/coopdec.sqlite3"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


@pytest.mark.parametrize(
    "url",
    ["mysql://u:p@h/db", "postgres://u:p@host:notaport/db", "postgres://u:p@host:5432/", "sqlite://", "nonsense"],
)
def test_parse_database_url_malformed_raises_config_error(url):
    with pytest.raises(ConfigError):
        parse_database_url(url)


def test_env_bool_rejects_unknown_words(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ConfigError):
        env_bool("FLAG")


def test_env_secret_reads_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.delenv("TOKEN", raising=False)
    monkeypatch.setenv("TOKEN_FILE", str(secret))
    assert env_secret("TOKEN") == "from-a-file"


def _run_coopdec(env_overrides: dict[str, str | None], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "SECRET_KEY_FILE", "DEBUG"}}
    env.update({k: v for k, v in env_overrides.items() if v is not None})
    return subprocess.run([sys.executable, "-m", "coopdec", *args], env=env, capture_output=True, text=True, timeout=60)


def test_malformed_database_url_stops_with_one_line():
    result = _run_coopdec({"SECRET_KEY": "x", "DATABASE_URL": "postgres://u:p@host:notaport/db"}, "check")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("coopdec: configuration error: DATABASE_URL is malformed")


def test_missing_secret_key_without_debug_stops():
    result = _run_coopdec({}, "check")
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_runs_without_secret_key():
    result = _run_coopdec({"DEBUG": "1"}, "check")
    assert result.returncode == 0, result.stderr


def test_database_url_switches_engine():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    env = {
        "SECRET_KEY": "x",
        "DATABASE_URL": "postgres://u:p@localhost/coopdec",
        "DJANGO_SETTINGS_MODULE": "coopdec.settings",
    }
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "django.db.backends.postgresql", result.stderr
    del env["DATABASE_URL"]
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "django.db.backends.sqlite3", result.stderr


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_ALL": "pt_BR.UTF-8", "LANG": "fr_FR"}, "pt"),
        ({}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
    ],
)
def test_terminal_language_follows_the_locale(environ, language):
    from coopdec.__main__ import terminal_language

    assert terminal_language(environ) == language
