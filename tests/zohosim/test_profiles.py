"""Profiles in the simulated CRM: Zoho's Get Profiles shapes, Mass Update per module in
`permissions_details`, and the scope Zoho requires to read them."""

from __future__ import annotations

from crmupdate.zoho.types import Profile
from tests.fixtures_sim import ADMIN_EMAIL, SALES_OPS_EMAIL, SALES_REP_EMAIL


def profile_of(crm_as, email):
    me = crm_as(email).get("users?type=CurrentUser").json()["users"][0]
    answer = crm_as(email).get(f"settings/profiles/{me['profile']['id']}")
    assert answer.status_code == 200
    (profile,) = answer.json()["profiles"]
    return profile


def test_the_list_names_every_profile_without_permissions(crm):
    profiles = crm.get("settings/profiles").json()["profiles"]
    assert [p["name"] for p in profiles] == ["Administrator", "Sales Operations", "Sales Rep"]
    assert all("permissions_details" not in p for p in profiles)
    assert [p["custom"] for p in profiles] == [False, True, True]


def test_one_profile_carries_its_permissions_per_module(crm_as):
    profile = profile_of(crm_as, SALES_REP_EMAIL)
    leads = {p["name"]: p for p in profile["permissions_details"] if p["module"] == "Leads"}
    assert leads["Crm_Implied_View_Leads"]["enabled"] is True
    mass_update = leads["Crm_Implied_Mass_Update_Leads"]
    assert (mass_update["display_label"], mass_update["enabled"]) == ("Mass Update", False)
    assert set(mass_update) == {"display_label", "module", "name", "id", "enabled"}


def test_what_the_app_reads_from_each_demo_profile(crm_as):
    admin = Profile.from_api(profile_of(crm_as, ADMIN_EMAIL))
    ops = Profile.from_api(profile_of(crm_as, SALES_OPS_EMAIL))
    rep = Profile.from_api(profile_of(crm_as, SALES_REP_EMAIL))
    assert admin.is_administrator and not ops.is_administrator and not rep.is_administrator
    assert {"Leads", "Deals", "Shipments"} <= set(admin.mass_update_modules)
    assert set(ops.mass_update_modules) == set(admin.mass_update_modules)
    assert rep.mass_update_modules == ()


def test_profiles_need_the_profiles_scope(crm_as):
    narrow = crm_as(SALES_REP_EMAIL, scopes=["ZohoCRM.users.READ", "ZohoCRM.modules.ALL"])
    answer = narrow.get("settings/profiles")
    assert answer.status_code == 401
    assert answer.json()["code"] == "OAUTH_SCOPE_MISMATCH"
    wide = crm_as(SALES_REP_EMAIL, scopes=["ZohoCRM.settings.profiles.READ"])
    assert wide.get("settings/profiles").status_code == 200


def test_an_unknown_profile_id_is_refused(crm):
    answer = crm.get("settings/profiles/738964000000099999")
    assert answer.status_code == 400
    assert answer.json()["code"] == "INVALID_DATA"
