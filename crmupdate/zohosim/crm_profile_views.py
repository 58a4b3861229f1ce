"""Profiles of the simulated CRM API: `GET settings/profiles` and `settings/profiles/{id}`.

Shapes follow Zoho's v7 Get Profiles page and its OpenAPI file (`profiles.json`): the list
leaves `permissions_details` out, one profile carries them. Module permissions are named
"Crm_Implied_<Action>_<Module>"; Mass Update is one of them, per module, enabled as the
demo profile says (the same flag the mass-update endpoint enforces). Reading profiles needs
ZohoCRM.settings.profiles.READ (or a broader settings scope).
"""

from __future__ import annotations

from typing import Any

from crmupdate.zohosim import http
from crmupdate.zohosim.crm_router import CrmContext
from crmupdate.zohosim.demo.orgs import ADMIN, PROFILES
from crmupdate.zohosim.models import SimModule, SimOrg, SimUser

Answer = tuple[int, Any]
PROFILE_SCOPES = ("ZohoCRM.settings.profiles.READ",)
DESCRIPTIONS = {
    ADMIN: "This profile will have all the permissions.",
}
# Per module: action, display label, id offset (ids are the module's id plus the offset).
MODULE_PERMISSIONS = (
    ("View", "View", 1),
    ("Create", "Create", 2),
    ("Edit", "Edit", 3),
    ("Delete", "Delete", 4),
    ("Mass_Update", "Mass Update", 5),
)


def _profile_json(org: SimOrg, name: str, *, with_permissions: bool) -> dict[str, Any]:
    tail, may_mass_update = PROFILES[name]
    admin = SimUser.objects.filter(org=org, is_admin=True).order_by("sort_order").first()
    author = {"name": admin.full_name, "id": admin.zoho_id} if admin else None
    body: dict[str, Any] = {
        "display_label": name,
        "created_time": None if name == ADMIN else org.created.isoformat(),
        "modified_time": None if name == ADMIN else org.created.isoformat(),
        "custom": name != ADMIN,
        "name": name,
        "modified_by": None if name == ADMIN else author,
        "description": DESCRIPTIONS.get(name, f"Profile for {name.lower()} users."),
        "id": org.make_id(tail),
        "category": False,
        "created_by": None if name == ADMIN else author,
        "type": "normal_profile",
    }
    if with_permissions:
        body["permissions_details"] = _permissions(org, name, may_mass_update)
    return body


def _permissions(org: SimOrg, name: str, may_mass_update: bool) -> list[dict[str, Any]]:
    details = []
    modules = SimModule.objects.filter(org=org, api_supported=True).order_by("sequence_number")
    for module in modules:
        for action, label, offset in MODULE_PERMISSIONS:
            # Everyone views, creates and edits; Delete and Mass Update follow the profile.
            enabled = name == ADMIN or action in ("View", "Create", "Edit") or may_mass_update
            details.append(
                {
                    "display_label": label,
                    "module": module.api_name,
                    "name": f"Crm_Implied_{action}_{module.api_name}",
                    "id": str(int(module.zoho_id) + offset * 100_000),
                    "enabled": enabled,
                }
            )
    return details


def _name_for(org: SimOrg, profile_id: str) -> str | None:
    return next((n for n, (tail, _) in PROFILES.items() if org.make_id(tail) == profile_id), None)


def profiles_list(ctx: CrmContext) -> Answer:
    """Zoho: https://www.zoho.com/crm/developer/docs/api/v2/get-profiles.html"""
    ctx.require_scope(*PROFILE_SCOPES)
    return 200, {"profiles": [_profile_json(ctx.org, n, with_permissions=False) for n in PROFILES]}


def profile_detail(ctx: CrmContext, profile_id: str) -> Answer:
    ctx.require_scope(*PROFILE_SCOPES)
    name = _name_for(ctx.org, profile_id)
    if name is None:
        raise http.invalid_param("id", "the given id seems to be invalid")
    return 200, {"profiles": [_profile_json(ctx.org, name, with_permissions=True)]}
