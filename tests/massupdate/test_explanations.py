"""Every Zoho error code has a plain explanation and a next step."""

import pytest

from crmupdate.massupdate.explanations import (
    KNOWN_CODES,
    KNOWN_RECORD_CODES,
    explain,
    explain_record,
)

# Every code in the seed and in zoho-crm-api.md §1.5 (mass update), §2 (status), §5.9 and §6.
ZOHO_CODES = [
    "INVALID_DATA",
    "MANDATORY_NOT_FOUND",
    "ALREADY_SCHEDULED",
    "INVALID_REQUEST_METHOD",
    "AUTHENTICATION_FAILURE",
    "CANNOT_PROCESS",
    "RECORD_IN_BLUEPRINT",
    "CANNOT_PERFORM_ACTION",
    "LIMIT_EXCEEDED",
    "NOT_APPROVED",
    "NO_RECORDS_FOUND",
    "NO_PERMISSION",
    "INVALID_MODULE",
    "INVALID_URL_PATTERN",
    "OAUTH_SCOPE_MISMATCH",
    "INTERNAL_ERROR",
    "AUTHORIZATION_FAILED",
    "RECORD_LOCKED",
    "MAPPING_MISMATCH",
    "CONVERTED_RECORD",
    "INVALID_TOKEN",
    "TOO_MANY_REQUESTS",
    "INVALID_HOST",
    "NOT_FOUND",
    "INVALID_OAUTHTOKEN",
    "NOT_SUPPORTED",
    # ours
    "NETWORK_ERROR",
    "TIMEOUT",
    "MALFORMED_RESPONSE",
    "REAUTH_REQUIRED",
    "SUBMIT_INTERRUPTED",
    "TRACKING_LOST",
]


@pytest.mark.parametrize("code", ZOHO_CODES)
def test_every_code_has_its_own_explanation_and_next_step(code):
    assert code in KNOWN_CODES
    found = explain(code, "message")
    assert found.text and found.next_step
    assert found.text != explain("SOMETHING_NEW").text


def test_an_unknown_code_gets_a_generic_explanation():
    found = explain("SOMETHING_NEW", "whatever")
    assert "refused" in found.text


def test_already_scheduled_and_429_are_retried_automatically():
    assert explain("ALREADY_SCHEDULED").automatic_retry
    assert explain("TOO_MANY_REQUESTS").automatic_retry
    assert explain("", http_status=429).automatic_retry
    assert not explain("NO_PERMISSION").automatic_retry


def test_seed_invalid_cvid_says_the_view_was_not_found():
    found = explain("INVALID_DATA", "the cvid given seems to be invalid", {"api_name": "cvid"})
    assert "could not find the view" in found.text


def test_seed_refused_field_names_the_field_and_why():
    found = explain(
        "INVALID_DATA",
        "This field cannot be updated in the Mass Update",
        {"api_name": "No_of_Employees"},
        field_labels={"No_of_Employees": "No. of Employees"},
    )
    assert "“No. of Employees”" in found.text
    assert "does not allow this field to be changed by a mass update" in found.text


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("Field cannot be updated as it is associated with a layout rule", "layout rule"),
        ("Field cannot be updated as it is associated with a validation rule", "validation rule"),
        ("Field is not visible", "hidden from your Zoho profile"),
    ],
)
def test_other_refused_field_reasons(message, reason):
    assert reason in explain("INVALID_DATA", message, {"api_name": "Rating"}).text


def test_seed_no_field_is_our_problem():
    assert "on our side" in explain("INVALID_DATA", "No field found", {}).text


def test_no_permission_says_ask_an_admin():
    assert "administrator" in explain("NO_PERMISSION", "permission denied").next_step


def test_expired_sign_in_says_sign_in_again_nothing_lost():
    for code in ("INVALID_TOKEN", "AUTHENTICATION_FAILURE", "REAUTH_REQUIRED"):
        assert "Sign in with Zoho again. Nothing is lost" in explain(code).next_step


def test_a_network_failure_after_sending_warns_to_check_zoho_before_retrying():
    found = explain("TIMEOUT", maybe_sent=True)
    assert "may have received it" in found.next_step
    assert "never send it twice" in found.next_step


# What Zoho answers about one record (ids mode, Update Records), from the practice CRM's
# entries (tests/zohosim/test_refusals.py checks the simulator sends exactly these).
RECORD_ENTRIES = {
    "RECORD_LOCKED": (
        "You cannot perform this operation as the record is locked.",
        {"action": "record_locking", "id": "1"},
        "This record is locked in Zoho",
    ),
    "NOT_APPROVED": ("record not approved", {"id": "1"}, "has not been approved in Zoho yet"),
    "RECORD_IN_BLUEPRINT": (
        "The record is in blue print",
        {"api_name": "Stage", "id": "1"},
        "in a Blueprint stage that controls this field",
    ),
    "CANNOT_PROCESS": ("The record is in stop processing", {}, "stop processing"),
    "CANNOT_PERFORM_ACTION": ("no permission to perform an action on this record", {}, "may not"),
    "CONVERTED_RECORD": ("can't update the converted record", {"id": "1"}, "was converted"),
    "MAPPING_MISMATCH": ("mapping mismatch", {"api_name": "Stage"}, "Pipeline"),
    "NO_PERMISSION": ("permission denied", {}, "may not change this field"),
}


@pytest.mark.parametrize("code", sorted(RECORD_ENTRIES))
def test_every_per_record_code_says_what_happened_to_this_record_and_what_to_do(code):
    message, details, expected = RECORD_ENTRIES[code]
    found = explain_record(code, message, details)
    assert code in KNOWN_RECORD_CODES
    assert expected in found.text
    assert found.next_step and found.text != explain_record("SOMETHING_NEW").text


def test_a_picklist_value_missing_from_the_records_layout_names_the_field():
    details = {
        "expected_data_type": "picklist",
        "api_name": "Delivery_Region",
        "json_path": "$.data[0].Delivery_Region",
        "id": "1",
    }
    found = explain_record(
        "INVALID_DATA", "invalid data", details, field_labels={"Delivery_Region": "Delivery Region"}
    )
    assert found.text == (
        "Zoho refused the value for “Delivery Region”: this record's layout does not offer it "
        "(each layout has its own list of values)."
    )
    assert "choose a value it offers" in found.next_step


def test_an_id_zoho_no_longer_knows_is_a_deleted_record():
    found = explain_record("INVALID_DATA", "the id given seems to be invalid", {"id": "123"})
    assert "deleted or merged" in found.text


def test_an_unknown_per_record_code_is_still_explained():
    found = explain_record("SOMETHING_NEW", "whatever", None)
    assert "refused to change this record" in found.text
