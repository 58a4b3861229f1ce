"""Settings for crmupdate, read from the environment (see README and .env.example).

One file for every environment. Development defaults are safe; malformed values fail loudly.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def private_file_create(path: Path) -> None:
    """Create `path` (empty) readable by its owner only, unless it exists. Used for the SQLite
    database: tokens in it are encrypted, the rest of the team's data is not. SQLite gives its
    -wal and -shm files the database file's mode."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def env_url(name: str, default: str) -> str:
    raw = os.environ.get(name, default).strip().rstrip("/")
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(f"{name} must be an http(s) URL, not {raw!r}")
    return raw


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Zoho -------------------------------------------------------------------------------------

ZOHO_CLIENT_ID = os.environ.get("ZOHO_CLIENT_ID", "").strip()
ZOHO_CLIENT_SECRET = os.environ.get("ZOHO_CLIENT_SECRET", "").strip()
ZOHO_REDIRECT_URI = os.environ.get("ZOHO_REDIRECT_URI", "").strip()
ZOHO_API_VERSION = os.environ.get("ZOHO_API_VERSION", "v2").strip()
ALLOWED_ZOHO_ORGS = env_list("ALLOWED_ZOHO_ORGS")
ZOHO_HTTP_TIMEOUT = env_float("ZOHO_HTTP_TIMEOUT", 30.0)

# The built-in simulator of Zoho's accounts server and CRM API (the practice CRM). Anyone who
# reaches it signs in as any of its demo people without a password, so it is mounted only in
# development (DEBUG) or when asked for explicitly (`make run` does); `check --deploy` warns
# about the latter. See crmupdate/checks.py.
ZOHOSIM_ENABLED = env_bool("ZOHOSIM_ENABLED", DEBUG)
ZOHOSIM_URL_PREFIX = "zohosim"
# Public origin under which the simulator is reachable (used in absolute URLs it hands out,
# e.g. by `manage.py zohosim_token`). Requests to the simulator use their own host instead.
ZOHOSIM_PUBLIC_URL = env_url("ZOHOSIM_PUBLIC_URL", "http://127.0.0.1:8000")
ZOHOSIM_ACCESS_TOKEN_SECONDS = env_int("ZOHOSIM_ACCESS_TOKEN_SECONDS", 3600)
# Zoho's grant codes (the `code` of the OAuth redirect) are good for two minutes.
ZOHOSIM_GRANT_CODE_SECONDS = 120
# Seconds a simulated mass-update job spends per record; 0 finishes jobs at once.
ZOHOSIM_JOB_SECONDS_PER_RECORD = env_float("ZOHOSIM_JOB_SECONDS_PER_RECORD", 0.01)
ZOHOSIM_JOB_START_DELAY = env_float("ZOHOSIM_JOB_START_DELAY", 2.0)
ZOHOSIM_CREDITS_PER_DAY = env_int("ZOHOSIM_CREDITS_PER_DAY", 100_000)
ZOHOSIM_CONCURRENCY = env_int("ZOHOSIM_CONCURRENCY", 20)
# The simulator's call log (ApiCall): calls older than this many days, and the oldest calls
# beyond this many stored bytes (bodies and query strings), are pruned as new calls arrive.
# A stored request body is cut after ZOHOSIM_CALL_LOG_BODY_BYTES.
ZOHOSIM_CALL_LOG_DAYS = env_int("ZOHOSIM_CALL_LOG_DAYS", 7)
ZOHOSIM_CALL_LOG_MAX_BYTES = env_int("ZOHOSIM_CALL_LOG_MAX_BYTES", 50_000_000)
ZOHOSIM_CALL_LOG_BODY_BYTES = env_int("ZOHOSIM_CALL_LOG_BODY_BYTES", 100_000)

if ZOHOSIM_ENABLED and not ZOHO_CLIENT_ID:
    # The simulator registers this client for itself; see crmupdate.zohosim.
    ZOHO_CLIENT_ID = "1000.SIMULATORCLIENT"
    ZOHO_CLIENT_SECRET = hashlib.sha256(f"zohosim:{SECRET_KEY}".encode()).hexdigest()

