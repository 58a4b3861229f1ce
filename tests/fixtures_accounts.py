"""Signed-in people for tests (a pytest plugin, loaded from tests/conftest.py).

- `zoho_sim_origin`: the live server's origin, with ZOHO_ACCOUNTS_URL pointed at the simulator
  mounted on it (so the data-centre allow-list accepts it, as with `make demo`).
- `member_factory(email="sam.ops@zylker.example")`: a demo person signed in without a
  browser: tokens issued by the simulator, who they are and their organisation read from it
  over HTTP, and saved the way a real sign-in saves them (user, team, member, encrypted Zoho
  connection). Returns the Django user (`user.member`, `user.member.team`,
  `user.zoho_connection`).
- `client_for(user)`: a Django test client signed in as `user`.
- `post_at_once(origin, user, path, data, times)`: `user` presses the same button `times` times
  at the same moment, over real HTTP (each press its own connection and thread).
- `signed_in_page`: a Playwright page signed in as Sam (Sales Operations, may mass update),
  on `live_server`; `page_signed_in_as(email)` for anyone else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

SAM = "sam.ops@zylker.example"


@pytest.fixture
def zoho_sim_origin(live_server, settings) -> str:
    settings.ZOHO_ACCOUNTS_URL = f"{live_server.url}/{settings.ZOHOSIM_URL_PREFIX}/accounts"
    return live_server.url


def save_signin_from_tokens(tokens: dict[str, Any]) -> Any:
    """Read who the tokens belong to from Zoho (here: the simulator) over HTTP, and save it
    exactly as a browser sign-in would."""
    from crmupdate.accounts.permissions import admin_names_read, profile_read
    from crmupdate.accounts.services import SignIn, account_save_signin
    from crmupdate.zoho import datacenters, oauth
    from crmupdate.zoho.client import ZohoClient

    accounts_server = str(tokens["accounts_server"]).rstrip("/")
    api_domain = str(tokens["api_domain"]).rstrip("/")
    assert datacenters.accounts_server_allowed(accounts_server), accounts_server
    assert datacenters.api_domain_allowed(api_domain, accounts_server), api_domain
    access_token = str(tokens["access_token"])
    info = oauth.user_info(accounts_server, access_token=access_token)
    client = ZohoClient(
        api_domain=api_domain, access_token=access_token, api_version=settings.ZOHO_API_VERSION
    )
    org = client.get_org()
    crm_user = client.current_user()
    signin = SignIn(
        uid=f"{org.id}:{info.zuid}",
        username=f"{crm_user.email or info.email}/{org.id}",
        user_info=info,
        org=org,
        crm_user=crm_user,
        accounts_server=accounts_server,
        api_domain=api_domain,
        data_centre=datacenters.location_for_accounts_server(accounts_server) or "sim",
        access_token=access_token,
        expires_in=int(tokens.get("expires_in") or 3600),
        refresh_token=tokens.get("refresh_token") or None,
        scope=str(tokens.get("scope") or ""),
        permissions=profile_read(client=client, crm_user=crm_user).member_fields(),
        admin_names=admin_names_read(client=client),
    )
    existing = _existing_user(signin.uid)
    social = existing.social_auth.get(provider="zoho") if existing else None
    user, _social, _is_new = account_save_signin(signin=signin, user=existing, social=social)
    return user


def _existing_user(uid: str) -> Any:
    from social_django.models import UserSocialAuth

    social = UserSocialAuth.get_social_auth("zoho", uid)
    return social.user if social else None


@pytest.fixture
def member_factory(sim, sim_token, zoho_sim_origin) -> Callable[..., Any]:
    def make(email: str = SAM) -> Any:
        return save_signin_from_tokens(sim_token(email, zoho_sim_origin))

    return make


@pytest.fixture
def client_for() -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def post_at_once(
    origin: str, user: Any, path: str, data: dict[str, str], times: int
) -> list[tuple[int, str | None]]:
    """Each press's HTTP status and redirect location."""
    import threading

    import requests
    from django.db import connection

    session = Client()
    session.force_login(user)
    cookie = session.cookies["sessionid"].value
    barrier = threading.Barrier(times)
    answers: list[tuple[int, str | None]] = []

    def press() -> None:
        with requests.Session() as browser:
            browser.cookies.set("sessionid", cookie)
            browser.cookies.set("csrftoken", "x" * 32)
            barrier.wait()
            answer = browser.post(
                origin + path,
                data={**data, "csrfmiddlewaretoken": "x" * 32},
                headers={"Referer": origin + "/"},
                allow_redirects=False,
            )
            answers.append((answer.status_code, answer.headers.get("Location")))

    threads = [threading.Thread(target=press) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    connection.close()
    return answers


def sign_in_page(page: Any, user: Any, origin: str) -> Any:
    """Give a Playwright page the session cookie of `user` on `origin`, and open the home."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": origin}]
    )
    page.goto(f"{origin}/")
    return page


@pytest.fixture
def page_signed_in_as(page, member_factory, zoho_sim_origin) -> Callable[[str], Any]:
    def sign_in(email: str = SAM) -> Any:
        user = member_factory(email)
        signed = sign_in_page(page, user, zoho_sim_origin)
        signed.member_user = user
        return signed

    return sign_in


@pytest.fixture
def signed_in_page(page_signed_in_as) -> Any:
    return page_signed_in_as(SAM)
