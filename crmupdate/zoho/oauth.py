"""Calls to Zoho's accounts server: exchange a code, refresh, revoke, user info.

`accounts_server` is the origin URL the OAuth redirect named (`accounts-server=`); calls go
only to allowed servers (`datacenters.accounts_server_allowed`), so the client secret never
leaves for a host someone slipped into the redirect.

The token endpoint reports errors as HTTP 200 with `{"error": "invalid_code"}`; those become
`ZohoError`s like every other failure. Token-endpoint calls are POSTs and, like writes, are
retried only when the request never left this machine (each refresh counts against Zoho's
limit of 10 per 10 minutes). Nothing here logs codes, tokens or secrets: the transport logs
method, host, path and status only, and these calls send their values in the form body.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import requests

from crmupdate.zoho import datacenters
from crmupdate.zoho.errors import (
    MALFORMED_RESPONSE,
    SCOPE_MISMATCH_HINT,
    ErrorCategory,
    ZohoError,
    category_for,
)
from crmupdate.zoho.transport import DEFAULT_TIMEOUT, RetryPolicy, Transport
from crmupdate.zoho.types import TokenResponse, UserInfo

_MESSAGES = {
    "invalid_client": "Zoho does not recognise this app's client ID or secret for this data "
    "centre. The app's Zoho settings need checking.",
    "invalid_redirect_uri": "Zoho refused the app's redirect address. The redirect URI "
    "registered with Zoho must match the app's exactly.",
    "invalid_code": "The sign-in code from Zoho has expired or was already used. Please sign "
    "in again.",
    "Access Denied": "Zoho is refusing new access tokens for a few minutes (too many requests). "
    "Please try again shortly.",
}
_REFUSED_REFRESH = (
    "Zoho no longer accepts this app's saved sign-in (it was revoked or has expired). Please "
    "sign in with Zoho again."
)
# user/info reports problems as {"response": "error", "cause": "..."}.
_USER_INFO_AUTH_CAUSES = frozenset({"INVALID_OAUTHTOKEN", "INVALID_TOKEN"})


def exchange_code(
    accounts_server: str,
    *,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    code: str,
    timeout: float = DEFAULT_TIMEOUT,
    session: requests.Session | None = None,
) -> TokenResponse:
    """Exchange a grant code for tokens. Zoho: Generate Tokens,
    https://www.zoho.com/crm/developer/docs/api/v2/access-refresh.html"""
    body = _post(
        accounts_server,
        "/oauth/v2/token",
        {
            "grant_type": "authorization_code",
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uri": redirect_uri,
            "code": code,
        },
        grant="authorization_code",
        timeout=timeout,
        session=session,
    )
    return _token_response(body)


def refresh_access_token(
    accounts_server: str,
    *,
    client_id: str,
    client_secret: str,
    refresh_token: str,
    timeout: float = DEFAULT_TIMEOUT,
    session: requests.Session | None = None,
) -> TokenResponse:
    """A fresh access token from a refresh token. A refused refresh token raises an AUTH
    error (sign in again). Zoho: Refresh Access Tokens,
    https://www.zoho.com/crm/developer/docs/api/v2/refresh.html"""
    body = _post(
        accounts_server,
        "/oauth/v2/token",
        {
            "grant_type": "refresh_token",
            "client_id": client_id,
            "client_secret": client_secret,
            "refresh_token": refresh_token,
        },
        grant="refresh_token",
        timeout=timeout,
        session=session,
    )
    return _token_response(body)


def revoke_token(
    accounts_server: str,
    *,
    token: str,
    timeout: float = DEFAULT_TIMEOUT,
    session: requests.Session | None = None,
) -> None:
    """Revoke a refresh token (and its access tokens). Zoho: Revoke Refresh Tokens,
    https://www.zoho.com/crm/developer/docs/api/v2/revoke-tokens.html"""
    body = _post(
        accounts_server,
        "/oauth/v2/token/revoke",
        {"token": token},
        grant="revoke",
        timeout=timeout,
        session=session,
    )
    status = str((body or {}).get("status", "success")).lower()
    if status != "success":
        raise ZohoError(
            code="REVOKE_FAILED",
            message="Zoho did not confirm that the sign-in was revoked.",
            category=ErrorCategory.PERMANENT,
            details=dict(body or {}),
            http_status=200,
        )


