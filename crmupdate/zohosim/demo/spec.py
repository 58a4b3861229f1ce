"""Building blocks of the demo catalogue: view criteria, view and module specs, shared
picklist values.

Views hold Zoho-shaped criteria the simulator evaluates against the records, so membership
changes when records change (a "Not Contacted" view shrinks after its status is updated).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crmupdate.zohosim.demo.fields import FieldSpec

CURRENT_USER = "${CURRENTUSER}"
# Records of this batch make up the materialised "big" view (`zohosim_load --big-view N`).
BIG_BATCH = "2024-Q3"


def eq(api_name: str, value: Any) -> dict[str, Any]:
    return {"comparator": "equal", "field": {"api_name": api_name}, "value": value}


def isin(api_name: str, values: list[Any]) -> dict[str, Any]:
    return {"comparator": "in", "field": {"api_name": api_name}, "value": values}


def both(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"group_operator": "and", "group": list(parts)}


@dataclass(frozen=True)
class ViewSpec:
    name: str
    criteria: dict[str, Any] | None = None
    system_name: str = ""
    owner: str = ""  # email of the user who created it; "" for system views
    access_type: str = "public"
    default: bool = False
    synthetic_total: int | None = None
    fixed_id: int | None = None  # the 12-digit tail of the id, when it must be stable


@dataclass(frozen=True)
class ModuleSpec:
    api_name: str
    module_name: str
    singular: str
    plural: str
    fields: list[FieldSpec]
    views: list[ViewSpec] = field(default_factory=list)
    generated_type: str = "default"
    mass_update_field_limit: int = 1
    # Records per scale ("full" for the demo, "test" for the test suite).
    counts: dict[str, int] = field(default_factory=dict)


INDUSTRIES = (
    "ASP (Application Service Provider)",
    "Data/Telecom OEM",
    "ERP (Enterprise Resource Planning)",
    "Government/Military",
    "Large Enterprise",
    "Management ISV",
    "Manufacturing",
    "Network Equipment Enterprise",
    "Non-management ISV",
    "Optical Networking",
    "Service Provider",
    "Small/Medium Enterprise",
    "Storage Equipment",
    "Wireless Industry",
)
LEAD_SOURCES = (
    "Advertisement",
    "Cold Call",
    "Employee Referral",
    "External Referral",
    "Online Store",
    "Partner",
    "Public Relations",
    "Sales Email Alias",
    "Seminar Partner",
    "Internal Seminar",
    "Trade Show",
    "Web Download",
    "Web Research",
    "Chat",
)
LEAD_STATUSES = (
    "Attempted to Contact",
    "Contact in Future",
    "Contacted",
    "Junk Lead",
    "Lost Lead",
    "Not Contacted",
    "Pre-Qualified",
    "Not Qualified",
)
RATINGS = ("Acquired", "Active", "Market Failed", "Project Cancelled", "Shut Down")
# Display and actual values differ, as in Zoho's own "Houston" / "Houston Showroom" sample.
REGIONS = (
    ("Houston", "Houston Showroom"),
    ("San Francisco", "San Francisco Showroom"),
    ("Chicago", "Chicago Warehouse"),
    ("Online", "Online Store"),
)
INTERESTS = (
    "Widgets",
    "Gadgets",
    "Spare Parts",
    ("Service plans", "Service_Plans"),
    "Training",
)
DEAL_STAGES = (
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Id. Decision Makers",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
    "Closed Lost to Competition",
)
OPEN_STAGES = list(DEAL_STAGES[:6])
