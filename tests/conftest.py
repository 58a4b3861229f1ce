import os

# Browser tests drive a live server from the test thread; Django's async-safety check would
# otherwise refuse database access during their teardown.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.fixtures_sim", "tests.fixtures_accounts"]


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (remembered record counts, rate limits...)."""
    from django.core.cache import cache

    cache.clear()
    yield
