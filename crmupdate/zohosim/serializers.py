"""Zoho's JSON shapes for modules, custom views, users and the organisation.

Key sets follow Zoho's own v7 samples (zoho-crm-api.md §3.1-3.5) plus the v2-era keys of
the v2 SDK where they differ; fields keep their full metadata in `SimField.meta`.
"""

from __future__ import annotations

from typing import Any

from crmupdate.zohosim.models import SimModule, SimOrg, SimUser, SimView

MODULES_MODIFIED = "2024-03-27T20:33:50+00:00"
CATEGORY_LABELS = {
    "public_views": "Public Views",
    "other_users_views": "Other Users' Views",
    "shared_with_me": "Shared With Me",
    "created_by_me": "Created By Me",
}
# Module keys Get Modules dropped in v6 (Zoho's v6 change log); older versions send them.
PRE_V6_MODULE_FLAGS = (
    "global_search_supported",
    "filter_supported",
    "triggers_supported",
    "isBlueprintSupported",
    "scoring_supported",
    "webform_supported",
    "email_parser_supported",
    "emailTemplate_support",
    "inventory_template_supported",
)


def module_json(
    module: SimModule, *, admin: SimUser | None, profiles: list[dict[str, str]], version: float
) -> dict[str, Any]:
    data = {
        "has_more_profiles": False,
        "access_type": "org_based",
        "private_profile": None,
        "deletable": module.generated_type == "custom",
        "description": None,
        "creatable": module.api_supported,
        "recycle_bin_on_delete": module.api_supported,
        "modified_time": MODULES_MODIFIED if module.api_supported else None,
        "plural_label": module.plural_label,
        "presence_sub_menu": module.api_supported,
        "actual_plural_label": module.plural_label,
        "id": module.zoho_id,
        "visibility": 1,
        "visible": True,
        "convertable": module.api_name == "Leads",
        "sub_menu_available": module.api_supported,
        "editable": module.api_supported,
        "actual_singular_label": module.singular_label,
        "profiles": profiles,
        "show_as_tab": True,
        "web_link": None,
        "sequence_number": module.sequence_number,
        "singular_label": module.singular_label,
        "viewable": True,
        "api_supported": module.api_supported,
        "api_name": module.api_name,
        "quick_create": module.api_supported,
        "modified_by": admin.ref() if admin and module.api_supported else None,
        "generated_type": module.generated_type,
        "feeds_required": False,
        "arguments": [],
        "module_name": module.module_name,
        "profile_count": len(profiles),
        "business_card_field_limit": 5,
        "parent_module": {},
        "status": module.status,
    }
    if version < 6:
        data.update(dict.fromkeys(PRE_V6_MODULE_FLAGS, module.api_supported))
    return data


def view_category(view: SimView, viewer: SimUser) -> str:
    if view.system_name or view.owner_id is None:
        return "public_views"
    if view.owner_id == viewer.pk:
        return "created_by_me"
    if view.access_type == "only_to_me":
        return "other_users_views"
    if view.access_type == "shared":
        return "shared_with_me"
    return "public_views"


def view_visible_to(view: SimView, viewer: SimUser) -> bool:
    if view.access_type != "only_to_me" or view.owner_id in (None, viewer.pk):
        return True
    return viewer.is_admin


