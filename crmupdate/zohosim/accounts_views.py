"""The simulated Zoho accounts server: authorize page, token, revoke, user info, server info.

Zoho's token endpoint answers errors as HTTP 200 with `{"error": ...}`; so does this one.
Every call is recorded in ApiCall with codes, tokens and secrets masked.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from crmupdate.zohosim import scopes, tokens
from crmupdate.zohosim.http import zoho_json
from crmupdate.zohosim.models import SimOrg, SimUser
from crmupdate.zohosim.recording import api_call_record

_USER_INFO_HEADER = re.compile(r"(?:Zoho-oauthtoken|Bearer)\s+(\S+)\s*", re.IGNORECASE)
PROFILE_SCOPE = "AaaServer.profile.READ"
SIGNED_IN_COOKIE = "zohosim_signed_in"
SIGNED_IN_SALT = "zohosim.accounts.signed_in"
SIGNED_IN_SECONDS = 15 * 60


def request_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _record(request: HttpRequest, path: str, response: HttpResponse, **extra: Any) -> None:
    api_call_record(
        request=request,
        host="accounts",
        path=path,
        status=response.status_code,
        secret_bearing=True,
        **extra,
    )


def _params(request: HttpRequest) -> QueryDict:
    """Zoho takes the token endpoint's parameters in the query string or the form body."""
    request.body  # noqa: B018  (read first, so the call can still be recorded after parsing)
    merged = request.GET.copy()
    for key, values in request.POST.lists():
        merged.setlist(key, values)
    return merged


@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """The consent page: pick a demo user (or deny), then back to the app with a code."""
    response = _authorize(request)
    _record(request, "/oauth/v2/auth", response)
    return response


def _authorize(request: HttpRequest) -> HttpResponse:
    request.body  # noqa: B018  (read first, so the call can still be recorded after parsing)
    params = request.GET
    client = tokens.client_find(params.get("client_id", ""))
    redirect_uri = params.get("redirect_uri", "")
    requested = scopes.scopes_parse(params.get("scope", ""))
    problem = ""
    if client is None:
        problem = "This app's client ID is not registered with the practice CRM."
    elif not tokens.redirect_uri_allowed(client, redirect_uri):
        problem = "The app's redirect address is not registered for this client."
    elif params.get("response_type") != "code":
        problem = "The app asked for an unsupported response type (it must be 'code')."
    elif not requested:
        problem = "The app did not say which permissions (scopes) it needs."
    if problem or client is None:
        return render(request, "zohosim/authorize.html", {"problem": problem}, status=400)
    state = params.get("state")
    decision = request.POST.get("decision", "")
    if request.method == "POST" and decision != "switch":
        if decision == "deny":
            return _back(redirect_uri, {"state": state, "error": "access_denied"})
        email = request.POST.get("user", "")
        # No demo user's address has a NUL (and PostgreSQL could not even look one up).
        known = email and "\x00" not in email
        user = SimUser.objects.filter(email=email, status="active").first() if known else None
        if user is not None:
            code = tokens.grant_create(
                client=client,
                user=user,
                scopes=requested,
                redirect_uri=redirect_uri,
                offline=params.get("access_type") == "offline",
                consent=params.get("prompt") == "consent",
            )
            response = _back(
                redirect_uri,
                {
                    "state": state,
                    "code": code,
                    "location": "us",
                    "accounts-server": tokens.accounts_server_url(request_origin(request)),
                },
            )
            signed_in_remember(request, response, user)
            return response
    signed_in = signed_in_user(request) if decision != "switch" else None
    if signed_in is not None and params.get("prompt") == "consent":
        # Zoho asks a person it already knows only for consent, not who they are.
        context = {"scopes": requested, "client_name": client.name, "signed_in": signed_in}
        return render(request, "zohosim/authorize.html", context, status=200)
    orgs = [
        {"name": org.company_name, "users": list(org.users.filter(status="active"))}
        for org in SimOrg.objects.order_by("pk")
    ]
    context = {
        "orgs": orgs,
        "scopes": requested,
        "client_name": client.name,
        "chosen_invalid": request.method == "POST" and decision != "switch",
    }
    return render(request, "zohosim/authorize.html", context, status=200)


