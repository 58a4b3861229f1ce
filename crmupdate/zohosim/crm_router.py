"""The simulated CRM API host: one entry point for `/crm/{version}/...`.

Checks run in the order Zoho's answers suggest: URL pattern (404 INVALID_URL_PATTERN), HTTP
method (400 INVALID_REQUEST_METHOD: the seed's answer to COPY carries none of the
authenticated headers, so it comes before authentication), the Authorization header (401
AUTHENTICATION_FAILURE when missing or not `Zoho-oauthtoken`, 401 INVALID_TOKEN when unknown,
expired or revoked), the organisation's limits (429), then the handler, which checks scopes
and its input. Every call is recorded in ApiCall; anything unexpected is a Zoho-shaped 500.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from crmupdate.zohosim import http, ratelimit
from crmupdate.zohosim.jobs import jobs_settle
from crmupdate.zohosim.models import SimAccessToken, SimModule, SimOrg, SimUser
from crmupdate.zohosim.recording import api_call_record
from crmupdate.zohosim.scopes import scope_allows
from crmupdate.zohosim.tokens import access_token_find

logger = logging.getLogger("crmupdate.zohosim")

VERSIONS = {
    "v2": 2.0,
    "v2.1": 2.1,
    "v3": 3.0,
    "v4": 4.0,
    "v5": 5.0,
    "v6": 6.0,
    "v7": 7.0,
    "v8": 8.0,
}
_HEADER = re.compile(r"Zoho-oauthtoken\s+(\S+)\s*", re.IGNORECASE)

Handler = Callable[..., tuple[int, Any]]


@dataclass
class CrmContext:
    request: HttpRequest
    version: str
    version_number: float
    token: SimAccessToken
    user: SimUser
    org: SimOrg
    _body: dict[str, Any] | None = field(default=None, repr=False)

    def require_scope(self, *alternatives: str) -> None:
        if not scope_allows(list(self.token.scopes), list(alternatives)):
            raise http.scope_mismatch()

    def module(self, api_name: str, *, subform: bool = False) -> SimModule:
        """The module named in the URL or query. Subform modules (listed by Get Modules,
        their fields readable) are refused where only their parent's records make sense."""
        module = (
            SimModule.objects.select_related("org")
            .filter(org=self.org, api_name__iexact=api_name, api_supported=True)
            .first()
        )
        if module is None or (module.generated_type == "subform" and not subform):
            raise http.invalid_module()
        return module

    def module_param(self, *, subform: bool = False) -> SimModule:
        name = self.request.GET.get("module")
        if not name:
            raise http.required_param_missing("module")
        return self.module(name, subform=subform)

    def body(self) -> dict[str, Any]:
        if self._body is None:
            self._body = http.parse_json_body(self.request.body)
        return self._body


def module_scopes(module: SimModule, operation: str, service: str = "modules") -> list[str]:
    scopes = [f"ZohoCRM.{service}.{module.api_name.lower()}.{operation}"]
    if module.generated_type == "custom":
        scopes.append(f"ZohoCRM.{service}.custom.{operation}")
    return scopes


def _routes() -> list[tuple[re.Pattern[str], dict[str, Handler]]]:
    from crmupdate.zohosim import crm_count_views as count
    from crmupdate.zohosim import crm_meta_views as meta
    from crmupdate.zohosim import crm_profile_views as profiles
    from crmupdate.zohosim import crm_record_views as rec

    module = r"(?P<module>[A-Za-z][A-Za-z0-9_]*)"
    table: list[tuple[str, dict[str, Handler]]] = [
        (r"settings/modules", {"GET": meta.modules_list}),
        (r"settings/modules/(?P<api_name>[A-Za-z0-9_]+)", {"GET": meta.module_detail}),
        (r"settings/custom_views", {"GET": meta.views_list}),
        (r"settings/custom_views/(?P<view_id>\d+)", {"GET": meta.view_detail}),
        (r"settings/fields", {"GET": meta.fields_list}),
        (r"settings/fields/(?P<field_id>\d+)", {"GET": meta.field_detail}),
        (r"settings/profiles", {"GET": profiles.profiles_list}),
        (r"settings/profiles/(?P<profile_id>\d+)", {"GET": profiles.profile_detail}),
        (r"users", {"GET": meta.users_list}),
        (r"users/(?P<user_id>\d+)", {"GET": meta.user_detail}),
        (r"org", {"GET": meta.org_detail}),
        (
            rf"{module}/actions/mass_update",
            {"GET": rec.mass_update_status, "POST": rec.mass_update},
        ),
        (rf"{module}/actions/count", {"GET": count.records_count}),
        (rf"{module}/(?P<record_id>\d+)", {"GET": rec.record_detail}),
        (module, {"GET": rec.records_list, "PUT": rec.records_update}),
    ]
    return [(re.compile(pattern), methods) for pattern, methods in table]


