"""The one error type for every failure talking to Zoho (CRM API or accounts server)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


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

    @property
    def needs_auth(self) -> bool:
        return self.category == ErrorCategory.AUTH

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
