"""Zoho-shaped HTTP answers: JSON bodies, Zoho's headers, the error envelope.

Error bodies follow Zoho's `API_Exception` shape `{"code", "details", "message", "status"}`,
either as the whole body (top-level errors) or as entries of `data[]` (per-entry errors,
which v2 sends under HTTP 200, as the seed shows).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.http import HttpResponse

CONTENT_TYPE = "application/json;charset=utf-8"

# Headers seen on every answer of the seed's CRM host.
_CRM_HEADERS = {
    "Cache-Control": "no-store, no-cache, must-revalidate, private",
    "Pragma": "no-cache",
    "Expires": "Thu, 01 Jan 1970 00:00:00 GMT",
    "Content-Disposition": "attachment; filename=response.json",
    "Content-Language": "en-US",
}


class ZohoApiError(Exception):
    """Raised anywhere in a CRM handler to answer with one of Zoho's top-level errors."""

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}

    def body(self) -> dict[str, Any]:
        return error_entry(self.code, self.message, self.details)


def error_entry(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "details": details or {}, "message": message, "status": "error"}


def zoho_json(
    body: Any,
    status: int = 200,
    *,
    token_reset: datetime | None = None,
    crm: bool = True,
) -> HttpResponse:
    """A JSON answer with Zoho's content type (and, for CRM calls made with a valid token,
    `X-ACCESSTOKEN-RESET`: when that access token expires)."""
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    if crm:
        for name, value in _CRM_HEADERS.items():
            response[name] = value
    if token_reset is not None:
        response["X-ACCESSTOKEN-RESET"] = token_reset.isoformat(timespec="seconds")
    return response


def no_content(*, token_reset: datetime | None = None) -> HttpResponse:
    """Zoho's 204: no body at all."""
    response = HttpResponse(status=204)
    del response["Content-Type"]
    if token_reset is not None:
        response["X-ACCESSTOKEN-RESET"] = token_reset.isoformat(timespec="seconds")
    return response


def error_response(error: ZohoApiError, *, token_reset: datetime | None = None) -> HttpResponse:
    return zoho_json(error.body(), error.status, token_reset=token_reset)


# The top-level errors every CRM route can answer.
def invalid_url_pattern() -> ZohoApiError:
    return ZohoApiError(
        404, "INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one"
    )


def invalid_method() -> ZohoApiError:
    return ZohoApiError(
        400, "INVALID_REQUEST_METHOD", "The http request method type is not a valid one"
    )


def authentication_failure() -> ZohoApiError:
    return ZohoApiError(401, "AUTHENTICATION_FAILURE", "Authentication failed")


def invalid_token() -> ZohoApiError:
    return ZohoApiError(401, "INVALID_TOKEN", "invalid oauth token")


def scope_mismatch() -> ZohoApiError:
    return ZohoApiError(401, "OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL")


def invalid_module() -> ZohoApiError:
    return ZohoApiError(
        400,
        "INVALID_MODULE",
        "the module name given seems to be invalid",
        {"resource_path_index": 0},
    )


def required_param_missing(name: str) -> ZohoApiError:
    return ZohoApiError(
        400,
        "REQUIRED_PARAM_MISSING",
        "One of the expected parameter is missing",
        {"param_name": name},
    )


def invalid_param(name: str, message: str = "invalid data") -> ZohoApiError:
    return ZohoApiError(400, "INVALID_DATA", message, {"param_name": name})


def malformed_body() -> ZohoApiError:
    return ZohoApiError(400, "INVALID_DATA", "body is not a valid JSON object", {})


def internal_error() -> ZohoApiError:
    return ZohoApiError(500, "INTERNAL_ERROR", "Internal Server Error")


def parse_json_body(raw: bytes) -> dict[str, Any]:
    """The request body as a JSON object, or Zoho's INVALID_DATA for anything else."""
    try:
        body = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (UnicodeDecodeError, ValueError):
        raise malformed_body() from None
    if not isinstance(body, dict):
        raise malformed_body()
    return body