def user_info(
    accounts_server: str,
    *,
    access_token: str,
    timeout: float = DEFAULT_TIMEOUT,
    session: requests.Session | None = None,
) -> UserInfo:
    """Who signed in (ZUID, email, names); needs scope AaaServer.profile.READ. Zoho: user
    info, https://www.zoho.com/accounts/protocol/oauth/use-access-token.html"""
    transport = Transport(timeout=timeout, session=session)
    response = transport.request(
        "GET",
        _endpoint(accounts_server, "/oauth/user/info"),
        policy=RetryPolicy.READ,
        headers={"Authorization": f"Zoho-oauthtoken {access_token}"},
        map_error=partial(_accounts_error, grant="user_info"),
    )
    body = response.body or {}
    if not body.get("ZUID"):
        raise _malformed("Zoho did not say who signed in.")
    return UserInfo.from_api(body)


def _post(
    accounts_server: str,
    path: str,
    form: dict[str, str],
    *,
    grant: str,
    timeout: float,
    session: requests.Session | None,
) -> dict[str, Any] | None:
    transport = Transport(timeout=timeout, session=session)
    response = transport.request(
        "POST",
        _endpoint(accounts_server, path),
        policy=RetryPolicy.WRITE,
        form=form,
        map_error=partial(_accounts_error, grant=grant),
    )
    return response.body


def _endpoint(accounts_server: str, path: str) -> str:
    if not datacenters.accounts_server_allowed(accounts_server):
        raise ZohoError(
            code="UNTRUSTED_ACCOUNTS_SERVER",
            message="The sign-in named an accounts server that is not one of Zoho's.",
            category=ErrorCategory.PERMANENT,
            details={"accounts_server": str(accounts_server)[:200]},
            sent=False,
        )
    return accounts_server.rstrip("/") + path


def _accounts_error(status: int, body: dict[str, Any] | None, *, grant: str) -> ZohoError | None:
    """The accounts server's envelopes: `{"error": ...}` (even under HTTP 200) from the token
    endpoints, `{"response": "error", "cause": ...}` from user/info."""
    body = body or {}
    if body.get("error"):
        error = str(body["error"])
        if error == "Access Denied":  # the token throttle: wait, then try again
            category = ErrorCategory.RATE_LIMITED
        elif error == "invalid_code" and grant == "refresh_token":
            category = ErrorCategory.AUTH  # the refresh token itself was refused
        else:
            category = category_for("", status if status >= 400 else None)
        message = _REFUSED_REFRESH if category == ErrorCategory.AUTH else _MESSAGES.get(error)
        if not message:
            description = str(body.get("error_description") or "").strip()
            message = description or f"Zoho's accounts server refused the request ({error})."
        details = {k: v for k, v in body.items() if k in ("error_description", "status")}
        return ZohoError(
            code=error, message=message, category=category, details=details, http_status=status
        )
    if str(body.get("response", "")).lower() == "error" or body.get("status") == "failure":
        cause = str(body.get("cause") or body.get("code") or f"HTTP_{status}")
        if "SCOPE" in cause.upper():
            # A refreshed token carries the same scopes; only a new sign-in grants more.
            category, message = ErrorCategory.PERMANENT, str(SCOPE_MISMATCH_HINT)
        elif cause in _USER_INFO_AUTH_CAUSES or status == 401:
            category = ErrorCategory.AUTH
            message = "Zoho did not accept the access token. Please sign in again."
        else:
            category = category_for(cause, status)
            message = f"Zoho's accounts server refused the request ({cause})."
        return ZohoError(
            code=cause,
            message=message,
            category=category,
            http_status=status,
        )
    if status >= 400:
        return ZohoError(
            code=f"HTTP_{status}",
            message=f"Zoho's accounts server answered HTTP {status}.",
            category=category_for("", status),
            http_status=status,
        )
    return None


def _token_response(body: dict[str, Any] | None) -> TokenResponse:
    if not body or not body.get("access_token"):
        raise _malformed("Zoho's accounts server sent no access token.")
    return TokenResponse.from_api(body)


def _malformed(message: str) -> ZohoError:
    return ZohoError(
        code=MALFORMED_RESPONSE, message=message, category=ErrorCategory.TRANSIENT, http_status=200
    )
