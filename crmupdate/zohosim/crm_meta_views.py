"""Metadata calls of the simulated CRM API: modules, custom views, fields, users, org.

Handlers take the request context (see crm_router) and return `(status, body)`; they raise
`ZohoApiError` for Zoho's top-level errors.
"""

from __future__ import annotations

from typing import Any

from crmupdate.zohosim import http
from crmupdate.zohosim.crm_router import CrmContext
from crmupdate.zohosim.demo.orgs import PROFILES
from crmupdate.zohosim.models import SimField, SimModule, SimUser, SimView
from crmupdate.zohosim.serializers import (
    CATEGORY_LABELS,
    module_json,
    org_json,
    user_json,
    view_detail_json,
    view_json,
    view_visible_to,
)
from crmupdate.zohosim.versions import fields_for_version, org_for_version, view_for_version

Answer = tuple[int, Any]
MODULE_SCOPES = ("ZohoCRM.settings.modules.READ",)
VIEW_SCOPES = ("ZohoCRM.settings.custom_views.READ",)
FIELD_SCOPES = ("ZohoCRM.settings.fields.READ",)
USER_SCOPES = ("ZohoCRM.users.READ",)
ORG_SCOPES = ("ZohoCRM.org.READ",)
USER_TYPES = {
    "AllUsers",
    "ActiveUsers",
    "DeactiveUsers",
    "ConfirmedUsers",
    "NotConfirmedUsers",
    "DeletedUsers",
    "ActiveConfirmedUsers",
    "AdminUsers",
    "ActiveConfirmedAdmins",
    "CurrentUser",
}
MAX_PER_PAGE = 200


def _admin(ctx: CrmContext) -> SimUser | None:
    return SimUser.objects.filter(org=ctx.org, is_admin=True).order_by("sort_order").first()


def _profiles(ctx: CrmContext) -> list[dict[str, str]]:
    return [{"name": name, "id": ctx.org.make_id(tail)} for name, (tail, _) in PROFILES.items()]


def modules_list(ctx: CrmContext) -> Answer:
    """Zoho: https://www.zoho.com/crm/developer/docs/api/v2/modules-api.html"""
    ctx.require_scope(*MODULE_SCOPES)
    admin, profiles = _admin(ctx), _profiles(ctx)
    modules = SimModule.objects.filter(org=ctx.org).order_by("sequence_number")
    return 200, {
        "modules": [
            module_json(m, admin=admin, profiles=profiles, version=ctx.version_number)
            for m in modules
        ]
    }


def module_detail(ctx: CrmContext, api_name: str) -> Answer:
    ctx.require_scope(*MODULE_SCOPES)
    module = ctx.module(api_name, subform=True)
    body = module_json(
        module, admin=_admin(ctx), profiles=_profiles(ctx), version=ctx.version_number
    )
    return 200, {"modules": [body]}


def _visible_views(ctx: CrmContext, module: SimModule) -> list[SimView]:
    views = SimView.objects.filter(module=module).select_related("owner", "module")
    return [v for v in views.order_by("sort_order") if view_visible_to(v, ctx.user)]


def _page_params(ctx: CrmContext, default_per_page: int = MAX_PER_PAGE) -> tuple[int, int]:
    page = _positive_int(ctx, "page", 1)
    per_page = _positive_int(ctx, "per_page", default_per_page)
    if per_page > MAX_PER_PAGE:
        raise http.invalid_param("per_page")
    return page, per_page


def _positive_int(ctx: CrmContext, name: str, default: int) -> int:
    raw = ctx.request.GET.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) < 1:
        raise http.invalid_param(name)
    return int(raw)


def views_list(ctx: CrmContext) -> Answer:
    """Zoho: https://www.zoho.com/crm/developer/docs/api/v2/custom-view-meta.html"""
    ctx.require_scope(*VIEW_SCOPES)
    module = ctx.module_param()
    page, per_page = _page_params(ctx)
    views = _visible_views(ctx, module)
    admin = _admin(ctx)
    chunk = views[(page - 1) * per_page : page * per_page]
    if not chunk:
        return 204, None
    default = next((v.zoho_id for v in views if v.is_default), views[0].zoho_id)
    return 200, {
        "custom_views": [
            view_for_version(view_json(v, viewer=ctx.user, admin=admin), ctx.version_number)
            for v in chunk
        ],
        "info": {
            "per_page": per_page,
            "default": default,
            "count": len(chunk),
            "translation": dict(CATEGORY_LABELS),
            "page": page,
            "more_records": page * per_page < len(views),
        },
    }


