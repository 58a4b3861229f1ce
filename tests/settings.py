"""Settings for the test suite: the project's settings with test-only environment defaults."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("TOKEN_ENCRYPTION_KEYS", "0PDmyxSybPzNXYDd4MBJy2-gAlUgZeKbSAO9UuKV_Zo=")
os.environ.setdefault("HTTPS", "0")
# The suite runs against the practice CRM, which DEBUG off (as here) mounts only when asked.
os.environ.setdefault("ZOHOSIM_ENABLED", "1")
os.environ.setdefault("ZOHOSIM_JOB_SECONDS_PER_RECORD", "0")
# Many tests save a person's Zoho connection directly (no sign-in) with Zoho mocked at the HTTP
# seam for what they test; the periodic "does Zoho still accept you?" call would be one they do
# not expect, so it is off here. Its own tests (tests/accounts/test_sessions.py) turn it on.
os.environ.setdefault("ZOHO_ACCESS_RECHECK_SECONDS", "0")
os.environ.setdefault("ZOHOSIM_JOB_START_DELAY", "0")
# The Zoho client keeps HTTP connections to the live server alive; with persistent database
# connections each of its request threads would then hold a PostgreSQL session open and the
# test database could not be dropped at the end of the run.
os.environ.setdefault("DB_CONN_MAX_AGE", "0")

from crmupdate.settings import *  # noqa: E402,F403
from crmupdate.settings import STORAGES  # noqa: E402

if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    # The test database is thrown away: its commits need not wait for the disk.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
elif os.environ.get("CRMUPDATE_TEST_DB_NAME"):
    DATABASES["default"]["TEST"]["NAME"] = BASE_DIR / os.environ["CRMUPDATE_TEST_DB_NAME"]  # noqa: F405

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

(BASE_DIR / "staticfiles").mkdir(exist_ok=True)  # noqa: F405  (whitenoise warns without it)

# Tests load pages many times a minute (fuzzing, concurrency); the page limits' own tests
# (tests/massupdate/test_api_credits.py) set the numbers they check.
ZOHO_PAGE_READS_PER_PERSON = 1_000_000
ZOHO_PAGE_READS_PER_TEAM = 1_000_000