ZOHO_ACCOUNTS_URL = env_url(
    "ZOHO_ACCOUNTS_URL",
    f"{ZOHOSIM_PUBLIC_URL}/{ZOHOSIM_URL_PREFIX}/accounts"
    if ZOHOSIM_ENABLED and not os.environ.get("ZOHO_CLIENT_ID")
    else "https://accounts.zoho.com",
)
PRACTICE_CRM = ZOHOSIM_ENABLED and not os.environ.get("ZOHO_CLIENT_ID")

# Comma-separated Fernet keys; the first encrypts, all decrypt (key rotation).
TOKEN_ENCRYPTION_KEYS = env_list("TOKEN_ENCRYPTION_KEYS")
if not TOKEN_ENCRYPTION_KEYS and not DEBUG:
    raise ImproperlyConfigured("TOKEN_ENCRYPTION_KEYS must be set when DEBUG is off.")

UNDO_RETENTION_DAYS = env_int("UNDO_RETENTION_DAYS", 30)
# Exposes /history/_floor, a bare signed-in page: the load benchmark's floor (bench/README.md).
BENCH = env_bool("BENCH", False)

# Mass updates. Zoho metadata (modules, views, fields, users) is cached per team for
# ZOHO_METADATA_TTL seconds. The worker checks a running Zoho job after
# MASSUPDATE_POLL_FIRST_SECONDS, then less often, at most MASSUPDATE_POLL_MAX_SECONDS apart;
# after a 429 or ALREADY_SCHEDULED it waits MASSUPDATE_RETRY_FIRST_SECONDS, doubling up to
# MASSUPDATE_RETRY_MAX_SECONDS. A worker's claim on a step or an undo runs out after
# MASSUPDATE_LEASE_SECONDS (longer while sending: see massupdate/timing.py), so another worker
# takes over from a killed one.
ZOHO_METADATA_TTL = env_int("ZOHO_METADATA_TTL", 3600)
# Pages that read from Zoho (crmupdate.massupdate.pagelimits): what a person read is reused
# for ZOHO_PAGE_CACHE_SECONDS; at most ZOHO_PAGE_READS_PER_PERSON Zoho calls per person per
# minute and ZOHO_PAGE_READS_PER_TEAM per team per hour, so page loads cannot spend the
# organisation's daily API credits.
ZOHO_PAGE_CACHE_SECONDS = env_int("ZOHO_PAGE_CACHE_SECONDS", 60)
ZOHO_PAGE_READS_PER_PERSON = env_int("ZOHO_PAGE_READS_PER_PERSON", 30)
ZOHO_PAGE_READS_PER_TEAM = env_int("ZOHO_PAGE_READS_PER_TEAM", 600)
MASSUPDATE_POLL_FIRST_SECONDS = env_float("MASSUPDATE_POLL_FIRST_SECONDS", 3.0)
MASSUPDATE_POLL_MAX_SECONDS = env_float("MASSUPDATE_POLL_MAX_SECONDS", 60.0)
MASSUPDATE_RETRY_FIRST_SECONDS = env_float("MASSUPDATE_RETRY_FIRST_SECONDS", 10.0)
MASSUPDATE_RETRY_MAX_SECONDS = env_float("MASSUPDATE_RETRY_MAX_SECONDS", 300.0)
MASSUPDATE_LEASE_SECONDS = env_float("MASSUPDATE_LEASE_SECONDS", 180.0)
# Tries to send a step (or read a backup page, or an undo batch) whose connection never
# opened, before it stops and says why; and the wait before a step queued behind another
# update of the same view looks again.
MASSUPDATE_MAX_SUBMIT_ATTEMPTS = 8
MASSUPDATE_VIEW_BUSY_SECONDS = 15.0
# One undo run puts records back for this long, then lets other due work go first.
UNDO_RUN_SECONDS = 60.0
# The worker (`manage.py worker`) sleeps WORKER_IDLE_SECONDS when nothing is due; every
# WORKER_SWEEP_SECONDS it looks again at paused work (has its person signed in again?) and
# repairs what a killed process left; every UNDO_PURGE_SECONDS it deletes expired backups.
WORKER_IDLE_SECONDS = env_float("WORKER_IDLE_SECONDS", 1.0)
WORKER_SWEEP_SECONDS = env_float("WORKER_SWEEP_SECONDS", 30.0)
UNDO_PURGE_SECONDS = env_float("UNDO_PURGE_SECONDS", 6 * 3600.0)

