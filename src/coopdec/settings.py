"""coopdec settings: one module, read from plainly named environment variables.

See docs/configuration.md for every variable.
"""

import sys
from pathlib import Path

from coopdec.common.database import parse_database_url, sqlite_database
from coopdec.common.env import ConfigError, env_bool, env_int, env_list, env_rate, env_secret

BASE_DIR = Path(__file__).resolve().parent  # the coopdec package
PROJECT_DIR = BASE_DIR.parent.parent  # the repository (editable install)


def _fail(message: str) -> None:
    # One clear line on stderr, exit status 1; no traceback for a configuration mistake.
    sys.exit(f"coopdec: configuration error: {message}")


try:
    DEBUG = env_bool("DEBUG", False)
    VAR_DIR = Path(env_secret("COOPDEC_VAR_DIR") or PROJECT_DIR / "var")
    SECRET_KEY = env_secret("SECRET_KEY")
    if not SECRET_KEY:
        if not DEBUG:
            raise ConfigError(
                "SECRET_KEY is not set; set it in the environment (or SECRET_KEY_FILE), "
                "or set DEBUG=1 for local development"
            )
        SECRET_KEY = "coopdec-insecure-development-key-do-not-use-in-production"  # noqa: S105
    _database_url = env_secret("DATABASE_URL")
    DATABASES = {
        "default": parse_database_url(_database_url) if _database_url else sqlite_database(VAR_DIR / "coopdec.sqlite3")
    }
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
    SITE_URL = env_secret("SITE_URL", "http://127.0.0.1:8000")
    EMAIL_HOST = env_secret("EMAIL_HOST", "")
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_secret("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    DEFAULT_FROM_EMAIL = env_secret("DEFAULT_FROM_EMAIL", "coopdec <noreply@localhost>")
    MAP_TILE_URL = env_secret("MAP_TILE_URL", "")  # optional tile layer; empty = offline shapes only
    MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 10)
    # Results monitoring: the editors are reminded this many days before a report is due.
    RESULTS_REMINDER_DAYS = env_int("RESULTS_REMINDER_DAYS", 14)
    if RESULTS_REMINDER_DAYS < 1:
        raise ConfigError(f"RESULTS_REMINDER_DAYS must be 1 or more; got {RESULTS_REMINDER_DAYS}")
    TASKS_IMMEDIATE = env_bool("TASKS_IMMEDIATE", False)  # run background tasks in the request (tests, no worker)
    SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG and SITE_URL.startswith("https"))
    # HTTPS behind a reverse proxy (docs/deployment.md): each is opt-in, so that the demonstration
    # on http://127.0.0.1 keeps working; the documented production environment turns them all on.
    _behind_https_proxy = env_bool("SECURE_PROXY_SSL_HEADER", False)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    _extra_trusted_origins = env_list("CSRF_TRUSTED_ORIGINS", [])
    # Uploaded documents: one directory every application server reads and writes.
    MEDIA_ROOT = Path(env_secret("MEDIA_ROOT") or VAR_DIR / "media")
except ConfigError as exc:
    _fail(str(exc))

# Only when the proxy always sets (never passes on) X-Forwarded-Proto; see docs/configuration.md.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _behind_https_proxy else None

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATA_DIR = Path(env_secret("COOPDEC_DATA_DIR") or PROJECT_DIR / "data")

INSTALLED_APPS = [
    "coopdec.web",  # first, so that its templates (sign-in, password reset) win over the admin's
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.admin",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "coopdec.common",
    "coopdec.territories",
    "coopdec.vocabularies",
    "coopdec.actors",
    "coopdec.cooperation",
    "coopdec.atlas",
    "coopdec.matching",
    "coopdec.interop",
    "coopdec.declarations",
    "coopdec.funding",
    "coopdec.strategy",
    "coopdec.knowledge",
    "coopdec.participation",
    "coopdec.api",
    "ninja",  # the API documentation page serves Swagger UI from ninja's static files (offline)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "coopdec.common.middleware.BadRequestMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "coopdec.common.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "coopdec.urls"
WSGI_APPLICATION = "coopdec.wsgi.application"
AUTH_USER_MODEL = "actors.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coopdec.web.context_processors.site",
            ],
        },
    }
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: French and English complete, Spanish and Portuguese with what is translated.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English"), ("es", "Español"), ("pt", "Português")]
CONTENT_LANGUAGES = [code for code, _name in LANGUAGES]
LANGUAGE_FALLBACKS = ["en", "fr", "es", "pt"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600  # unhashed files; hashed ones are cached for a year by WhiteNoise
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
MAX_UPLOAD_SIZE = MAX_UPLOAD_MB * 1024 * 1024

EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)

SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The public origin (scheme://host[:port]) of SITE_URL, plus any others named in the environment.
_site_origin = "/".join(SITE_URL.split("/")[:3])
CSRF_TRUSTED_ORIGINS = list(dict.fromkeys([_site_origin, *_extra_trusted_origins]))

# Rate limits: sliding windows counted in the database (coopdec.common.throttle), shared by every
# worker. The API per address / per token; sign-in, password-reset and invitation attempts per
# account (strict) and per address (loose: a town hall or a cybercafé shares one address).
try:
    API_RATE_ANONYMOUS = env_rate("API_RATE_ANONYMOUS", "120/min")
    API_RATE_AUTHENTICATED = env_rate("API_RATE_AUTHENTICATED", "1200/min")
    API_TRUSTED_PROXIES = env_int("API_TRUSTED_PROXIES", 0)  # reverse proxies whose X-Forwarded-For is believed
    SIGNIN_RATE_ACCOUNT = env_rate("SIGNIN_RATE_ACCOUNT", "10/15min")  # failed sign-ins per user name
    SIGNIN_RATE_ADDRESS = env_rate("SIGNIN_RATE_ADDRESS", "100/15min")
    PASSWORD_RESET_RATE_ACCOUNT = env_rate("PASSWORD_RESET_RATE_ACCOUNT", "3/hour")  # mails per address asked
    PASSWORD_RESET_RATE_ADDRESS = env_rate("PASSWORD_RESET_RATE_ADDRESS", "20/hour")
    INVITATION_RATE_ACCOUNT = env_rate("INVITATION_RATE_ACCOUNT", "30/hour")  # invitations per inviting user
    INVITATION_RATE_ADDRESS = env_rate("INVITATION_RATE_ADDRESS", "60/hour")
    # API calls that cost seconds of a worker (atlas downloads): a smaller budget of their own, per
    # address or per token, counted on top of the general one.
    API_RATE_HEAVY = env_rate("API_RATE_HEAVY", "10/min")
    # Counters of clients gone quiet are deleted about once every this many counted events.
    RATE_COUNTER_PURGE_EVERY = env_int("RATE_COUNTER_PURGE_EVERY", 2000)
except ConfigError as exc:
    _fail(str(exc))

# Background tasks (django.tasks through the django-tasks backport): imports, full exports, atlas
# reindexing and e-mail. Stored in the database and run by `coopdec db_worker`; with
# TASKS_IMMEDIATE=1 (the test suite, or a tiny install without a worker) they run inside the request.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TASKS_IMMEDIATE
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "coopdec",
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"coopdec": {"level": "INFO"}},
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Reference data shipped with the product (never read from outside the project at run time).
REFERENCE_DATA_DIR = DATA_DIR
