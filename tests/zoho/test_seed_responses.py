"""The client against each of the eight answers Zoho's live v2 API gave (the project seed)."""

import json

import pytest

from crmupdate.zoho.errors import ErrorCategory, ZohoError
from crmupdate.zoho.transport import RetryPolicy, Transport
from crmupdate.zoho.types import MassUpdateScheduled

from . import seed_responses as seed
from .conftest import CRM, TOKEN

URL = f"{CRM}/Leads/actions/mass_update"
VIEW = "738964000000091563"


def _answer(mocked, recorded: seed.SeedResponse) -> None:
    mocked.add(
        recorded.method,
        URL,
        body=recorded.body,
        status=recorded.status,
        content_type="application/json;charset=utf-8",
    )


def test_it_sends_the_seed_request_body_compactly_with_zohos_auth_header(zoho, mocked):
    _answer(mocked, seed.SUCCESS)

    zoho.mass_update("Leads", data={"No_of_Employees": 1000}, cvid=VIEW)

    sent = mocked.calls[0].request
    assert sent.body == b'{"data":[{"No_of_Employees":1000}],"cvid":"738964000000091563"}'
    assert json.loads(sent.body) == json.loads(seed.SUCCESS.request_body)
    assert sent.headers["Authorization"] == f"Zoho-oauthtoken {TOKEN}"
    assert sent.headers["Content-Type"] == "application/json"


def test_it_returns_the_scheduled_job_id(zoho, mocked):
    _answer(mocked, seed.SUCCESS)

    result = zoho.mass_update("Leads", data={"No_of_Employees": 1000}, cvid=VIEW)

    assert result == MassUpdateScheduled(
        job_id="738964000002152104", message="mass update scheduled successfully"
    )


@pytest.mark.parametrize(
    ("recorded", "data", "cvid", "code", "message", "details"),
    [
        (
            seed.INVALID_DATA_CVID,
            {"No_of_Employees": 1000},
            "73896400000009156",
            "INVALID_DATA",
            "the cvid given seems to be invalid",
            {"api_name": "cvid"},
        ),
        (
            seed.INVALID_DATA_FIELD,
            {"No_of_Employees1": 1000},
            VIEW,
            "INVALID_DATA",
            "This field cannot be updated in the Mass Update",
            {"api_name": "No_of_Employees1"},
        ),
        (seed.INVALID_DATA_NO_FIELD, {}, VIEW, "INVALID_DATA", "No field found", {}),
        # The seed's request left cvid out; the client refuses to, so the answer is replayed.
        (
            seed.MANDATORY_NOT_FOUND,
            {"No_of_Employees": 1000},
            VIEW,
            "MANDATORY_NOT_FOUND",
            "required field not found",
            {},
        ),
    ],
    ids=lambda v: v.name if isinstance(v, seed.SeedResponse) else None,
)
def test_it_raises_a_data_entry_error_under_http_200_as_permanent(
    zoho, mocked, recorded, data, cvid, code, message, details
):
    _answer(mocked, recorded)

    with pytest.raises(ZohoError) as caught:
        zoho.mass_update("Leads", data=data, cvid=cvid)

    error = caught.value
    assert (error.code, error.message, error.details) == (code, message, details)
    assert error.http_status == 200
    assert error.category == ErrorCategory.PERMANENT
    assert not error.retryable
    if recorded is not seed.MANDATORY_NOT_FOUND:
        assert json.loads(mocked.calls[0].request.body) == json.loads(recorded.request_body)


def test_already_scheduled_is_a_400_the_caller_may_try_later(zoho, mocked):
    _answer(mocked, seed.ALREADY_SCHEDULED)

    with pytest.raises(ZohoError) as caught:
        zoho.mass_update("Leads", data={"No_of_Employees": 1000}, cvid=VIEW)

    error = caught.value
    assert error.code == "ALREADY_SCHEDULED"
    assert error.message == "Already an Mass Action scheduler is runing for the given cvid"
    assert error.details == {"api_name": "cvid"}
    assert error.http_status == 400
    assert error.category == ErrorCategory.TRANSIENT
    assert error.retryable
    assert len(mocked.calls) == 1  # a write: never re-sent by the client itself


def test_invalid_request_method_is_a_permanent_400(mocked, sleeps):
    _answer(mocked, seed.INVALID_REQUEST_METHOD)
    transport = Transport(sleep=sleeps)

    with pytest.raises(ZohoError) as caught:
        transport.request(
            "COPY", URL, policy=RetryPolicy.WRITE, json_body=json.loads(seed.SUCCESS.request_body)
        )

    error = caught.value
    assert error.code == "INVALID_REQUEST_METHOD"
    assert error.message == "The http request method type is not a valid one"
    assert error.http_status == 400
    assert error.category == ErrorCategory.PERMANENT


def test_authentication_failure_asks_for_a_fresh_token(zoho, mocked):
    _answer(mocked, seed.AUTHENTICATION_FAILURE)

    with pytest.raises(ZohoError) as caught:
        zoho.mass_update("Leads", data={"No_of_Employees": 1000}, cvid=VIEW)

    error = caught.value
    assert (error.code, error.message, error.http_status) == (
        "AUTHENTICATION_FAILURE",
        "Authentication failed",
        401,
    )
    assert error.category == ErrorCategory.AUTH
    assert not error.retryable
