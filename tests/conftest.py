import os

import pytest
from hypothesis import settings as hypothesis_settings

# Browser tests drive a live server from the test thread; Django's async-safety check would
# otherwise refuse database access during their teardown.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property and fuzz tests: in CI (CI=true) the same examples on every run, so a red build is
# the code's fault and reproducible; locally random exploration, remembered in .hypothesis/.
# Every failing example found either way is kept as a plain test or an @example.
# HYPOTHESIS_PROFILE picks a profile by name (e.g. HYPOTHESIS_PROFILE=ci to replay CI).
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("dev", print_blob=True)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"} else "dev")
)

pytest_plugins = ["tests.fixtures_sim", "tests.fixtures_accounts"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (page reads and their limits live there)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request leaves its language active in the
    thread after it returns (for streamed downloads), which would carry over to the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
