"""The simulated accounts server: authorize page, code exchange, refresh, revoke, user info."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from crmupdate.zohosim.models import ApiCall, SimAccessToken, SimGrantCode, SimRefreshToken
from tests.fixtures_sim import ADMIN_EMAIL, SALES_OPS_EMAIL, SALES_REP_EMAIL

ACCOUNTS = "/zohosim/accounts"
REDIRECT = "http://testserver/oauth/complete/zoho/"
SCOPES = "ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.org.READ,AaaServer.profile.READ"


def authorize_url(settings, **overrides):
    params = {
        "scope": SCOPES,
        "client_id": settings.ZOHO_CLIENT_ID,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "access_type": "offline",
        "prompt": "consent",
        "state": "state-123",
        **overrides,
    }
    return f"{ACCOUNTS}/oauth/v2/auth?{urlencode(params)}"


def sign_in(client, settings, email=SALES_OPS_EMAIL, **overrides):
    response = client.post(authorize_url(settings, **overrides), {"user": email})
    assert response.status_code == 302, response.content
    return parse_qs(urlsplit(response["Location"]).query)


def exchange(client, settings, code, redirect_uri=REDIRECT, secret=None):
    return client.post(
        f"{ACCOUNTS}/oauth/v2/token",
        {
            "grant_type": "authorization_code",
            "client_id": settings.ZOHO_CLIENT_ID,
            "client_secret": secret or settings.ZOHO_CLIENT_SECRET,
            "redirect_uri": redirect_uri,
            "code": code,
        },
    ).json()


def refresh(client, settings, refresh_token):
    return client.post(
        f"{ACCOUNTS}/oauth/v2/token",
        {
            "grant_type": "refresh_token",
            "client_id": settings.ZOHO_CLIENT_ID,
            "client_secret": settings.ZOHO_CLIENT_SECRET,
            "refresh_token": refresh_token,
        },
    ).json()


def crm_org(client, access_token):
    return client.get(
        "/zohosim/api/crm/v2/org", HTTP_AUTHORIZATION=f"Zoho-oauthtoken {access_token}"
    )


def test_the_authorize_page_is_labelled_and_lists_the_demo_users(client, sim, settings):
    page = client.get(authorize_url(settings))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Practice CRM sign-in" in html
    assert "no real Zoho account is used" in html
    for email in (ADMIN_EMAIL, SALES_OPS_EMAIL, SALES_REP_EMAIL, "gary.globex@globex.example"):
        assert f'value="{email}"' in html
    assert "derek.former@zylker.example" not in html  # deactivated users cannot sign in
    assert "cannot run mass updates" in html
    assert 'value="deny"' in html
    assert "<script" not in html.split("</head>")[1]
    assert "style=" not in html


def test_choosing_a_user_redirects_back_like_zoho(client, sim, settings):
    response = client.post(authorize_url(settings), {"user": SALES_OPS_EMAIL})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    params = parse_qs(location.query)
    assert params["state"] == ["state-123"]
    assert params["location"] == ["us"]
    assert params["accounts-server"] == ["http://testserver/zohosim/accounts"]
    assert params["code"][0].startswith("1000.")


def test_deny_redirects_with_access_denied(client, sim, settings):
    response = client.post(authorize_url(settings), {"decision": "deny"})
    params = parse_qs(urlsplit(response["Location"]).query)
    assert params == {"error": ["access_denied"], "state": ["state-123"]}


def test_the_authorize_post_needs_a_csrf_token(sim, settings):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(authorize_url(settings), {"user": SALES_OPS_EMAIL}).status_code == 403
    assert not SimGrantCode.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"client_id": "1000.UNKNOWN"}, "client ID is not registered"),
        ({"redirect_uri": "http://evil.example/steal"}, "redirect address is not registered"),
        ({"response_type": "token"}, "unsupported response type"),
        ({"scope": ""}, "did not say which permissions"),
    ],
)
def test_a_bad_authorize_request_shows_an_error_page(client, sim, settings, overrides, message):
    response = client.get(authorize_url(settings, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not client.post(authorize_url(settings, **overrides), {"user": ADMIN_EMAIL}).has_header(
        "Location"
    )


def test_the_redirect_check_allows_any_host_with_the_apps_callback_path(client, sim, settings):
    params = sign_in(client, settings, redirect_uri="http://localhost:43210/oauth/complete/zoho/")
    assert "code" in params


def test_a_code_gives_tokens_pointing_at_the_simulators_api(client, sim, settings):
    code = sign_in(client, settings)["code"][0]
    tokens = exchange(client, settings, code)
    assert tokens["api_domain"] == "http://testserver/zohosim/api"
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    assert tokens["scope"] == SCOPES.replace(",", " ")
    assert tokens["refresh_token"].startswith("1000.")
    assert crm_org(client, tokens["access_token"]).status_code == 200


def test_a_code_works_only_once(client, sim, settings):
    code = sign_in(client, settings)["code"][0]
    assert "access_token" in exchange(client, settings, code)
    assert exchange(client, settings, code) == {"error": "invalid_code"}


def test_a_code_expires(client, sim, settings):
    code = sign_in(client, settings)["code"][0]
    SimGrantCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert exchange(client, settings, code) == {"error": "invalid_code"}


def test_the_exchange_checks_the_client_and_redirect_uri(client, sim, settings):
    code = sign_in(client, settings)["code"][0]
    assert exchange(client, settings, code, secret="wrong") == {"error": "invalid_client"}
    other = "http://testserver/elsewhere/"
    assert exchange(client, settings, code, redirect_uri=other) == {"error": "invalid_redirect_uri"}


def test_without_prompt_consent_a_refresh_token_comes_only_the_first_time(client, sim, settings):
    first = exchange(client, settings, sign_in(client, settings, prompt="")["code"][0])
    again = exchange(client, settings, sign_in(client, settings, prompt="")["code"][0])
    assert "refresh_token" in first
    assert "refresh_token" not in again
    consent = exchange(client, settings, sign_in(client, settings)["code"][0])
    assert "refresh_token" in consent


def test_online_access_gives_no_refresh_token(client, sim, settings):
    tokens = exchange(client, settings, sign_in(client, settings, access_type="online")["code"][0])
    assert "access_token" in tokens
    assert "refresh_token" not in tokens


def test_access_tokens_expire_and_are_refreshed(client, sim, settings):
    tokens = exchange(client, settings, sign_in(client, settings)["code"][0])
    SimAccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = crm_org(client, tokens["access_token"])
    assert expired.status_code == 401
    assert expired.json()["code"] == "INVALID_TOKEN"
    fresh = refresh(client, settings, tokens["refresh_token"])
    assert set(fresh) == {"access_token", "scope", "api_domain", "token_type", "expires_in"}
    assert crm_org(client, fresh["access_token"]).status_code == 200


def test_the_access_token_lifetime_is_configurable(client, sim, settings):
    settings.ZOHOSIM_ACCESS_TOKEN_SECONDS = 120
    tokens = exchange(client, settings, sign_in(client, settings)["code"][0])
    assert tokens["expires_in"] == 120
    reset = crm_org(client, tokens["access_token"])["X-ACCESSTOKEN-RESET"]
    token = SimAccessToken.objects.get()
    assert reset == token.expires_at.isoformat(timespec="seconds")
    assert (token.expires_at - token.created).total_seconds() == 120


def test_refreshes_are_throttled_to_ten_per_ten_minutes(client, sim, settings):
    tokens = exchange(client, settings, sign_in(client, settings)["code"][0])
    for _ in range(10):
        assert "access_token" in refresh(client, settings, tokens["refresh_token"])
    throttled = refresh(client, settings, tokens["refresh_token"])
    assert throttled["error"] == "Access Denied"
    assert throttled["status"] == "failure"
    SimAccessToken.objects.update(created=timezone.now() - timedelta(minutes=11))
    assert "access_token" in refresh(client, settings, tokens["refresh_token"])


def test_a_refresh_token_keeps_at_most_fifteen_live_access_tokens(client, sim, settings):
    tokens = exchange(client, settings, sign_in(client, settings)["code"][0])
    first = tokens["access_token"]
    for n in range(15):
        SimAccessToken.objects.update(created=timezone.now() - timedelta(minutes=11, seconds=n))
        refresh(client, settings, tokens["refresh_token"])
    assert crm_org(client, first).json()["code"] == "INVALID_TOKEN"
    assert SimAccessToken.objects.filter(revoked_at__isnull=True).count() == 15


def test_the_21st_refresh_token_revokes_the_oldest(client, sim, settings):
    issued = [exchange(client, settings, sign_in(client, settings)["code"][0]) for _ in range(21)]
    assert refresh(client, settings, issued[0]["refresh_token"]) == {"error": "invalid_code"}
    assert "access_token" in refresh(client, settings, issued[1]["refresh_token"])
    assert SimRefreshToken.objects.filter(revoked_at__isnull=True).count() == 20


def test_revoked_tokens_stop_working(client, sim, settings):
    tokens = exchange(client, settings, sign_in(client, settings)["code"][0])
    revoked = client.post(f"{ACCOUNTS}/oauth/v2/token/revoke?token={tokens['refresh_token']}")
    assert revoked.json() == {"status": "success"}
    assert crm_org(client, tokens["access_token"]).json()["code"] == "INVALID_TOKEN"
    assert refresh(client, settings, tokens["refresh_token"]) == {"error": "invalid_code"}
    again = client.post(f"{ACCOUNTS}/oauth/v2/token/revoke", {"token": tokens["refresh_token"]})
    assert again.status_code == 400


def test_user_info_accepts_zoho_oauthtoken_and_bearer(client, sim, sim_token):
    token = sim_token(SALES_REP_EMAIL)["access_token"]
    for scheme in ("Zoho-oauthtoken", "Bearer"):
        info = client.get(f"{ACCOUNTS}/oauth/user/info", HTTP_AUTHORIZATION=f"{scheme} {token}")
        assert info.json() == {
            "First_Name": "Rita",
            "Email": SALES_REP_EMAIL,
            "Last_Name": "Reyes",
            "Display_Name": "Rita Reyes",
            "ZUID": 70012003,
        }


def test_user_info_needs_the_profile_scope_and_a_valid_token(client, sim, sim_token):
    token = sim_token(SALES_REP_EMAIL, scopes=["ZohoCRM.modules.ALL"])["access_token"]
    no_scope = client.get(f"{ACCOUNTS}/oauth/user/info", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert no_scope.json() == {"response": "error", "cause": "INVALID_OAUTHSCOPE"}
    bad = client.get(f"{ACCOUNTS}/oauth/user/info", HTTP_AUTHORIZATION="Bearer 1000.nope")
    assert (bad.status_code, bad.json()["cause"]) == (401, "INVALID_OAUTHTOKEN")


def test_server_info_names_the_simulators_accounts_server(client, sim):
    info = client.get(f"{ACCOUNTS}/oauth/serverinfo").json()
    assert info == {"result": "success", "locations": {"us": "http://testserver/zohosim/accounts"}}


def test_accounts_calls_are_recorded_without_secrets(client, sim, settings):
    code = sign_in(client, settings)["code"][0]
    tokens = exchange(client, settings, code)
    refresh(client, settings, tokens["refresh_token"])
    calls = list(ApiCall.objects.filter(host="accounts"))
    assert [c.path for c in calls] == ["/oauth/v2/auth", "/oauth/v2/token", "/oauth/v2/token"]
    stored = " ".join(c.query + c.body for c in calls)
    for secret in (
        code,
        tokens["access_token"],
        tokens["refresh_token"],
        settings.ZOHO_CLIENT_SECRET,
    ):
        assert secret not in stored
    assert "grant_type=authorization_code" in calls[1].body
    assert "client_secret=***" in calls[1].body
