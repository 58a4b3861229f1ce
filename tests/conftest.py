import os

import pytest

# Browser tests drive a live server from the test thread; Django's async-safety check would
# otherwise refuse database access during their teardown.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.fixtures_sim", "tests.fixtures_accounts"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (page reads and their limits live there)."""
    from django.core.cache import cache

    cache.clear()
    yield
