"""The client reads both shapes Zoho uses for the same facts: v2 names a lookup's module (and
a view criterion's field) by its API name, v2.1 and later by an object; v8 capitalises the
org type; a profile or role may come as a bare name. Real accounts differ by version and
data centre, so parsing must not depend on one shape."""

from __future__ import annotations

import pytest

from crmupdate.zoho.client import ZohoClient
from crmupdate.zoho.types import CustomView, Field, Org, PicklistValue, User
from tests.fixtures_sim import SALES_OPS_EMAIL

LOOKUP_V2 = {"api_name": "Referred_By", "data_type": "lookup", "lookup": {"module": "Contacts"}}
LOOKUP_V8 = {
    "api_name": "Referred_By",
    "data_type": "lookup",
    "lookup": {"module": {"api_name": "Contacts", "id": "738964000000002176"}},
}


@pytest.mark.parametrize("meta", [LOOKUP_V2, LOOKUP_V8], ids=["v2", "v8"])
def test_a_lookups_module_is_read_from_either_shape(meta):
    assert Field.from_api(meta).lookup_module == "Contacts"


def test_a_subform_names_its_module_and_other_fields_name_none():
    subform = Field.from_api({"api_name": "Visits", "subform": {"module": "Visits", "id": "1"}})
    assert (subform.subform_module, subform.lookup_module) == ("Visits", "")
    plain = Field.from_api({"api_name": "Company", "lookup": {}, "subform": None})
    assert (plain.lookup_module, plain.subform_module) == ("", "")


def test_picklist_values_may_be_bare_strings():
    field = Field.from_api(
        {"api_name": "Rating", "pick_list_values": ["Hot", {"actual_value": "Cold"}, 3]}
    )
    assert field.pick_list_values == [
        PicklistValue(actual_value="Hot", display_value="Hot"),
        PicklistValue(actual_value="Cold", display_value="Cold"),
    ]


@pytest.mark.parametrize("sent", [True, None, "Hot", {"actual_value": "Hot"}])
def test_picklist_values_that_are_no_list_are_none(sent):
    # Found by tests/production/test_fuzz_forms.py: `"pick_list_values": true`.
    assert Field.from_api({"api_name": "Rating", "pick_list_values": sent}).pick_list_values == []


def test_a_views_module_is_read_from_either_shape_or_missing():
    assert (
        CustomView.from_api({"id": "1", "module": {"api_name": "Leads", "id": "2"}}).module
        == "Leads"
    )
    assert CustomView.from_api({"id": "1", "module": "Leads"}).module == "Leads"
    assert CustomView.from_api({"id": "1"}).module == ""


def test_a_profile_or_role_given_as_a_bare_name_is_kept():
    user = User.from_api({"id": "1", "profile": "Administrator", "role": "CEO"})
    assert (user.profile_name, user.profile_id, user.role_name) == ("Administrator", "", "CEO")
    nested = User.from_api({"id": "1", "profile": {"name": "Standard", "id": "7"}, "role": None})
    assert (nested.profile_name, nested.profile_id, nested.role_name) == ("Standard", "7", "")


@pytest.mark.parametrize("sent", ["production", "Production"])
def test_the_org_type_is_read_whatever_its_case(sent):
    assert Org.from_api({"id": "1", "type": sent, "license_details": None}).type == "production"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("version", ["v2", "v8"])
def test_the_client_reads_the_practice_crm_in_each_version(version, sim, sim_token, live_server):
    tokens = sim_token(SALES_OPS_EMAIL, live_server.url)
    zoho = ZohoClient(
        api_domain=tokens["api_domain"], access_token=tokens["access_token"], api_version=version
    )
    fields = {f.api_name: f for f in zoho.list_fields("Leads")}
    assert fields["Referred_By"].lookup_module == "Contacts"
    assert fields["Visits"].subform_module == "Visits"
    assert {f.api_name for f in zoho.list_fields("Visits")} >= {"Parent_Id", "Visit_Date"}
    views = zoho.list_custom_views("Leads").views
    assert {v.module for v in views} == ({""} if version == "v2" else {"Leads"})
    assert zoho.get_org().type == "production"
    assert zoho.current_user().profile_name == "Sales Operations"
