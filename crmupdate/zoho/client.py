"""ZohoClient: every Zoho CRM API call the app makes, returning typed results.

Configured explicitly (API domain from the token response, an access token or a
`TokenProvider` that hands out fresh ones, API version), so
views, services and the worker all use it the same way. Failures raise `ZohoError` (see
`crmupdate.zoho.errors` for how each one is mapped).

Per-entry results of writes by record id (`mass_update(ids=...)`, `update_records`) come back
as `RecordResult`s, one per record, including records Zoho refused. Only when *every* entry is
an error and the entries cannot be matched one-to-one with the records sent (for example one
`INVALID_DATA` "This field cannot be updated in the Mass Update" for three ids) is the
failure about the request itself: then the first entry is raised as `ZohoError`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import requests

from crmupdate.zoho.errors import (
    MALFORMED_RESPONSE,
    ErrorCategory,
    ZohoError,
    crm_error,
    error_from_entry,
    first_data_entry,
    is_error_entry,
)
from crmupdate.zoho.tokens import FixedToken, TokenProvider
from crmupdate.zoho.transport import (
    DEFAULT_READ_ATTEMPTS,
    DEFAULT_TIMEOUT,
    RetryPolicy,
    Transport,
    ZohoResponse,
    credits_remaining,
)
from crmupdate.zoho.types import (
    CustomView,
    CustomViewList,
    Field,
    MassUpdateJobStatus,
    MassUpdateScheduled,
    Module,
    Org,
    Profile,
    RecordPage,
    RecordResult,
    User,
)

MAX_PER_PAGE = 200
MAX_MASS_UPDATE_IDS = 500
MAX_UPDATE_RECORDS = 100
MAX_GET_IDS = 100  # Get Records by `ids`
# Listing calls stop after this many pages: a guard against a server that never says "done".
MAX_LIST_PAGES = 50

_MODULE_API_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_API_VERSION = re.compile(r"v\d+(\.\d+)?")


class ZohoClient:
    def __init__(
        self,
        *,
        api_domain: str,
        access_token: str | None = None,
        tokens: TokenProvider | None = None,
        api_version: str = "v2",
        timeout: float = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        read_attempts: int = DEFAULT_READ_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
        on_credits: Callable[[int], None] | None = None,
    ) -> None:
        """`on_credits(n)` is called whenever Zoho reports the organisation's remaining API
        credits (X-API-CREDITS-REMAINING, sent only once half the day's credits are used)."""
        if not _API_VERSION.fullmatch(api_version):
            raise ValueError(f"Zoho API version must look like 'v2' or 'v2.1', not {api_version!r}")
        self.api_domain = api_domain.rstrip("/")
        self.api_version = api_version
        if (access_token is None) == (tokens is None):
            raise ValueError("ZohoClient needs either an access token or a token provider")
        self.tokens: TokenProvider = (
            tokens if tokens is not None else FixedToken(access_token or "")
        )
        self._on_credits = on_credits
        self._transport = Transport(
            timeout=timeout, session=session, read_attempts=read_attempts, sleep=sleep
        )

    def __repr__(self) -> str:  # never shows the token
        return f"ZohoClient(api_domain={self.api_domain!r}, api_version={self.api_version!r})"

    # --- metadata --------------------------------------------------------------------------

    def list_modules(self) -> list[Module]:
        """The org's modules. Zoho: Modules API,
        https://www.zoho.com/crm/developer/docs/api/v2/modules-api.html"""
        body = self._get("settings/modules")
        return [Module.from_api(m) for m in _objects(body, "modules")]

    def list_custom_views(self, module: str) -> CustomViewList:
        """The custom views of a module, with the default view and category labels. Zoho:
        Custom View Meta, https://www.zoho.com/crm/developer/docs/api/v2/custom-view-meta.html"""
        params = {"module": _module(module)}
        views: list[CustomView] = []
        info: Mapping[str, Any] = {}
        for page in range(1, MAX_LIST_PAGES + 1):
            if page > 1:
                params["page"] = str(page)
            body = self._get("settings/custom_views", params)
            views += [CustomView.from_api(v) for v in _objects(body, "custom_views")]
            info = info or _info(body)  # the default view and labels come with the first page
            if not _info(body).get("more_records"):
                break
        translation = info.get("translation")
        labels = translation if isinstance(translation, Mapping) else {}
        return CustomViewList(
            views=views,
            default_id=str(info.get("default") or ""),
            category_labels={str(k): str(v) for k, v in labels.items() if isinstance(v, str)},
        )

    def get_custom_view(self, module: str, view_id: str) -> CustomView:
        """One custom view with its criteria (the list of views leaves them out). Zoho:
        Custom View Meta, https://www.zoho.com/crm/developer/docs/api/v2/custom-view-meta.html"""
        if not re.fullmatch(r"[0-9]{1,19}", view_id or ""):
            raise ValueError(f"not a custom view id: {view_id!r}")
        body = self._get(f"settings/custom_views/{view_id}", {"module": _module(module)})
        views = _objects(body, "custom_views")
        if not views:
            raise _malformed("Zoho did not return the custom view.")
        return CustomView.from_api(views[0])

    def list_fields(self, module: str) -> list[Field]:
        """The fields of a module (data type, length, picklist values, `mass_update`...). Zoho:
        Field Meta, https://www.zoho.com/crm/developer/docs/api/v2/field-meta.html"""
        body = self._get("settings/fields", {"module": _module(module)})
        return [Field.from_api(f) for f in _objects(body, "fields")]

    def list_users(self, type: str = "ActiveUsers") -> list[User]:
        """The org's users of one type (ActiveUsers, AdminUsers, CurrentUser...), every page.
        Zoho: Users API, https://www.zoho.com/crm/developer/docs/api/v2/get-users.html"""
        users: list[User] = []
        for page in range(1, MAX_LIST_PAGES + 1):
            params = {"type": type, "page": str(page), "per_page": str(MAX_PER_PAGE)}
            body = self._get("users", params)
            users += [User.from_api(u) for u in _objects(body, "users")]
            if not _info(body).get("more_records"):
                break
        return users

    def current_user(self) -> User:
        """The CRM user the access token belongs to (`users?type=CurrentUser`). Zoho: Users API,
        https://www.zoho.com/crm/developer/docs/api/v2/get-users.html"""
        body = self._get("users", {"type": "CurrentUser"})
        users = _objects(body, "users")
        if not users:
            raise _malformed("Zoho did not say which CRM user this sign-in belongs to.")
        return User.from_api(users[0])

    def get_org(self) -> Org:
        """The CRM organisation (id, company name, edition). Zoho: Organization API,
        https://www.zoho.com/crm/developer/docs/api/v2/get-org-data.html"""
        orgs = _objects(self._get("org"), "org")
        if not orgs:
            raise _malformed("Zoho did not return the organisation's details.")
        return Org.from_api(orgs[0])

    def get_profile(self, profile_id: str) -> Profile:
        """One profile with its `permissions_details` (Zoho sends them only for a single
        profile). Needs scope ZohoCRM.settings.profiles.READ. Zoho: Profiles API,
        https://www.zoho.com/crm/developer/docs/api/v2/get-profiles.html"""
        if not profile_id.isdigit():
            raise ValueError(f"not a Zoho profile id: {profile_id!r}")
        profiles = _objects(self._get(f"settings/profiles/{profile_id}"), "profiles")
        if not profiles:
            raise _malformed("Zoho did not return the profile's permissions.")
        return Profile.from_api(profiles[0])

    # --- records ---------------------------------------------------------------------------

    def get_records(
        self,
        module: str,
        *,
        cvid: str,
        fields: Sequence[str],
        page: int = 1,
        per_page: int = MAX_PER_PAGE,
        page_token: str | None = None,
    ) -> RecordPage:
        """One page of the records of a custom view. `fields` is always sent (mandatory from
        v3); `page_token` replaces `page` past the first 2000 records (v3+). Zoho: Get Records,
        https://www.zoho.com/crm/developer/docs/api/v2/get-records.html"""
        if not fields:
            raise ValueError("get_records needs at least one field API name")
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        params = {"cvid": str(cvid), "fields": ",".join(fields), "per_page": str(per_page)}
        if page_token:
            params["page_token"] = page_token
        else:
            params["page"] = str(page)
        body = self._get(_module(module), params)
        info = _info(body)
        return RecordPage(
            records=_objects(body, "data"),
            page=_int(info.get("page"), page),
            per_page=_int(info.get("per_page"), per_page),
            more_records=bool(info.get("more_records", False)),
            next_page_token=str(info["next_page_token"]) if info.get("next_page_token") else None,
        )

    def get_records_by_id(
        self, module: str, *, ids: Sequence[str], fields: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Up to 100 records by id, with `fields` (whatever view they are in now). Records
        that no longer exist are simply absent. Zoho: Get Records, parameter `ids`,
        https://www.zoho.com/crm/developer/docs/api/v2/get-records.html"""
        if not 1 <= len(ids) <= MAX_GET_IDS:
            raise ValueError(f"get_records_by_id takes 1 to {MAX_GET_IDS} record ids")
        if not fields:
            raise ValueError("get_records_by_id needs at least one field API name")
        params = {"ids": ",".join(str(i) for i in ids), "fields": ",".join(fields)}
        return _objects(self._get(_module(module), params), "data")

    def count_records(self, module: str, *, cvid: str) -> int:
        """How many records a custom view holds (Zoho refreshes this within 1-10 minutes).
        Zoho has no Record Count API in v2: it exists from v2.1 on, so with v2 configured
        this one call goes to v2.1 (same token, same domain). Zoho: Record Count,
        https://www.zoho.com/crm/developer/docs/api/v7/module_record_count.html"""
        version = self.api_version if _version_number(self.api_version) >= 2.1 else "v2.1"
        path = f"/crm/{version}/{_module(module)}/actions/count"
        body = self._get(path, {"cvid": str(cvid)})
        if body is None:
            return 0
        try:
            return int(body["count"])  # an integer in the docs, a string in Zoho's OpenAPI file
        except (KeyError, TypeError, ValueError):
            raise _malformed("Zoho's record count could not be read.") from None

    # --- mass update -----------------------------------------------------------------------

    def mass_update(
        self,
        module: str,
        *,
        data: Mapping[str, Any],
        cvid: str | None = None,
        ids: Sequence[str] | None = None,
        territory: Mapping[str, Any] | str | None = None,
        over_write: bool | None = None,
    ) -> MassUpdateScheduled | list[RecordResult]:
        """Mass update one view (`cvid`: Zoho schedules a job, returns its id) or up to 500
        records (`ids`: updated at once, one result per record). `territory` ({"id",
        "include_child"} or an id) only with `cvid`; `over_write` replaces multi-select picklist
        values instead of adding to them. Sent once: never retried after it may have reached
        Zoho. Zoho: Mass Update Records,
        https://www.zoho.com/crm/developer/docs/api/v2/mass-update-records.html"""
        if (cvid is None) == (ids is None):
            raise ValueError("mass_update needs exactly one of cvid or ids")
        if territory is not None and cvid is None:
            raise ValueError("territory can only be used together with cvid")
        body: dict[str, Any] = {"data": [dict(data)]}
        if cvid is not None:
            body["cvid"] = str(cvid)
        if territory is not None:
            body["territory"] = {"id": territory} if isinstance(territory, str) else territory
        if over_write is not None:
            body["over_write"] = over_write
        if ids is not None:
            if not 1 <= len(ids) <= MAX_MASS_UPDATE_IDS:
                raise ValueError(f"ids mode takes 1 to {MAX_MASS_UPDATE_IDS} record ids")
            body["ids"] = [str(i) for i in ids]
        response = self._write("POST", f"{_module(module)}/actions/mass_update", body)
        if ids is not None:
            return _record_results(response, [str(i) for i in ids])
        entry = first_data_entry(response.body)
        if entry is None:
            raise _malformed("Zoho did not confirm the mass update.", response.status)
        if is_error_entry(entry):
            raise error_from_entry(entry, http_status=response.status)
        details = entry.get("details")
        job_id = details.get("job_id") if isinstance(details, Mapping) else None
        if not job_id:
            raise _malformed("Zoho did not return a job id for the mass update.", response.status)
        return MassUpdateScheduled(job_id=str(job_id), message=str(entry.get("message") or ""))

    def mass_update_status(self, module: str, job_id: str) -> MassUpdateJobStatus:
        """The state and counts of a scheduled mass-update job. Zoho: Mass Update Status,
        https://www.zoho.com/crm/developer/docs/api/v2/mass-update-status.html"""
        body = self._get(f"{_module(module)}/actions/mass_update", {"job_id": str(job_id)})
        entry = first_data_entry(body)
        if entry is None:
            raise ZohoError(
                code="NOT_FOUND",
                message="Zoho has no mass-update job with this id.",
                category=ErrorCategory.PERMANENT,
                http_status=204 if body is None else 200,
            )
        if is_error_entry(entry):
            raise error_from_entry(entry, http_status=200)
        return MassUpdateJobStatus.from_api(dict(entry))

    def update_records(
        self, module: str, records: list[dict[str, Any]], *, trigger: Sequence[str] | None = ()
    ) -> list[RecordResult]:
        """Update up to 100 records by id (each dict has "id" and the new values). The
        default `trigger=()`, sent as `"trigger":[]`, stops workflows, approvals and
        blueprints from firing; None leaves the key out so they fire. Sent once: never retried
        after it may have reached Zoho. Zoho: Update Records,
        https://www.zoho.com/crm/developer/docs/api/v2/update-records.html"""
        if not 1 <= len(records) <= MAX_UPDATE_RECORDS:
            raise ValueError(f"update_records takes 1 to {MAX_UPDATE_RECORDS} records per call")
        if any(not r.get("id") for r in records):
            raise ValueError("every record to update needs its id")
        body: dict[str, Any] = {"data": records}
        if trigger is not None:
            body["trigger"] = list(trigger)
        response = self._write("PUT", _module(module), body)
        return _record_results(response, [str(r["id"]) for r in records])

    # --- plumbing --------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        if path.startswith("/crm/"):  # a call pinned to its own API version
            return f"{self.api_domain}{path}"
        return f"{self.api_domain}/crm/{self.api_version}/{path}"

    def _get(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any] | None:
        def send(token: str) -> ZohoResponse:
            return self._transport.request(
                "GET", self._url(path), policy=RetryPolicy.READ, params=params, headers=_auth(token)
            )

        response = self._with_token(send)
        self._credits_seen(response)
        return response.body

    def _write(self, method: str, path: str, body: dict[str, Any]) -> ZohoResponse:
        # A 4xx whose data[] holds one error per record is still a per-record answer (Zoho's
        # OpenAPI files describe "all failed" that way), so it is returned, not raised.
        def send(token: str) -> ZohoResponse:
            return self._transport.request(
                method,
                self._url(path),
                policy=RetryPolicy.WRITE,
                json_body=body,
                headers=_auth(token),
                map_error=_per_record_answer_or_crm_error,
            )

        response = self._with_token(send)
        self._credits_seen(response)
        return response

    def _credits_seen(self, response: ZohoResponse) -> None:
        remaining = credits_remaining(response)
        if remaining is not None and self._on_credits is not None:
            self._on_credits(remaining)

    def _with_token(self, send: Callable[[str], ZohoResponse]) -> ZohoResponse:
        """Send with the provider's token; if Zoho refuses it, once more with a fresh one."""
        token = self.tokens.access_token()
        try:
            return send(token)
        except ZohoError as error:
            if error.category != ErrorCategory.AUTH:
                raise
            fresh = self.tokens.refreshed(rejected=token, error=error)
            if fresh is None:
                raise
        try:
            return send(fresh)
        except ZohoError as error:
            if error.category != ErrorCategory.AUTH:
                raise
            refusal = self.tokens.refused(error)
            if refusal is error:
                raise
            raise refusal from error


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Zoho-oauthtoken {token}"}


def _per_record_answer_or_crm_error(status: int, body: dict[str, Any] | None) -> ZohoError | None:
    data = body.get("data") if body else None
    if 400 <= status < 500 and isinstance(data, list) and data and all(map(is_error_entry, data)):
        return None
    return crm_error(status, body)


def _record_results(response: ZohoResponse, ids: list[str]) -> list[RecordResult]:
    entries = (response.body or {}).get("data")
    if not isinstance(entries, list) or not entries:
        raise _malformed("Zoho did not return a result for each record.", response.status)
    entries = [e if isinstance(e, Mapping) else {} for e in entries]
    matched = len(entries) == len(ids)
    if all(map(is_error_entry, entries)) and not matched:
        raise error_from_entry(entries[0], http_status=response.status)
    results = []
    for position, entry in enumerate(entries):
        details = entry.get("details")
        details = dict(details) if isinstance(details, Mapping) else {}
        record_id = details.get("id") or (ids[position] if matched else "")
        results.append(
            RecordResult(
                id=str(record_id),
                ok=str(entry.get("status", "")).lower() == "success",
                code=str(entry.get("code") or ""),
                message=str(entry.get("message") or ""),
                details=details,
            )
        )
    return results


def module_api_name_valid(module: str) -> bool:
    """Could this be a Zoho module API name (and so go into a URL path)?"""
    return bool(_MODULE_API_NAME.fullmatch(module or ""))


def _module(module: str) -> str:
    # Module API names go into the URL path: refuse anything that could change the path.
    if not _MODULE_API_NAME.fullmatch(module or ""):
        raise ValueError(f"not a Zoho module API name: {module!r}")
    return module


def _version_number(version: str) -> float:
    return float(version.removeprefix("v"))


def _objects(body: Mapping[str, Any] | None, key: str) -> list[dict[str, Any]]:
    items = body.get(key) if body else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _info(body: Mapping[str, Any] | None) -> Mapping[str, Any]:
    info = body.get("info") if body else None
    return info if isinstance(info, Mapping) else {}


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _malformed(message: str, http_status: int | None = 200) -> ZohoError:
    return ZohoError(
        code=MALFORMED_RESPONSE,
        message=message,
        category=ErrorCategory.TRANSIENT,
        http_status=http_status,
    )
