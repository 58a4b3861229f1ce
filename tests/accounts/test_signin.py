"""Sign in with Zoho, asserted at the HTTP seam: what is sent to Zoho, and what is not."""

import pytest
import requests
import responses as responses_lib
from django.contrib.auth import get_user_model
from social_django.models import UserSocialAuth

from crmupdate.accounts.crypto import token_decrypt
from crmupdate.accounts.models import Member, Team, ZohoConnection
from tests.accounts.zoho_fakes import (
    EU_ACCOUNTS,
    EU_API,
    PROFILE_ID,
    US_ACCOUNTS,
    US_API,
    ZohoPerson,
    authorize_params,
    callback,
    form_body,
    register_signin,
    start_signin,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_zoho")]

SCOPES = [
    "ZohoCRM.modules.ALL",
    "ZohoCRM.settings.modules.READ",
    "ZohoCRM.settings.fields.READ",
    "ZohoCRM.settings.custom_views.READ",
    "ZohoCRM.settings.profiles.READ",
    "ZohoCRM.users.READ",
    "ZohoCRM.org.READ",
    "ZohoCRM.mass_update.READ",
    "ZohoCRM.mass_update.UPDATE",
    "ZohoSearch.securesearch.READ",
    "AaaServer.profile.READ",
]


def nothing_was_created():
    return (
        get_user_model().objects.count() == 0
        and UserSocialAuth.objects.count() == 0
        and Team.objects.count() == 0
        and Member.objects.count() == 0
        and ZohoConnection.objects.count() == 0
    )


def test_the_home_page_offers_one_sign_in_button(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Sign in with Zoho") == 1
    assert 'action="/oauth/login/zoho/"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_sign_in_page_is_the_login_url_and_keeps_next(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/signin/?next=/account/"
    page = client.get(response["Location"]).content.decode()
    assert "Sign in with Zoho" in page
    assert 'name="next" value="/account/"' in page


def test_the_sign_in_button_only_takes_post(client):
    assert client.get("/oauth/login/zoho/").status_code == 405


def test_the_authorize_request_goes_to_the_configured_accounts_server(client):
    params = start_signin(client)
    assert params["_url"].startswith(f"{US_ACCOUNTS}/oauth/v2/auth?")
    assert params["response_type"] == "code"
    assert params["client_id"] == "1000.TESTCLIENTID"
    assert params["scope"].split(",") == SCOPES
    assert params["access_type"] == "offline"
    assert "prompt" not in params  # a new person: Zoho gives a refresh token at first consent
    assert params["redirect_uri"] == "http://testserver/oauth/complete/zoho/"
    assert "redirect_state" not in params["_url"]
    assert len(params["state"]) >= 32


def test_the_redirect_uri_is_the_configured_one_when_set(client, settings, zoho_http):
    settings.ZOHO_REDIRECT_URI = "https://crm-tools.example.com/oauth/complete/zoho/"
    params = start_signin(client)
    assert params["redirect_uri"] == "https://crm-tools.example.com/oauth/complete/zoho/"
    person = ZohoPerson()
    register_signin(zoho_http, person, accounts_server=US_ACCOUNTS, api_domain=US_API)
    callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")
    exchange = form_body(zoho_http.calls[0])
    assert exchange["redirect_uri"] == "https://crm-tools.example.com/oauth/complete/zoho/"


def test_an_eu_sign_in_uses_the_eu_accounts_server_and_the_eu_api_domain(client, zoho_http):
    person = ZohoPerson(company_name="Zylker Europa GmbH", org_id="20077000123")
    register_signin(zoho_http, person, accounts_server=EU_ACCOUNTS, api_domain=EU_API)
    params = start_signin(client)

    response = callback(client, state=params["state"], accounts_server=EU_ACCOUNTS, location="eu")

    assert response.status_code == 302
    assert response["Location"] == "/"
    sent = [(c.request.method, c.request.url.split("?")[0]) for c in zoho_http.calls]
    assert sent == [
        ("POST", f"{EU_ACCOUNTS}/oauth/v2/token"),
        ("GET", f"{EU_ACCOUNTS}/oauth/user/info"),
        ("GET", f"{EU_API}/crm/v2/org"),
        ("GET", f"{EU_API}/crm/v2/users"),
        ("GET", f"{EU_API}/crm/v2/settings/profiles/{PROFILE_ID}"),
        ("GET", f"{EU_API}/crm/v2/users"),
    ]
    exchange = form_body(zoho_http.calls[0])
    assert exchange == {
        "grant_type": "authorization_code",
        "client_id": "1000.TESTCLIENTID",
        "client_secret": "test-client-secret-0123456789",
        "redirect_uri": "http://testserver/oauth/complete/zoho/",
        "code": "1000.grant.code",
    }
    for call in zoho_http.calls[1:]:
        assert call.request.headers["Authorization"] == f"Zoho-oauthtoken {person.access_token}"
    assert zoho_http.calls[3].request.params == {"type": "CurrentUser"}

    team = Team.objects.get()
    assert (team.zoho_org_id, team.company_name, team.data_centre) == (
        "20077000123",
        "Zylker Europa GmbH",
        "eu",
    )
    assert (team.api_domain, team.edition) == (EU_API, "enterprise")
    connection = ZohoConnection.objects.get()
    assert (connection.accounts_server, connection.api_domain) == (EU_ACCOUNTS, EU_API)
    member = Member.objects.get()
    assert (member.full_name, member.email, member.profile_name, member.team) == (
        "Patricia Boyle",
        "patricia.boyle@zylker.example",
        "Administrator",
        team,
    )
    # What her Zoho profile grants, and who the org's administrators are.
    assert member.is_zoho_admin and member.permissions_known
    assert member.mass_update_modules == ["Leads", "Deals"]
    assert team.zoho_admin_names == ["Ada Admin"]

    dashboard = client.get("/").content.decode()
    assert "Welcome, Patricia Boyle" in dashboard
    assert "Zylker Europa GmbH" in dashboard


def test_a_sign_in_whose_profile_zoho_will_not_show_leaves_permissions_unknown(client, zoho_http):
    person = ZohoPerson(profile="Sales Rep", mass_update_modules=None)
    register_signin(zoho_http, person, accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client)

    response = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    assert response["Location"] == "/"
    member = Member.objects.get()
    assert not member.permissions_known and not member.is_zoho_admin
    assert member.may_mass_update("Leads")  # Zoho itself refuses at submit
    dashboard = client.get("/").content.decode()
    assert "New mass update" in dashboard and "Mass Update permission" not in dashboard


def test_a_sign_in_without_mass_update_is_told_why_on_the_dashboard(client, zoho_http):
    person = ZohoPerson(profile="Sales Rep", mass_update_modules=())
    register_signin(zoho_http, person, accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client)
    callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    dashboard = client.get("/").content.decode()
    assert "New mass update" not in dashboard
    assert "Your Zoho profile “Sales Rep” does not have the Mass Update permission" in dashboard
    assert "Ask Ada Admin" in dashboard


@pytest.mark.parametrize(
    "accounts_server",
    [
        "https://accounts.evil.example",
        "https://accounts.zoho.eu.evil.example",
        "https://evil.example@accounts.zoho.eu",
        "https://accounts.zoho.eu:8443",
        "http://accounts.zoho.eu",
        "https://accounts.zoho.eu/oauth/v2/token?",
        "https://accounts.zoho.eu%2F.evil.example",
        "javascript:alert(1)",
    ],
)
def test_an_accounts_server_outside_the_allow_list_gets_no_request_and_no_account(
    client, zoho_http, accounts_server
):
    params = start_signin(client)
    response = callback(
        client, state=params["state"], accounts_server=accounts_server, location="eu"
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Sign-in refused for your safety" in page
    assert "Try again" in page
    assert len(zoho_http.calls) == 0
    assert nothing_was_created()


def test_an_api_domain_outside_the_allow_list_gets_no_request_and_no_account(client, zoho_http):
    person = ZohoPerson()
    # An EU sign-in whose token answer names an API domain of another data centre.
    zoho_http.add(
        responses_lib.POST,
        f"{EU_ACCOUNTS}/oauth/v2/token",
        json={"access_token": person.access_token, "api_domain": "https://www.zohoapis.evil"},
    )
    params = start_signin(client)
    response = callback(client, state=params["state"], accounts_server=EU_ACCOUNTS, location="eu")

    assert response.status_code == 400
    assert "Sign-in refused for your safety" in response.content.decode()
    assert [c.request.url for c in zoho_http.calls] == [f"{EU_ACCOUNTS}/oauth/v2/token"]
    assert nothing_was_created()


def test_a_mismatched_state_is_refused_before_anything_is_sent(client, zoho_http):
    start_signin(client)
    response = callback(client, state="X" * 32, accounts_server=US_ACCOUNTS, location="us")

    assert response.status_code == 403
    page = response.content.decode()
    assert "This sign-in could not be matched to this browser" in page
    assert "Try again" in page
    assert len(zoho_http.calls) == 0
    assert nothing_was_created()


def test_a_state_from_another_browser_is_refused(client, django_user_model, zoho_http):
    from django.test import Client

    other_browser = Client()
    params = start_signin(other_browser)
    response = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    assert response.status_code == 403
    assert len(zoho_http.calls) == 0
    assert nothing_was_created()


def test_a_missing_state_is_refused(client, zoho_http):
    start_signin(client)
    response = client.get(
        "/oauth/complete/zoho/", {"code": "1000.x", "accounts-server": US_ACCOUNTS}
    )
    assert response.status_code == 403
    assert len(zoho_http.calls) == 0
    assert nothing_was_created()


def test_a_state_is_used_only_once(client, zoho_http):
    person = ZohoPerson()
    register_signin(zoho_http, person, accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client)
    assert (
        callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")[
            "Location"
        ]
        == "/"
    )
    client.logout()
    calls_before = len(zoho_http.calls)

    replay = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    assert replay.status_code == 403
    assert len(zoho_http.calls) == calls_before


def test_denying_consent_shows_a_clear_page_with_try_again(client, zoho_http):
    params = start_signin(client)
    response = client.get(
        "/oauth/complete/zoho/", {"error": "access_denied", "state": params["state"]}
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert "You did not allow access" in page
    assert "Try again" in page
    assert 'action="/oauth/login/zoho/"' in page
    assert len(zoho_http.calls) == 0
    assert nothing_was_created()


def test_an_expired_code_shows_a_clear_page(client, zoho_http):
    zoho_http.add(
        responses_lib.POST, f"{US_ACCOUNTS}/oauth/v2/token", json={"error": "invalid_code"}
    )
    params = start_signin(client)
    response = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    assert response.status_code == 400
    page = response.content.decode()
    assert "The sign-in took too long" in page
    assert "Try again" in page
    assert "Traceback" not in page
    assert len(zoho_http.calls) == 1
    assert nothing_was_created()


def test_a_zoho_error_answer_shows_zohos_explanation(client, zoho_http):
    zoho_http.add(
        responses_lib.POST, f"{US_ACCOUNTS}/oauth/v2/token", json={"error": "invalid_client"}
    )
    params = start_signin(client)
    response = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    assert response.status_code == 502
    page = response.content.decode()
    assert "Zoho refused the sign-in" in page
    assert "does not recognise this app&#x27;s client ID" in page
    assert nothing_was_created()


def test_zoho_out_of_reach_shows_a_clear_page(client, zoho_http):
    zoho_http.add(
        responses_lib.POST,
        f"{US_ACCOUNTS}/oauth/v2/token",
        body=requests.exceptions.ConnectTimeout("connect timed out"),
    )
    params = start_signin(client)
    response = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    assert response.status_code == 503
    page = response.content.decode()
    assert "Zoho could not be reached" in page
    assert "Try again" in page
    assert nothing_was_created()


def test_a_failing_org_call_leaves_no_half_created_account(client, zoho_http):
    person = ZohoPerson()
    zoho_http.add(
        responses_lib.POST,
        f"{US_ACCOUNTS}/oauth/v2/token",
        json={
            "access_token": person.access_token,
            "refresh_token": person.refresh_token,
            "api_domain": US_API,
            "expires_in": 3600,
        },
    )
    zoho_http.add(
        responses_lib.GET,
        f"{US_ACCOUNTS}/oauth/user/info",
        json={
            "ZUID": 1,
            "Email": person.email,
            "First_Name": "P",
            "Last_Name": "B",
        },
    )
    zoho_http.add(
        responses_lib.GET,
        f"{US_API}/crm/v2/org",
        status=401,
        json={
            "code": "OAUTH_SCOPE_MISMATCH",
            "details": {},
            "message": "invalid oauth scope to access this URL",
            "status": "error",
        },
    )
    params = start_signin(client)
    response = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    assert response.status_code == 502
    assert "Zoho refused the sign-in" in response.content.decode()
    assert nothing_was_created()


def test_an_organisation_not_allowed_is_refused_with_a_clear_page(client, settings, zoho_http):
    settings.ALLOWED_ZOHO_ORGS = ["20050000999", "20050000998"]
    person = ZohoPerson(org_id="20050000001")
    register_signin(zoho_http, person, accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client)
    response = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    assert response.status_code == 403
    page = response.content.decode()
    assert "This Zoho organisation cannot use crmupdate here" in page
    assert "Try again" in page
    assert nothing_was_created()
    assert client.get("/").context["user"].is_authenticated is False


def test_an_allowed_organisation_signs_in(client, settings, zoho_http):
    settings.ALLOWED_ZOHO_ORGS = ["20050000999", "20050000001"]
    register_signin(zoho_http, ZohoPerson(), accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client)
    response = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")
    assert response["Location"] == "/"
    assert Team.objects.get().zoho_org_id == "20050000001"


def test_sign_in_returns_to_the_page_asked_for(client, zoho_http):
    register_signin(zoho_http, ZohoPerson(), accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client, next_url="/account/")
    response = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")
    assert response["Location"] == "/account/"


def test_sign_in_never_returns_to_another_site(client, zoho_http):
    register_signin(zoho_http, ZohoPerson(), accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client, next_url="https://evil.example/steal")
    response = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")
    assert response["Location"] == "/"


def test_signing_in_again_reuses_the_account_and_the_team(client, zoho_http):
    person = ZohoPerson()
    register_signin(zoho_http, person, accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client)
    callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")
    client.logout()

    params = start_signin(client)
    callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    assert get_user_model().objects.count() == 1
    assert Team.objects.count() == 1
    assert Member.objects.count() == 1
    assert client.get("/").context["user"].is_authenticated


def test_a_colleague_joins_the_same_team(client, zoho_http):
    from django.test import Client

    register_signin(zoho_http, ZohoPerson(), accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client)
    callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    colleague = ZohoPerson(
        zuid="795542999",
        crm_user_id="4150868000000225099",
        first_name="Sam",
        last_name="Ops",
        email="sam.ops@zylker.example",
        profile="Sales Operations",
        access_token="1000.sam.access",
        refresh_token="1000.sam.refresh",
    )
    zoho_http.reset()
    register_signin(zoho_http, colleague, accounts_server=US_ACCOUNTS, api_domain=US_API)
    other = Client()
    params = start_signin(other)
    callback(other, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    team = Team.objects.get()
    assert sorted(team.members.values_list("full_name", flat=True)) == ["Patricia Boyle", "Sam Ops"]


def test_without_a_refresh_token_zoho_is_asked_again_with_consent(client, zoho_http):
    person = ZohoPerson(refresh_token=None)
    register_signin(zoho_http, person, accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client)

    response = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    assert response.status_code == 302
    assert response["Location"].startswith(f"{US_ACCOUNTS}/oauth/v2/auth?")
    again = authorize_params(response["Location"])
    assert again["prompt"] == "consent"
    assert again["access_type"] == "offline"
    assert nothing_was_created()

    zoho_http.reset()
    person.refresh_token = "1000.consented.refresh"
    register_signin(zoho_http, person, accounts_server=US_ACCOUNTS, api_domain=US_API)
    response = callback(client, state=again["state"], accounts_server=US_ACCOUNTS, location="us")

    assert response["Location"] == "/"
    connection = ZohoConnection.objects.get()
    assert token_decrypt(connection.refresh_token_encrypted) == "1000.consented.refresh"


def test_when_consent_brings_no_refresh_token_either_the_sign_in_fails_clearly(client, zoho_http):
    person = ZohoPerson(refresh_token=None)
    register_signin(zoho_http, person, accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client)
    response = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")
    again = authorize_params(response["Location"])
    response = callback(client, state=again["state"], accounts_server=US_ACCOUNTS, location="us")

    assert response.status_code == 502
    assert "Zoho did not grant lasting access" in response.content.decode()
    assert nothing_was_created()


def test_a_returning_person_keeps_the_refresh_token_we_hold(client, zoho_http):
    person = ZohoPerson()
    register_signin(zoho_http, person, accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client)
    callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")
    client.logout()

    zoho_http.reset()
    original_refresh = person.refresh_token
    person.refresh_token = None  # Zoho sends none without prompt=consent
    person.access_token = "1000.second.access"
    register_signin(zoho_http, person, accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client)
    assert "prompt" not in params
    response = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    assert response["Location"] == "/"
    connection = ZohoConnection.objects.get()
    assert token_decrypt(connection.refresh_token_encrypted) == original_refresh
    assert token_decrypt(connection.access_token_encrypted) == "1000.second.access"


def test_a_person_needing_to_sign_in_again_is_asked_for_consent(client, zoho_http):
    register_signin(zoho_http, ZohoPerson(), accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client)
    callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")
    ZohoConnection.objects.update(needs_reauth=True)

    params = start_signin(client)

    assert params["prompt"] == "consent"


def test_signed_in_as_one_person_another_zoho_account_is_not_attached(client, zoho_http):
    register_signin(zoho_http, ZohoPerson(), accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client)
    callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    zoho_http.reset()
    intruder = ZohoPerson(zuid="111", crm_user_id="222", email="someone@else.example")
    register_signin(zoho_http, intruder, accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client)
    response = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")

    assert response.status_code == 409
    assert "You are already signed in as someone else" in response.content.decode()
    assert UserSocialAuth.objects.count() == 1
    assert get_user_model().objects.count() == 1
