"""The review: what will happen, to how many records, and a sample of them before and after.

Nothing here changes anything in Zoho: it counts the view's records, reads one page of
them (Record Count and Get Records) and the view's criteria (Custom View Meta), with the
field metadata from the cache. Records are named as Zoho names them (`names`); a sample
record that already holds the new values is "no change" (`values`, Zoho's normalisation);
a change to a field the view filters on is said in words (`viewfilter`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from crmupdate.accounts.tokens import zoho_client_for
from crmupdate.massupdate.fieldforms import Change, display_value
from crmupdate.massupdate.frozen.selectors import step_automation
from crmupdate.massupdate.metadata import fields_for
from crmupdate.massupdate.models import Draft
from crmupdate.massupdate.names import name_fields, record_display_name
from crmupdate.massupdate.pagelimits import page_cache_get_or_read
from crmupdate.massupdate.planner import fields_per_call, plan_steps
from crmupdate.massupdate.values import value_after, value_holds
from crmupdate.massupdate.viewfilter import Effect, change_effect
from crmupdate.zoho.client import ZohoClient
from crmupdate.zoho.errors import ErrorCategory, ZohoError
from crmupdate.zoho.types import Field, ViewCriteria

logger = logging.getLogger(__name__)

MAX_RECORDS = 50_000  # Zoho refuses bigger views (LIMIT_EXCEEDED)
AUTOMATION_LIMIT = 1_000  # Zoho runs workflows/approvals/blueprints only below this
SAMPLE_SIZE = 10


@dataclass
class SampleCell:
    now: str  # the record's current value, as people read it
    after: str  # what it will hold (the combined set when adding to a multi-select)
    holds: bool  # it already holds the new value: no change


@dataclass
class SampleRow:
    record_id: str
    name: str
    cells: list[SampleCell]

    @property
    def no_change(self) -> bool:
        """Every change of the update is already in this record."""
        return all(cell.holds for cell in self.cells)


@dataclass
class Preview:
    sentence: str
    count: int | None
    changes: list[Change]
    steps: int
    sample: list[SampleRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    blocked: str = ""  # why it cannot run ("" when it can)
    # Sentences about the view's filter: which changes move records out of the view.
    view_notes: list[str] = field(default_factory=list)
    # Per step: how Zoho runs it and which automation fires.
    automation: list[str] = field(default_factory=list)

    @property
    def sample_unchanged(self) -> int:
        return sum(1 for row in self.sample if row.no_change)

    @property
    def sample_changed(self) -> int:
        return len(self.sample) - self.sample_unchanged


def changes_sentence(changes: list[Change], count: int | None, view_name: str) -> str:
    """The review's sentence: "Set Lead Status to Contacted and Rating to Hot on the 1,243
    records in the view Open leads when it starts" (the update acts on the records the view
    holds when it starts: they are read then, and every step changes exactly those)."""
    phrases = [c.phrase for c in changes]
    joined = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    joined = joined[:1].upper() + joined[1:]
    if count is None:
        where = f"on every record in the view {view_name}"
    else:
        where = (
            f"on the {count:,} record{'' if count == 1 else 's'} in the view {view_name} "
            "when it starts"
        )
    return f"{joined} {where}"


def draft_preview(*, draft: Draft, member: Any, locale: str | None = None) -> Preview:
    """The count of the view, a sample of its records with current and new values, and the
    warnings that apply. Calls Zoho (count and one page of records); raises ZohoError."""
    changes = draft_changes(draft)
    module = draft.module_api_name
    client = zoho_client_for(member.user)
    count = page_cache_get_or_read(
        key=f"count:{module}:{draft.cvid}",
        read=lambda: _count_or_none(client, module, draft.cvid),
        member=member,
    )
    fields = fields_for(member, module)
    by_name = {f.api_name: f for f in fields}
    naming = name_fields(module, by_name)
    wanted = list(dict.fromkeys([*naming, *(c.api_name for c in changes)]))
    records = page_cache_get_or_read(
        key=f"sample:{module}:{draft.cvid}:{','.join(wanted)}",
        read=lambda: (
            client.get_records(module, cvid=draft.cvid, fields=wanted, per_page=SAMPLE_SIZE).records
        ),
        member=member,
    )
    sample = [
        sample_row(module, record, changes, by_name, time_zone=member.time_zone, locale=locale)
        for record in records[:SAMPLE_SIZE]
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
        view_notes=view_notes(
            criteria=page_cache_get_or_read(
                key=f"criteria:{module}:{draft.cvid}",
                read=lambda: _criteria_or_none(client, module, draft.cvid),
                member=member,
            ),
            changes=changes,
            fields=by_name,
            view_name=draft.view_name,
            noun=draft.module_label.lower(),
            count=count,
        ),
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
    noun = draft.module_label.lower() or "records"
    preview.automation = [step_automation(n, count, noun) for n in range(1, steps + 1)]
    if steps > 1:
        per_call = fields_per_call(module)
        limit = "one field" if per_call == 1 else f"up to {per_call} fields"
        preview.warnings.append(
            f"Zoho changes {limit} per call in {draft.module_label}, so this runs in {steps} "
            "steps, one after another. The first is Zoho's mass update job on the view, sent "
            "right after the records are read; every later step changes exactly those records "
            "by id (500 per call), even if the first moved them out of the view."
        )
    return preview


def sample_row(
    module: str,
    record: dict[str, Any],
    changes: list[Change],
    fields: dict[str, Field],
    *,
    time_zone: str | None,
    locale: str | None = None,
) -> SampleRow:
    """One record of the sample: its name as Zoho shows it, and per change what it holds
    now, what it will hold, and whether that is no change at all."""
    cells = []
    for change in changes:
        meta = fields.get(change.api_name) or _field_from_change(change)
        current = record.get(change.api_name)
        after = value_after(meta, current, change.value, over_write=change.over_write)
        cells.append(
            SampleCell(
                # dates read as the person typed the new one (their locale)
                now=display_value(meta, current, time_zone=time_zone, locale=locale),
                after=display_value(meta, after, time_zone=time_zone, locale=locale),
                holds=value_holds(meta, current, change.value, over_write=change.over_write),
            )
        )
    return SampleRow(
        record_id=str(record.get("id") or ""),
        name=record_display_name(module, record),
        cells=cells,
    )


def _field_from_change(change: Change) -> Field:
    """Field metadata for a change whose field is no longer in the cached metadata."""
    return Field.from_api(
        {"api_name": change.api_name, "field_label": change.label, "data_type": change.data_type}
    )


def view_notes(
    *,
    criteria: ViewCriteria | None,
    changes: list[Change],
    fields: dict[str, Field],
    view_name: str,
    noun: str,
    count: int | None,
) -> list[str]:
    """One sentence per change whose field the view's filter looks at."""
    reviewed = f"the {count:,} {noun} reviewed" if count is not None else f"the {noun} reviewed"
    notes = []
    for change in changes:
        meta = fields.get(change.api_name) or _field_from_change(change)
        effect = change_effect(criteria, change, meta)
        if effect is Effect.LEAVES:
            notes.append(
                f"Changing {change.label} moves these {noun} out of “{view_name}”; the update "
                f"still changes exactly {reviewed}."
            )
        elif effect is Effect.MAY_LEAVE:
            notes.append(
                f"Changing {change.label} may move records out of “{view_name}”, whose filter "
                f"looks at {change.label}; the update still changes exactly {reviewed}."
            )
        elif effect is Effect.STAYS:
            notes.append(
                f"“{view_name}” filters on {change.label}; with the new value these {noun} "
                "stay in the view."
            )
    return notes


def draft_changes(draft: Draft) -> list[Change]:
    return [Change.from_dict(c) for c in draft.changes or []]


def _criteria_or_none(client: ZohoClient, module: str, cvid: str) -> ViewCriteria | None:
    """The view's criteria; None when the view has none or Zoho would not say (the review
    then makes no claim about the filter rather than a wrong one)."""
    try:
        return client.get_custom_view(module, cvid).criteria  # type: ignore[no-any-return]
    except (ZohoError, ValueError):
        logger.info("could not read the criteria of view %s of %s", cvid, module)
        return None


def _count_or_none(client: ZohoClient, module: str, cvid: str) -> int | None:
    """The view's record count; None when Zoho refuses the count itself (the Record Count
    API is documented from v2.1 on), so the review still works without it."""
    try:
        return int(client.count_records(module, cvid=cvid))
    except ZohoError as error:
        if error.category != ErrorCategory.PERMANENT:
            raise
        return None
