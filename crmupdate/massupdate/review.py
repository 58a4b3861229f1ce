"""The review: what will happen, to how many records, and a sample of them before and after.

Nothing here changes anything in Zoho: it counts the view's records and reads one page of
them (Record Count and Get Records), with the field metadata from the cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crmupdate.massupdate.fieldforms import Change, display_value
from crmupdate.massupdate.metadata import fields_for
from crmupdate.massupdate.models import Draft
from crmupdate.massupdate.planner import fields_per_call, plan_steps
from crmupdate.zoho.errors import ErrorCategory, ZohoError
from crmupdate.zoho.types import Field

MAX_RECORDS = 50_000  # Zoho refuses bigger views (LIMIT_EXCEEDED)
AUTOMATION_LIMIT = 1_000  # Zoho runs workflows/approvals/blueprints only below this
SAMPLE_SIZE = 10

# The field that names a record, per standard module (custom modules use Zoho's display field).
NAME_FIELDS = {
    "Leads": ("Full_Name", "Last_Name"),
    "Contacts": ("Full_Name", "Last_Name"),
    "Accounts": ("Account_Name",),
    "Deals": ("Deal_Name",),
    "Campaigns": ("Campaign_Name",),
    "Products": ("Product_Name",),
    "Vendors": ("Vendor_Name",),
    "Price_Books": ("Price_Book_Name",),
    "Solutions": ("Solution_Title",),
    "Events": ("Event_Title",),
}


@dataclass
class SampleRow:
    record_id: str
    name: str
    cells: list[tuple[str, str]]  # (current value, new value) per change


@dataclass
class Preview:
    sentence: str
    count: int | None
    changes: list[Change]
    steps: int
    sample: list[SampleRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    blocked: str = ""  # why it cannot run ("" when it can)


def changes_sentence(changes: list[Change], count: int | None, view_name: str) -> str:
    """The review's sentence: "Set Lead Status to Contacted and Rating to Hot on the 1,243
    records in the view Open leads"."""
    phrases = [c.phrase for c in changes]
    joined = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    joined = joined[:1].upper() + joined[1:]
    if count is None:
        where = f"on every record in the view {view_name}"
    else:
        where = f"on the {count:,} record{'' if count == 1 else 's'} in the view {view_name}"
    return f"{joined} {where}"


def name_field(module: str, fields: list[Field]) -> str:
    names = {f.api_name for f in fields}
    for candidate in NAME_FIELDS.get(module, ()):
        if candidate in names:
            return candidate
    for f in fields:
        if f.raw.get("display_field") is True:
            return f.api_name
    if "Name" in names:
        return "Name"
    return next((f.api_name for f in fields if f.system_mandatory and f.data_type == "text"), "")


def draft_preview(*, draft: Draft, member: Any, locale: str | None = None) -> Preview:
    """The count of the view, a sample of its records with current and new values, and the
    warnings that apply. Calls Zoho (count and one page of records); raises ZohoError."""
    from crmupdate.accounts.services import zoho_client_for

    changes = draft_changes(draft)
    module = draft.module_api_name
    client = zoho_client_for(member.user)
    count = _count_or_none(client, module, draft.cvid)
    fields = fields_for(member, module)
    by_name = {f.api_name: f for f in fields}
    label_field = name_field(module, fields)
    wanted = ([label_field] if label_field else []) + [c.api_name for c in changes]
    page = client.get_records(module, cvid=draft.cvid, fields=wanted, per_page=SAMPLE_SIZE)
    zone = member.time_zone
    sample = [
        SampleRow(
            record_id=str(record.get("id") or ""),
            name=display_value(by_name.get(label_field), record.get(label_field))
            if label_field
            else "",
            cells=[
                (
                    display_value(
                        by_name.get(c.api_name),
                        record.get(c.api_name),
                        time_zone=zone,
                        locale=locale,  # current values read like the new ones were typed
                    ),
                    c.display,
                )
                for c in changes
            ],
        )
        for record in page.records[:SAMPLE_SIZE]
    ]
    Draft.objects.filter(pk=draft.pk).update(record_count=count)
    draft.record_count = count
    steps = len(plan_steps(module, changes))
    preview = Preview(
        sentence=changes_sentence(changes, count, draft.view_name),
        count=count,
        changes=changes,
        steps=steps,
        sample=sample,
    )
    if count is None:
        preview.warnings.append(
            "Zoho could not count the records of this view, so we cannot check its size "
            f"beforehand. Zoho refuses views of more than {MAX_RECORDS:,} records, and runs "
            f"workflow rules, approvals and blueprints only below {AUTOMATION_LIMIT:,}."
        )
    elif count > MAX_RECORDS:
        preview.blocked = (
            f"This view holds {count:,} records. Zoho changes at most {MAX_RECORDS:,} records "
            "in one mass update and would refuse it. Narrow the view in Zoho (add a filter) or "
            "split it into smaller views."
        )
    elif count == 0:
        preview.blocked = "This view has no records, so there is nothing to change."
    if count is not None and count >= AUTOMATION_LIMIT:
        preview.warnings.append(
            "Zoho runs workflow rules, approvals and blueprints only for mass updates of fewer "
            f"than {AUTOMATION_LIMIT:,} records. With {count:,} records, none of them will run "
            "for this update."
        )
    elif count:
        preview.warnings.append(
            "Workflow rules, approvals and blueprints will run for these records as usual."
        )
    if steps > 1:
        per_call = fields_per_call(module)
        limit = "one field" if per_call == 1 else f"up to {per_call} fields"
        preview.warnings.append(
            f"Zoho changes {limit} per job in {draft.module_label}, so this runs as {steps} Zoho "
            "jobs, one after another. Each starts when the one before has finished."
        )
    return preview


def draft_changes(draft: Draft) -> list[Change]:
    return [Change.from_dict(c) for c in draft.changes or []]


def _count_or_none(client: Any, module: str, cvid: str) -> int | None:
    """The view's record count; None when Zoho refuses the count itself (the Record Count
    API is documented from v2.1 on), so the review still works without it."""
    try:
        return int(client.count_records(module, cvid=cvid))
    except ZohoError as error:
        if error.category != ErrorCategory.PERMANENT:
            raise
        return None
