import pytest
import responses as responses_lib

from tests.accounts.zoho_fakes import US_ACCOUNTS


@pytest.fixture
def real_zoho(settings):
    """Settings as with a real Zoho client: sign-in starts at Zoho's US accounts server."""
    settings.ZOHO_ACCOUNTS_URL = US_ACCOUNTS
    settings.SOCIAL_AUTH_ZOHO_KEY = "1000.TESTCLIENTID"
    settings.SOCIAL_AUTH_ZOHO_SECRET = "test-client-secret-0123456789"
    settings.ALLOWED_ZOHO_ORGS = []
    return settings


@pytest.fixture
def zoho_http():
    """Zoho at the HTTP seam. Any request nobody registered fails the call (and the test)."""
    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps
