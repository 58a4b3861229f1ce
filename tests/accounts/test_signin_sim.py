"""Sign-in against the practice CRM (the simulator on the live server), over real HTTP."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from crmupdate.accounts.crypto import token_decrypt
from crmupdate.accounts.models import Member, Team, ZohoConnection
from crmupdate.zoho import oauth
from tests.accounts.http_browser import HttpBrowser
from tests.accounts.test_tokens import every_stored_text

pytestmark = pytest.mark.django_db(transaction=True)

SAM = "sam.ops@zylker.example"
ZYLKER_ID = "738964000000020005"


@pytest.fixture
def web(sim, zoho_sim_origin):
    return HttpBrowser(zoho_sim_origin)


def sign_in(web: HttpBrowser, email: str, name: str) -> None:
    web.get("/")
    web.press("Sign in with Zoho")
    assert "Practice CRM sign-in" in web.text
    web.press(name, user=email)


def test_signing_in_through_the_practice_crm_lands_on_the_dashboard(web, api_calls):
    sign_in(web, SAM, "Sam Ortega")

    assert urlsplit(web.url).path == "/"
    assert "Welcome, Sam Ortega" in web.text
    assert "Zylker Traders" in web.text
    assert "Practice CRM" in web.text

    team = Team.objects.get()
    assert (team.zoho_org_id, team.company_name) == (ZYLKER_ID, "Zylker Traders")
    assert team.api_domain == f"{web.origin}/zohosim/api"
    member = Member.objects.get()
    assert (member.email, member.profile_name, member.team) == (SAM, "Sales Operations", team)
    # Sam's profile grants Mass Update in every module of the practice CRM; he is no admin.
    assert member.permissions_known and not member.is_zoho_admin
    assert {"Leads", "Deals", "Accounts"} <= set(member.mass_update_modules)
    connection = ZohoConnection.objects.get()
    assert connection.accounts_server == f"{web.origin}/zohosim/accounts"
    assert connection.usable

    calls = [(c.method, c.path, c.query) for c in api_calls() if c.path != "/oauth/v2/auth"]
    assert [(m, p) for m, p, _ in calls] == [
        ("POST", "/oauth/v2/token"),
        ("GET", "/oauth/user/info"),
        ("GET", "/crm/v2/org"),
        ("GET", "/crm/v2/users"),
        ("GET", "/crm/v2/settings/profiles/738964000000026014"),
        ("GET", "/crm/v2/users"),
    ]
    assert parse_qs(calls[5][2])["type"] == ["AdminUsers"]
    assert team.zoho_admin_names == ["Patricia Boyle"]
    assert parse_qs(calls[3][2]) == {"type": ["CurrentUser"]}


def test_after_a_real_sign_in_no_token_is_stored_in_clear_anywhere(web):
    sign_in(web, SAM, "Sam Ortega")
    connection = ZohoConnection.objects.get()
    refresh_token = token_decrypt(connection.refresh_token_encrypted)
    access_token = token_decrypt(connection.access_token_encrypted)

    texts = every_stored_text()  # our tables, social-auth's, sessions, and the simulator's
    for secret in (refresh_token, access_token):
        for part in (secret, *secret.split(".")[1:]):
            assert not any(part in text for text in texts)


def test_denying_at_the_practice_crm_shows_a_clear_page(web):
    web.get("/")
    web.press("Sign in with Zoho")
    web.press("Deny access", decision="deny")

    assert web.page.status_code == 403
    assert "You did not allow access" in web.text
    assert Team.objects.count() == 0


def test_a_sales_rep_without_mass_update_permission_still_signs_in(web):
    sign_in(web, "rita.rep@zylker.example", "Rita Reyes")
    assert "Welcome, Rita Reyes" in web.text
    assert Member.objects.get().profile_name == "Sales Rep"


def test_colleagues_share_a_team_and_another_organisation_gets_its_own(sim, zoho_sim_origin):
    sam, patricia, gary = (HttpBrowser(zoho_sim_origin) for _ in range(3))
    sign_in(sam, SAM, "Sam Ortega")
    sign_in(patricia, "patricia.boyle@zylker.example", "Patricia Boyle")
    sign_in(gary, "gary.globex@globex.example", "Gary Gleason")

    assert Team.objects.count() == 2
    zylker = Team.objects.get(zoho_org_id=ZYLKER_ID)
    assert sorted(zylker.members.values_list("full_name", flat=True)) == [
        "Patricia Boyle",
        "Sam Ortega",
    ]
    for page in ("/", "/account/"):
        gary.get(page)
        assert "Globex Corporation" in gary.text
        assert "Zylker" not in gary.text and "Sam Ortega" not in gary.text
    sam.get("/account/")
    assert "Patricia Boyle" in sam.text and "Gary" not in sam.text


def test_signing_in_again_asks_no_consent_and_keeps_the_refresh_token(web, api_calls):
    sign_in(web, SAM, "Sam Ortega")
    first = token_decrypt(ZohoConnection.objects.get().refresh_token_encrypted)
    web.press("Sign out")

    sign_in(web, SAM, "Sam Ortega")

    authorize = [c for c in api_calls() if c.path == "/oauth/v2/auth"]
    assert "prompt" not in parse_qs(authorize[-1].query)
    assert "Welcome, Sam Ortega" in web.text
    assert token_decrypt(ZohoConnection.objects.get().refresh_token_encrypted) == first


@pytest.mark.urls("tests.accounts.probe_urls")
def test_a_revoked_refresh_token_leads_through_sign_in_and_back(web, api_calls):
    sign_in(web, SAM, "Sam Ortega")
    connection = ZohoConnection.objects.get()
    oauth.revoke_token(
        connection.accounts_server, token=token_decrypt(connection.refresh_token_encrypted)
    )
    ZohoConnection.objects.update(access_token_expires_at=timezone.now() + timedelta(minutes=1))

    web.get("/probe/org/?step=2")

    assert urlsplit(web.url).path == "/signin/again/"
    assert "Your Zoho sign-in has expired" in web.text
    web.press("Sign in with Zoho again")
    assert "Practice CRM sign-in" in web.text
    web.press("Sam Ortega", user=SAM)

    assert web.url == f"{web.origin}/probe/org/?step=2"
    assert web.text == "Organisation from Zoho: Zylker Traders"
    authorize = [c for c in api_calls() if c.path == "/oauth/v2/auth"]
    assert parse_qs(authorize[-1].query)["prompt"] == ["consent"]
    assert ZohoConnection.objects.get().usable


def test_member_factory_signs_a_demo_person_in(member_factory, client_for):
    user = member_factory("gary.globex@globex.example")
    assert user.member.team.company_name == "Globex Corporation"
    assert user.member.full_name == "Gary Gleason"
    assert user.zoho_connection.usable
    page = client_for(user).get("/").content.decode()
    assert "Welcome, Gary Gleason" in page


def test_zoho_client_for_calls_the_practice_crm_as_the_person(member_factory, api_calls):
    from crmupdate.accounts.tokens import zoho_client_for

    user = member_factory(SAM)
    assert zoho_client_for(user).current_user().email == SAM
    assert api_calls(path_contains="/crm/v2/users")[-1].status == 200