def view_detail(ctx: CrmContext, view_id: str) -> Answer:
    ctx.require_scope(*VIEW_SCOPES)
    module = ctx.module_param()
    view = next((v for v in _visible_views(ctx, module) if v.zoho_id == view_id), None)
    if view is None:
        return 204, None
    field_ids = dict(
        SimField.objects.filter(module=module)
        .order_by("sequence_number")
        .values_list("api_name", "zoho_id")
    )
    body = view_detail_json(view, viewer=ctx.user, admin=_admin(ctx), field_ids=field_ids)
    body = view_for_version(body, ctx.version_number)
    return 200, {"custom_views": [body], "info": {"translation": dict(CATEGORY_LABELS)}}


def fields_list(ctx: CrmContext) -> Answer:
    """Zoho: https://www.zoho.com/crm/developer/docs/api/v2/field-meta.html"""
    ctx.require_scope(*FIELD_SCOPES)
    # Subform modules have fields too (the SDKs read them for every subform field).
    module = ctx.module_param(subform=True)
    kind = ctx.request.GET.get("type", "used")
    if kind not in ("all", "used", "unused"):
        raise http.invalid_param("type")
    if kind == "unused":
        return 204, None
    fields = SimField.objects.filter(module=module).order_by("sequence_number")
    return 200, {"fields": fields_for_version([f.meta for f in fields], ctx.version_number)}


def field_detail(ctx: CrmContext, field_id: str) -> Answer:
    ctx.require_scope(*FIELD_SCOPES)
    module = ctx.module_param(subform=True)
    field = SimField.objects.filter(module=module, zoho_id=field_id).first()
    if field is None:
        return 204, None
    metas = fields_for_version([field.meta], ctx.version_number)
    return (200, {"fields": metas}) if metas else (204, None)


def _users_of_type(ctx: CrmContext, kind: str) -> list[SimUser]:
    users = list(SimUser.objects.filter(org=ctx.org).order_by("sort_order"))
    active = [u for u in users if u.status == "active"]
    return {
        "AllUsers": users,
        "ActiveUsers": active,
        "DeactiveUsers": [u for u in users if u.status != "active"],
        "ConfirmedUsers": active,
        "NotConfirmedUsers": [],
        "DeletedUsers": [],
        "ActiveConfirmedUsers": active,
        "AdminUsers": [u for u in users if u.is_admin],
        "ActiveConfirmedAdmins": [u for u in active if u.is_admin],
        "CurrentUser": [ctx.user],
    }[kind]


def users_list(ctx: CrmContext) -> Answer:
    """Zoho: https://www.zoho.com/crm/developer/docs/api/v2/get-users.html"""
    ctx.require_scope(*USER_SCOPES)
    kind = ctx.request.GET.get("type", "AllUsers")
    if kind not in USER_TYPES:
        raise http.invalid_param("type")
    page, per_page = _page_params(ctx)
    users = _users_of_type(ctx, kind)
    chunk = users[(page - 1) * per_page : page * per_page]
    if not chunk:
        return 204, None
    admin = _admin(ctx)
    return 200, {
        "users": [user_json(u, ctx.org, admin) for u in chunk],
        "info": {
            "per_page": per_page,
            "count": len(chunk),
            "page": page,
            "more_records": page * per_page < len(users),
        },
    }


def user_detail(ctx: CrmContext, user_id: str) -> Answer:
    ctx.require_scope(*USER_SCOPES)
    user = SimUser.objects.filter(org=ctx.org, zoho_id=user_id).first()
    if user is None:
        return 204, None
    return 200, {"users": [user_json(user, ctx.org, _admin(ctx))]}


def org_detail(ctx: CrmContext) -> Answer:
    """Zoho: https://www.zoho.com/crm/developer/docs/api/v2/get-org-data.html"""
    ctx.require_scope(*ORG_SCOPES)
    return 200, {"org": [org_for_version(org_json(ctx.org, _admin(ctx)), ctx.version_number)]}
