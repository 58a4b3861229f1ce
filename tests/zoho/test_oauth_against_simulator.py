"""OAuth calls against the practice CRM's accounts server over real HTTP (live_server)."""

import pytest
from django.conf import settings

from crmupdate.zoho import datacenters, oauth
from crmupdate.zoho.client import ZohoClient
from crmupdate.zoho.errors import ErrorCategory, ZohoError
from crmupdate.zoho.types import TokenResponse, UserInfo
from crmupdate.zohosim import tokens as sim_tokens
from tests.fixtures_sim import SALES_OPS_EMAIL, ZYLKER_ID

pytestmark = pytest.mark.django_db(transaction=True)

REDIRECT_PATH = "/oauth/complete/zoho/"


@pytest.fixture
def accounts(sim, zoho_sim_origin) -> str:
    return f"{zoho_sim_origin}/zohosim/accounts"


@pytest.fixture
def client_secret() -> dict[str, str]:
    return {"client_id": settings.ZOHO_CLIENT_ID, "client_secret": settings.ZOHO_CLIENT_SECRET}


def _grant(sim, origin: str, email: str = SALES_OPS_EMAIL) -> tuple[str, str]:
    """A grant code as the consent page would issue it after the person said yes."""
    redirect_uri = f"{origin}{REDIRECT_PATH}"
    code = sim_tokens.grant_create(
        client=sim_tokens.app_client_ensure(),
        user=sim.user(email),
        scopes=list(sim_tokens.DEFAULT_SCOPES),
        redirect_uri=redirect_uri,
        offline=True,
        consent=True,
    )
    return code, redirect_uri


def _raised(call, *args, **kwargs) -> ZohoError:
    with pytest.raises(ZohoError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_a_code_becomes_tokens_that_work_on_the_crm(sim, accounts, zoho_sim_origin, client_secret):
    code, redirect_uri = _grant(sim, zoho_sim_origin)

    tokens = oauth.exchange_code(accounts, redirect_uri=redirect_uri, code=code, **client_secret)

    assert isinstance(tokens, TokenResponse)
    assert tokens.access_token and tokens.refresh_token and tokens.expires_in > 0
    assert datacenters.accounts_server_allowed(accounts)
    assert datacenters.api_domain_allowed(tokens.api_domain, accounts)
    crm = ZohoClient(api_domain=tokens.api_domain, access_token=tokens.access_token)
    assert crm.get_org().id == ZYLKER_ID


def test_a_code_works_once(sim, accounts, zoho_sim_origin, client_secret):
    code, redirect_uri = _grant(sim, zoho_sim_origin)
    oauth.exchange_code(accounts, redirect_uri=redirect_uri, code=code, **client_secret)

    error = _raised(
        oauth.exchange_code, accounts, redirect_uri=redirect_uri, code=code, **client_secret
    )

    assert (error.code, error.http_status) == ("invalid_code", 200)
    assert error.category == ErrorCategory.PERMANENT


def test_a_wrong_client_secret_is_invalid_client(sim, accounts, zoho_sim_origin):
    code, redirect_uri = _grant(sim, zoho_sim_origin)

    error = _raised(
        oauth.exchange_code,
        accounts,
        client_id=settings.ZOHO_CLIENT_ID,
        client_secret="wrong",
        redirect_uri=redirect_uri,
        code=code,
    )

    assert (error.code, error.category) == ("invalid_client", ErrorCategory.PERMANENT)


def test_refresh_revoke_and_a_refused_refresh(sim_token, accounts, zoho_sim_origin, client_secret):
    issued = sim_token(SALES_OPS_EMAIL, zoho_sim_origin)
    refresh_token = issued["refresh_token"]

    fresh = oauth.refresh_access_token(accounts, refresh_token=refresh_token, **client_secret)
    assert fresh.access_token and fresh.access_token != issued["access_token"]
    assert fresh.refresh_token is None
    assert ZohoClient(api_domain=fresh.api_domain, access_token=fresh.access_token).get_org().id

    assert oauth.revoke_token(accounts, token=refresh_token) is None

    error = _raised(
        oauth.refresh_access_token, accounts, refresh_token=refresh_token, **client_secret
    )
    assert (error.code, error.category) == ("invalid_code", ErrorCategory.AUTH)
    assert "sign in with Zoho again" in error.message

    error = _raised(oauth.revoke_token, accounts, token="1000.unknown")
    assert (error.code, error.category) == ("invalid_token", ErrorCategory.PERMANENT)


def test_too_many_refreshes_are_rate_limited(sim_token, accounts, zoho_sim_origin, client_secret):
    refresh_token = sim_token(SALES_OPS_EMAIL, zoho_sim_origin)["refresh_token"]

    with pytest.raises(ZohoError) as caught:  # Zoho allows 10 per 10 minutes
        for _ in range(11):
            oauth.refresh_access_token(accounts, refresh_token=refresh_token, **client_secret)

    assert caught.value.code == "Access Denied"
    assert caught.value.category == ErrorCategory.RATE_LIMITED


def test_user_info_says_who_signed_in(sim_token, accounts, zoho_sim_origin):
    issued = sim_token(SALES_OPS_EMAIL, zoho_sim_origin)

    info = oauth.user_info(accounts, access_token=issued["access_token"])

    assert isinstance(info, UserInfo)
    assert info.email == SALES_OPS_EMAIL and info.zuid


def test_user_info_errors(sim_token, accounts, zoho_sim_origin):
    error = _raised(oauth.user_info, accounts, access_token="1000.unknown")
    assert (error.code, error.category) == ("INVALID_OAUTHTOKEN", ErrorCategory.AUTH)

    no_profile = sim_token(SALES_OPS_EMAIL, zoho_sim_origin, scopes=["ZohoCRM.org.READ"])
    error = _raised(oauth.user_info, accounts, access_token=no_profile["access_token"])
    assert error.code == "INVALID_OAUTHSCOPE"
    assert error.category == ErrorCategory.PERMANENT
