"""Every way a Zoho call can fail becomes one ZohoError with a category the caller acts on."""

import logging

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from crmupdate.zoho.errors import ErrorCategory, ZohoError

from .conftest import CRM, TOKEN

RECORDS = f"{CRM}/Leads"
MASS_UPDATE = f"{CRM}/Leads/actions/mass_update"
FIELDS = ["Last_Name", "No_of_Employees"]
SCHEDULED = {
    "data": [
        {
            "code": "SUCCESS",
            "details": {"job_id": "1"},
            "message": "mass update scheduled successfully",
            "status": "success",
        }
    ]
}


def _refused() -> requests.exceptions.ConnectionError:
    # What requests raises when nothing listens on the port (checked on this stack).
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111]")
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/crm/v2/Leads", reason))


def _get_records(zoho):
    return zoho.get_records("Leads", cvid="111", fields=FIELDS)


def _mass_update(zoho):
    return zoho.mass_update("Leads", data={"No_of_Employees": 1000}, cvid="111")


@pytest.mark.parametrize(
    ("status", "body", "code", "category"),
    [
        (
            401,
            {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token"},
            "INVALID_TOKEN",
            ErrorCategory.AUTH,
        ),
        (401, {"code": "INVALID_OAUTHTOKEN", "details": {}}, "INVALID_OAUTHTOKEN", "auth"),
        (
            429,
            {"code": "TOO_MANY_REQUESTS", "details": {}, "message": "too many requests"},
            "TOO_MANY_REQUESTS",
            ErrorCategory.RATE_LIMITED,
        ),
        (429, None, "MALFORMED_RESPONSE", ErrorCategory.RATE_LIMITED),
        (
            403,
            {"code": "NO_PERMISSION", "details": {}, "message": "permission denied"},
            "NO_PERMISSION",
            ErrorCategory.PERMANENT,
        ),
        (
            400,
            {"code": "INVALID_MODULE", "details": {}, "message": "the module name given..."},
            "INVALID_MODULE",
            ErrorCategory.PERMANENT,
        ),
        (
            404,
            {"code": "NOT_FOUND", "details": {}, "message": "Empty response"},
            "NOT_FOUND",
            ErrorCategory.PERMANENT,
        ),
    ],
)
def test_top_level_errors_map_to_their_category(zoho, mocked, status, body, code, category):
    mocked.get(RECORDS, json=body, status=status) if body else mocked.get(RECORDS, status=status)

    with pytest.raises(ZohoError) as caught:
        _get_records(zoho)

    assert caught.value.code == code
    assert caught.value.category == category
    assert caught.value.http_status == status
    assert caught.value.message
    assert len(mocked.calls) == 1  # none of these is retried


def test_scope_mismatch_is_permanent_and_says_to_sign_in_again(zoho, mocked):
    mocked.get(
        RECORDS,
        status=401,
        json={"code": "OAUTH_SCOPE_MISMATCH", "details": {}, "message": "Unauthorized"},
    )

    with pytest.raises(ZohoError) as caught:
        _get_records(zoho)

    assert caught.value.category == ErrorCategory.PERMANENT
    assert caught.value.message.startswith("Unauthorized")
    assert "sign in with Zoho again" in caught.value.message


def test_internal_error_is_transient_and_a_read_is_retried(zoho, mocked, sleeps):
    mocked.get(RECORDS, status=500, json={"code": "INTERNAL_ERROR", "details": {}})

    with pytest.raises(ZohoError) as caught:
        _get_records(zoho)

    assert caught.value.code == "INTERNAL_ERROR"
    assert caught.value.category == ErrorCategory.TRANSIENT
    assert len(mocked.calls) == 3
    assert sleeps.calls == [0.5, 1.0]


def test_a_read_is_retried_after_502_and_returns_the_later_answer(zoho, mocked, sleeps):
    mocked.get(RECORDS, status=502, body="<html><body>Bad Gateway</body></html>")
    mocked.get(RECORDS, json={"data": [{"id": "9"}], "info": {"more_records": False}})

    page = _get_records(zoho)

    assert [r["id"] for r in page.records] == ["9"]
    assert len(mocked.calls) == 2
    assert sleeps.calls == [0.5]


def test_a_read_is_retried_after_a_timeout(zoho, mocked, sleeps):
    mocked.get(RECORDS, body=requests.exceptions.ReadTimeout())
    mocked.get(RECORDS, json={"data": [{"id": "9"}], "info": {}})

    assert [r["id"] for r in _get_records(zoho).records] == ["9"]
    assert len(mocked.calls) == 2


def test_a_mass_update_is_not_resent_after_a_read_timeout(zoho, mocked, sleeps):
    mocked.post(MASS_UPDATE, body=requests.exceptions.ReadTimeout())
    mocked.post(MASS_UPDATE, json=SCHEDULED)

    with pytest.raises(ZohoError) as caught:
        _mass_update(zoho)

    error = caught.value
    assert error.code == "TIMEOUT"
    assert error.message == "Zoho did not answer within 30 seconds."
    assert error.category == ErrorCategory.TRANSIENT
    assert error.sent is True  # it may have been scheduled: the caller must check, not resend
    assert error.http_status is None
    assert len(mocked.calls) == 1
    assert sleeps.calls == []


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_mass_update_is_not_resent_after_a_server_error(zoho, mocked, status):
    mocked.post(MASS_UPDATE, status=status, json={"code": "INTERNAL_ERROR", "details": {}})
    mocked.post(MASS_UPDATE, json=SCHEDULED)

    with pytest.raises(ZohoError) as caught:
        _mass_update(zoho)

    assert caught.value.category == ErrorCategory.TRANSIENT
    assert len(mocked.calls) == 1


def test_a_mass_update_is_not_resent_after_the_connection_broke_mid_request(zoho, mocked):
    broken = requests.exceptions.ConnectionError(
        ProtocolError("Connection aborted.", ConnectionResetError(104, "reset"))
    )
    mocked.post(MASS_UPDATE, body=broken)
    mocked.post(MASS_UPDATE, json=SCHEDULED)

    with pytest.raises(ZohoError) as caught:
        _mass_update(zoho)

    assert caught.value.code == "NETWORK_ERROR"
    assert caught.value.sent is True
    assert "broke before its answer arrived" in caught.value.message
    assert len(mocked.calls) == 1


def test_a_mass_update_that_never_left_is_tried_again(zoho, mocked, sleeps):
    mocked.post(MASS_UPDATE, body=_refused())
    mocked.post(MASS_UPDATE, json=SCHEDULED)

    assert _mass_update(zoho).job_id == "1"
    assert len(mocked.calls) == 2
    assert sleeps.calls == [0.5]


def test_a_refused_connection_is_a_network_error_nothing_was_sent(zoho, mocked, sleeps):
    mocked.get(RECORDS, body=_refused())

    with pytest.raises(ZohoError) as caught:
        _get_records(zoho)

    error = caught.value
    assert error.code == "NETWORK_ERROR"
    assert error.sent is False
    assert error.category == ErrorCategory.TRANSIENT
    assert error.message == (
        "Could not connect to Zoho (www.zohoapis.com): the connection was refused or failed."
    )
    assert len(mocked.calls) == 3


def test_a_connect_timeout_says_nothing_was_sent(zoho, mocked):
    mocked.post(MASS_UPDATE, body=requests.exceptions.ConnectTimeout())
    mocked.post(MASS_UPDATE, body=requests.exceptions.ConnectTimeout())
    mocked.post(MASS_UPDATE, body=requests.exceptions.ConnectTimeout())

    with pytest.raises(ZohoError) as caught:
        _mass_update(zoho)

    assert caught.value.code == "TIMEOUT"
    assert caught.value.sent is False
    assert caught.value.message == "Could not connect to Zoho (www.zohoapis.com) within 30 seconds."
    assert len(mocked.calls) == 3  # never sent, so safe to try again, but not forever


@pytest.mark.parametrize(
    "body",
    ['{"data": [', "<html>Service Unavailable</html>", '["not", "an", "object"]', '"text"'],
)
def test_an_unreadable_success_is_a_transient_malformed_response(zoho, mocked, body):
    mocked.get(RECORDS, body=body, status=200, content_type="application/json")

    with pytest.raises(ZohoError) as caught:
        _get_records(zoho)

    assert caught.value.code == "MALFORMED_RESPONSE"
    assert caught.value.category == ErrorCategory.TRANSIENT
    assert caught.value.http_status == 200
    assert caught.value.message == "Zoho sent an answer that could not be read (HTTP 200)."


def test_an_empty_200_is_malformed_but_204_is_an_empty_result(zoho, mocked):
    mocked.get(RECORDS, status=204)
    page = _get_records(zoho)
    assert (page.records, page.more_records) == ([], False)

    mocked.replace("GET", RECORDS, body="", status=200)
    with pytest.raises(ZohoError) as caught:
        _get_records(zoho)
    assert caught.value.code == "MALFORMED_RESPONSE"


def test_an_html_error_page_keeps_the_category_of_its_status(zoho, mocked):
    mocked.get(RECORDS, status=404, body="<html>Not Found</html>", content_type="text/html")

    with pytest.raises(ZohoError) as caught:
        _get_records(zoho)

    assert caught.value.code == "MALFORMED_RESPONSE"
    assert caught.value.category == ErrorCategory.PERMANENT
    assert caught.value.message == "Zoho answered HTTP 404 without an error description."


def test_a_redirect_is_not_followed(zoho, mocked):
    mocked.get(RECORDS, status=302, headers={"Location": "https://evil.example/steal"})

    with pytest.raises(ZohoError) as caught:
        _get_records(zoho)

    assert caught.value.code == "MALFORMED_RESPONSE"
    assert caught.value.category == ErrorCategory.PERMANENT
    assert [c.request.url.split("?")[0] for c in mocked.calls] == [RECORDS]


def test_a_top_level_error_under_http_200_is_still_an_error(zoho, mocked):
    mocked.get(
        RECORDS,
        json={
            "code": "INVALID_TOKEN",
            "details": {},
            "message": "invalid oauth token",
            "status": "error",
        },
    )

    with pytest.raises(ZohoError) as caught:
        _get_records(zoho)

    assert caught.value.category == ErrorCategory.AUTH


def test_every_call_carries_zohos_auth_header(zoho, mocked):
    mocked.get(f"{CRM}/settings/modules", json={"modules": []})
    mocked.get(f"{CRM}/org", json={"org": [{"id": "1"}]})
    mocked.post(MASS_UPDATE, json=SCHEDULED)

    zoho.list_modules()
    zoho.get_org()
    _mass_update(zoho)

    assert [c.request.headers["Authorization"] for c in mocked.calls] == [
        f"Zoho-oauthtoken {TOKEN}"
    ] * 3


def test_each_call_is_logged_once_without_query_values_or_token(zoho, mocked, caplog):
    mocked.get(RECORDS, status=502, body="")
    mocked.get(RECORDS, json={"data": [], "info": {}})

    with caplog.at_level(logging.INFO, logger="crmupdate.zoho"):
        _get_records(zoho)

    lines = [r.getMessage() for r in caplog.records if r.name == "crmupdate.zoho"]
    assert len(lines) == 2  # one per HTTP call, the failed attempt included
    assert lines[0].startswith("zoho GET www.zohoapis.com/crm/v2/Leads params=")
    assert "status=502 code=MALFORMED_RESPONSE" in lines[0]
    assert "status=200 code=-" in lines[1]
    assert "duration_ms=" in lines[1]
    for line in lines:
        assert TOKEN not in line
        assert "111" not in line  # the cvid value
        assert "cvid" in line  # the parameter's name is fine


def test_the_error_message_says_what_happened_not_a_traceback():
    error = ZohoError(
        code="TIMEOUT",
        message="Zoho did not answer within 30 seconds.",
        category=ErrorCategory.TRANSIENT,
    )
    assert str(error) == "TIMEOUT: Zoho did not answer within 30 seconds."