_ROUTE_TABLE: list[tuple[re.Pattern[str], dict[str, Handler]]] = []


def _match(rest: str) -> tuple[dict[str, Handler], dict[str, str]] | None:
    if not _ROUTE_TABLE:
        _ROUTE_TABLE.extend(_routes())
    for pattern, methods in _ROUTE_TABLE:
        found = pattern.fullmatch(rest)
        if found:
            return methods, found.groupdict()
    return None


@csrf_exempt
def crm_api(request: HttpRequest, path: str = "") -> HttpResponse:
    """Entry point for everything under the simulator's API domain."""
    token: SimAccessToken | None = None
    try:
        token, response, code = _dispatch(request, path)
    except http.ZohoApiError as error:
        response, code = http.error_response(error), error.code
    except Exception:
        logger.exception("zohosim: unexpected error on %s /%s", request.method, path)
        response, code = http.error_response(http.internal_error()), "INTERNAL_ERROR"
    api_call_record(
        request=request,
        host="crm",
        path="/" + path,
        status=response.status_code,
        org=token.user.org if token else None,
        user=token.user if token else None,
        response_code=code,
    )
    return response


def _dispatch(request: HttpRequest, path: str) -> tuple[SimAccessToken, HttpResponse, str]:
    parts = path.rstrip("/").split("/", 2)
    if len(parts) < 3 or parts[0] != "crm" or parts[1] not in VERSIONS:
        raise http.invalid_url_pattern()
    version, rest = parts[1], parts[2]
    matched = _match(rest)
    if matched is None:
        raise http.invalid_url_pattern()
    methods, kwargs = matched
    handler = methods.get(request.method or "")
    if handler is None:
        raise http.invalid_method()
    found = _HEADER.fullmatch(request.META.get("HTTP_AUTHORIZATION", ""))
    if not found:
        raise http.authentication_failure()
    token = access_token_find(found.group(1))
    if token is None:
        raise http.invalid_token()
    response, code = _serve(request, version, token, handler, kwargs)
    return token, response, code


def _serve(
    request: HttpRequest,
    version: str,
    token: SimAccessToken,
    handler: Handler,
    kwargs: dict[str, str],
) -> tuple[HttpResponse, str]:
    org = token.user.org
    reset = token.expires_at
    remaining: int | None = None
    try:
        remaining = ratelimit.credits_take(org)
        with ratelimit.concurrency_slot(org):
            jobs_settle(org)
            ctx = CrmContext(request, version, VERSIONS[version], token, token.user, org)
            answer = handler(ctx, **kwargs)
    except http.ZohoApiError as error:
        response, code = http.error_response(error, token_reset=reset), error.code
    except Exception:
        logger.exception("zohosim: unexpected error on %s %s", request.method, request.path)
        response = http.error_response(http.internal_error(), token_reset=reset)
        code = "INTERNAL_ERROR"
    else:
        status, body = answer
        if status == 204:
            response, code = http.no_content(token_reset=reset), ""
        else:
            response = http.zoho_json(body, status, token_reset=reset)
            code = _first_error_code(body)
    if remaining is not None:
        response["X-API-CREDITS-REMAINING"] = str(remaining)
    return response, code


def _first_error_code(body: Any) -> str:
    entries = body.get("data") if isinstance(body, dict) else None
    if isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, dict) and entry.get("status") == "error":
                return str(entry.get("code", ""))
    return ""
