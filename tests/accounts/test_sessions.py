"""Access ends when Zoho access ends: a grant revoked at Zoho (here: the practice CRM) ends every
session of the person within the re-check interval; idle sessions end; "Sign out everywhere";
nothing a signed-in person sees is kept in a cache. Time is moved, never slept through."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import requests
from django.core.cache import cache
from django.utils import timezone

from crmupdate.accounts.crypto import token_decrypt
from crmupdate.accounts.models import ZohoConnection
from crmupdate.zohosim.models import ApiCall

pytestmark = pytest.mark.django_db(transaction=True)

RECHECK = 300


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def later(seconds: float):
    """Move the clock `seconds` ahead of now (for the app and the practice CRM alike)."""
    moved = timezone.now() + timedelta(seconds=seconds)
    return mock.patch("django.utils.timezone.now", return_value=moved)


def revoke_at_zoho(origin: str, user) -> None:
    """What "Revoke" under Zoho's connected apps does: the grant's refresh token (and with it
    every access token it issued) stops working."""
    refresh = token_decrypt(ZohoConnection.objects.get(user=user).refresh_token_encrypted)
    answer = requests.post(
        f"{origin}/zohosim/accounts/oauth/v2/token/revoke", data={"token": refresh}, timeout=10
    )
    assert answer.json() == {"status": "success"}


def test_a_revoked_grant_ends_every_session_within_the_recheck_interval(
    settings, member_factory, client_for, zoho_sim_origin
):
    settings.ZOHO_ACCESS_RECHECK_SECONDS = RECHECK
    sam = member_factory()
    laptop, phone = client_for(sam), client_for(sam)
    assert laptop.get("/history/").status_code == 200
    assert phone.get("/history/").status_code == 200

    revoke_at_zoho(zoho_sim_origin, sam)

    # Within the interval the last check still holds (no call to Zoho per page).
    calls = ApiCall.objects.count()
    assert laptop.get("/history/").status_code == 200
    assert ApiCall.objects.count() == calls

    with later(RECHECK + 1):
        answer = laptop.get("/history/")
        assert answer.status_code == 302
        assert answer["Location"] == "/signin/again/?next=%2Fhistory%2F"
        page = laptop.get(answer["Location"])
        assert "Your Zoho sign-in has expired" in page.content.decode()
        assert "Sign in with Zoho again" in page.content.decode()
        # The phone was signed out too, without any further call to Zoho.
        assert phone.get("/history/")["Location"] == "/signin/?next=/history/"
        assert laptop.get("/history/")["Location"] == "/signin/?next=/history/"

    asked = list(ApiCall.objects.filter(pk__gt=0).order_by("pk"))[-2:]
    assert [(c.path, c.status) for c in asked][0] == ("/oauth/user/info", 401)
    assert asked[1].path == "/oauth/v2/token" and asked[1].response_code == "invalid_code"
    assert ZohoConnection.objects.get(user=sam).needs_reauth is True


def test_people_zoho_still_accepts_are_checked_again_and_stay(settings, member_factory, client_for):
    settings.ZOHO_ACCESS_RECHECK_SECONDS = RECHECK
    sam = member_factory()
    client = client_for(sam)
    before = ApiCall.objects.filter(path="/oauth/user/info").count()

    with later(RECHECK + 1):
        assert client.get("/history/").status_code == 200
        assert client.get("/history/").status_code == 200  # checked once per interval

    assert ApiCall.objects.filter(path="/oauth/user/info").count() == before + 1


def test_the_dashboard_rechecks_too(settings, member_factory, client_for, zoho_sim_origin):
    settings.ZOHO_ACCESS_RECHECK_SECONDS = RECHECK
    sam = member_factory()
    client = client_for(sam)
    revoke_at_zoho(zoho_sim_origin, sam)

    with later(RECHECK + 1):
        answer = client.get("/")

    assert answer.status_code == 302
    assert answer["Location"] == "/signin/again/?next=%2F"


def test_an_idle_session_is_signed_out(settings, member_factory, client_for):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 1800
    settings.ZOHO_ACCESS_RECHECK_SECONDS = 10**6
    sam = member_factory()
    client = client_for(sam)
    assert client.get("/history/").status_code == 200
    with later(1700):
        assert client.get("/history/").status_code == 200  # still in use...
    with later(1700 + 1700):
        assert client.get("/history/").status_code == 200  # ...idle time counts from last use
    with later(1700 + 1700 + 1801):
        answer = client.get("/history/")
        assert answer["Location"] == "/signin/?next=/history/"
        page = client.get(answer["Location"]).content.decode()
    assert "You were signed out after a while without activity" in page


def test_sign_out_everywhere_ends_every_session_and_keeps_the_zoho_connection(
    member_factory, client_for
):
    sam = member_factory()
    laptop, phone = client_for(sam), client_for(sam)

    page = laptop.get("/account/").content.decode()
    assert "Sign out everywhere" in page
    answer = laptop.post("/signout/everywhere/")

    assert answer.status_code == 302
    assert "You are signed out on every browser and device." in laptop.get("/").content.decode()
    assert phone.get("/history/")["Location"] == "/signin/?next=/history/"
    assert ZohoConnection.objects.get(user=sam).usable  # running updates carry on


def test_disconnect_signs_out_every_session(member_factory, client_for):
    sam = member_factory()
    laptop, phone = client_for(sam), client_for(sam)

    laptop.post("/account/disconnect/")

    assert not ZohoConnection.objects.filter(user=sam).exists()
    assert phone.get("/history/")["Location"] == "/signin/?next=/history/"


def test_signed_in_pages_and_csvs_are_never_stored_in_caches(member_factory, client_for):
    sam = member_factory()
    client = client_for(sam)
    for path in ("/", "/history/", "/history/export.csv", "/account/"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert "no-store" in answer["Cache-Control"], path
        assert "private" in answer["Cache-Control"], path