# --- Django -----------------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "social_django",
    "crmupdate.accounts",
    "crmupdate.massupdate",
    "crmupdate.history",
    "crmupdate.zohosim",
]

MIDDLEWARE = [
    "crmupdate.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "crmupdate.accounts.language.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Sign-in failures -> clear pages; refused Zoho sign-ins -> "sign in again" and back.
    "crmupdate.accounts.middleware.AccountsMiddleware",
    # Last, so the refusal page gets every header the middleware above adds.
    "crmupdate.middleware.RejectNulMiddleware",
]

ROOT_URLCONF = "crmupdate.urls"
WSGI_APPLICATION = "crmupdate.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "crmupdate.context_processors.site",
            ],
        },
    }
]

(BASE_DIR / "var").mkdir(mode=0o700, exist_ok=True)
SQLITE_PATH = BASE_DIR / "var" / "db.sqlite3"

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=env_int("DB_CONN_MAX_AGE", 60)
        )
    }
else:
    private_file_create(SQLITE_PATH)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # A file, not memory: worker processes and the web server of browser tests share it.
            "TEST": {"NAME": BASE_DIR / "var" / "test.sqlite3"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS: list[dict[str, str]] = []

# English and Spanish; crmupdate.accounts.language picks one per request (account choice,
# Zoho locale, browser). Catalogues in locale/ (`make messages` extracts and compiles them).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic puts the files whitenoise serves (a deployment may put them elsewhere).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache"
        if not os.environ.get("REDIS_URL")
        else "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("REDIS_URL", "crmupdate_cache"),
    }
}

LOGIN_URL = "accounts:signin"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- Security -----------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
# A session unused for this long is signed out (each request, an htmx poll included, is use).
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 2 * 3600)
# Pages showing the team's data ask Zoho again at least this often whether it still accepts
# the person (one accounts-server call, no CRM API credits); see crmupdate.accounts.access.
ZOHO_ACCESS_RECHECK_SECONDS = env_int("ZOHO_ACCESS_RECHECK_SECONDS", 300)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script of ours reads it: pages hand the token to htmx in the markup (base.html).
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    # Sign-in posts to our own URL, which redirects to the Zoho accounts server.
    "form-action": [CSP.SELF, _origin(ZOHO_ACCOUNTS_URL), "https://*.zoho.com"],
}

# --- social-auth ----------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "crmupdate.accounts.backends.ZohoOAuth2",
]
SOCIAL_AUTH_JSONFIELD_ENABLED = True
SOCIAL_AUTH_URL_NAMESPACE = "social"
SOCIAL_AUTH_ZOHO_KEY = ZOHO_CLIENT_ID
SOCIAL_AUTH_ZOHO_SECRET = ZOHO_CLIENT_SECRET
SOCIAL_AUTH_LOGIN_REDIRECT_URL = "/"
SOCIAL_AUTH_LOGIN_ERROR_URL = "/signin/"
SOCIAL_AUTH_PIPELINE = (
    "social_core.pipeline.social_auth.social_details",
    "social_core.pipeline.social_auth.social_uid",
    "crmupdate.accounts.pipeline.require_allowed_org",
    "crmupdate.accounts.pipeline.find_account",
    "crmupdate.accounts.pipeline.require_refresh_token",
    "social_core.pipeline.user.get_username",
    "crmupdate.accounts.pipeline.save_account",
)

# --- Logging --------------------------------------------------------------------------------------

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {
        "redact": {"()": "crmupdate.logfilters.RedactSecretsFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "crmupdate": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # runserver's access lines repeat ours with the query string, where OAuth callbacks
        # carry grant codes: the request log above replaces them.
        "django.server": {"handlers": ["console"], "level": "CRITICAL", "propagate": False},
    },
}
