"""The demo organisations' modules, fields and custom views (assembled from the module
files). Views hold Zoho-shaped criteria the simulator evaluates against the records, so
membership changes when records change (a "Not Contacted" view shrinks after its status is
updated).
"""

from crmupdate.zohosim.demo.modules_business import ACCOUNTS, DEALS, SHIPMENTS
from crmupdate.zohosim.demo.modules_people import CONTACTS, LEADS, VISITS
from crmupdate.zohosim.demo.spec import (
    BIG_BATCH,
    LEAD_SOURCES,
    LEAD_STATUSES,
    ModuleSpec,
    ViewSpec,
)

__all__ = [
    "ACCOUNTS",
    "BIG_BATCH",
    "CONTACTS",
    "DATA_MODULES",
    "DEALS",
    "LEADS",
    "LEAD_SOURCES",
    "LEAD_STATUSES",
    "LOCKED_INDEXES",
    "NON_API_MODULES",
    "SHIPMENTS",
    "SUBFORM_MODULES",
    "VISITS",
    "ModuleSpec",
    "ViewSpec",
]

DATA_MODULES = [LEADS, CONTACTS, ACCOUNTS, DEALS, SHIPMENTS]
# Modules behind subform fields: listed and described, no views, rows only inside parents.
SUBFORM_MODULES = [VISITS]

# Listed by Get Modules but not reachable through the API, like Zoho's Home or Reports.
NON_API_MODULES = [
    ("Home", "Home", "Home", "Home"),
    ("Reports", "Reports", "Report", "Reports"),
    ("Dashboards", "Dashboards", "Dashboard", "Dashboards"),
]

LOCKED_INDEXES = frozenset({3, 42, 128, 777, 1500, 2222})
