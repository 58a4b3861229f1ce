"""The simulator's answers have the shape of Zoho's own samples: every key of Zoho's sample
is present in ours with the same JSON type (anything goes where Zoho has null), and enums
use Zoho's values. Samples: tests/conformance/zoho_samples.json (from zoho-crm-api.md).
The samples are Zoho's v7 pages, so metadata is compared with the simulator's v7 answers (v2
names some things differently: crmupdate/zohosim/versions.py; Zoho's SDKs judge v2 and v8
in tests/sdk).

Every sample conforms as it is: the simulator has no deliberate difference in shape. Its
deliberate choices are about HTTP status codes where Zoho's sources disagree, and follow the
decisions table of zoho-crm-api.md (e.g. ALREADY_SCHEDULED is 400 as in the seed, not 202 as
on the v7 page; body validation errors are data[] entries under 200, as in the seed); the
mass-update tests in tests/zohosim check those.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from crmupdate.zohosim.models import SimRecord
from tests.conformance.samples import SAMPLES, shape_problems, values_at
from tests.fixtures_sim import SALES_OPS_EMAIL

API = "/zohosim/api/crm"

FIELD_DATA_TYPES = {
    "text",
    "textarea",
    "email",
    "phone",
    "picklist",
    "multiselectpicklist",
    "integer",
    "bigint",
    "double",
    "currency",
    "percent",
    "boolean",
    "datetime",
    "lookup",
    "ownerlookup",
    "website",
    "subform",
    "rollup_summary",
    "layout",
    "profileimage",
    "territories",
    "fileupload",
    "imageupload",
    "formula",
    "multiselectlookup",
    "date",
    "autonumber",
    "userlookup",
}


@pytest.fixture
def crm(sim, sim_token, client):
    token = sim_token(SALES_OPS_EMAIL)["access_token"]

    def call(method, path, body=None):
        return client.generic(
            method,
            f"{API}/{path}",
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Zoho-oauthtoken {token}",
        )

    return call


def conforms(name, ours):
    problems = shape_problems(SAMPLES[name], ours)
    assert not problems, f"{name} differs from Zoho's sample: {problems}"


def test_modules(crm):
    body = crm("GET", "v7/settings/modules").json()
    conforms("modules", body)
    assert set(values_at(body, "modules[].generated_type")) <= {
        "default",
        "custom",
        "linking",
        "subform",
        "web",
        "field_tracker",
    }
    assert set(values_at(body, "modules[].status")) <= {
        "visible",
        "user_hidden",
        "system_hidden",
        "scheduled_for_deletion",
    }
    assert set(values_at(body, "modules[].access_type")) == {"org_based"}


def test_custom_views(crm, sim):
    body = crm("GET", "v7/settings/custom_views?module=Leads").json()
    conforms("custom_views", body)
    assert set(values_at(body, "custom_views[].category")) <= {
        "public_views",
        "other_users_views",
        "shared_with_me",
        "created_by_me",
    }
    assert set(values_at(body, "custom_views[].system_name")) <= {"ALLVIEWS", "MYVIEWS", None}
    assert body["info"]["translation"] == SAMPLES["custom_views"]["info"]["translation"]


def test_fields(crm):
    body = crm("GET", "v7/settings/fields?module=Leads").json()
    conforms("fields", body)
    assert set(values_at(body, "fields[].json_type")) <= {
        "string",
        "integer",
        "double",
        "boolean",
        "jsonobject",
        "jsonarray",
    }
    assert set(values_at(body, "fields[].data_type")) <= FIELD_DATA_TYPES
    assert set(values_at(body, "fields[].profiles[].permission_type")) <= {
        "read_write",
        "read_only",
        "hidden",
    }
    assert set(values_at(body, "fields[].pick_list_values[].type")) <= {"used", "unused"}


def test_a_date_field_like_the_illustrative_closing_date(crm):
    fields = crm("GET", "v7/settings/fields?module=Deals").json()["fields"]
    (closing,) = [f for f in fields if f["api_name"] == "Closing_Date"]
    conforms("field_date", closing)


@pytest.mark.parametrize("module", ["Leads", "Contacts", "Accounts", "Deals", "Shipments"])
def test_every_module_has_25_fields_and_together_they_cover_every_data_type(crm, module):
    fields = crm("GET", f"v7/settings/fields?module={module}").json()["fields"]
    assert len(fields) >= 25
    if module == "Leads":
        assert {f["data_type"] for f in fields} == FIELD_DATA_TYPES


def test_users(crm):
    body = crm("GET", "v7/users?type=ActiveUsers").json()
    conforms("users", body)
    assert set(values_at(body, "users[].status")) <= {"active", "disabled", "deleted"}


def test_org(crm):
    body = crm("GET", "v7/org").json()
    conforms("org", body)
    assert body["org"][0]["type"] in {"production", "sandbox", "developer", "bigin"}


def test_records_v7(crm, sim):
    cvid = sim.view_id("Leads", "All Leads")
    fields = "Converted_Date_Time,Email,Last_Name,Record_Status__s,Converted__s"
    body = crm("GET", f"v7/Leads?cvid={cvid}&fields={fields}&per_page=50").json()
    conforms("records_v7", body)
    assert body["info"]["sort_order"] in {"asc", "desc"}


def test_records_v2(crm, sim):
    cvid = sim.view_id("Leads", "All Leads")
    body = crm("GET", f"v2/Leads?cvid={cvid}&fields=Owner,Last_Name,Email,Lead_Status").json()
    conforms("records_v2", body)
    assert set(body["info"]) == set(SAMPLES["records_v2"]["info"])  # v2 info has no more keys


def test_record_count(crm, sim):
    cvid = sim.view_id("Leads", "Trade-show leads")
    conforms("record_count", crm("GET", f"v2.1/Leads/actions/count?cvid={cvid}").json())


def test_mass_update_scheduled(crm, sim):
    cvid = sim.view_id("Leads", "Trade-show leads")
    body = crm(
        "POST", "v2/Leads/actions/mass_update", {"data": [{"Rating": "Active"}], "cvid": cvid}
    )
    conforms("mass_update_scheduled", body.json())


def test_mass_update_by_ids_with_one_bad_id(crm, sim):
    good = str(sim.records("Leads")[0].record_id)
    body = crm(
        "POST",
        "v2/Leads/actions/mass_update",
        {"data": [{"Rating": "Active"}], "ids": [good, "554023000000497021"]},
    ).json()
    conforms("mass_update_ids", body)
    assert [e["status"] for e in body["data"]] == ["success", "error"]


def test_mass_update_status_through_every_state(crm, sim, slow_jobs):
    cvid = sim.view_id("Leads", "Trade-show leads")
    submitted = crm(
        "POST", "v2/Leads/actions/mass_update", {"data": [{"Rating": "Active"}], "cvid": cvid}
    ).json()
    job_id = submitted["data"][0]["details"]["job_id"]

    def status():
        return crm("GET", f"v2/Leads/actions/mass_update?job_id={job_id}").json()

    scheduled = status()
    assert scheduled["data"][0]["Status"] == "SCHEDULED"
    conforms("mass_update_status_scheduled", scheduled)
    slow_jobs.start(job_id)
    running = status()
    assert running["data"][0]["Status"] == "RUNNING"
    conforms("mass_update_status_running", running)
    slow_jobs.finish(job_id)
    completed = status()
    assert completed["data"][0]["Status"] == "COMPLETED"
    conforms("mass_update_status_completed", completed)


def test_mass_update_status_failed_when_every_record_is_locked(crm, sim):
    view = sim.view("Shipments", "In transit")
    SimRecord.objects.filter(
        record_id__in=[r.record_id for r in sim.view_records("Shipments", "In transit")]
    ).update(locked=True)
    submitted = crm(
        "POST",
        "v2/Shipments/actions/mass_update",
        {"data": [{"Insured": True}], "cvid": view.zoho_id},
    ).json()
    job_id = submitted["data"][0]["details"]["job_id"]
    failed = crm("GET", f"v2/Shipments/actions/mass_update?job_id={job_id}").json()
    assert failed["data"][0]["Status"] == "FAILED"
    conforms("mass_update_status_failed", failed)


def test_token_exchange_refresh_and_user_info(client, sim, settings):
    redirect = "http://testserver/oauth/complete/zoho/"
    authorize = (
        "/zohosim/accounts/oauth/v2/auth?response_type=code&access_type=offline"
        f"&client_id={settings.ZOHO_CLIENT_ID}&redirect_uri={redirect}&state=s1"
        "&scope=ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,AaaServer.profile.READ"
    )
    chosen = client.post(authorize, {"user": SALES_OPS_EMAIL})
    code = parse_qs(urlsplit(chosen["Location"]).query)["code"][0]
    form = {"client_id": settings.ZOHO_CLIENT_ID, "client_secret": settings.ZOHO_CLIENT_SECRET}
    tokens = client.post(
        "/zohosim/accounts/oauth/v2/token",
        {**form, "grant_type": "authorization_code", "code": code, "redirect_uri": redirect},
    ).json()
    conforms("token_exchange", tokens)
    assert tokens["token_type"] == "Bearer"
    refreshed = client.post(
        "/zohosim/accounts/oauth/v2/token",
        {**form, "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
    ).json()
    conforms("token_refresh", refreshed)
    assert "refresh_token" not in refreshed
    info = client.get(
        "/zohosim/accounts/oauth/user/info",
        HTTP_AUTHORIZATION=f"Zoho-oauthtoken {refreshed['access_token']}",
    ).json()
    conforms("user_info", info)


def test_the_comparison_itself_catches_a_missing_key_and_a_wrong_type():
    sample = {"a": 1, "b": {"c": "x"}, "d": [{"api_name": "F", "e": True}], "n": None}
    assert (
        shape_problems(
            sample, {"a": 2, "b": {"c": "y"}, "d": [{"api_name": "F", "e": False}], "n": [1]}
        )
        == []
    )
    assert shape_problems(sample, {"a": "2", "b": {}, "d": [{"api_name": "F", "e": 1}]}) == [
        "$.a: Zoho has number, we have string ('2')",
        "$.b.c: missing",
        "$.d[0].e: Zoho has boolean, we have number (1)",
        "$.n: missing",
    ]
