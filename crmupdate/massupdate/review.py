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

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

from crmupdate.accounts.tokens import zoho_client_for
from crmupdate.massupdate.fieldforms import Change, display_value, is_data_text
from crmupdate.massupdate.metadata import fields_for
from crmupdate.massupdate.models import Draft
from crmupdate.massupdate.names import name_fields, record_display_name
from crmupdate.massupdate.pagelimits import page_cache_get_or_read
from crmupdate.massupdate.planner import fields_per_call, plan_steps
from crmupdate.massupdate.values import value_after, value_holds
from crmupdate.massupdate.viewfilter import change_effect
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
    # The text is the record's own data (Zoho's words: picklist values, text), not ours
    # ("(empty)", Yes and No, numbers written in the person's language).
    now_data: bool = False
    after_data: bool = False


@dataclass
class SampleRow:
    record_id: str
    name: str
    cells: list[SampleCell]

    @property
    def no_change(self) -> bool:
        """Every change of the update is already in this record."""
        return all(cell.holds for cell in self.cells)


@dataclass(frozen=True)
class ViewNote:
    """A change whose field the view's filter looks at, and what it does to the records."""

    effect: str  # Effect.value: "leaves", "may_leave", "stays"
    label: str  # the field's label, as Zoho names it


@dataclass(frozen=True)
class StepNote:
    """How Zoho runs one step, and which automation fires (the review says it in words)."""

    position: int
    # "by_id": record by record, automation for each; "view": Zoho's job on the view, with
    # "view_small" (automation runs), "view_big" (none) or "view_unknown" (no count)
    kind: str


@dataclass
class Preview:
    count: int | None
    changes: list[Change]
    steps: int
    sample: list[SampleRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    blocked: str = ""  # why it cannot run ("" when it can)
    # The changes whose field the view's filter looks at: which move records out of the view.
    view_notes: list[ViewNote] = field(default_factory=list)
    # Per step: how Zoho runs it and which automation fires.
    automation: list[StepNote] = field(default_factory=list)
    noun: str = ""  # the module's records ("deals"), as Zoho labels the module
    per_call: int = 1  # fields Zoho changes per call in this module
    automation_limit: int = AUTOMATION_LIMIT

    @property
    def sample_unchanged(self) -> int:
        return sum(1 for row in self.sample if row.no_change)

    @property
    def sample_changed(self) -> int:
        return len(self.sample) - self.sample_unchanged

    @property
    def count_noun(self) -> str:
        """The noun for the view's count: "1 deal", "1,013 deals"."""
        if self.count == 1 and self.noun.endswith("s"):
            return self.noun[:-1]
        return self.noun


def draft_preview(*, draft: Draft, member: Any, locale: str | None = None) -> Preview:
    """The count of the view, a sample of its records with current and new values, and the
    warnings that apply. Calls Zoho (count and one page of records); raises ZohoError.
    The texts are in the active language; those naming Zoho's fields, views or modules are
    written by the review template, which marks Zoho's words as not to be translated."""
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
        ),
        noun=draft.module_label.lower() or _("records"),
        per_call=fields_per_call(module),
    )
    if count is None:
        preview.warnings.append(
            _(
                "Zoho could not count the records of this view, so we cannot check its size "
                "beforehand. Zoho refuses views of more than %(max)s records, and runs "
                "workflow rules, approvals and blueprints only below %(limit)s."
            )
            % {"max": intcomma(MAX_RECORDS), "limit": intcomma(AUTOMATION_LIMIT)}
        )
    elif count > MAX_RECORDS:
        preview.blocked = _(
            "This view holds %(count)s records. Zoho changes at most %(max)s records in one "
            "mass update and would refuse it. Narrow the view in Zoho (add a filter) or split "
            "it into smaller views."
        ) % {"count": intcomma(count), "max": intcomma(MAX_RECORDS)}
    elif count == 0:
        preview.blocked = _("This view has no records, so there is nothing to change.")
    preview.automation = [step_note(n, count) for n in range(1, steps + 1)]
    return preview


def step_note(position: int, count: int | None) -> StepNote:
    """What Zoho runs for step `position`: the first step is Zoho's job on the view (with
    automation only below 1,000 records), later ones go record by record."""
    if position > 1:
        return StepNote(position, "by_id")
    if count is None:
        return StepNote(position, "view_unknown")
    return StepNote(position, "view_big" if count >= AUTOMATION_LIMIT else "view_small")


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
                now_data=is_data_text(meta, current),
                after_data=is_data_text(meta, after),
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
) -> list[ViewNote]:
    """One note per change whose field the view's filter looks at."""
    notes = []
    for change in changes:
        meta = fields.get(change.api_name) or _field_from_change(change)
        effect = change_effect(criteria, change, meta)
        if effect is not None:
            notes.append(ViewNote(effect.value, change.label))
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
