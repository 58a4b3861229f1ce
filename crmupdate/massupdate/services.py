"""Write side of the new-update flow: drafts, the review, running it, retry and resume.

`massupdate_run` turns a reviewed draft into exactly one update, however many times and
from however many tabs "Run mass update" is pressed: the review carries the draft's one-time
`run_token`; the draft row is claimed with a conditional UPDATE and the token is unique on
`MassUpdate`. The update and all its steps are stored before anything goes to Zoho; the
worker sends them (see `engine`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from crmupdate.massupdate import engine, recovery
from crmupdate.massupdate.fieldforms import Change, display_value
from crmupdate.massupdate.metadata import fields_for
from crmupdate.massupdate.models import Draft, MassUpdate, Step, StepEvent, StepStatus
from crmupdate.massupdate.planner import fields_per_call, plan_steps, step_request
from crmupdate.massupdate.summary import update_refresh
from crmupdate.massupdate.tasks import schedule_step_on_commit, watchdog_ensure
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


class RunRefused(Exception):
    """The draft cannot run as it is; the message says why, in plain words."""


# --- drafts -------------------------------------------------------------------------------------


def draft_create(
    *, member: Any, module_api_name: str, module_label: str, cvid: str, view_name: str
) -> Draft:
    return Draft.objects.create(
        team=member.team,
        created_by=member.user,
        module_api_name=module_api_name,
        module_label=module_label,
        cvid=cvid,
        view_name=view_name,
    )


def draft_save_input(*, draft: Draft, selected: list[str], raw: dict[str, Any]) -> None:
    """Keep the rows and what was typed (not yet valid), so a reload loses nothing."""
    draft.selected_fields = selected
    draft.raw_input = raw
    draft.run_token = uuid.uuid4()  # an open review of the old input can no longer run
    draft.save(update_fields=["selected_fields", "raw_input", "run_token", "updated_at"])


def draft_save_changes(
    *, draft: Draft, changes: list[Change], selected: list[str], raw: dict[str, Any]
) -> None:
    draft.changes = [c.as_dict() for c in changes]
    draft.selected_fields = selected
    draft.raw_input = raw
    draft.run_token = uuid.uuid4()
    draft.record_count = None
    draft.save(
        update_fields=[
            "changes",
            "selected_fields",
            "raw_input",
            "run_token",
            "record_count",
            "updated_at",
        ]
    )


def draft_changes(draft: Draft) -> list[Change]:
    return [Change.from_dict(c) for c in draft.changes or []]


# --- the review ---------------------------------------------------------------------------------


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


def draft_preview(*, draft: Draft, member: Any) -> Preview:
    """The count of the view, a sample of its records with current and new values, and the
    warnings that apply. Calls Zoho (count and one page of records); raises ZohoError."""
    from crmupdate.accounts.services import zoho_client_for

    changes = draft_changes(draft)
    module = draft.module_api_name
    client = zoho_client_for(member.user)
    count = client.count_records(module, cvid=draft.cvid)
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
                    display_value(by_name.get(c.api_name), record.get(c.api_name), time_zone=zone),
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
    if count > MAX_RECORDS:
        preview.blocked = (
            f"This view holds {count:,} records. Zoho changes at most {MAX_RECORDS:,} records "
            "in one mass update and would refuse it. Narrow the view in Zoho (add a filter) or "
            "split it into smaller views."
        )
    elif count == 0:
        preview.blocked = "This view has no records, so there is nothing to change."
    if count >= AUTOMATION_LIMIT:
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


# --- running ------------------------------------------------------------------------------------


def massupdate_run(*, draft: Draft, member: Any, run_token: str) -> MassUpdate:
    """The draft's update, created exactly once (later calls return the same update)."""
    if draft.update_id:
        return draft.update  # type: ignore[return-value]
    try:
        token = uuid.UUID(str(run_token))
    except ValueError:
        raise RunRefused("This page is out of date. Please review the changes again.") from None
    changes = draft_changes(draft)
    if not changes:
        raise RunRefused("There are no changes to run yet.")
    if draft.record_count is not None and draft.record_count > MAX_RECORDS:
        raise RunRefused(f"Zoho refuses mass updates of more than {MAX_RECORDS:,} records.")
    try:
        with transaction.atomic():
            claimed = Draft.objects.filter(
                pk=draft.pk, run_token=token, update__isnull=True
            ).update(updated_at=timezone.now())
            if not claimed:
                raise _AlreadyClaimed
            update = _create_update(draft, member, changes, token)
            Draft.objects.filter(pk=draft.pk).update(update=update)
    except (IntegrityError, _AlreadyClaimed):
        existing = MassUpdate.objects.filter(team=member.team, run_token=token).first()
        if existing is None:
            existing = MassUpdate.objects.filter(draft__pk=draft.pk, team=member.team).first()
        if existing is None:
            raise RunRefused(
                "The changes were edited after this review was shown. Please review them again."
            ) from None
        return existing
    return update


class _AlreadyClaimed(Exception):
    pass


def _create_update(
    draft: Draft, member: Any, changes: list[Change], token: uuid.UUID
) -> MassUpdate:
    plan = plan_steps(draft.module_api_name, changes)
    update = MassUpdate.objects.create(
        team=member.team,
        created_by=member.user,
        created_by_name=member.full_name or member.email,
        created_by_email=member.email,
        module_api_name=draft.module_api_name,
        module_label=draft.module_label,
        cvid=draft.cvid,
        view_name=draft.view_name,
        summary="; ".join(c.summary for c in changes),
        field_names=", ".join(c.label for c in changes),
        changes=[c.as_dict() for c in changes],
        record_count=draft.record_count,
        step_count=len(plan),
        time_zone=member.time_zone or "UTC",
        run_token=token,
    )
    now = timezone.now()
    for position, group in enumerate(plan, start=1):
        data, over_write = step_request(group)
        step = Step.objects.create(
            update=update,
            team=member.team,
            position=position,
            module_api_name=draft.module_api_name,
            cvid=draft.cvid,
            changes=[c.as_dict() for c in group],
            request_data=data,
            over_write=over_write,
            next_check_at=now if position == 1 else None,
        )
        if position == 1:
            schedule_step_on_commit(step_id=step.pk, kind=engine.SUBMIT, at=now)
    transaction.on_commit(watchdog_ensure)
    return update


def step_retry(*, update: MassUpdate, step_id: int, member: Any) -> bool:
    """Send an interrupted step again, because the person decided to."""
    now = timezone.now()
    retried = Step.objects.filter(pk=step_id, update=update, status=StepStatus.INTERRUPTED).update(
        status=StepStatus.PENDING,
        maybe_sent=False,
        next_check_at=now,
        wait_reason="",
        submit_attempts=0,
        lease_owner="",
        lease_expires_at=None,
        **engine.NO_ERROR,
    )
    if retried:
        StepEvent.objects.create(
            step_id=step_id,
            kind="retry",
            message=f"{member.full_name or member.email} sent it again.",
        )
        schedule_step_on_commit(step_id=step_id, kind=engine.SUBMIT, at=now)
        transaction.on_commit(watchdog_ensure)
        update_refresh(update.pk)
    return bool(retried)


def massupdate_resume(*, update: MassUpdate, member: Any) -> int:
    """Carry on with paused steps (after the person signed in again)."""
    resumed = recovery.steps_resume(
        update_id=update.pk, note=f"Resumed by {member.full_name or member.email}."
    )
    watchdog_ensure()
    return resumed
