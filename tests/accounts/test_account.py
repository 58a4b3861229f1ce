"""The account page, signing out, disconnecting Zoho, and teams kept apart."""

import pytest
import requests
import responses as responses_lib
from django.contrib.auth import get_user_model

from crmupdate.accounts.models import Member, Team, ZohoConnection
from tests.accounts.zoho_fakes import (
    EU_ACCOUNTS,
    EU_API,
    US_ACCOUNTS,
    ZohoPerson,
    form_body,
    save_person,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_zoho")]

REVOKE_URL = f"{US_ACCOUNTS}/oauth/v2/token/revoke"

GLOBEX = ZohoPerson(
    zuid="800100200",
    crm_user_id="6000000000000012345",
    first_name="Gary",
    last_name="Globex",
    email="gary.globex@globex.example",
    org_id="30070000001",
    company_name="Globex Corporation",
    access_token="1000.globex.access",
    refresh_token="1000.globex.refresh",
)
SAM = ZohoPerson(
    zuid="795542999",
    crm_user_id="4150868000000225099",
    first_name="Sam",
    last_name="Ops",
    email="sam.ops@zylker.example",
    profile="Sales Operations",
    access_token="1000.sam.access",
    refresh_token="1000.sam.refresh",
)


def test_the_account_page_shows_the_person_the_team_and_the_connection(client):
    client.force_login(save_person(ZohoPerson(), accounts_server=EU_ACCOUNTS, api_domain=EU_API))
    page = client.get("/account/").content.decode()
    assert "Patricia Boyle" in page
    assert "patricia.boyle@zylker.example" in page
    assert "Zylker Traders" in page
    assert "EU" in page
    assert EU_ACCOUNTS in page and EU_API in page
    assert "Disconnect Zoho" in page
    assert "Sign out" in page


def test_the_account_page_needs_sign_in(client):
    assert client.get("/account/")["Location"] == "/signin/?next=/account/"


def test_sign_out_ends_the_session_and_keeps_the_zoho_connection(client, zoho_http):
    user = save_person(ZohoPerson())
    client.force_login(user)
    assert client.get("/signout/").status_code == 405  # POST only

    response = client.post("/signout/")

    assert response["Location"] == "/"
    assert client.get("/account/")["Location"] == "/signin/?next=/account/"
    assert ZohoConnection.objects.filter(user=user).exists()
    assert len(zoho_http.calls) == 0


def test_sign_out_needs_the_csrf_token(zoho_http):
    from django.test import Client

    user = save_person(ZohoPerson())
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.post("/signout/").status_code == 403
    assert browser.post("/account/disconnect/").status_code == 403
    assert len(zoho_http.calls) == 0


def test_disconnect_revokes_the_refresh_token_at_zoho_and_deletes_it(client, zoho_http):
    person = ZohoPerson()
    user = save_person(person)
    client.force_login(user)
    zoho_http.add(responses_lib.POST, REVOKE_URL, json={"status": "success"})

    response = client.post("/account/disconnect/")

    assert response["Location"] == "/"
    assert [c.request.url for c in zoho_http.calls] == [REVOKE_URL]
    assert form_body(zoho_http.calls[0]) == {"token": person.refresh_token}
    assert not ZohoConnection.objects.filter(user=user).exists()
    home = client.get("/").content.decode()
    assert "disconnected from your Zoho account" in home
    assert "Sign in with Zoho" in home
    # The team and membership stay: what the person did remains in the team's history.
    assert Member.objects.filter(user=user).exists()


def test_disconnect_deletes_a_token_zoho_says_is_already_invalid(client, zoho_http):
    user = save_person(ZohoPerson())
    client.force_login(user)
    zoho_http.add(responses_lib.POST, REVOKE_URL, status=400, json={"status": "failure"})

    client.post("/account/disconnect/")

    assert not ZohoConnection.objects.filter(user=user).exists()


def test_disconnect_keeps_everything_when_zoho_cannot_be_reached(client, zoho_http):
    user = save_person(ZohoPerson())
    client.force_login(user)
    zoho_http.add(
        responses_lib.POST, REVOKE_URL, body=requests.exceptions.ConnectionError("no route")
    )

    response = client.post("/account/disconnect/", follow=True)

    assert ZohoConnection.objects.filter(user=user).exists()
    page = response.content.decode()
    assert "Zoho could not be reached to disconnect, so nothing was changed" in page
    assert response.context["user"].is_authenticated


def test_after_disconnect_signing_in_asks_zoho_for_consent(client, zoho_http):
    user = save_person(ZohoPerson())
    client.force_login(user)
    ZohoConnection.objects.filter(user=user).delete()
    response = client.post("/oauth/login/zoho/")
    assert "prompt=consent" in response["Location"]


def test_people_of_another_organisation_never_see_this_teams_rows(client):
    from django.test import Client

    patricia = save_person(ZohoPerson())
    save_person(SAM)
    gary = save_person(GLOBEX)
    assert Team.objects.count() == 2

    globex_browser = Client()
    globex_browser.force_login(gary)
    for url in ("/", "/account/"):
        page = globex_browser.get(url).content.decode()
        assert "Globex Corporation" in page
        assert "Zylker" not in page
        assert "Patricia" not in page and "Sam Ops" not in page

    client.force_login(patricia)
    page = client.get("/account/").content.decode()
    assert "Sam Ops" in page and "Patricia Boyle" in page
    assert "Globex" not in page and "Gary" not in page


def test_the_same_zoho_person_in_two_organisations_gets_two_separate_accounts():
    first = save_person(ZohoPerson())
    second = save_person(ZohoPerson(org_id="20050000777", company_name="Zylker Sandbox"))
    assert first != second
    assert first.member.team != second.member.team
    assert get_user_model().objects.count() == 2


def test_a_user_without_a_team_is_told_so(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="admin"))
    response = client.get("/")
    assert response.status_code == 403
    assert "not linked to a Zoho CRM organisation" in response.content.decode()
    assert client.get("/account/").status_code == 403


def test_the_team_admin_command_sets_and_clears_the_flag(db):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from tests.massupdate.conftest import make_member

    member = make_member(email="rita.rep@zylker.example")
    out = StringIO()
    call_command("accounts_team_admin", "Rita.Rep@zylker.example", stdout=out)
    member.refresh_from_db()
    assert member.is_team_admin and member.is_administrator
    assert "is a team administrator of Zylker Traders" in out.getvalue()
    call_command("accounts_team_admin", "rita.rep@zylker.example", "--remove", stdout=out)
    member.refresh_from_db()
    assert not member.is_team_admin
    with pytest.raises(CommandError, match="Nobody with the email"):
        call_command("accounts_team_admin", "nobody@zylker.example")