def _time(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def view_json(view: SimView, *, viewer: SimUser, admin: SimUser | None) -> dict[str, Any]:
    owner_ref = view.owner.ref() if view.owner else None
    return {
        "display_value": view.display_value,
        "created_time": _time(view.created_time),
        "system_name": view.system_name or None,
        "created_by": owner_ref,
        "default": view.is_default,
        "modified_time": _time(view.modified_time),
        "name": view.name,
        "system_defined": view.system_defined,
        "modified_by": owner_ref or (admin.ref() if admin else None),
        "id": view.zoho_id,
        "category": view_category(view, viewer),
        "last_accessed_time": _time(view.modified_time),
        "locked": False,
        "favorite": None,
        "offline": True,
        "access_type": view.access_type if not view.system_name else "public",
        "module": {"api_name": view.module.api_name, "id": view.module.zoho_id},
    }


def view_detail_json(
    view: SimView, *, viewer: SimUser, admin: SimUser | None, field_ids: dict[str, str]
) -> dict[str, Any]:
    data = view_json(view, viewer=viewer, admin=admin)
    data.update(
        {
            "criteria": _criteria_json(view.criteria, field_ids),
            "fields": [
                {"api_name": name, "id": field_ids.get(name), "_pin": False}
                for name in list(field_ids)[:8]
            ],
            "sort_by": None,
            "sort_order": None,
            "shared_to": None,
        }
    )
    return data


def _criteria_json(criteria: Any, field_ids: dict[str, str]) -> Any:
    if not criteria:
        return None
    if "group" in criteria:
        return {
            "group_operator": criteria.get("group_operator", "and"),
            "group": [_criteria_json(c, field_ids) for c in criteria["group"]],
        }
    api_name = criteria["field"]["api_name"]
    return {
        "comparator": criteria.get("comparator", "equal"),
        "field": {"api_name": api_name, "id": field_ids.get(api_name)},
        "value": criteria.get("value"),
    }


def user_json(user: SimUser, org: SimOrg, admin: SimUser | None) -> dict[str, Any]:
    creator = admin.ref() if admin else user.ref()
    return {
        "country": org.country_code,
        "name_format__s": "Salutation,First Name,Last Name",
        "language": user.locale,
        "microsoft": False,
        "$shift_effective_from": None,
        "id": user.zoho_id,
        "state": "California",
        "fax": None,
        "country_locale": user.locale,
        "sandboxDeveloper": False,
        "zip": None,
        "decimal_separator": "Period",
        "created_time": org.created.isoformat(timespec="seconds"),
        "time_format": "hh:mm a",
        "offset": 0,
        "profile": {"name": user.profile_name, "id": user.profile_id},
        "created_by": creator,
        "zuid": str(user.zuid),
        "full_name": user.full_name,
        "phone": f"+1 555 0100 {user.zuid % 1000:03d}",
        "dob": "1985-06-15",
        "sort_order_preference__s": "First Name,Last Name",
        "status": "active" if user.status == "active" else "disabled",
        "type__s": "Regular User",
        "role": {"name": user.role_name, "id": user.role_id},
        "customize_info": {
            "notes_desc": None,
            "show_right_panel": None,
            "bc_view": None,
            "show_home": False,
            "show_detail_view": True,
            "show_left_panel": True,
            "unpin_recent_item": None,
        },
        "city": None,
        "signature": None,
        "locale": user.locale,
        "personal_account": False,
        "Isonline": False,
        "default_tab_group": "0",
        "Modified_By": creator,
        "street": None,
        "$current_shift": None,
        "alias": None,
        "theme": {
            "normal_tab": {"font_color": "#FFFFFF", "background": "#222222"},
            "selected_tab": {"font_color": "#FFFFFF", "background": "#222222"},
            "new_background": None,
            "background": "#F3F0EB",
            "screen": "fixed",
            "type": "default",
        },
        "first_name": user.first_name,
        "email": user.email,
        "status_reason__s": None,
        "website": None,
        "Modified_Time": org.created.isoformat(timespec="seconds"),
        "$next_shift": None,
        "mobile": None,
        "last_name": user.last_name,
        "time_zone": user.time_zone,
        "number_separator": "Comma",
        "confirm": user.status == "active",
        "date_format": "MMM d, yyyy",
    }


def org_json(org: SimOrg, admin: SimUser | None) -> dict[str, Any]:
    return {
        "country": None,
        "hierarchy_preferences": {"type": "Role_Hierarchy"},
        "photo_id": None,
        "city": None,
        "description": None,
        "type": "production",
        "mc_status": False,
        "gapps_enabled": False,
        "lite_users_enabled": False,
        "domain_name": f"org{org.zgid}",
        "translation_enabled": False,
        "street": None,
        "alias": None,
        "currency": "US Dollar - USD",
        "deletable_org_account": False,
        "id": org.zoho_id,
        "state": None,
        "fax": None,
        "employee_count": str(org.users.count()),
        "zip": None,
        "created_time": org.created.isoformat(timespec="seconds"),
        "website": org.website or None,
        "currency_symbol": "$",
        "mobile": None,
        "currency_locale": "USD",
        "primary_zuid": str(admin.zuid) if admin else None,
        "zia_portal_id": f"{org.zgid}1",
        "time_zone": org.time_zone,
        "zgid": org.zgid,
        "country_code": org.country_code,
        "license_details": {
            "paid_expiry": "2027-04-11T17:00:00+00:00",
            "users_license_purchased": 10,
            "trial_type": None,
            "trial_expiry": None,
            "paid": True,
            "paid_type": org.edition,
            "portal_users_license_purchased": 0,
        },
        "phone": org.phone or None,
        "company_name": org.company_name,
        "privacy_settings": False,
        "primary_email": admin.email if admin else None,
        "hipaa_compliance_enabled": False,
        "iso_code": "USD",
    }
