"""Write side of the new-update flow: drafts, running them, retry and resume.

`massupdate_run` turns a reviewed draft into exactly one update, however many times and
from however many tabs "Run mass update" is pressed: the review carries the draft's one-time
`run_token`; the draft row is claimed with a conditional UPDATE and the token is unique on
`MassUpdate`. The update and all its steps are stored before anything goes to Zoho; the
worker sends them (see `worker`): the first step is due at once.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from crmupdate.massupdate import texts
from crmupdate.massupdate.changetext import changes_summary
from crmupdate.massupdate.claims import RELEASED
from crmupdate.massupdate.fieldforms import Change
from crmupdate.massupdate.frozen.models import FrozenView
from crmupdate.massupdate.models import (
    Draft,
    MassUpdate,
    MetadataCache,
    Step,
    StepEvent,
    StepMode,
    StepStatus,
)
from crmupdate.massupdate.names import name_fields
from crmupdate.massupdate.planner import plan_steps, step_request
from crmupdate.massupdate.review import MAX_RECORDS, draft_changes
from crmupdate.massupdate.steps import NO_ERROR, steps_resume
from crmupdate.massupdate.summary import update_refresh
from crmupdate.massupdate.undo.models import BackupChoice


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


def draft_set_view(*, draft: Draft, cvid: str, view_name: str) -> None:
    """The changes now go to another view of the same module; a review of the old one
    can no longer run, and its record count is asked again."""
    draft.cvid = cvid
    draft.view_name = view_name
    draft.run_token = uuid.uuid4()
    draft.record_count = None
    draft.save(update_fields=["cvid", "view_name", "run_token", "record_count", "updated_at"])


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
        summary=changes_summary(c.as_dict() for c in changes),
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
        Step.objects.create(
            update=update,
            team=member.team,
            position=position,
            module_api_name=draft.module_api_name,
            cvid=draft.cvid,
            changes=[c.as_dict() for c in group],
            request_data=data,
            over_write=over_write,
            # The first step is Zoho's job on the view; later ones act on the frozen ids.
            mode=StepMode.VIEW if position == 1 else StepMode.IDS,
            due_at=now if position == 1 else None,  # the worker sends step 1 first
        )
    FrozenView.objects.create(
        team=member.team,
        update=update,
        module_api_name=draft.module_api_name,
        cvid=draft.cvid,
        fields=list(dict.fromkeys(c.api_name for group in plan for c in group)),
        name_fields=_name_fields(member, draft.module_api_name),
        keep_values=not BackupChoice.objects.filter(draft=draft, keep=False).exists(),
    )
    return update


def _name_fields(member: Any, module: str) -> list[str]:
    """The fields that name a record, those the module has (from the field metadata the
    review read; Zoho refuses a request for a field it does not know)."""
    payload = (
        MetadataCache.objects.filter(
            team=member.team, kind=MetadataCache.Kind.FIELDS, module_api_name=module
        )
        .values_list("payload", flat=True)
        .first()
    )
    if not isinstance(payload, list):
        return name_fields(module)  # those Zoho does not know are dropped when it says so
    return name_fields(module, [str(f.get("api_name")) for f in payload if isinstance(f, dict)])


def step_retry(*, update: MassUpdate, step_id: int, member: Any) -> bool:
    """Send an interrupted step again, because the person decided to."""
    now = timezone.now()
    retried = Step.objects.filter(pk=step_id, update=update, status=StepStatus.INTERRUPTED).update(
        status=StepStatus.PENDING,
        maybe_sent=False,
        due_at=now,
        **texts.NO_WAIT_REASON,
        submit_attempts=0,
        **RELEASED,
        **NO_ERROR,
    )
    if retried:
        # From now on the worker sends with the token of the person who pressed the button.
        MassUpdate.objects.filter(pk=update.pk).update(run_by=member.user)
        StepEvent.objects.create(
            step_id=step_id,
            kind="retry",
            details={"by": member.full_name or member.email},
        )
        update_refresh(update.pk)
    return bool(retried)


def massupdate_resume(*, update: MassUpdate, member: Any) -> int:
    """Carry on with paused steps (after the person signed in again), from now on with the
    Zoho token of the person who pressed the button."""
    MassUpdate.objects.filter(pk=update.pk).update(run_by=member.user)
    resumed = steps_resume(update_id=update.pk, by=member.full_name or member.email)
    if resumed:
        update_refresh(update.pk)
    return resumed
