"""What stands in the way of updates in the demo data, and the automation that runs.

Deals hold one or more records Zoho refuses for each reason (at the test scale too: the
indexes are below 150), all in the "Open deals" view, so a view job counts them as failed
and ids mode names them: not approved yet, in a Blueprint that controls Stage, and of the
"Wholesale" layout, whose Delivery Region lacks "Online Store" and whose Priority lacks
"Urgent". Locked records (every module) are `catalog.LOCKED_INDEXES`.

Every main module has a workflow rule, so mass updates of small views and updates by id set
something off; Deals also has an approval process for big discounts (it locks the deal).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from crmupdate.zohosim.demo.spec import eq

NOT_APPROVED_INDEXES = frozenset({11, 640})
BLUEPRINT_INDEXES = frozenset({23, 901})
WHOLESALE_INDEXES = frozenset({37, 1210})
BLUEPRINT_FIELD = "Stage"
# These deals start in an open stage, so the "Open deals" view holds them.
OPEN_STAGE = "Negotiation/Review"
REFUSING_DEALS = NOT_APPROVED_INDEXES | BLUEPRINT_INDEXES | WHOLESALE_INDEXES

WHOLESALE_LAYOUT = {
    "name": "Wholesale",
    "missing_values": {"Delivery_Region": ["Online Store"], "Priority": ["Urgent"]},
}
WHOLESALE_LAYOUT_TAIL = 91155  # plus the module's index, like the standard layout's 91055


@dataclass(frozen=True)
class RuleSpec:
    module: str
    name: str
    field: str
    kind: str = "workflow"
    criteria: dict[str, Any] | None = None
    field_updates: dict[str, Any] = dataclasses.field(default_factory=dict)


RULES = [
    RuleSpec("Leads", "Lead status changed", "Lead_Status"),
    RuleSpec("Contacts", "Contact type changed", "Contact_Type"),
    RuleSpec("Accounts", "Payment terms changed", "Payment_Terms"),
    RuleSpec("Deals", "Deal stage changed", "Stage"),
    RuleSpec(
        "Deals",
        "Big discount approval",
        "Discount",
        kind="approval",
        criteria={"comparator": "greater_equal", "field": {"api_name": "Discount"}, "value": 50},
    ),
    RuleSpec(
        "Shipments",
        "Shipment delivered",
        "Shipment_Status",
        criteria=eq("Shipment_Status", "Delivered"),
    ),
]


def record_states(module: str, i: int) -> dict[str, Any]:
    """The states of record `i` besides `locked` (SimRecord fields)."""
    if module != "Deals":
        return {}
    return {
        "not_approved": i in NOT_APPROVED_INDEXES,
        "blueprint_field": BLUEPRINT_FIELD if i in BLUEPRINT_INDEXES else "",
    }
