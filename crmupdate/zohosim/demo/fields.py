"""Field definitions of the demo modules, and their expansion into Zoho's field metadata.

Each module has 25+ fields covering every data type in zoho-crm-api.md §3.3, with the
`mass_update` and read-only flags Zoho's own Leads sample shows for each kind of field:
picklists, text, numbers, booleans, dates, website and mobile can be mass updated; email,
phone, lookups, textareas, uploads, subforms, formulas and system fields cannot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON_TYPES = {
    "text": "string",
    "textarea": "string",
    "email": "string",
    "phone": "string",
    "website": "string",
    "picklist": "string",
    "date": "string",
    "datetime": "string",
    "autonumber": "string",
    "bigint": "string",
    "profileimage": "string",
    "integer": "integer",
    "double": "double",
    "currency": "double",
    "percent": "double",
    "rollup_summary": "double",
    "formula": "double",
    "boolean": "boolean",
    "lookup": "jsonobject",
    "ownerlookup": "jsonobject",
    "userlookup": "jsonobject",
    "layout": "jsonobject",
    "multiselectpicklist": "jsonarray",
    "multiselectlookup": "jsonarray",
    "subform": "jsonarray",
    "fileupload": "jsonarray",
    "imageupload": "jsonarray",
    "territories": "jsonarray",
}

UI_TYPES = {
    "text": 1,
    "picklist": 2,
    "textarea": 3,
    "integer": 32,
    "email": 25,
    "phone": 33,
    "website": 21,
    "currency": 36,
    "double": 38,
    "percent": 39,
    "boolean": 301,
    "date": 24,
    "datetime": 333,
    "lookup": 133,
    "ownerlookup": 8,
    "userlookup": 133,
    "autonumber": 152,
    "bigint": 140,
    "formula": 101,
    "multiselectpicklist": 100,
    "subform": 500,
    "fileupload": 800,
    "imageupload": 802,
    "rollup_summary": 777,
    "layout": 134,
    "profileimage": 136,
    "territories": 131,
    "multiselectlookup": 132,
}

DEFAULT_LENGTHS = {
    "text": 255,
    "textarea": 32000,
    "email": 100,
    "phone": 30,
    "website": 255,
    "picklist": 120,
    "multiselectpicklist": 2000,
    "integer": 9,
    "bigint": 18,
    "double": 16,
    "currency": 16,
    "percent": 5,
    "date": 20,
    "datetime": 120,
    "autonumber": 255,
    "boolean": 5,
    "lookup": 120,
    "ownerlookup": 120,
    "userlookup": 120,
    "formula": 16,
    "rollup_summary": 16,
}

# Data types that can never be written through the API (computed or special upload flows).
NEVER_WRITABLE = {
    "autonumber",
    "formula",
    "rollup_summary",
    "bigint",
    "subform",
    "fileupload",
    "imageupload",
    "profileimage",
    "multiselectlookup",
    "territories",
}

Choice = str | tuple[str, str]  # actual value, or (display value, actual value)


@dataclass(frozen=True)
class FieldSpec:
    api_name: str
    label: str
    data_type: str
    mass_update: bool = False
    custom: bool = False
    mandatory: bool = False
    read_only: bool = False
    field_read_only: bool = False
    length: int | None = None
    decimals: int | None = None
    choices: tuple[Choice, ...] = ()
    lookup_module: str = ""
    json_type: str = ""
    # How the record generator fills it (see demo.records); "" = by data type.
    gen: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def writable(self) -> bool:
        return not self.read_only and self.data_type not in NEVER_WRITABLE


def F(api_name: str, label: str, data_type: str, **kw: Any) -> FieldSpec:  # noqa: N802
    return FieldSpec(api_name, label, data_type, **kw)


def C(api_name: str, label: str, data_type: str, **kw: Any) -> FieldSpec:  # noqa: N802
    """A custom field (`custom_field: true`)."""
    return FieldSpec(api_name, label, data_type, custom=True, **kw)


def system_fields(singular: str) -> list[FieldSpec]:
    return [
        F("Owner", f"{singular} Owner", "ownerlookup", field_read_only=True, gen="owner"),
        F(
            "Created_By",
            "Created By",
            "ownerlookup",
            read_only=True,
            field_read_only=True,
            gen="creator",
        ),
        F(
            "Modified_By",
            "Modified By",
            "ownerlookup",
            read_only=True,
            field_read_only=True,
            gen="creator",
        ),
        F(
            "Created_Time",
            "Created Time",
            "datetime",
            read_only=True,
            field_read_only=True,
            gen="created_time",
        ),
        F(
            "Modified_Time",
            "Modified Time",
            "datetime",
            read_only=True,
            field_read_only=True,
            gen="created_time",
        ),
        F("Tag", "Tag", "text", json_type="jsonarray", read_only=True, gen="none"),
        F("Layout", "Layout", "layout", mass_update=True, gen="layout"),
        F(
            "Record_Status__s",
            "Record Status",
            "picklist",
            read_only=True,
            field_read_only=True,
            choices=("Available", "Draft", "Trash"),
            gen="record_status",
        ),
        F("id", "Record Id", "bigint", read_only=True, field_read_only=True, gen="none"),
    ]


def _choice(index: int, choice: Choice, field_id: str, id_for: Any) -> dict[str, Any]:
    display, actual = (choice, choice) if isinstance(choice, str) else choice
    return {
        "display_value": display,
        "sequence_number": index + 1,
        "reference_value": actual,
        "colour_code": None,
        "actual_value": actual,
        "id": id_for(),
        "type": "used",
    }


def _customizable(spec: FieldSpec, read_only: bool) -> list[str]:
    if spec.data_type in ("ownerlookup", "lookup", "userlookup"):
        return ["field_of_lookup"]
    if read_only or spec.field_read_only:
        return ["tooltip"]
    props = ["mandatory", "tooltip", "history_tracking"]
    if spec.data_type in ("picklist", "multiselectpicklist"):
        props += ["display_value_alphabetically", "default_value", "option_add"]
    if spec.custom:
        props += ["removal", "private_field"]
    return props


def field_meta(
    spec: FieldSpec,
    *,
    field_id: str,
    id_for: Any,
    module_ids: dict[str, str | None],
    layout: dict[str, str],
    profiles: list[dict[str, str]],
    convert_mapping: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    """Every key of the field objects in Zoho's v7 Get Fields sample, for one field.

    `id_for()` hands out the next id (picklist values need their own); `module_ids` maps module
    API names to ids for lookups; `layout` is the module's standard layout;
    `convert_mapping` (Leads only) names the field each converted record's value goes to.
    """
    data_type = spec.data_type
    json_type = spec.json_type or JSON_TYPES[data_type]
    length = spec.length or DEFAULT_LENGTHS.get(data_type, 120)
    decimals = spec.decimals
    if decimals is None and data_type in ("currency", "double", "formula", "rollup_summary"):
        decimals = 2
    read_only = spec.read_only or data_type in ("autonumber", "formula", "rollup_summary")
    choices: list[dict[str, Any]] = []
    if data_type == "picklist":
        choices = [_choice(0, "-None-", field_id, id_for)]
    choices += [_choice(i + len(choices), c, field_id, id_for) for i, c in enumerate(spec.choices)]
    lookup: dict[str, Any] = {}
    if data_type in ("lookup", "userlookup") and spec.lookup_module:
        lookup = {
            "display_label": spec.label,
            "api_name": spec.api_name,
            "module": {"api_name": spec.lookup_module, "id": module_ids.get(spec.lookup_module)},
            "id": field_id,
        }
    global_picklist = None
    if "global_picklist" in spec.extra:
        global_picklist = {"api_name": spec.extra["global_picklist"], "id": id_for()}
    permission = "read_only" if read_only or spec.field_read_only else "read_write"
    meta: dict[str, Any] = {
        "associated_module": None,
        "webhook": not read_only,
        "operation_type": {
            "web_update": not read_only,
            "api_create": not read_only,
            "web_create": not read_only,
            "api_update": not read_only,
        },
        "colour_code_enabled_by_system": False,
        "field_label": spec.label,
        "tooltip": None,
        "type": "used",
        "field_read_only": spec.field_read_only or read_only,
        "customizable_properties": _customizable(spec, read_only),
        "display_label": spec.label,
        "read_only": read_only,
        "association_details": None,
        "businesscard_supported": data_type not in ("subform", "fileupload", "imageupload"),
        "multi_module_lookup": {},
        "id": field_id,
        "created_time": "2023-04-12T09:08:05+00:00" if spec.custom else None,
        "filterable": data_type not in ("subform", "fileupload", "imageupload"),
        "visible": True,
        "profiles": [
            {"permission_type": permission, "name": p["name"], "id": p["id"]} for p in profiles
        ],
        "view_type": {
            "view": True,
            "edit": not read_only,
            "quick_create": False,
            "create": not read_only,
        },
        "separator": False,
        "searchable": data_type in ("text", "email", "phone", "picklist", "website"),
        "external": None,
        "api_name": spec.api_name,
        "unique": {},
        "enable_colour_code": False,
        "pick_list_values": choices,
        "system_mandatory": spec.mandatory,
        "virtual_field": False,
        "json_type": json_type,
        "crypt": None,
        "created_source": "crm" if spec.custom else "default",
        "display_type": -1,
        "ui_type": UI_TYPES.get(data_type, 1),
        "modified_time": None if spec.field_read_only else "2024-10-24T15:28:47+00:00",
        "email_parser": {"fields_update_supported": False, "record_operations_supported": False},
        "currency": {"rounding_option": "normal", "precision": 2}
        if data_type == "currency"
        else {},
        "custom_field": spec.custom,
        "lookup": lookup,
        "hipaa_compliance": None,
        "convert_mapping": convert_mapping or {"Contacts": None, "Deals": None, "Accounts": None},
        "rollup_summary": {},
        "length": length,
        "display_field": spec.api_name in ("Last_Name", "Account_Name", "Deal_Name", "Name"),
        "pick_list_values_sorted_lexically": False,
        "sortable": data_type not in ("subform", "fileupload", "imageupload", "textarea"),
        "layout_associations": [layout],
        "global_picklist": global_picklist,
        "history_tracking": None,
        "data_type": data_type,
        "formula": {"return_type": "double", "expression": spec.extra.get("expression", "")}
        if data_type == "formula"
        else {},
        "hipaa_compliance_enabled": False,
        "decimal_place": decimals,
        "mass_update": spec.mass_update,
        "blueprint_supported": False,
        "multiselectlookup": {},
        "auto_number": {"prefix": spec.extra.get("prefix", ""), "suffix": "", "start_number": 1}
        if data_type == "autonumber"
        else {},
        "subform": {
            "module": spec.extra.get("subform_module", ""),
            "id": module_ids.get(spec.extra.get("subform_module", "")),
        }
        if data_type == "subform"
        else None,
        "textarea": {"type": "large"} if data_type == "textarea" else None,
        "quick_sequence_number": None,
    }
    return meta
