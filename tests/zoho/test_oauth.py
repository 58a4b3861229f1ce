"""Accounts-server calls: tokens, revocation, user info, and their errors (even under 200)."""

import logging
from urllib.parse import parse_qs

import pytest
import requests

from crmupdate.zoho import oauth
from crmupdate.zoho.errors import ErrorCategory, ZohoError
from crmupdate.zoho.types import TokenResponse, UserInfo

ACCOUNTS = "https://accounts.zoho.eu"
TOKEN_URL = f"{ACCOUNTS}/oauth/v2/token"
SECRET = "s3cr3t-client-secret"
GRANT = "1000.grantcode.abc"
REFRESH = "1000.refresh.token"
CLIENT = {"client_id": "1000.CLIENTID", "client_secret": SECRET}


def _form(call) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


def _exchange():
    return oauth.exchange_code(
        ACCOUNTS, redirect_uri="https://app.example/oauth/complete/zoho/", code=GRANT, **CLIENT
    )


def _refresh():
    return oauth.refresh_access_token(ACCOUNTS, refresh_token=REFRESH, **CLIENT)


def test_exchange_code_posts_the_grant_and_returns_tokens(mocked):
    mocked.post(
        TOKEN_URL,
        json={
            "access_token": "1000.access",
            "refresh_token": "1000.refresh",
            "scope": "ZohoCRM.modules.ALL ZohoCRM.settings.ALL",
            "api_domain": "https://www.zohoapis.eu",
            "token_type": "Bearer",
            "expires_in": 3600,
        },
    )

    tokens = _exchange()

    assert tokens == TokenResponse(
        access_token="1000.access",
        refresh_token="1000.refresh",
        api_domain="https://www.zohoapis.eu",
        expires_in=3600,
        scope="ZohoCRM.modules.ALL ZohoCRM.settings.ALL",
        token_type="Bearer",
    )
    assert _form(mocked.calls[0]) == {
        "grant_type": "authorization_code",
        "client_id": "1000.CLIENTID",
        "client_secret": SECRET,
        "redirect_uri": "https://app.example/oauth/complete/zoho/",
        "code": GRANT,
    }
    assert "?" not in mocked.calls[0].request.url  # secrets in the body, not the URL
    assert "1000.access" not in repr(tokens)


def test_refresh_returns_a_new_access_token_without_a_refresh_token(mocked):
    mocked.post(
        TOKEN_URL,
        json={
            "access_token": "1000.new",
            "api_domain": "https://www.zohoapis.eu",
            "expires_in": 3600,
        },
    )

    tokens = _refresh()

    assert (tokens.access_token, tokens.refresh_token, tokens.expires_in) == (
        "1000.new",
        None,
        3600,
    )
    assert _form(mocked.calls[0])["grant_type"] == "refresh_token"
    assert _form(mocked.calls[0])["refresh_token"] == REFRESH


def test_older_answers_give_the_lifetime_in_expires_in_sec(mocked):
    mocked.post(
        TOKEN_URL,
        json={"access_token": "1000.new", "expires_in_sec": 3600, "expires_in": 3600000},
    )
    assert _refresh().expires_in == 3600


@pytest.mark.parametrize(
    ("call", "error", "category", "says"),
    [
        (_exchange, "invalid_code", ErrorCategory.PERMANENT, "expired or was already used"),
        (_refresh, "invalid_code", ErrorCategory.AUTH, "sign in with Zoho again"),
        (_exchange, "invalid_client", ErrorCategory.PERMANENT, "client ID or secret"),
        (_refresh, "invalid_client", ErrorCategory.PERMANENT, "client ID or secret"),
        (_exchange, "invalid_redirect_uri", ErrorCategory.PERMANENT, "redirect"),
        (_exchange, "unsupported_grant_type", ErrorCategory.PERMANENT, "unsupported_grant_type"),
    ],
)
def test_token_endpoint_errors_under_http_200_are_errors(mocked, call, error, category, says):
    mocked.post(TOKEN_URL, status=200, json={"error": error})

    with pytest.raises(ZohoError) as caught:
        call()

    assert caught.value.code == error
    assert caught.value.category == category
    assert caught.value.http_status == 200
    assert says in caught.value.message
    assert len(mocked.calls) == 1


def test_token_throttling_is_rate_limited(mocked):
    mocked.post(
        TOKEN_URL,
        json={
            "error_description": "You have made too many requests continuously. "
            "Please try again after some time.",
            "error": "Access Denied",
            "status": "failure",
        },
    )

    with pytest.raises(ZohoError) as caught:
        _refresh()

    assert caught.value.code == "Access Denied"
    assert caught.value.category == ErrorCategory.RATE_LIMITED
    assert caught.value.retryable


