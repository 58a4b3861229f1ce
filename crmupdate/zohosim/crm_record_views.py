"""Record calls of the simulated CRM API: Get Records, Record Count, one record, Update
Records, Mass Update and its status.

Get Records follows the version rules in zoho-crm-api.md §4.1: from v3 `fields` is mandatory,
`page`/`per_page` reach only the first 2000 records (DISCRETE_PAGINATION_LIMIT_EXCEEDED) and
`page_token` (signed, bound to the user, view, fields and page size, valid 24 hours) pages
beyond; `info` is v2-shaped (per_page, count, page, more_records) on v2 and v2.1.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.core import signing
from django.utils import timezone

from crmupdate.zohosim import http, jobs
from crmupdate.zohosim.automation import automation_fire, kinds_for_trigger
from crmupdate.zohosim.crm_meta_views import MAX_PER_PAGE, _positive_int
from crmupdate.zohosim.crm_router import CrmContext, module_scopes
from crmupdate.zohosim.http import ZohoApiError
from crmupdate.zohosim.models import SimAutomationRun, SimModule, SimRecord, SimView
from crmupdate.zohosim.records import (
    InvalidValue,
    module_field_names,
    module_fields,
    module_queryset,
    record_id_int,
    record_json,
    rows_page,
    values_clean,
    zoho_now,
)
from crmupdate.zohosim.refusals import layout_gaps, record_refusal
from crmupdate.zohosim.serializers import view_visible_to
from crmupdate.zohosim.writes import module_touch

Answer = tuple[int, Any]
MAX_FIELDS = 50
DISCRETE_LIMIT = 2000
TOKEN_LIMIT = 100_000
TOKEN_MAX_AGE = 24 * 3600
TOKEN_SALT = "zohosim.page_token"
MAX_UPDATE_RECORDS = 100
MAX_GET_IDS = 100
TRIGGERS = {"workflow", "approval", "blueprint", "pathfinder", "orchestration"}


def _ambiguity(*names: str) -> ZohoApiError:
    return ZohoApiError(
        400,
        "AMBIGUITY_DURING_PROCESSING",
        "ambiguity while processing the request",
        {"ambiguity_due_to": [{"param_name": n} for n in names]},
    )


def _view(ctx: CrmContext, module: SimModule, cvid: str | None) -> SimView | None:
    if not cvid:
        return None
    view = SimView.objects.filter(module=module, zoho_id=cvid).select_related("module").first()
    if view is None or not view_visible_to(view, ctx.user):
        raise ZohoApiError(
            400, "INVALID_DATA", "the cvid given seems to be invalid", {"param_name": "cvid"}
        )
    return view


def _field_names(ctx: CrmContext, module: SimModule) -> list[str]:
    known = module_field_names(module)
    raw = ctx.request.GET.get("fields", "")
    if not raw.strip():
        if ctx.version_number >= 3:
            raise http.required_param_missing("fields")
        return known
    names = list(dict.fromkeys(n.strip() for n in raw.split(",") if n.strip()))
    if len(names) > MAX_FIELDS:
        raise ZohoApiError(
            400,
            "LIMIT_EXCEEDED",
            "Fields limit exceeded",
            {"param_name": "fields", "limit": MAX_FIELDS},
        )
    for name in names:
        if name not in known:
            raise ZohoApiError(400, "INVALID_DATA", "invalid data", {"api_name": name})
    return names


def records_list(ctx: CrmContext, module: str) -> Answer:
    """Zoho: https://www.zoho.com/crm/developer/docs/api/v2/get-records.html"""
    found = ctx.module(module)
    ctx.require_scope(*module_scopes(found, "READ"))
    names = _field_names(ctx, found)
    params = ctx.request.GET
    if params.get("ids") is not None:
        return _records_by_id(ctx, found, names)
    cvid = params.get("cvid") or None
    view = _view(ctx, found, cvid)
    if cvid and params.get("sort_by"):
        raise _ambiguity("cvid", "sort_by")
    per_page = _positive_int(ctx, "per_page", MAX_PER_PAGE)
    if per_page > MAX_PER_PAGE:
        raise http.invalid_param("per_page")
    token = params.get("page_token") if ctx.version_number >= 3 else None
    binding = _binding(ctx, found, cvid, names, per_page)
    after_id = None
    if token:
        if params.get("page"):
            raise _ambiguity("page", "page_token")
        page, after_id = _token_read(token, binding)
        if page * per_page > TOKEN_LIMIT:
            raise ZohoApiError(
                400,
                "PAGINATION_LIMIT_EXCEEDED",
                "pagination limit exceeded",
                {"limit": TOKEN_LIMIT},
            )
    else:
        page = _positive_int(ctx, "page", 1)
        if ctx.version_number >= 3 and page * per_page > DISCRETE_LIMIT:
            raise ZohoApiError(
                400,
                "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
                "Cannot fetch more than 2000 records; use page_token to fetch more",
                {"limit": DISCRETE_LIMIT},
            )
    rows = rows_page(
        view,
        found,
        ctx.user,
        offset=(page - 1) * per_page,
        limit=per_page + 1,
        after_id=after_id,
    )
    more = len(rows) > per_page
    rows = rows[:per_page]
    if not rows:
        return 204, None
    data = [record_json(record_id, values, names) for record_id, values in rows]
    info: dict[str, Any] = {
        "per_page": per_page,
        "count": len(data),
        "page": page,
        "more_records": more,
    }
    if ctx.version_number >= 3:
        expiry = timezone.now() + timedelta(seconds=TOKEN_MAX_AGE)
        next_token = _token_make(binding, page + 1, rows[-1][0]) if more else None
        info = {
            "call": False,
            "per_page": per_page,
            "next_page_token": next_token,
            "count": len(data),
            "sort_by": "id",
            "page": page,
            "previous_page_token": token,
            "page_token_expiry": expiry.isoformat(timespec="seconds"),
            "sort_order": "asc",
            "email": False,
            "more_records": more,
        }
    return 200, {"data": data, "info": info}


