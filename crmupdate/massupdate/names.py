"""Naming a record the way Zoho names it, and the fields to ask Zoho for to do so.

Zoho shows each record by its module's name field: Full_Name for Leads and Contacts,
Deal_Name, Account_Name, Subject for activities, quotes and orders, Product_Name, ... and
`Name` in custom modules. Where Full_Name is absent (older API answers, the practice CRM)
a person is First_Name + Last_Name, with the company (a lead's Company, a contact's
account) so that two "Ava Abbott"s can be told apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

NAME_FIELDS: dict[str, str] = {
    "Leads": "Full_Name",
    "Contacts": "Full_Name",
    "Accounts": "Account_Name",
    "Deals": "Deal_Name",
    "Campaigns": "Campaign_Name",
    "Products": "Product_Name",
    "Vendors": "Vendor_Name",
    "Price_Books": "Price_Book_Name",
    "Solutions": "Solution_Title",
    "Cases": "Subject",
    "Tasks": "Subject",
    "Calls": "Subject",
    "Events": "Event_Title",
    "Meetings": "Event_Title",
    "Activities": "Subject",
    "Quotes": "Subject",
    "Sales_Orders": "Subject",
    "Purchase_Orders": "Subject",
    "Invoices": "Subject",
}
CUSTOM_NAME_FIELD = "Name"  # every custom module's name field
PERSON_FIELDS = ("First_Name", "Last_Name")
COMPANY_FIELDS = {"Leads": "Company", "Contacts": "Account_Name"}


def name_field(module_api_name: str) -> str:
    return NAME_FIELDS.get(module_api_name, CUSTOM_NAME_FIELD)


def name_fields(module_api_name: str, available: Iterable[str] | None = None) -> list[str]:
    """The fields to request so that `record_display_name` can name the records. With
    `available` (the module's field API names), only fields the module has: Zoho refuses a
    request for an unknown field."""
    wanted = [name_field(module_api_name)]
    if module_api_name in COMPANY_FIELDS:
        wanted += [*PERSON_FIELDS, COMPANY_FIELDS[module_api_name]]
    if available is None:
        return wanted
    known = set(available)
    return [name for name in wanted if name in known]


def _text(value: Any) -> str:
    if isinstance(value, Mapping):  # lookups: {"name", "id"}
        value = value.get("name")
    return value.strip() if isinstance(value, str) else ""


def record_display_name(module_api_name: str, record: Mapping[str, Any]) -> str:
    """The record's name as Zoho shows it; "" when the record carries none of the name
    fields (the caller shows the id)."""
    name = _text(record.get(name_field(module_api_name)))
    if name:
        return name
    if module_api_name not in COMPANY_FIELDS:
        return ""
    person = " ".join(p for p in (_text(record.get(f)) for f in PERSON_FIELDS) if p)
    company = _text(record.get(COMPANY_FIELDS[module_api_name]))
    if person and company:
        return f"{person} ({company})"
    return person or company
