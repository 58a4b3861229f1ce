"""Each API version in its own shape (crmupdate/zohosim/versions.py), and the subform module
behind the Leads field `Visits`. Zoho's SDKs judge the same answers in tests/sdk."""

from __future__ import annotations


def fields_of(crm, module, version):
    body = crm.get(f"settings/fields?module={module}", version=version).json()
    return {f["api_name"]: f for f in body["fields"]}


def test_v2_names_a_lookups_module_by_its_api_name_and_v8_by_an_object(crm, sim):
    assert fields_of(crm, "Leads", "v2")["Referred_By"]["lookup"]["module"] == "Contacts"
    v8 = fields_of(crm, "Leads", "v8")["Referred_By"]["lookup"]["module"]
    assert v8 == {"api_name": "Contacts", "id": sim.module("Contacts").zoho_id}
    assert fields_of(crm, "Leads", "v2.1")["Referred_By"]["lookup"]["module"]["api_name"] == (
        "Contacts"
    )


def test_a_user_lookups_module_has_no_id(crm):
    assert fields_of(crm, "Leads", "v8")["Account_Manager"]["lookup"]["module"] == {
        "api_name": "users",
        "id": None,
    }
    assert fields_of(crm, "Leads", "v2")["Account_Manager"]["lookup"]["module"] == "users"


def test_v2_leaves_out_field_types_it_did_not_know(crm):
    v2, v8 = fields_of(crm, "Leads", "v2"), fields_of(crm, "Leads", "v8")
    assert v8["Total_Visit_Value"]["data_type"] == "rollup_summary"
    assert v8["Territories"]["data_type"] == "territories"
    assert set(v8) - set(v2) == {"Total_Visit_Value", "Territories"}
    field_id = v8["Territories"]["id"]
    assert crm.get(f"settings/fields/{field_id}?module=Leads").status_code == 204
    assert crm.get(f"settings/fields/{field_id}?module=Leads", version="v8").status_code == 200


def test_custom_views_name_their_module_from_v2_1_only(crm, sim):
    (v2,) = [
        v
        for v in crm.get("settings/custom_views?module=Leads").json()["custom_views"]
        if v["name"] == "All Leads"
    ]
    assert "module" not in v2 and "access_type" not in v2
    v8 = crm.get("settings/custom_views?module=Leads", version="v8").json()["custom_views"][0]
    assert v8["module"] == {"api_name": "Leads", "id": sim.module("Leads").zoho_id}


def test_a_views_fields_are_names_in_v2_and_objects_later(crm, sim):
    view_id = sim.view_id("Leads", "Trade-show leads")
    path = f"settings/custom_views/{view_id}?module=Leads"
    (v2,) = crm.get(path).json()["custom_views"]
    (v8,) = crm.get(path, version="v8").json()["custom_views"]
    assert v2["fields"] == [f["api_name"] for f in v8["fields"]]
    assert all(isinstance(name, str) for name in v2["fields"])


def test_v8_capitalises_the_org_type(crm):
    assert crm.get("org").json()["org"][0]["type"] == "production"
    assert crm.get("org", version="v8").json()["org"][0]["type"] == "Production"


def test_the_subform_module_is_listed_and_described(crm, sim):
    modules = {m["api_name"]: m for m in crm.get("settings/modules").json()["modules"]}
    assert modules["Visits"]["generated_type"] == "subform"
    assert fields_of(crm, "Leads", "v2")["Visits"]["subform"]["module"] == "Visits"
    visits = fields_of(crm, "Visits", "v2")
    assert visits["Parent_Id"]["lookup"]["module"] == "Leads"
    assert visits["Visit_Date"]["data_type"] == "date"
    detail = crm.get("settings/modules/Visits").json()["modules"][0]
    assert detail["generated_type"] == "subform"


def test_a_subform_modules_rows_are_not_reachable_on_their_own(crm):
    for path in ("Visits?fields=Purpose", "settings/custom_views?module=Visits"):
        answer = crm.get(path)
        assert answer.status_code == 400
        assert answer.json()["code"] == "INVALID_MODULE"