def _records_by_id(ctx: CrmContext, module: SimModule, names: list[str]) -> Answer:
    """Get Records with `ids` (at most 100): those records in id order, whatever view they
    are in; ids of records that do not exist are left out."""
    params = ctx.request.GET
    if params.get("cvid"):
        raise _ambiguity("cvid", "ids")
    parts = [p.strip() for p in params.get("ids", "").split(",") if p.strip()]
    if not parts or any(not p.isascii() or not p.isdigit() for p in parts):
        raise http.invalid_param("ids")
    if len(parts) > MAX_GET_IDS:
        raise ZohoApiError(
            400,
            "LIMIT_EXCEEDED",
            "Record count exceeded",
            {"param_name": "ids", "limit": MAX_GET_IDS},
        )
    wanted = [record_id_int(p) for p in parts]
    rows = module_queryset(module).filter(record_id__in=[w for w in wanted if w is not None])
    pairs = rows.values_list("record_id", "data")
    data = [record_json(record_id, values, names) for record_id, values in pairs]
    if not data:
        return 204, None
    info = {"per_page": len(data), "count": len(data), "page": 1, "more_records": False}
    return 200, {"data": data, "info": info}


def _binding(
    ctx: CrmContext, module: SimModule, cvid: str | None, names: list[str], per_page: int
) -> dict[str, Any]:
    fields_hash = hashlib.sha256(",".join(names).encode()).hexdigest()[:16]
    return {
        "u": ctx.user.zoho_id,
        "m": module.zoho_id,
        "v": cvid or "",
        "f": fields_hash,
        "n": per_page,
    }


def _token_make(binding: dict[str, Any], page: int, after_id: int) -> str:
    return signing.dumps({**binding, "p": page, "a": after_id}, salt=TOKEN_SALT, compress=True)


def _token_read(token: str, binding: dict[str, Any]) -> tuple[int, int]:
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise ZohoApiError(
            400, "EXPIRED_VALUE", "the page_token has expired", {"param_name": "page_token"}
        ) from None
    except signing.BadSignature:
        raise http.invalid_param("page_token") from None
    if any(payload.get(k) != v for k, v in binding.items()):
        raise ZohoApiError(
            400,
            "TOKEN_BOUND_DATA_MISMATCH",
            "the page_token does not match the other parameters",
            {"param_name": "page_token"},
        )
    return int(payload["p"]), int(payload["a"])


def record_detail(ctx: CrmContext, module: str, record_id: str) -> Answer:
    found = ctx.module(module)
    ctx.require_scope(*module_scopes(found, "READ"))
    wanted = record_id_int(record_id)
    row = SimRecord.objects.filter(module=found, record_id=wanted).first() if wanted else None
    if row is None:
        return 204, None
    names = module_field_names(found)
    return 200, {"data": [record_json(row.record_id, row.data, names)]}


