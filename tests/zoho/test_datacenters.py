"""The allow-list that decides where secrets and tokens may be sent."""

import pytest

from crmupdate.zoho import datacenters, oauth
from crmupdate.zoho.datacenters import (
    DATA_CENTRES,
    accounts_server_allowed,
    api_domain_allowed,
    location_for_accounts_server,
)
from crmupdate.zoho.errors import ZohoError

SIMULATOR = "http://127.0.0.1:8000/zohosim/accounts"


@pytest.fixture(autouse=True)
def zoho_accounts(settings):
    settings.ZOHO_ACCOUNTS_URL = "https://accounts.zoho.com"


def test_the_published_data_centres_are_listed_with_their_api_domains():
    assert set(DATA_CENTRES) == {"us", "eu", "in", "au", "jp", "cn", "ca", "sa"}
    accounts, api = DATA_CENTRES["ca"]  # (accounts server, API domain)
    assert (accounts, api) == ("https://accounts.zohocloud.ca", "https://www.zohoapis.ca")
    assert DATA_CENTRES["au"].sandbox_api_domain == "https://sandbox.zohoapis.com.au"
    assert DATA_CENTRES["eu"].developer_api_domain == "https://developer.zohoapis.eu"


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("https://accounts.zoho.com", "us"),
        ("https://accounts.zoho.com/", "us"),
        ("https://ACCOUNTS.ZOHO.EU", "eu"),
        ("https://accounts.zoho.com.cn", "cn"),
        ("https://accounts.zohocloud.ca", "ca"),
    ],
)
def test_zohos_accounts_servers_are_allowed(url, location):
    assert accounts_server_allowed(url)
    assert location_for_accounts_server(url) == location


@pytest.mark.parametrize(
    "url",
    [
        "https://accounts.zoho.com.evil.example",
        "https://accounts.zoho.com@evil.example",
        "https://evil.example@accounts.zoho.com",
        "https://accounts.zoho.com:443",
        "https://accounts.zoho.com:8443",
        "http://accounts.zoho.com",
        "https://accounts.zoho.com/oauth/v2/token",
        "https://accounts.zoho.com?next=https://evil.example",
        "https://accounts.zoho.com#x",
        "https://accounts.zoho.com.",
        "https://accounts.zoho.com\\@evil.example",
        "https://accounts.zoho.com%2F@evil.example",
        " https://accounts.zoho.com",
        "https://accounts.zoho.uk",  # not a confirmed CRM data centre
        "https://xaccounts.zoho.com",
        "https://accounts.zoho.com:abc",
        "//accounts.zoho.com",
        "accounts.zoho.com",
        "javascript:alert(1)",
        "",
        None,
    ],
)
def test_lookalike_accounts_servers_are_refused(url):
    assert not accounts_server_allowed(url)


def test_the_api_domain_must_belong_to_the_same_data_centre():
    eu = "https://accounts.zoho.eu"
    assert api_domain_allowed("https://www.zohoapis.eu", eu)
    assert api_domain_allowed("https://sandbox.zohoapis.eu", eu)
    assert api_domain_allowed("https://developer.zohoapis.eu/", eu)
    assert not api_domain_allowed("https://www.zohoapis.com", eu)
    assert not api_domain_allowed("https://www.zohoapis.eu.evil.example", eu)
    assert not api_domain_allowed("https://www.zohoapis.eu@evil.example", eu)
    assert not api_domain_allowed("http://www.zohoapis.eu", eu)
    assert not api_domain_allowed("https://www.zohoapis.eu:444", eu)
    assert not api_domain_allowed(
        "https://www.zohoapis.eu", "https://accounts.zoho.eu.evil.example"
    )
    assert api_domain_allowed("https://www.zohoapis.ca", "https://accounts.zohocloud.ca")


def test_the_configured_simulator_origin_is_allowed_with_its_own_api(settings):
    settings.ZOHO_ACCOUNTS_URL = SIMULATOR

    assert accounts_server_allowed(SIMULATOR)
    assert accounts_server_allowed("http://127.0.0.1:8000/zohosim/accounts/")
    assert api_domain_allowed("http://127.0.0.1:8000/zohosim/api", SIMULATOR)
    assert accounts_server_allowed("https://accounts.zoho.com")  # Zoho's own stay allowed


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8001/zohosim/accounts",
        "https://127.0.0.1:8000/zohosim/accounts",
        "http://localhost:8000/zohosim/accounts",
        "http://user@127.0.0.1:8000/zohosim/accounts",
        "http://127.0.0.1:8000.evil.example/zohosim/accounts",
        "http://127.0.0.1:8000/zohosim/accounts?x=1",
    ],
)
def test_other_origins_than_the_simulators_are_refused(settings, url):
    settings.ZOHO_ACCOUNTS_URL = SIMULATOR
    assert not accounts_server_allowed(url)


def test_the_simulator_api_must_share_the_simulator_origin(settings):
    settings.ZOHO_ACCOUNTS_URL = SIMULATOR
    assert not api_domain_allowed("http://127.0.0.1:8001/zohosim/api", SIMULATOR)
    assert not api_domain_allowed("https://www.zohoapis.com", SIMULATOR)
    assert not api_domain_allowed("http://127.0.0.1:8000/zohosim/api", "http://evil.example")


def test_without_a_simulator_only_zoho_is_allowed(settings):
    settings.ZOHO_ACCOUNTS_URL = "https://accounts.zoho.eu"
    assert not accounts_server_allowed(SIMULATOR)
    assert datacenters.accounts_server_allowed("https://accounts.zoho.com")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000",
        "http://127.0.0.1:8000/",
        "http://127.0.0.1:8000/zohosim",
        "http://127.0.0.1:8000/zohosim/accounts/oauth",
        "http://127.0.0.1:8000/zohosim/accounts/evil",
        "http://127.0.0.1:8000/history/accounts",
        "https://accounts.zoho.com/evil",
    ],
)
def test_only_the_configured_path_on_the_simulators_host_gets_the_secret(settings, url):
    """The client secret goes to the token path of the configured accounts server exactly,
    never to another path on an allowed host."""
    settings.ZOHO_ACCOUNTS_URL = SIMULATOR
    assert not accounts_server_allowed(url)

    with pytest.raises(ZohoError) as refused:
        oauth.exchange_code(url, client_id="c", client_secret="s", redirect_uri="r", code="x")
    assert refused.value.code == "UNTRUSTED_ACCOUNTS_SERVER"
    assert refused.value.sent is False
