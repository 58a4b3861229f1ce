"""The one error type for every failure talking to Zoho (CRM API or accounts server), and
how each failure becomes one: network failures, unreadable answers, and the CRM API's two
error envelopes (a top-level error object under 4xx, or error entries in `data[]`)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import requests
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from urllib3.exceptions import NewConnectionError

# Codes from Zoho's status-code pages and the seed, grouped by what a caller can do about them.
AUTH_CODES = frozenset({"INVALID_TOKEN", "AUTHENTICATION_FAILURE", "INVALID_OAUTHTOKEN"})
SCOPE_MISMATCH = "OAUTH_SCOPE_MISMATCH"
RATE_LIMIT_CODES = frozenset({"TOO_MANY_REQUESTS"})
# ALREADY_SCHEDULED: another job runs on the same view; trying again later succeeds.
TRANSIENT_CODES = frozenset({"INTERNAL_ERROR", "ALREADY_SCHEDULED"})

SCOPE_MISMATCH_HINT = _(
    "The Zoho sign-in does not include the permission this needs. A fresh access token will "
    "not add it: sign in with Zoho again and accept every requested permission."
)

# Our own codes, for failures where Zoho's answer never arrived or could not be read.
NETWORK_ERROR = "NETWORK_ERROR"
TIMEOUT = "TIMEOUT"
MALFORMED_RESPONSE = "MALFORMED_RESPONSE"


class ErrorCategory(StrEnum):
    #: The access token is missing, expired or revoked: refresh it, or sign in again.
    AUTH = "auth"
    #: Zoho answered 429 TOO_MANY_REQUESTS: wait, then try again.
    RATE_LIMITED = "rate_limited"
    #: The request itself is wrong (bad field, bad view, no permission...): retrying won't help.
    PERMANENT = "permanent"
    #: Zoho or the network failed (5xx, timeout, refused connection): a retry may help.
    TRANSIENT = "transient"


class ZohoError(Exception):
    """A failed Zoho call.

    `code`, `message` and `details` are Zoho's own (`API_Exception` envelope, or the token
    endpoint's `{"error": ...}`); for failures where Zoho never answered, `code` is one of our
    own: NETWORK_ERROR, TIMEOUT, MALFORMED_RESPONSE. `http_status` is None when no HTTP response
    arrived. `sent` is True when the request may have reached Zoho (it matters for POSTs that
    change data: those are never re-sent blindly).
    """

    def __init__(
        self,
        *,
        code: str,
        message: str,
        category: ErrorCategory,
        details: dict[str, Any] | None = None,
        http_status: int | None = None,
        sent: bool = True,
    ) -> None:
        message = str(message)  # a translated text is worded now, in the active language
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details or {}
        self.http_status = http_status
        self.category = category
        self.sent = sent

    @property
    def retryable(self) -> bool:
        return self.category in (ErrorCategory.RATE_LIMITED, ErrorCategory.TRANSIENT)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "details": self.details,
            "http_status": self.http_status,
            "category": str(self.category),
        }

    def __repr__(self) -> str:
        return (
            f"ZohoError(code={self.code!r}, http_status={self.http_status!r}, "
            f"category={self.category.value!r})"
        )


def category_for(code: str, http_status: int | None) -> ErrorCategory:
    """What a caller can do about a Zoho error code: the project's category mapping."""
    if code == SCOPE_MISMATCH:
        # A refreshed token carries the same scopes; only a new sign-in grants more.
        return ErrorCategory.PERMANENT
    if code in AUTH_CODES or http_status == 401:
        return ErrorCategory.AUTH
    if code in RATE_LIMIT_CODES or http_status == 429:
        return ErrorCategory.RATE_LIMITED
    if code in TRANSIENT_CODES or (http_status or 0) >= 500:
        return ErrorCategory.TRANSIENT
    return ErrorCategory.PERMANENT