def records_update(ctx: CrmContext, module: str) -> Answer:
    """Update Records, up to 100 by id, one result per record. Zoho:
    https://www.zoho.com/crm/developer/docs/api/v2/update-records.html"""
    found = ctx.module(module)
    ctx.require_scope(*module_scopes(found, "UPDATE"))
    body = ctx.body()
    data = body.get("data")
    if data is None:
        raise ZohoApiError(
            400, "MANDATORY_NOT_FOUND", "required field not found", {"api_name": "data"}
        )
    if not isinstance(data, list) or not data or not all(isinstance(d, dict) for d in data):
        raise ZohoApiError(400, "INVALID_DATA", "invalid data", {"api_name": "data"})
    if len(data) > MAX_UPDATE_RECORDS:
        raise ZohoApiError(
            400,
            "LIMIT_EXCEEDED",
            "Record count exceeded",
            {"api_name": "data", "limit": MAX_UPDATE_RECORDS},
        )
    trigger = body.get("trigger")
    if trigger is not None and (
        not isinstance(trigger, list)
        or any(not isinstance(t, str) or t not in TRIGGERS for t in trigger)
    ):
        raise ZohoApiError(400, "INVALID_DATA", "invalid data", {"api_name": "trigger"})
    fields = {f.api_name: f for f in module_fields(found)}
    ids = {i for i in (record_id_int(d.get("id")) for d in data) if i is not None}
    records = {r.record_id: r for r in SimRecord.objects.filter(module=found, record_id__in=ids)}
    now = zoho_now()
    entries, changed = [], {}
    for n, item in enumerate(data):
        entry, record = _update_one(found, item, n, records, fields, ctx, now)
        entries.append(entry)
        if record is not None:
            changed[record.pk] = record
    SimRecord.objects.bulk_update(list(changed.values()), ["data"], batch_size=100)
    if changed:
        module_touch(found.pk)
        # Rules look at the fields written to each record: group the records by them.
        by_fields: dict[frozenset[str], list[SimRecord]] = {}
        for item in data:
            record = records.get(record_id_int(item.get("id")) or -1)
            if record is not None and record.pk in changed:
                names = frozenset(k for k in item if k != "id")
                by_fields.setdefault(names, []).append(record)
        for names, group in by_fields.items():
            automation_fire(
                module=found,
                records=list({r.pk: r for r in group}.values()),
                changed=names,
                source=SimAutomationRun.Source.UPDATE_RECORDS,
                kinds=kinds_for_trigger(trigger),
                user_id=ctx.user.zoho_id,
            )
    return (200 if changed else 400), {"data": entries}


def _update_one(
    module: SimModule,
    item: dict[str, Any],
    n: int,
    records: dict[int, SimRecord],
    fields: dict[str, Any],
    ctx: CrmContext,
    now: str,
) -> tuple[dict[str, Any], SimRecord | None]:
    raw_id = item.get("id")
    if raw_id is None:
        details = {"api_name": "id", "json_path": f"$.data[{n}].id"}
        return http.error_entry("MANDATORY_NOT_FOUND", "required field not found", details), None
    record_id = record_id_int(raw_id)
    record = records.get(record_id) if record_id is not None else None
    if record is None:
        return jobs.invalid_id(raw_id), None
    values = {k: v for k, v in item.items() if k != "id"}
    refusal = record_refusal(
        record, values, layout_gaps(module, values), json_path=f"$.data[{n}]", raw_id=str(raw_id)
    )
    if refusal is not None:
        return refusal, None
    for name in values:
        if name not in fields or fields[name].read_only:
            details = {"api_name": name, "json_path": f"$.data[{n}].{name}"}
            return http.error_entry("INVALID_DATA", "invalid data", details), None
    try:
        cleaned = values_clean(module, fields, values, json_path=f"$.data[{n}]")
    except InvalidValue as invalid:
        return invalid.entry, None
    # Update Records replaces multi-select values (mass update appends by default).
    jobs.record_apply(record.data, cleaned, fields, over_write=True, user=ctx.user, now=now)
    return jobs.record_success(record), record


def mass_update(ctx: CrmContext, module: str) -> Answer:
    """Zoho: https://www.zoho.com/crm/developer/docs/api/v2/mass-update-records.html"""
    found = ctx.module(module)
    ctx.require_scope(*module_scopes(found, "UPDATE", service="mass_update"))
    if not ctx.user.can_mass_update:
        raise ZohoApiError(
            403, "NO_PERMISSION", "permission denied", {"permissions": ["Crm_Implied_Mass_Update"]}
        )
    return jobs.mass_update_submit(module=found, user=ctx.user, body=ctx.body())


def mass_update_status(ctx: CrmContext, module: str) -> Answer:
    """Zoho: https://www.zoho.com/crm/developer/docs/api/v2/mass-update-status.html"""
    found = ctx.module(module)
    ctx.require_scope(*module_scopes(found, "READ", service="mass_update"))
    return jobs.job_status(module=found, job_id=ctx.request.GET.get("job_id"))
