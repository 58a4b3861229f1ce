"""The seed replayed: each of its eight recorded requests, sent to the simulator exactly as
recorded (method, path, body), gets the seed's HTTP status and JSON body (job ids aside)."""

from __future__ import annotations

import copy
import re

import pytest

from tests.conformance.samples import SEED
from tests.fixtures_sim import ADMIN_EMAIL, SEED_CVID

API = "/zohosim/api"


def send(client, seed, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Zoho-oauthtoken {token}"} if token else {}
    return client.generic(
        seed["method"],
        API + seed["path"],
        seed["request_body"],
        content_type="application/json",
        **headers,
    )


def job_ids_aside(body):
    body = copy.deepcopy(body)
    for entry in body.get("data", []):
        if "job_id" in entry.get("details", {}):
            entry["details"]["job_id"] = "<job id>"
    return body


@pytest.fixture
def token(sim, sim_token):
    return sim_token(ADMIN_EMAIL)["access_token"]


def test_the_seed_uses_zylkers_all_leads_view(sim):
    assert sim.view("Leads", "All Leads").zoho_id == SEED_CVID
    assert f'"cvid": "{SEED_CVID}"' in SEED["SUCCESS RESPONSE"]["request_body"]


@pytest.mark.parametrize(
    "name",
    [
        "SUCCESS RESPONSE",
        "INVALID_DATA (cvid)",
        "INVALID_DATA (field)",
        "INVALID_DATA (no field)",
        "MANDATORY_NOT_FOUND",
        "INVALID_REQUEST_METHOD",
    ],
)
def test_each_recorded_request_gets_the_recorded_answer(name, client, token):
    seed = SEED[name]
    response = send(client, seed, token)
    assert response.status_code == seed["status"]
    assert job_ids_aside(response.json()) == job_ids_aside(seed["body"])
    assert response["Content-Type"] == seed["headers"]["Content-Type"]


def test_the_success_answer_carries_a_zoho_style_job_id_and_token_expiry(client, token, sim):
    response = send(client, SEED["SUCCESS RESPONSE"], token)
    job_id = response.json()["data"][0]["details"]["job_id"]
    assert re.fullmatch(r"738964\d{12}", job_id)
    # Same format as the seed's header, e.g. 2021-05-12T07:56:48+00:00.
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", response["X-ACCESSTOKEN-RESET"]
    )


def test_already_scheduled_while_a_job_runs_on_that_cvid(client, token, slow_jobs):
    first = send(client, SEED["SUCCESS RESPONSE"], token)
    assert first.status_code == 200
    seed = SEED["ALREADY_SCHEDULED"]
    response = send(client, seed, token)
    assert response.status_code == seed["status"] == 400
    assert response.json() == seed["body"]


def test_authentication_failure_without_a_valid_token(client, sim):
    seed = SEED["AUTHENTICATION_FAILURE"]
    response = send(client, seed, token=None)
    assert response.status_code == seed["status"] == 401
    assert response.json() == seed["body"]
    assert "X-ACCESSTOKEN-RESET" not in response


def test_the_replay_reached_the_simulator_as_recorded(client, token, api_calls):
    seed = SEED["INVALID_DATA (field)"]
    send(client, seed, token)
    (call,) = api_calls(path_contains="mass_update")
    assert (call.method, call.path, call.body) == (
        "POST",
        "/crm/v2/Leads/actions/mass_update",
        seed["request_body"],
    )
    assert call.status == 200
    assert call.response_code == "INVALID_DATA"
