"""Modules, custom views, fields, users and org from the simulated CRM."""

from __future__ import annotations

from tests.fixtures_sim import ADMIN_EMAIL, SALES_REP_EMAIL


def test_modules_list_the_demo_modules_and_non_api_ones(crm):
    modules = {m["api_name"]: m for m in crm.get("settings/modules").json()["modules"]}
    assert {"Leads", "Contacts", "Accounts", "Deals", "Shipments", "Home"} <= set(modules)
    assert modules["Shipments"]["generated_type"] == "custom"
    assert modules["Home"]["api_supported"] is False
    assert "filter_supported" in modules["Leads"]  # v2-era key
    v6 = {m["api_name"]: m for m in crm.get("settings/modules", version="v6").json()["modules"]}
    assert "filter_supported" not in v6["Leads"]  # dropped in v6
    assert crm.get("settings/modules/Deals").json()["modules"][0]["api_name"] == "Deals"


def test_custom_view_categories_depend_on_who_asks(crm_as, sim):
    def categories(email):
        body = crm_as(email).get("settings/custom_views?module=Leads").json()
        return {v["name"]: v["category"] for v in body["custom_views"]}, body["info"]

    sams, info = categories("sam.ops@zylker.example")
    assert sams["All Leads"] == "public_views"
    assert sams["Trade-show leads"] == "created_by_me"
    assert "Rita's hot leads" not in sams  # private to Rita
    assert info["default"] == sim.view_id("Leads", "All Leads")
    assert categories(SALES_REP_EMAIL)[0]["Rita's hot leads"] == "created_by_me"
    assert categories(SALES_REP_EMAIL)[0]["Trade-show leads"] == "public_views"
    assert categories(ADMIN_EMAIL)[0]["Rita's hot leads"] == "other_users_views"
    contacts = crm_as(SALES_REP_EMAIL).get("settings/custom_views?module=Contacts").json()
    shared = {v["name"]: v["category"] for v in contacts["custom_views"]}
    assert shared["VIP customers"] == "shared_with_me"


def test_one_custom_view_with_its_criteria(crm, sim):
    view_id = sim.view_id("Leads", "Trade-show leads")
    body = crm.get(f"settings/custom_views/{view_id}?module=Leads").json()
    (view,) = body["custom_views"]
    assert view["criteria"]["comparator"] == "equal"
    assert view["criteria"]["field"] == "Lead_Source"  # v2: the API name (v2.1+: an object)
    assert view["criteria"]["value"] == "Trade Show"
    v8 = crm.get(f"settings/custom_views/{view_id}?module=Leads", version="v8").json()
    assert v8["custom_views"][0]["criteria"]["field"]["api_name"] == "Lead_Source"
    assert crm.get("settings/custom_views/1?module=Leads").status_code == 204


def test_custom_views_page(crm):
    first = crm.get("settings/custom_views?module=Leads&per_page=3").json()
    assert len(first["custom_views"]) == 3 and first["info"]["more_records"] is True


def test_fields_carry_zohos_flags_and_picklist_values(crm):
    fields = {f["api_name"]: f for f in crm.get("settings/fields?module=Leads").json()["fields"]}
    employees = fields["No_of_Employees"]
    assert (employees["data_type"], employees["json_type"], employees["mass_update"]) == (
        "integer",
        "integer",
        True,
    )
    assert fields["Email"]["mass_update"] is False
    assert fields["Owner"]["mass_update"] is False
    assert fields["Description"]["mass_update"] is False
    assert fields["Expected_Value"]["read_only"] is True
    region = {p["display_value"]: p["actual_value"] for p in fields["Region"]["pick_list_values"]}
    assert region["Houston"] == "Houston Showroom"
    assert region["-None-"] == "-None-"
    interests = fields["Interests"]
    assert interests["data_type"] == "multiselectpicklist" and interests["mass_update"] is True
    assert fields["Referred_By"]["lookup"]["module"] == "Contacts"  # v2 shape (test_versions)
    one = crm.get(f"settings/fields/{employees['id']}?module=Leads").json()["fields"][0]
    assert one["api_name"] == "No_of_Employees"


def test_deals_allow_three_fields_per_mass_update_and_have_a_mandatory_closing_date(crm):
    fields = {f["api_name"]: f for f in crm.get("settings/fields?module=Deals").json()["fields"]}
    assert fields["Closing_Date"]["data_type"] == "date"
    assert fields["Closing_Date"]["system_mandatory"] is True


def test_users_by_type(crm):
    def emails(kind):
        return [u["email"] for u in crm.get(f"users?type={kind}").json()["users"]]

    assert emails("ActiveUsers") == [
        ADMIN_EMAIL,
        "sam.ops@zylker.example",
        SALES_REP_EMAIL,
    ]
    assert emails("AllUsers")[-1] == "derek.former@zylker.example"
    assert emails("DeactiveUsers") == ["derek.former@zylker.example"]
    assert emails("AdminUsers") == [ADMIN_EMAIL]
    assert emails("CurrentUser") == ["sam.ops@zylker.example"]
    me = crm.get("users?type=CurrentUser").json()["users"][0]
    assert me["profile"]["name"] == "Sales Operations"
    assert crm.get(f"users/{me['id']}").json()["users"][0]["email"] == "sam.ops@zylker.example"
    assert crm.get("users?type=NotConfirmedUsers").status_code == 204


def test_org_details(crm_as):
    zylker = crm_as().get("org").json()["org"][0]
    assert zylker["company_name"] == "Zylker Traders"
    assert zylker["id"] == "738964000000020005"
    assert zylker["license_details"]["paid_type"] == "enterprise"
    globex = crm_as("gary.globex@globex.example").get("org").json()["org"][0]
    assert globex["company_name"] == "Globex Corporation"
    assert globex["id"] != zylker["id"]
