"""The documented production environment passes ``coopdec check --deploy`` with no warning."""

import os
import subprocess
import sys

from coopdec.common.checks import DEFAULT_SITE_URL, site_url_set_in_production

# The environment of docs/deployment.md, less the database (any works for the checks).
PRODUCTION = {
    "SECRET_KEY": "k7Qm2vX9pL4sR8tW1yZ6bN3cF5hJ0dG7eA2uI9oP4qS6wE8rT1yU3",
    "ALLOWED_HOSTS": "coopdec.example.org",
    "SITE_URL": "https://coopdec.example.org",
    "SECURE_PROXY_SSL_HEADER": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
}
CLEARED = {"DATABASE_URL", "SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", *PRODUCTION}


def _check_deploy(tmp_path, environ: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(environ, COOPDEC_VAR_DIR=str(tmp_path))
    return subprocess.run(
        [sys.executable, "-m", "coopdec", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_production_environment_is_clean(tmp_path):
    result = _check_deploy(tmp_path, PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_check_deploy_without_https_settings_warns(tmp_path):
    environ = {key: PRODUCTION[key] for key in ("SECRET_KEY", "ALLOWED_HOSTS")}
    result = _check_deploy(tmp_path, environ)
    assert result.returncode == 1
    for code in ("coopdec.W001", "security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in result.stderr


def test_site_url_check_warns_on_default_in_production(settings):
    settings.DEBUG = False
    settings.SITE_URL = DEFAULT_SITE_URL
    settings.ALLOWED_HOSTS = ["coopdec.example.org"]
    assert [warning.id for warning in site_url_set_in_production()] == ["coopdec.W001"]


def test_site_url_check_silent_when_set_in_debug_or_on_loopback(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["coopdec.example.org"]
    settings.SITE_URL = "https://coopdec.example.org"
    assert site_url_set_in_production() == []
    settings.SITE_URL = DEFAULT_SITE_URL
    settings.DEBUG = True
    assert site_url_set_in_production() == []
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
    assert site_url_set_in_production() == []


def test_csrf_trusted_origins_include_site_url_origin(tmp_path):
    code = "from django.conf import settings; print(settings.CSRF_TRUSTED_ORIGINS)"
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(
        SECRET_KEY="x",
        SITE_URL="https://coopdec.example.org/path",
        CSRF_TRUSTED_ORIGINS="https://other.example.org",
        DJANGO_SETTINGS_MODULE="coopdec.settings",
        COOPDEC_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "['https://coopdec.example.org', 'https://other.example.org']", result.stderr