def error_from_entry(entry: Mapping[str, Any], *, http_status: int | None) -> ZohoError:
    """A ZohoError from one `API_Exception` object (top-level, or an entry of `data[]`)."""
    code = str(entry.get("code") or "").strip() or f"HTTP_{http_status}"
    message = str(entry.get("message") or "").strip()
    if not message:
        message = gettext("Zoho refused the request (HTTP %(status)s).") % {"status": http_status}
    if code == SCOPE_MISMATCH:
        message = f"{message}. {SCOPE_MISMATCH_HINT}" if message else str(SCOPE_MISMATCH_HINT)
    details = entry.get("details")
    return ZohoError(
        code=code,
        message=message,
        details=dict(details) if isinstance(details, Mapping) else {},
        http_status=http_status,
        category=category_for(code, http_status),
    )


def is_error_entry(entry: Any) -> bool:
    return isinstance(entry, Mapping) and str(entry.get("status", "")).lower() == "error"


def first_data_entry(body: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    data = body.get("data") if body else None
    if isinstance(data, list) and data and isinstance(data[0], Mapping):
        return data[0]
    return None


def crm_error(status: int, body: dict[str, Any] | None) -> ZohoError | None:
    """The CRM API's error envelopes: a top-level error object, or errors inside `data[]`.

    A 2xx answer is only an error when its body is a bare top-level error object; error
    entries inside a 2xx `data[]` are per-entry results the caller interprets.
    """
    if body is not None and "code" in body and (status >= 400 or is_error_entry(body)):
        return error_from_entry(body, http_status=status)
    if status < 400:
        return None
    entry = first_data_entry(body)
    if entry is not None and "code" in entry:
        return error_from_entry(entry, http_status=status)
    return unreadable_answer(status)


def unreadable_answer(status: int) -> ZohoError:
    """An answer without a body we understand (HTML from a proxy, cut-off JSON...)."""
    if status >= 400:
        category = category_for("", status)
        message = gettext("Zoho answered HTTP %(status)s without an error description.")
    elif 300 <= status < 400:
        category = ErrorCategory.PERMANENT
        message = gettext("Zoho answered with an unexpected redirect (HTTP %(status)s).")
    else:
        category = ErrorCategory.TRANSIENT
        message = gettext("Zoho sent an answer that could not be read (HTTP %(status)s).")
    message = message % {"status": status}
    return ZohoError(
        code=MALFORMED_RESPONSE, message=message, http_status=status, category=category
    )


def network_error(
    exc: requests.exceptions.RequestException, *, host: str, timeout: float
) -> ZohoError:
    """A ZohoError for a request that got no HTTP answer, with a message a person can read.

    `sent` is False only when the connection was never made (refused, unknown host, connect
    timeout, TLS handshake): then nothing can have reached Zoho and a retry is safe.
    """
    whole = int(timeout) if float(timeout).is_integer() else 2
    words = {"host": host, "seconds": f"{timeout:g}"}
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        code, sent = TIMEOUT, False
        message = ngettext(
            "Could not connect to Zoho (%(host)s) within %(seconds)s second.",
            "Could not connect to Zoho (%(host)s) within %(seconds)s seconds.",
            whole,
        )
    elif isinstance(exc, requests.exceptions.Timeout):
        code, sent = TIMEOUT, True
        message = ngettext(
            "Zoho did not answer within %(seconds)s second.",
            "Zoho did not answer within %(seconds)s seconds.",
            whole,
        )
    elif isinstance(exc, requests.exceptions.SSLError):
        code, sent = NETWORK_ERROR, False
        message = gettext("Could not open a secure connection to Zoho (%(host)s).")
    elif isinstance(exc, requests.exceptions.ConnectionError) and _never_connected(exc):
        code, sent = NETWORK_ERROR, False
        message = gettext(
            "Could not connect to Zoho (%(host)s): the connection was refused or failed."
        )
    else:
        code, sent = NETWORK_ERROR, True
        message = gettext("The connection to Zoho (%(host)s) broke before its answer arrived.")
    message = message % words
    return ZohoError(
        code=code, message=message, category=ErrorCategory.TRANSIENT, http_status=None, sent=sent
    )


def _never_connected(exc: requests.exceptions.ConnectionError) -> bool:
    # requests wraps urllib3's MaxRetryError, whose `reason` says why; NewConnectionError
    # (refused, unreachable, DNS failure) means the request was never written.
    cause: Any = exc.args[0] if exc.args else None
    reason = getattr(cause, "reason", cause)
    return isinstance(reason, NewConnectionError)
