"""Zoho's answers at the HTTP seam (for `responses`), shaped like the real ones, and helpers
that walk the Django test client through sign-in."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import responses as responses_lib

US_ACCOUNTS = "https://accounts.zoho.com"
US_API = "https://www.zohoapis.com"
EU_ACCOUNTS = "https://accounts.zoho.eu"
EU_API = "https://www.zohoapis.eu"


@dataclass
class ZohoPerson:
    """One Zoho user of one CRM organisation, and the tokens Zoho will issue for them."""

    zuid: str = "795542386"
    crm_user_id: str = "4150868000000225013"
    first_name: str = "Patricia"
    last_name: str = "Boyle"
    email: str = "patricia.boyle@zylker.example"
    profile: str = "Administrator"
    org_id: str = "20050000001"
    company_name: str = "Zylker Traders"
    edition: str = "enterprise"
    access_token: str = "1000.f2c1a0e9d8b7c6a5f4e3d2c1b0a99887.4a5b6c7d8e9f0a1b2c3d4e5f60718293"
    refresh_token: str | None = (
        "1000.9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b.0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    )
    extra: dict = field(default_factory=dict)
    # Modules whose Mass Update permission the profile grants; None: Zoho refuses to show
    # the profile (OAUTH_SCOPE_MISMATCH, as for a grant without ZohoCRM.settings.profiles).
    mass_update_modules: tuple[str, ...] | None = ("Leads", "Deals")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def token_body(person: ZohoPerson, api_domain: str) -> dict:
    body = {
        "access_token": person.access_token,
        "scope": "ZohoCRM.modules.ALL ZohoCRM.org.READ",
        "api_domain": api_domain,
        "token_type": "Bearer",
        "expires_in": 3600,
    }
    if person.refresh_token:
        body["refresh_token"] = person.refresh_token
    return body


def user_info_body(person: ZohoPerson) -> dict:
    return {
        "First_Name": person.first_name,
        "Email": person.email,
        "Last_Name": person.last_name,
        "Display_Name": person.first_name.lower(),
        "ZUID": int(person.zuid),
    }


def org_body(person: ZohoPerson) -> dict:
    return {
        "org": [
            {
                "id": person.org_id,
                "company_name": person.company_name,
                "time_zone": "Europe/Berlin",
                "locale": "de_DE",
                "type": "production",
                "domain_name": "org" + person.org_id,
                "license_details": {"paid_type": person.edition, "paid": True},
            }
        ]
    }


def current_user_body(person: ZohoPerson) -> dict:
    return {
        "users": [
            {
                "id": person.crm_user_id,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "full_name": person.full_name,
                "email": person.email,
                "profile": {"name": person.profile, "id": PROFILE_ID},
                "role": {"name": "CEO", "id": "4150868000000026005"},
                "time_zone": "Europe/Berlin",
                "locale": "de_DE",
                "status": "active",
                "zuid": person.zuid,
            }
        ],
        "info": {"per_page": 200, "count": 1, "page": 1, "more_records": False},
    }


PROFILE_ID = "4150868000000026011"


def profile_body(person: ZohoPerson) -> dict:
    """Zoho's v7 Get Profile sample's shape: module permissions in `permissions_details`."""
    details = []
    for n, module in enumerate(("Leads", "Contacts", "Deals")):
        for m, (action, label) in enumerate((("View", "View"), ("Mass_Update", "Mass Update"))):
            enabled = action == "View" or module in (person.mass_update_modules or ())
            details.append(
                {
                    "display_label": label,
                    "module": module,
                    "name": f"Crm_Implied_{action}_{module}",
                    "id": f"4150868000000027{n}{m}0",
                    "enabled": enabled,
                }
            )
    return {
        "profiles": [
            {
                "display_label": person.profile,
                "created_time": None,
                "modified_time": None,
                "custom": person.profile != "Administrator",
                "permissions_details": details,
                "name": person.profile,
                "modified_by": None,
                "description": "",
                "id": PROFILE_ID,
                "category": False,
                "created_by": None,
            }
        ]
    }


SCOPE_MISMATCH = {
    "code": "OAUTH_SCOPE_MISMATCH",
    "details": {},
    "message": "invalid oauth scope to access this URL",
    "status": "error",
}


def register_signin(
    rsps: responses_lib.RequestsMock,
    person: ZohoPerson,
    *,
    accounts_server: str,
    api_domain: str,
    token_api_domain: str | None = None,
) -> None:
    """Zoho's answers to a sign-in: token exchange, user info, org, current CRM user, and
    the profile (with its permissions)."""
    rsps.add(
        responses_lib.POST,
        f"{accounts_server}/oauth/v2/token",
        json=token_body(person, token_api_domain or api_domain),
    )
    rsps.add(responses_lib.GET, f"{accounts_server}/oauth/user/info", json=user_info_body(person))
    rsps.add(responses_lib.GET, f"{api_domain}/crm/v2/org", json=org_body(person))
    rsps.add(
        responses_lib.GET,
        f"{api_domain}/crm/v2/users",
        json=current_user_body(person),
        match=[responses_lib.matchers.query_param_matcher({"type": "CurrentUser"})],
    )
    url = f"{api_domain}/crm/v2/settings/profiles/{PROFILE_ID}"
    if person.mass_update_modules is None:
        rsps.add(responses_lib.GET, url, json=SCOPE_MISMATCH, status=401)
    else:
        rsps.add(responses_lib.GET, url, json=profile_body(person))
    admins = ZohoPerson(first_name="Ada", last_name="Admin", crm_user_id="4150868000000225001")
    rsps.add(
        responses_lib.GET,
        f"{api_domain}/crm/v2/users",
        json=current_user_body(admins),
        match=[
            responses_lib.matchers.query_param_matcher({"type": "AdminUsers"}, strict_match=False)
        ],
    )


def authorize_params(location: str) -> dict[str, str]:
    query = parse_qs(urlsplit(location).query, keep_blank_values=True)
    return {key: values[0] for key, values in query.items()}


def start_signin(client, *, next_url: str | None = None) -> dict[str, str]:
    """Press "Sign in with Zoho"; return the parameters of the authorize request."""
    data = {"next": next_url} if next_url else {}
    response = client.post("/oauth/login/zoho/", data)
    assert response.status_code == 302, response.content
    params = authorize_params(response["Location"])
    params["_url"] = response["Location"]
    return params


def callback(
    client, *, state: str, accounts_server: str, location: str, code: str = "1000.grant.code"
):
    """Zoho sends the browser back to us (GET with code, location, accounts-server, state)."""
    return client.get(
        "/oauth/complete/zoho/",
        {"code": code, "location": location, "accounts-server": accounts_server, "state": state},
    )


def form_body(call) -> dict[str, str]:
    """The form fields of a recorded request."""
    body = call.request.body or ""
    if isinstance(body, bytes):
        body = body.decode()
    return {key: values[0] for key, values in parse_qs(body).items()}


def save_person(
    person: ZohoPerson, *, accounts_server: str = US_ACCOUNTS, api_domain: str = US_API
):
    """A person who signed in earlier (saved the way a sign-in saves them); returns the user."""
    from crmupdate.accounts.services import SignIn, account_save_signin
    from crmupdate.zoho.types import Org, User, UserInfo

    signin = SignIn(
        uid=f"{person.org_id}:{person.zuid}",
        username=f"{person.email}/{person.org_id}",
        user_info=UserInfo.from_api(user_info_body(person)),
        org=Org.from_api(org_body(person)["org"][0]),
        crm_user=User.from_api(current_user_body(person)["users"][0]),
        accounts_server=accounts_server,
        api_domain=api_domain,
        data_centre="us" if accounts_server == US_ACCOUNTS else "eu",
        access_token=person.access_token,
        expires_in=3600,
        refresh_token=person.refresh_token,
        scope="",
    )
    user, _social, _new = account_save_signin(signin=signin, user=None, social=None)
    return user
