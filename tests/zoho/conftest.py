import pytest
import responses as responses_lib

from crmupdate.zoho.client import ZohoClient

API = "https://www.zohoapis.com"
CRM = f"{API}/crm/v2"
TOKEN = "1000.a1b2c3d4e5f6.access"


class SleepRecorder:
    """Stands in for time.sleep so retry tests are instant and can see the backoff."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def zoho(sleeps: SleepRecorder) -> ZohoClient:
    return ZohoClient(api_domain=API, access_token=TOKEN, sleep=sleeps)


@pytest.fixture
def mocked():
    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps
