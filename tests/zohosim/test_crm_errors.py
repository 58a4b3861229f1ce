"""Authentication, scopes, headers and bad input on the simulated CRM API: always Zoho's
error shape, never a Django error page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crmupdate.zohosim.models import SimAccessToken
from tests.zohosim.conftest import API

ERROR_KEYS = {"code", "details", "message", "status"}


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json;charset=utf-8"
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert (body["code"], body["status"]) == (code, "error")
    return body


def test_no_authorization_header_is_an_authentication_failure(client, sim):
    response = client.get(f"{API}/v2/settings/modules")
    assert assert_error(response, 401, "AUTHENTICATION_FAILURE")["message"] == (
        "Authentication failed"
    )


def test_a_bearer_header_is_not_accepted_by_the_crm_api(client, sim, sim_token):
    token = sim_token()["access_token"]
    response = client.get(f"{API}/v2/settings/modules", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_error(response, 401, "AUTHENTICATION_FAILURE")


def test_an_unknown_token_is_invalid(crm):
    body = assert_error(crm.get("org", token="1000.unknown.token"), 401, "INVALID_TOKEN")
    assert body == {
        "code": "INVALID_TOKEN",
        "details": {},
        "message": "invalid oauth token",
        "status": "error",
    }


def test_an_expired_token_is_invalid(crm):
    SimAccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(crm.get("org"), 401, "INVALID_TOKEN")


def test_a_missing_scope_is_a_scope_mismatch(crm_as, sim):
    crm = crm_as(scopes=["ZohoCRM.settings.ALL"])
    assert crm.get("settings/modules").status_code == 200
    assert_error(crm.get("org"), 401, "OAUTH_SCOPE_MISMATCH")
    assert_error(crm.get("Leads?fields=Last_Name"), 401, "OAUTH_SCOPE_MISMATCH")
    body = {"data": [{"Rating": "Active"}], "cvid": sim.view_id("Leads", "All Leads")}
    assert_error(crm.mass_update("Leads", body), 401, "OAUTH_SCOPE_MISMATCH")


def test_module_specific_scopes_are_honoured(crm_as, sim):
    crm = crm_as(scopes=["ZohoCRM.modules.leads.READ", "ZohoCRM.mass_update.Leads.UPDATE"])
    assert crm.get("Leads?fields=Last_Name").status_code == 200
    assert_error(crm.get("Deals?fields=Deal_Name"), 401, "OAUTH_SCOPE_MISMATCH")
    body = {"data": [{"Rating": "Active"}], "cvid": sim.view_id("Leads", "Trade-show leads")}
    assert crm.mass_update("Leads", body).json()["data"][0]["code"] == "SUCCESS"


def test_authenticated_answers_carry_zohos_headers(crm):
    response = crm.get("settings/modules")
    token = SimAccessToken.objects.get()
    assert response["Content-Type"] == "application/json;charset=utf-8"
    assert response["X-ACCESSTOKEN-RESET"] == token.expires_at.isoformat(timespec="seconds")
    assert response["Cache-Control"] == "no-store, no-cache, must-revalidate, private"
    assert response["Content-Disposition"] == "attachment; filename=response.json"


@pytest.mark.parametrize(
    "path",
    ["v2/Leads/actions/nothing", "v2/settings/nothing", "v9/Leads", "v1/Leads", "v2", "x"],
)
def test_unknown_urls_are_invalid_url_pattern(client, sim, path):
    assert_error(client.get(f"{API}/{path}"), 404, "INVALID_URL_PATTERN")


def test_the_api_root_and_other_paths_under_the_api_domain_are_zoho_errors(client, sim):
    assert_error(client.get("/zohosim/api"), 404, "INVALID_URL_PATTERN")
    assert_error(client.post("/zohosim/api/whatever"), 404, "INVALID_URL_PATTERN")


@pytest.mark.parametrize("method", ["DELETE", "PATCH", "COPY", "OPTIONS"])
def test_wrong_methods_are_invalid_request_method(crm, method):
    assert_error(crm(method, "Leads/actions/mass_update"), 400, "INVALID_REQUEST_METHOD")


def test_an_unknown_module_is_invalid_module(crm):
    body = assert_error(crm.get("Gadgets?fields=Name"), 400, "INVALID_MODULE")
    assert body["message"] == "the module name given seems to be invalid"
    assert_error(crm.get("settings/fields?module=Gadgets"), 400, "INVALID_MODULE")
    assert_error(crm.mass_update("Home", {"data": [{}], "cvid": "1"}), 400, "INVALID_MODULE")


def test_module_names_are_case_insensitive(crm):
    assert crm.get("leads?fields=Last_Name&per_page=1").status_code == 200


def test_a_missing_module_parameter_is_reported(crm):
    body = assert_error(crm.get("settings/custom_views"), 400, "REQUIRED_PARAM_MISSING")
    assert body["details"] == {"param_name": "module"}


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"text"', "", "\xff"])
def test_malformed_json_bodies_are_invalid_data(crm, raw):
    assert_error(crm("POST", "Leads/actions/mass_update", raw=raw), 400, "INVALID_DATA")
    assert_error(crm("PUT", "Leads", raw=raw), 400, "INVALID_DATA")


@pytest.mark.parametrize(
    "query", ["page=0", "page=abc", "per_page=201", "per_page=-1", "type=Everyone"]
)
def test_bad_query_parameters_are_invalid_data(crm, query):
    assert_error(crm.get(f"users?{query}"), 400, "INVALID_DATA")


def test_paths_work_with_and_without_a_trailing_slash_for_every_method(crm, sim):
    assert crm.get("org/").status_code == 200
    cvid = sim.view_id("Leads", "Trade-show leads")
    body = {"data": [{"Rating": "Active"}], "cvid": cvid}
    assert crm("POST", "Leads/actions/mass_update/", body).status_code == 200
    record = sim.records("Leads")[0]
    update = {"data": [{"id": str(record.record_id), "Rating": "Active"}]}
    assert crm("PUT", "Leads/", update).status_code == 200


def test_an_unexpected_failure_is_a_zoho_internal_error(crm, monkeypatch):
    from crmupdate.zohosim import crm_meta_views

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(crm_meta_views, "org_json", explode)
    body = assert_error(crm.get("org"), 500, "INTERNAL_ERROR")
    assert body["message"] == "Internal Server Error"


def test_every_crm_call_is_recorded(crm, api_calls, sim):
    crm.get("users?type=CurrentUser")
    crm.get("nothing/here/at/all")
    first, second = api_calls(host="crm")
    assert (first.method, first.path, first.query, first.status) == (
        "GET",
        "/crm/v2/users",
        "type=CurrentUser",
        200,
    )
    assert first.org == sim.org
    assert first.user.email == "sam.ops@zylker.example"
    assert (second.status, second.response_code) == (404, "INVALID_URL_PATTERN")