def signed_in_remember(request: HttpRequest, response: HttpResponse, user: SimUser) -> None:
    """The practice accounts server remembers who signed in, as Zoho's does with its own
    cookie: when the app sends the person back at once to ask for consent (Zoho gave no
    refresh token), they are asked only to allow, not to choose who they are again."""
    response.set_signed_cookie(
        SIGNED_IN_COOKIE,
        user.email,
        salt=SIGNED_IN_SALT,
        max_age=SIGNED_IN_SECONDS,
        path=request.path,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def signed_in_user(request: HttpRequest) -> SimUser | None:
    email = request.get_signed_cookie(
        SIGNED_IN_COOKIE, default=None, salt=SIGNED_IN_SALT, max_age=SIGNED_IN_SECONDS
    )
    if not email:
        return None
    return SimUser.objects.filter(email=email, status="active").first()


def _back(redirect_uri: str, params: dict[str, str | None]) -> HttpResponse:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    separator = "&" if "?" in redirect_uri else "?"
    return HttpResponseRedirect(f"{redirect_uri}{separator}{query}")


@csrf_exempt
def token(request: HttpRequest) -> HttpResponse:
    """Zoho: https://www.zoho.com/crm/developer/docs/api/v2/access-refresh.html"""
    params = _params(request)
    body: dict[str, Any]
    user = None
    client = tokens.client_authenticate(
        params.get("client_id", ""), params.get("client_secret", "")
    )
    grant_type = params.get("grant_type", "")
    if request.method != "POST":
        body = {"error": "invalid_request"}
    elif client is None:
        body = {"error": "invalid_client"}
    elif grant_type == "authorization_code":
        body = tokens.grant_exchange(
            client=client,
            code=params.get("code", ""),
            redirect_uri=params.get("redirect_uri", ""),
            origin=request_origin(request),
        ).body
    elif grant_type == "refresh_token":
        body = tokens.token_refresh(
            client=client,
            refresh_token=params.get("refresh_token", ""),
            origin=request_origin(request),
        ).body
    else:
        body = {"error": "unsupported_grant_type"}
    if "access_token" in body:
        found = tokens.access_token_find(body["access_token"])
        user = found.user if found else None
    response = zoho_json(body, 200, crm=False)
    _record(
        request,
        "/oauth/v2/token",
        response,
        user=user,
        org=user.org if user else None,
        response_code=str(body.get("error", "")),
    )
    return response


@csrf_exempt
def revoke(request: HttpRequest) -> HttpResponse:
    """Zoho: https://www.zoho.com/crm/developer/docs/api/v2/revoke-tokens.html"""
    params = _params(request)
    if request.method == "POST" and tokens.token_revoke(params.get("token", "")):
        response = zoho_json({"status": "success"}, 200, crm=False)
    else:
        response = zoho_json({"status": "failure", "error": "invalid_token"}, 400, crm=False)
    _record(request, "/oauth/v2/token/revoke", response)
    return response


def user_info(request: HttpRequest) -> HttpResponse:
    """Zoho: https://www.zoho.com/accounts/protocol/oauth/use-access-token.html (accepts
    both `Zoho-oauthtoken` and `Bearer`, as documented)."""
    found = _USER_INFO_HEADER.fullmatch(request.META.get("HTTP_AUTHORIZATION", ""))
    access = tokens.access_token_find(found.group(1)) if found else None
    user = access.user if access else None
    if access is None:
        response = zoho_json({"response": "error", "cause": "INVALID_OAUTHTOKEN"}, 401, crm=False)
    elif not scopes.scope_allows(list(access.scopes), [PROFILE_SCOPE]):
        response = zoho_json({"response": "error", "cause": "INVALID_OAUTHSCOPE"}, 401, crm=False)
    else:
        assert user is not None
        response = zoho_json(
            {
                "First_Name": user.first_name,
                "Email": user.email,
                "Last_Name": user.last_name,
                "Display_Name": user.full_name,
                "ZUID": user.zuid,
            },
            200,
            crm=False,
        )
    _record(request, "/oauth/user/info", response, user=user, org=user.org if user else None)
    return response


def server_info(request: HttpRequest) -> HttpResponse:
    accounts = tokens.accounts_server_url(request_origin(request))
    response = zoho_json({"result": "success", "locations": {"us": accounts}}, 200, crm=False)
    _record(request, "/oauth/serverinfo", response)
    return response


@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    response = zoho_json({"response": "error", "cause": "INVALID_URL"}, 404, crm=False)
    _record(request, request.path.split("/accounts", 1)[-1] or "/", response)
    return response
