"""When Zoho refuses the saved sign-in: plain words, sign in again, back to the same page."""

from datetime import timedelta

import pytest
import responses as responses_lib
from django.utils import timezone

from crmupdate.accounts.crypto import token_decrypt
from crmupdate.accounts.models import ZohoConnection
from tests.accounts.zoho_fakes import (
    US_ACCOUNTS,
    US_API,
    ZohoPerson,
    authorize_params,
    callback,
    org_body,
    register_signin,
    save_person,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("real_zoho"),
    pytest.mark.urls("tests.accounts.probe_urls"),
]

TOKEN_URL = f"{US_ACCOUNTS}/oauth/v2/token"


@pytest.fixture
def revoked(client, zoho_http):
    """Patricia, signed in; her refresh token has since been revoked at Zoho."""
    person = ZohoPerson()
    user = save_person(person)
    client.force_login(user)
    ZohoConnection.objects.filter(user=user).update(access_token_expires_at=timezone.now())
    zoho_http.add(responses_lib.POST, TOKEN_URL, json={"error": "invalid_code"})
    return person


def test_a_revoked_refresh_token_leads_through_sign_in_and_back_to_the_page(
    client, zoho_http, revoked
):
    response = client.get("/probe/org/?tab=fields")

    assert response.status_code == 302
    assert response["Location"] == "/signin/again/?next=%2Fprobe%2Forg%2F%3Ftab%3Dfields"
    assert [c.request.url for c in zoho_http.calls] == [TOKEN_URL]

    page = client.get(response["Location"]).content.decode()
    assert "Your Zoho sign-in has expired" in page
    assert 'name="next" value="/probe/org/?tab=fields"' in page

    begin = client.post("/oauth/login/zoho/", {"next": "/probe/org/?tab=fields"})
    params = authorize_params(begin["Location"])
    assert params["prompt"] == "consent"  # the refresh token we hold is dead: get a new one

    zoho_http.reset()
    revoked.refresh_token = "1000.new.refresh"
    revoked.access_token = "1000.new.access"
    register_signin(zoho_http, revoked, accounts_server=US_ACCOUNTS, api_domain=US_API)
    back = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    assert back.status_code == 302
    assert back["Location"] == "/probe/org/?tab=fields"
    connection = ZohoConnection.objects.get()
    assert connection.needs_reauth is False
    assert token_decrypt(connection.refresh_token_encrypted) == "1000.new.refresh"

    zoho_http.reset()
    zoho_http.add(responses_lib.GET, f"{US_API}/crm/v2/org", json=org_body(revoked))
    page = client.get(back["Location"])
    assert page.content.decode() == "Organisation from Zoho: Zylker Traders"
    assert zoho_http.calls[0].request.headers["Authorization"] == "Zoho-oauthtoken 1000.new.access"


def test_once_marked_every_team_page_sends_the_person_to_sign_in_again(client, revoked):
    ZohoConnection.objects.update(needs_reauth=True)
    response = client.get("/probe/org/")
    assert response["Location"] == "/signin/again/?next=%2Fprobe%2Forg%2F"


def test_a_refused_refresh_signs_the_person_out_of_every_session(zoho_http, revoked):
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.get()
    other = Client()
    other.force_login(user)

    first = Client()
    first.force_login(user)
    assert first.get("/probe/org/")["Location"] == "/signin/again/?next=%2Fprobe%2Forg%2F"

    # The other browser's session ended too: it is sent to sign in, not to the page.
    response = other.get("/history/")
    assert response.status_code == 302
    assert response["Location"] == "/signin/?next=/history/"
    assert other.get("/account/")["Location"] == "/signin/?next=/account/"


def test_htmx_requests_get_hx_redirect(client, zoho_http, revoked):
    response = client.get(
        "/probe/org/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/account/?x=1"},
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/signin/again/?next=%2Faccount%2F%3Fx%3D1"


def test_the_dashboard_says_so_in_plain_words(client, revoked):
    ZohoConnection.objects.update(needs_reauth=True)
    page = client.get("/").content.decode()
    assert "Your Zoho sign-in has expired" in page
    assert "Sign in with Zoho again" in page


def test_signed_out_people_are_sent_to_sign_in_first(client):
    response = client.get("/probe/org/")
    assert response["Location"] == "/signin/?next=/probe/org/"


def test_the_sign_in_again_page_never_points_to_another_site(client, revoked):
    ZohoConnection.objects.update(needs_reauth=True)
    page = client.get("/signin/again/?next=https://evil.example/").content.decode()
    assert "evil.example" not in page
    assert 'name="next" value="/"' in page


def test_expiry_margin_is_five_minutes(client, zoho_http):
    user = save_person(ZohoPerson())
    client.force_login(user)
    ZohoConnection.objects.update(
        access_token_expires_at=timezone.now() + timedelta(minutes=5, seconds=30)
    )
    zoho_http.add(responses_lib.GET, f"{US_API}/crm/v2/org", json=org_body(ZohoPerson()))
    assert client.get("/probe/org/").status_code == 200
    assert [c.request.url for c in zoho_http.calls] == [f"{US_API}/crm/v2/org"]


def test_the_sign_in_page_sends_signed_in_people_on(client):
    user = save_person(ZohoPerson())
    client.force_login(user)
    assert client.get("/signin/?next=/account/")["Location"] == "/account/"

    ZohoConnection.objects.update(needs_reauth=True)
    response = client.get("/signin/?next=/account/%3Ftab%3D1")
    assert response["Location"] == "/signin/again/?next=%2Faccount%2F%3Ftab%3D1"