def test_a_token_answer_without_an_access_token_is_malformed(mocked):
    mocked.post(TOKEN_URL, json={"api_domain": "https://www.zohoapis.eu"})

    with pytest.raises(ZohoError) as caught:
        _exchange()

    assert (caught.value.code, caught.value.category) == (
        "MALFORMED_RESPONSE",
        ErrorCategory.TRANSIENT,
    )


def test_a_token_call_is_not_resent_after_a_timeout(mocked, monkeypatch):
    monkeypatch.setattr("crmupdate.zoho.transport.time.sleep", lambda s: None)
    mocked.post(TOKEN_URL, body=requests.exceptions.ReadTimeout())

    with pytest.raises(ZohoError) as caught:
        _exchange()

    assert caught.value.code == "TIMEOUT"
    assert len(mocked.calls) == 1


def test_token_calls_never_log_codes_tokens_or_secrets(mocked, caplog):
    mocked.post(TOKEN_URL, json={"access_token": "1000.access", "refresh_token": "1000.refresh"})

    with caplog.at_level(logging.DEBUG):
        _exchange()

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "zoho POST accounts.zoho.eu/oauth/v2/token" in logged
    for secret in (SECRET, GRANT, "1000.access", "1000.refresh"):
        assert secret not in logged


@pytest.mark.parametrize(
    "server",
    [
        "https://accounts.zoho.com.evil.example",
        "https://accounts.zoho.com@evil.example",
        "http://accounts.zoho.com",
        "https://evil.example",
    ],
)
def test_no_call_goes_to_an_accounts_server_that_is_not_zohos(mocked, server):
    with pytest.raises(ZohoError) as caught:
        oauth.exchange_code(server, redirect_uri="https://app.example/", code=GRANT, **CLIENT)

    assert caught.value.code == "UNTRUSTED_ACCOUNTS_SERVER"
    assert caught.value.sent is False
    assert len(mocked.calls) == 0


def test_revoke_posts_the_token(mocked):
    mocked.post(f"{ACCOUNTS}/oauth/v2/token/revoke", json={"status": "success"})

    assert oauth.revoke_token(ACCOUNTS, token=REFRESH) is None
    assert _form(mocked.calls[0]) == {"token": REFRESH}


def test_a_refused_revoke_is_an_error(mocked):
    mocked.post(f"{ACCOUNTS}/oauth/v2/token/revoke", status=400, json={"error": "invalid_token"})

    with pytest.raises(ZohoError) as caught:
        oauth.revoke_token(ACCOUNTS, token=REFRESH)

    assert (caught.value.code, caught.value.http_status) == ("invalid_token", 400)
    assert caught.value.category == ErrorCategory.PERMANENT


def test_user_info_returns_who_signed_in(mocked):
    mocked.get(
        f"{ACCOUNTS}/oauth/user/info",
        json={
            "First_Name": "Patricia",
            "Email": "patricia.boyle@zylker.example",
            "Last_Name": "Boyle",
            "Display_Name": "patricia",
            "ZUID": 795542386,
        },
    )

    info = oauth.user_info(ACCOUNTS, access_token="1000.access")

    assert info == UserInfo(
        zuid="795542386",
        email="patricia.boyle@zylker.example",
        first_name="Patricia",
        last_name="Boyle",
        display_name="patricia",
    )
    assert mocked.calls[0].request.headers["Authorization"] == "Zoho-oauthtoken 1000.access"


@pytest.mark.parametrize(
    ("status", "body", "category"),
    [
        (200, {"response": "error", "cause": "INVALID_OAUTHSCOPE"}, ErrorCategory.PERMANENT),
        # A missing scope is not cured by a fresh token, even under 401.
        (401, {"response": "error", "cause": "INVALID_OAUTHSCOPE"}, ErrorCategory.PERMANENT),
        (200, {"response": "error", "cause": "INVALID_OAUTHTOKEN"}, ErrorCategory.AUTH),
        (401, {"response": "error", "cause": "SOMETHING"}, ErrorCategory.AUTH),
    ],
)
def test_user_info_errors(mocked, status, body, category):
    mocked.get(f"{ACCOUNTS}/oauth/user/info", status=status, json=body)

    with pytest.raises(ZohoError) as caught:
        oauth.user_info(ACCOUNTS, access_token="1000.access")

    assert caught.value.code == body["cause"]
    assert caught.value.category == category
