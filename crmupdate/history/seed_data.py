"""What `seed_history` draws its rows from: Zoho's standard modules with views and fields,
people, how often each status happens, and the errors of the recorded Zoho answers."""

from __future__ import annotations

from typing import Any

from crmupdate.massupdate.models import UpdateStatus

# module API name -> (label, views, fields); a field is (API name, label, data type, values).
CATALOGUE: dict[str, tuple[str, list[str], list[tuple[str, str, str, list[Any]]]]] = {
    "Leads": (
        "Leads",
        [
            "All Leads",
            "Open Leads",
            "My Leads",
            "Today's Leads",
            "Trade show batch – Houston",
            "Unassigned leads (Texas)",
            "Cold leads > 90 days",
        ],
        [
            (
                "Lead_Status",
                "Lead Status",
                "picklist",
                ["Contacted", "Attempted to Contact", "Qualified", "Not Qualified", "Junk Lead"],
            ),
            ("Rating", "Rating", "picklist", ["Hot", "Warm", "Cold", "Acquired"]),
            (
                "Lead_Source",
                "Lead Source",
                "picklist",
                ["Trade Show", "Web Download", "Cold Call", "Partner", "Chat"],
            ),
            ("No_of_Employees", "No. of Employees", "integer", [10, 50, 250, 1000, 5000]),
            ("Industry", "Industry", "picklist", ["Education", "Retail", "Manufacturing", "ASP"]),
            ("Email_Opt_Out", "Email Opt Out", "boolean", [True, False]),
            ("Region", "Region", "picklist", ["Houston", "Dallas", "Austin", "EMEA"]),
        ],
    ),
    "Contacts": (
        "Contacts",
        ["All Contacts", "Mailing list – EU", "Contacts without owner", "Newsletter subscribers"],
        [
            ("Lead_Source", "Lead Source", "picklist", ["Trade Show", "Partner", "Web Download"]),
            ("Email_Opt_Out", "Email Opt Out", "boolean", [True, False]),
            ("Languages", "Languages", "multiselectpicklist", ["English", "Deutsch", "Español"]),
            ("Mailing_State", "Mailing State", "text", ["TX", "CA", "NY", "Bavaria"]),
        ],
    ),
    "Accounts": (
        "Accounts",
        ["All Accounts", "Key accounts", "Dormant accounts", "Partners (EMEA)"],
        [
            (
                "Account_Type",
                "Account Type",
                "picklist",
                ["Customer", "Prospect", "Partner", "Reseller", "Competitor"],
            ),
            ("Industry", "Industry", "picklist", ["Education", "Retail", "Government"]),
            ("Rating", "Rating", "picklist", ["Active", "Shut Down", "Project Cancelled"]),
            ("Annual_Revenue", "Annual Revenue", "currency", ["$ 1,000,000.00", "$ 250,000.00"]),
        ],
    ),
    "Deals": (
        "Deals",
        ["All Deals", "Closing this month", "Stalled deals", "Renewals Q3"],
        [
            (
                "Stage",
                "Stage",
                "picklist",
                ["Qualification", "Needs Analysis", "Negotiation/Review", "Closed Lost"],
            ),
            ("Probability", "Probability (%)", "percent", [10, 25, 50, 90]),
            ("Closing_Date", "Closing Date", "date", ["30 Sep 2026", "31 Dec 2026"]),
            ("Type", "Type", "picklist", ["New Business", "Existing Business"]),
        ],
    ),
    "Campaigns": (
        "Campaigns",
        ["All Campaigns", "Active campaigns"],
        [
            ("Status", "Status", "picklist", ["Planning", "Active", "Inactive", "Complete"]),
            ("Type", "Type", "picklist", ["Webinar", "Trade Show", "Email"]),
        ],
    ),
    "Products": (
        "Products",
        ["All Products", "Discontinued"],
        [
            ("Product_Active", "Product Active", "boolean", [True, False]),
            ("Product_Category", "Product Category", "picklist", ["Hardware", "Software"]),
        ],
    ),
}
MODULE_WEIGHTS = {"Leads": 45, "Contacts": 20, "Accounts": 12, "Deals": 15, "Campaigns": 4,
                  "Products": 4}  # fmt: skip
PEOPLE = [
    ("Amelia Hart", "Europe/London"),
    ("Jonas Weber", "Europe/Berlin"),
    ("Priya Natarajan", "Asia/Kolkata"),
    ("Carlos Mendes", "America/Sao_Paulo"),
    ("Mei Lin", "Asia/Shanghai"),
    ("Tom O'Brien", "America/Chicago"),
    ("Zoë Müller", "Europe/Zurich"),
    ("Sam Ops", "America/New_York"),
]
# Final statuses of older rows, by weight. Unfinished ones appear among the newest rows only.
FINAL_STATUSES = [
    (UpdateStatus.COMPLETED, 740),
    (UpdateStatus.COMPLETED_WITH_FAILURES, 120),
    (UpdateStatus.REFUSED, 85),
    (UpdateStatus.FAILED, 45),
    (UpdateStatus.NEEDS_ATTENTION, 5),
    (UpdateStatus.PAUSED, 5),
]
RUNNING_STATUSES = [UpdateStatus.RUNNING, UpdateStatus.QUEUED, UpdateStatus.WAITING]
# Refusals: (code, Zoho's message, details key) from the recorded answers and Zoho's tables.
REFUSALS = [
    ("INVALID_DATA", "the cvid given seems to be invalid", "cvid"),
    ("INVALID_DATA", "This field cannot be updated in the Mass Update", "field"),
    ("INVALID_DATA", "No field found", ""),
    ("MANDATORY_NOT_FOUND", "required field not found", ""),
    ("NO_PERMISSION", "permission denied", ""),
    ("LIMIT_EXCEEDED", "Maximum records limit exceeded", ""),
]
FAILURES = [
    ("TRACKING_LOST", "Zoho stopped reporting on this job."),
    ("INTERNAL_ERROR", "Internal Server Error"),
]
UNFINISHED_ERRORS = {
    UpdateStatus.PAUSED: ("INVALID_TOKEN", "invalid oauth token"),
    UpdateStatus.NEEDS_ATTENTION: ("NETWORK_ERROR", "Connection reset by peer"),
    UpdateStatus.WAITING: ("ALREADY_SCHEDULED",
                           "Already an Mass Action scheduler is runing for the given cvid"),
}  # fmt: skip
