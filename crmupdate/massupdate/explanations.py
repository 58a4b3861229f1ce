"""Plain-language explanations of every error Zoho (or the way to Zoho) can answer.

Sources: the seed's seven recorded errors, and Zoho's mass-update, status and generic error
tables (see /work/shared/zoho-crm-api.md §1.5, §2, §5.9 and §6). Zoho's own code, message and
details are always stored and shown verbatim next to these; this module only says what they
mean for the person and what to do next. Unknown codes get a generic explanation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Our own codes, for failures where no Zoho answer could be used.
NETWORK_ERROR = "NETWORK_ERROR"
TIMEOUT = "TIMEOUT"
MALFORMED_RESPONSE = "MALFORMED_RESPONSE"
REAUTH_REQUIRED = "REAUTH_REQUIRED"
SUBMIT_INTERRUPTED = "SUBMIT_INTERRUPTED"
TRACKING_LOST = "TRACKING_LOST"
BACKUP_FAILED = "BACKUP_FAILED"


@dataclass(frozen=True)
class Explanation:
    text: str | Promise  # what happened, in plain words (in the active language when read)
    next_step: str | Promise  # what the person should do (or what we do for them)
    automatic_retry: bool = False  # True when the app waits and tries again by itself


_GENERIC = Explanation(
    _("Zoho refused this change."),
    _("Check the details below. If the reason is not clear, ask your Zoho administrator."),
)

_BY_CODE: dict[str, Explanation] = {
    "ALREADY_SCHEDULED": Explanation(
        _(
            "Another mass update is still running on this view in Zoho (perhaps started by "
            "someone else, or directly in Zoho). Zoho runs only one at a time per view."
        ),
        _("Nothing to do: this step waits and starts by itself as soon as the other one finishes."),
        automatic_retry=True,
    ),
    "TOO_MANY_REQUESTS": Explanation(
        _(
            "Zoho is limiting how many requests your organisation can make right now (its API "
            "limit for the day, or too many at the same moment)."
        ),
        _("Nothing to do: we wait and try again automatically."),
        automatic_retry=True,
    ),
    "MANDATORY_NOT_FOUND": Explanation(
        _(
            "Zoho said a required part of the request was missing (the view, or the job to look "
            "up)."
        ),
        _(
            "This is a problem on our side, not yours. Please start the update again; if it "
            "happens again, tell us."
        ),
    ),
    "LIMIT_EXCEEDED": Explanation(
        _("The view holds more than 50,000 records, the most Zoho changes in one mass update."),
        _(
            "Narrow the view in Zoho (add a filter) or split it into smaller views, then start "
            "a new update for each."
        ),
    ),
    "NO_RECORDS_FOUND": Explanation(
        _("The view has no records, so there was nothing to change."),
        _("Check the view's filter in Zoho, or pick another view."),
    ),
    "NO_PERMISSION": Explanation(
        _(
            "Your Zoho profile is not allowed to do this mass update (mass update permission, "
            "edit permission on the field, or access to the view)."
        ),
        _(
            "Ask a Zoho administrator to give your profile the 'Mass Update' permission, edit "
            "access to the field and access to the view."
        ),
    ),
    "AUTHORIZATION_FAILED": Explanation(
        _("Your Zoho user does not have enough privileges to schedule a mass update."),
        _("Ask a Zoho administrator to give your profile the 'Mass Update' permission."),
    ),
    "CANNOT_PERFORM_ACTION": Explanation(
        _("Zoho does not allow you to change some of these records."),
        _("Ask a Zoho administrator about your access to these records."),
    ),
    "CANNOT_PROCESS": Explanation(
        _("Some records are marked 'stop processing' in Zoho and cannot be changed."),
        _("Remove them from the view, or ask an administrator to release them."),
    ),
    "RECORD_IN_BLUEPRINT": Explanation(
        _(
            "Some records are in a Blueprint, which controls this field; Zoho will not change "
            "it outside the Blueprint's transitions."
        ),
        _("Move the records through their Blueprint in Zoho, or pick another field."),
    ),
    "NOT_APPROVED": Explanation(
        _("Some records are waiting for approval in Zoho and cannot be changed yet."),
        _("Approve or reject them in Zoho first, then run the update again."),
    ),
    "RECORD_LOCKED": Explanation(
        _("Some records are locked in Zoho (waiting for approval, or locked by a rule)."),
        _("Unlock or approve them in Zoho first, then run the update again."),
    ),
    "CONVERTED_RECORD": Explanation(
        _(
            "Some records were already converted (for example a lead turned into a contact) "
            "and can no longer be changed."
        ),
        _("Remove converted records from the view, then run the update again."),
    ),
    "MAPPING_MISMATCH": Explanation(
        _(
            "The new value does not fit another field of the records (for example a Stage "
            "that does not belong to the record's Pipeline)."
        ),
        _("Pick a value that fits every record in the view, or narrow the view."),
    ),
    "INVALID_MODULE": Explanation(
        _("Zoho does not accept mass updates for this module (or it no longer exists)."),
        _("Pick another module. If you expected this one to work, ask your Zoho administrator."),
    ),
    "NOT_SUPPORTED": Explanation(
        _(
            "Zoho does not support this for your organisation. Scheduled mass updates of a whole "
            "view need the Enterprise edition or higher."
        ),
        _("Ask your Zoho administrator which edition your organisation has."),
    ),
    "FEATURE_NOT_SUPPORTED": Explanation(
        _("Scheduled mass updates of a whole view are not available in your Zoho edition."),
        _("Ask your Zoho administrator: this needs the Enterprise edition or higher."),
    ),
    "OAUTH_SCOPE_MISMATCH": Explanation(
        _("Your Zoho sign-in does not include permission for this action."),
        _(
            "Sign out, sign in with Zoho again and accept every permission it asks for. "
            "Nothing is lost."
        ),
    ),
    "INVALID_TOKEN": Explanation(
        _("Your Zoho sign-in has expired or was revoked."),
        _("Sign in with Zoho again. Nothing is lost: the update continues where it stopped."),
    ),
    "INVALID_OAUTHTOKEN": Explanation(
        _("Your Zoho sign-in has expired or was revoked."),
        _("Sign in with Zoho again. Nothing is lost: the update continues where it stopped."),
    ),
    "AUTHENTICATION_FAILURE": Explanation(
        _("Zoho did not accept the sign-in we sent."),
        _("Sign in with Zoho again. Nothing is lost: the update continues where it stopped."),
    ),
    REAUTH_REQUIRED: Explanation(
        _("Your Zoho sign-in has expired or was revoked, so we cannot talk to Zoho for you."),
        _("Sign in with Zoho again. Nothing is lost: the update continues where it stopped."),
    ),
    "INTERNAL_ERROR": Explanation(
        _("Zoho had an internal error."),
        _("Wait a few minutes and try again. If it keeps happening, Zoho may be having trouble."),
    ),
    "INVALID_REQUEST_METHOD": Explanation(
        _("Zoho did not accept the kind of request we sent. This is a problem on our side."),
        _("Please tell us; nothing was changed."),
    ),
    "INVALID_URL_PATTERN": Explanation(
        _("Zoho did not recognise the address we called. This is a problem on our side."),
        _("Please tell us; nothing was changed."),
    ),
    "INVALID_HOST": Explanation(
        _("We called the wrong Zoho address for your data centre."),
        _("Sign in with Zoho again; if it keeps happening, tell us."),
    ),
    "NOT_FOUND": Explanation(
        _("Zoho no longer knows this mass-update job."),
        _("Open the view in Zoho to check whether the records were changed."),
    ),
    NETWORK_ERROR: Explanation(
        _("The connection to Zoho failed before its answer arrived."),
        _("Try again. We never send the same change twice by ourselves."),
    ),
    TIMEOUT: Explanation(
        _("Zoho did not answer in time."),
        _("Try again. We never send the same change twice by ourselves."),
    ),
    MALFORMED_RESPONSE: Explanation(
        _(
            "Zoho sent an answer we could not read (Zoho or a network device may be having "
            "trouble)."
        ),
        _("Try again in a few minutes."),
    ),
    SUBMIT_INTERRUPTED: Explanation(
        _(
            "We were sending this step to Zoho when our worker stopped, so we do not know whether "
            "Zoho received it."
        ),
        _(
            "Open the view in Zoho: if the records already hold the new value, there is nothing "
            "to do. Otherwise press 'Send to Zoho again'."
        ),
    ),
    TRACKING_LOST: Explanation(
        _("Zoho stopped reporting on this job, so we cannot tell how it ended."),
        _("Open the view in Zoho to check whether the records were changed."),
    ),
    BACKUP_FAILED: Explanation(
        _(
            "We could not keep a backup of the values this step would replace, so it was not "
            "sent: nothing was changed in Zoho by it."
        ),
        _(
            "Zoho's answer is below. Start the update again later; or, if you will not need to "
            "undo it, untick “Keep a backup” on the review page.",
        ),
    ),
}

_MAYBE_SENT = _(
    "Zoho may have received it before the connection failed. Open the view in Zoho first: if "
    "the records already hold the new value, there is nothing to do; otherwise press 'Send to "
    "Zoho again'. We never send it twice by ourselves."
)


def _invalid_data(
    message: str, details: Mapping[str, Any], labels: Mapping[str, str]
) -> Explanation:
    api_name = str(details.get("api_name") or details.get("param_name") or "")
    text = message.lower()
    if api_name == "cvid" or "cvid" in text:
        return Explanation(
            _(
                "Zoho could not find the view (it may have been deleted, or you no longer have "
                "access to it)."
            ),
            _("Start a new update and pick the view again."),
        )
    if "no field" in text or "atleast one field" in text or "at least one field" in text:
        return Explanation(
            _("Zoho received no field to change. This is a problem on our side."),
            _("Please start the update again; if it happens again, tell us."),
        )
    if "max field limit" in text:
        return Explanation(
            _("Zoho changes only one field per job (three in Deals), and this step had more."),
            _("This is a problem on our side; please tell us."),
        )
    field = f"“{labels.get(api_name, api_name)}”" if api_name else gettext("one of the fields")
    if "layout rule" in text:
        reason = gettext("it is controlled by a layout rule in Zoho")
    elif "validation rule" in text:
        reason = gettext("it is checked by a validation rule in Zoho")
    elif "not visible" in text:
        reason = gettext("it is hidden from your Zoho profile")
    elif "mass update" in text or "scheduled mass" in text:
        reason = gettext("Zoho does not allow this field to be changed by a mass update")
    elif "id given" in text or api_name == "id":
        return Explanation(
            _(
                "Zoho said an id we sent is not valid (a record, view or territory that no "
                "longer exists)."
            ),
            _("Start a new update and pick the view again."),
        )
    elif details.get("maximum_length"):
        reason = gettext("the value is too long (at most %(count)s characters)") % {
            "count": details["maximum_length"]
        }
    elif details.get("maximum_decimal_place") is not None:
        reason = gettext("the value has too many decimal places (at most %(count)s)") % {
            "count": details["maximum_decimal_place"]
        }
    elif isinstance(details.get("range"), Mapping):
        r = details["range"]
        reason = gettext("the value is out of range (from %(low)s to %(high)s)") % {
            "low": r.get("from"),
            "high": r.get("to"),
        }
    else:
        reason = gettext("Zoho did not accept the value")
    return Explanation(
        gettext("Zoho refused to change %(field)s: %(reason)s.")
        % {"field": field, "reason": reason},
        _("Pick another field or value, or ask your Zoho administrator about the field."),
    )


def explain(
    code: str,
    message: str = "",
    details: Mapping[str, Any] | None = None,
    *,
    http_status: int | None = None,
    field_labels: Mapping[str, str] | None = None,
    maybe_sent: bool = False,
) -> Explanation:
    """The plain explanation of one error. `field_labels` maps field API names to the labels
    the person knows, so a refused field is named the way they saw it."""
    code = (code or "").strip().upper()
    details = details if isinstance(details, Mapping) else {}
    labels = field_labels or {}
    if code == "INVALID_DATA":
        found = _invalid_data(message or "", details, labels)
    elif code in _BY_CODE:
        found = _BY_CODE[code]
    elif http_status == 429:
        found = _BY_CODE["TOO_MANY_REQUESTS"]
    elif http_status == 401:
        found = _BY_CODE["INVALID_TOKEN"]
    elif http_status is not None and http_status >= 500:
        found = _BY_CODE["INTERNAL_ERROR"]
    else:
        found = _GENERIC
    if maybe_sent and code in {NETWORK_ERROR, TIMEOUT, MALFORMED_RESPONSE, "INTERNAL_ERROR"}:
        found = Explanation(found.text, _MAYBE_SENT)
    return found


def explain_text(*args: Any, **kwargs: Any) -> str:
    """Explanation and next step as one string (for the history's summary column)."""
    found = explain(*args, **kwargs)
    return f"{found.text} {found.next_step}"


#: Every code this module explains specifically (tests check each one).
KNOWN_CODES = frozenset(_BY_CODE) | {"INVALID_DATA"}


# --- one record ----------------------------------------------------------------------------
# Zoho's answers about a single record (ids mode, Update Records, a retry of the records a
# view job skipped): said of "this record", with what to do about it in Zoho.

_RECORD_GENERIC = Explanation(
    _("Zoho refused to change this record."),
    _("Open the record in Zoho to see what stops it, or ask your Zoho administrator."),
)

_BY_RECORD_CODE: dict[str, Explanation] = {
    "RECORD_LOCKED": Explanation(
        _("This record is locked in Zoho (waiting for approval, or locked by a rule)."),
        _("Unlock or approve it in Zoho (or ask its owner), then retry it."),
    ),
    "NOT_APPROVED": Explanation(
        _("This record has not been approved in Zoho yet, so it cannot be changed."),
        _("Approve it in Zoho (or ask the approver), then retry it."),
    ),
    "RECORD_IN_BLUEPRINT": Explanation(
        _(
            "This record is in a Blueprint stage that controls this field; Zoho changes the field "
            "only through the Blueprint's transitions."
        ),
        _("Move it on in Zoho (or ask its owner), or take it out of the Blueprint, then retry it."),
    ),
    "CANNOT_PROCESS": Explanation(
        _("This record is marked 'stop processing' in Zoho and cannot be changed."),
        _("Ask a Zoho administrator to release it, then retry it."),
    ),
    "CANNOT_PERFORM_ACTION": Explanation(
        _("Your Zoho profile may not change this record."),
        _("Ask its owner or a Zoho administrator to change it, or to give you access."),
    ),
    "CONVERTED_RECORD": Explanation(
        _(
            "This record was converted (for example a lead turned into a contact) and can no "
            "longer be changed."
        ),
        _("Nothing to do here: change the record it was converted into instead."),
    ),
    "MAPPING_MISMATCH": Explanation(
        _(
            "The new value does not fit another field of this record (for example a Stage that "
            "does not belong to its Pipeline)."
        ),
        _("Change that other field first in Zoho, or leave this record as it is."),
    ),
    "NO_PERMISSION": Explanation(
        _("Your Zoho profile may not change this field of this record."),
        _("Ask a Zoho administrator for edit access to the field."),
    ),
}


def _record_invalid_data(details: Mapping[str, Any], labels: Mapping[str, str]) -> Explanation:
    api_name = str(details.get("api_name") or "")
    if not api_name or api_name == "id":
        return Explanation(
            _(
                "Zoho no longer knows this record (it was deleted or merged since the update "
                "started)."
            ),
            _("Nothing to do: there is no record left to change."),
        )
    field = f"“{labels.get(api_name, api_name)}”"
    if details.get("expected_data_type") in ("picklist", "multiselectpicklist"):
        return Explanation(
            gettext(
                "Zoho refused the value for %(field)s: this record's layout does not offer it "
                "(each layout has its own list of values)."
            )
            % {"field": field},
            _("Add the value to the field in that layout in Zoho, or choose a value it offers."),
        )
    if details.get("maximum_length"):
        text = gettext(
            "Zoho refused to change %(field)s on this record: the value is too long for it "
            "(at most %(count)s)."
        ) % {"field": field, "count": details["maximum_length"]}
    else:
        text = gettext(
            "Zoho refused to change %(field)s on this record: Zoho did not accept the value "
            "for this record."
        ) % {"field": field}
    return Explanation(
        text,
        _("Open the record in Zoho to see what the field accepts, then retry it."),
    )


def explain_record(
    code: str,
    message: str = "",
    details: Mapping[str, Any] | None = None,
    *,
    field_labels: Mapping[str, str] | None = None,
) -> Explanation:
    """What happened to one record and what to do about it, from Zoho's entry for it."""
    code = (code or "").strip().upper()
    details = details if isinstance(details, Mapping) else {}
    if code == "INVALID_DATA":
        return _record_invalid_data(details, field_labels or {})
    return _BY_RECORD_CODE.get(code, _RECORD_GENERIC)


#: Every per-record code explained specifically.
KNOWN_RECORD_CODES = frozenset(_BY_RECORD_CODE) | {"INVALID_DATA"}
