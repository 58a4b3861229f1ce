"""Field metadata as Zoho sends it (GET /crm/v2/settings/fields?module=Leads).

`LEAD_SOURCE` and `LEAD_OWNER` are Zoho's own v7 sample entries (zoho-crm-api.md §3.3,
trimmed there: three picklist values, one profile). The others reuse that key set with the
values Zoho's 87-field Leads sample lists for them (data_type, json_type, mass_update,
read_only), plus lengths within the create-field limits.
"""

from __future__ import annotations

import copy
from typing import Any

from crmupdate.zoho.types import Field

LEAD_SOURCE: dict[str, Any] = {
    "associated_module": None,
    "webhook": True,
    "operation_type": {
        "web_update": True,
        "api_create": True,
        "web_create": True,
        "api_update": True,
    },
    "colour_code_enabled_by_system": False,
    "field_label": "Lead Source",
    "tooltip": None,
    "type": "used",
    "field_read_only": False,
    "customizable_properties": ["mandatory", "removal", "private_field", "tooltip"],
    "display_label": "Lead Source",
    "read_only": False,
    "association_details": None,
    "businesscard_supported": True,
    "multi_module_lookup": {},
    "id": "5725767000000002609",
    "created_time": None,
    "filterable": True,
    "visible": True,
    "profiles": [
        {"permission_type": "read_write", "name": "Administrator", "id": "5725767000000026011"}
    ],
    "view_type": {"view": True, "edit": True, "quick_create": False, "create": True},
    "separator": False,
    "searchable": True,
    "external": None,
    "api_name": "Lead_Source",
    "unique": {},
    "enable_colour_code": False,
    "pick_list_values": [
        {
            "display_value": "-None-",
            "sequence_number": 1,
            "reference_value": "-None-",
            "colour_code": None,
            "actual_value": "-None-",
            "id": "5725767000000003391",
            "type": "used",
        },
        {
            "display_value": "Houston",
            "sequence_number": 2,
            "reference_value": "Houston Showroom",
            "colour_code": None,
            "actual_value": "Houston Showroom",
            "id": "5725767000004370005",
            "type": "used",
        },
        {
            "display_value": "San Francisco Showroom",
            "sequence_number": 3,
            "reference_value": "San Francisco Showroom",
            "colour_code": None,
            "actual_value": "San Francisco Showroom",
            "id": "5725767000004370006",
            "type": "used",
        },
    ],
    "system_mandatory": False,
    "virtual_field": False,
    "json_type": "string",
    "crypt": None,
    "created_source": "default",
    "display_type": -1,
    "ui_type": 2,
    "modified_time": "2024-10-24T08:28:47-07:00",
    "currency": {},
    "custom_field": False,
    "lookup": {},
    "hipaa_compliance": None,
    "rollup_summary": {},
    "length": 120,
    "display_field": False,
    "pick_list_values_sorted_lexically": False,
    "sortable": True,
    "global_picklist": {"api_name": "Showroom_Location", "id": "5725767000004230002"},
    "history_tracking": None,
    "data_type": "picklist",
    "formula": {},
    "hipaa_compliance_enabled": False,
    "decimal_place": None,
    "mass_update": True,
    "blueprint_supported": False,
    "multiselectlookup": {},
    "auto_number": {},
}

LEAD_OWNER: dict[str, Any] = {
    **copy.deepcopy(LEAD_SOURCE),
    "field_label": "Lead Owner",
    "display_label": "Lead Owner",
    "field_read_only": True,
    "read_only": False,
    "id": "5725767000000002589",
    "api_name": "Owner",
    "pick_list_values": [],
    "json_type": "jsonobject",
    "ui_type": 8,
    "global_picklist": None,
    "data_type": "ownerlookup",
    "mass_update": False,
}


def sample(
    api_name: str, label: str, data_type: str, json_type: str, **extra: Any
) -> dict[str, Any]:
    d = copy.deepcopy(LEAD_SOURCE)
    d.update(
        api_name=api_name,
        field_label=label,
        display_label=label,
        data_type=data_type,
        json_type=json_type,
        pick_list_values=[],
        global_picklist=None,
        mass_update=True,
        length=extra.pop("length", 255),
        decimal_place=extra.pop("decimal_place", None),
    )
    d.update(extra)
    return d


def picklist(
    api_name: str, label: str, values: list[tuple[str, str]], **extra: Any
) -> dict[str, Any]:
    """values: (display_value, actual_value) pairs; "-None-" comes first, as Zoho sends it."""
    entries = [
        {"display_value": "-None-", "actual_value": "-None-", "sequence_number": 1, "type": "used"}
    ]
    for n, (display, actual) in enumerate(values, start=2):
        entries.append(
            {"display_value": display, "actual_value": actual, "sequence_number": n, "type": "used"}
        )
    return sample(api_name, label, "picklist", "string", pick_list_values=entries, **extra)


LEADS: list[dict[str, Any]] = [
    LEAD_SOURCE,
    LEAD_OWNER,
    sample("Company", "Company", "text", "string", length=200, system_mandatory=True),
    sample(
        "Last_Name",
        "Last Name",
        "text",
        "string",
        length=80,
        system_mandatory=True,
        mass_update=False,
    ),
    sample("Email", "Email", "email", "string", length=100, mass_update=False),
    sample("Phone", "Phone", "phone", "string", length=30, mass_update=False),
    sample("Mobile", "Mobile", "phone", "string", length=30),
    sample("Website", "Website", "website", "string", length=255),
    picklist(
        "Lead_Status",
        "Lead Status",
        [("Contacted", "Contacted"), ("Not Contacted", "Not Contacted")],
    ),
    picklist("Rating", "Rating", [("Hot", "Hot"), ("Warm", "Warm"), ("Cold", "Cold")]),
    sample("No_of_Employees", "No. of Employees", "integer", "integer", length=9),
    sample("Annual_Revenue", "Annual Revenue", "currency", "double", length=16, decimal_place=2),
    sample("Percent", "Percent", "percent", "double", length=5, decimal_place=2),
    sample("Email_Opt_Out", "Email Opt Out", "boolean", "boolean", length=5),
    sample("Description", "Description", "textarea", "string", length=32000, mass_update=False),
    sample("Layout", "Layout", "layout", "jsonobject", mass_update=True),
    sample("Tag", "Tag", "text", "jsonarray", mass_update=False),
    sample(
        "checking_multi_picklist",
        "Languages",
        "multiselectpicklist",
        "jsonarray",
        pick_list_values=[
            {"display_value": "English", "actual_value": "English", "sequence_number": 1},
            {"display_value": "Español", "actual_value": "Spanish", "sequence_number": 2},
        ],
    ),
    sample(
        "Formula_Decimal", "Formula Decimal", "formula", "double", mass_update=False, read_only=True
    ),
    sample("Contact_Lookup", "Contact", "lookup", "jsonobject", mass_update=False),
    sample("Created_Time", "Created Time", "datetime", "string", mass_update=False, read_only=True),
    sample("Follow_Up_Date", "Follow-up Date", "date", "string", length=20),
    sample("Next_Call", "Next Call", "datetime", "string", length=20),
    sample("Big_Number", "Big Number", "bigint", "string", length=18),
    sample("Hidden_Text", "Hidden Text", "text", "string", visible=False),
    sample("Locked_Text", "Locked Text", "text", "string", read_only=True),
]


def leads_fields() -> list[Field]:
    return [Field.from_api(copy.deepcopy(d)) for d in LEADS]


def field(api_name: str) -> Field:
    return next(f for f in leads_fields() if f.api_name == api_name)
