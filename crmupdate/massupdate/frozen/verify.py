"""After a view job whose counts say something failed: which records, and why.

Zoho's view job reports counts only. When they say records failed (or the job saw fewer
records than were frozen), the frozen records are read back by id, 100 per call, with the
step's fields; those that do not hold the new value (compared as Zoho normalises,
`values.value_holds`) are sent once more by id, 500 per call, so Zoho answers with a reason
for each. Records gone from Zoho count as deleted. A job that reported no failure is not
read back at all: the least calls for the truth.

`verify_done` and `retry_done` say where the work carries on after a wait or a new run.
"""

from __future__ import annotations

import time

from django.db.models import F
from django.utils import timezone

from crmupdate.massupdate import steps
from crmupdate.massupdate.clients import step_client
from crmupdate.massupdate.frozen.idsmode import PER_CALL
from crmupdate.massupdate.frozen.models import FrozenView, RecordFailure
from crmupdate.massupdate.frozen.records import (
    DELETED_CODE,
    DELETED_MESSAGE,
    change_fields,
    failure_from,
    failures_keep,
    names_of,
    results_sort,
    rows_slice,
)
from crmupdate.massupdate.models import Step, StepStatus
from crmupdate.massupdate.timing import max_attempts, sending_claim_length, undo_run_seconds
from crmupdate.massupdate.values import value_holds
from crmupdate.zoho.errors import ErrorCategory, ZohoError

PER_READ = 100  # Get Records by id takes at most 100 ids


def needs_check(step: Step, frozen_count: int | None, *, status: str, failed: int,
                total: int) -> bool:  # fmt: skip
    """Does the job's answer say some frozen record may not have changed?"""
    if frozen_count is None:
        return False
    return failed > 0 or status == "FAILED" or total < frozen_count


def step_verify(step_id: int, owner: str) -> str:
    """The worker's action for a step being checked record by record."""
    return steps.step_act(step_id, owner, StepStatus.VERIFYING, _verify_owned)


def _verify_owned(step: Step, owner: str) -> str:
    frozen = FrozenView.objects.get(update_id=step.update_id)
    try:
        client = step_client(step)
    except ZohoError as error:
        return _failed(step, owner, error)
    deadline = time.monotonic() + undo_run_seconds()
    fields = change_fields(step)
    while step.verify_done < frozen.record_count:
        rows = rows_slice(frozen, step.verify_done, PER_READ)
        if not rows:
            break
        ids = [str(r[0]) for r in rows]
        try:
            found = client.get_records_by_id(step.module_api_name, ids=ids, fields=list(fields))
        except ZohoError as error:
            return _failed(step, owner, error)
        current = {str(r.get("id")): r for r in found}
        gone, missing = [], []
        for row in rows:
            record = current.get(str(row[0]))
            if record is None:
                gone.append(failure_from(step, str(row[0]), str(row[1]), code=DELETED_CODE,
                                         message=DELETED_MESSAGE))  # fmt: skip
            elif not all(
                value_holds(
                    meta, record.get(name), step.request_data.get(name), over_write=step.over_write
                )  # fmt: skip
                for name, meta in fields.items()
            ):
                missing.append(str(row[0]))
        failures_keep(gone)
        step.verify_done += len(rows)
        step.retry_ids = [*step.retry_ids, *missing]
        if not _progress_save(
            step,
            owner,
            verify_done=step.verify_done,
            retry_ids=step.retry_ids,
            verify_calls=F("verify_calls") + 1,
        ):
            return "lost the step while checking"  # fmt: skip
        if time.monotonic() > deadline:
            steps.step_save(step.pk, owner, due_at=timezone.now())
            return "checking continues"
    names = names_of(frozen, step.retry_ids[step.retry_done :])
    while step.retry_done < len(step.retry_ids):
        batch = step.retry_ids[step.retry_done : step.retry_done + PER_CALL]
        try:
            results = client.mass_update(
                step.module_api_name, data=step.request_data, ids=batch, over_write=step.over_write
            )
        except ZohoError as error:
            return _failed(step, owner, error)
        assert isinstance(results, list)
        _, failures = results_sort(step, results, names)
        failures_keep(failures)
        step.retry_done += len(batch)
        if not _progress_save(
            step, owner, retry_done=step.retry_done, ids_calls=F("ids_calls") + 1
        ):
            return "lost the step while retrying"  # fmt: skip
    return _finish(step, owner, frozen)


def _progress_save(step: Step, owner: str, **fields: object) -> bool:
    return bool(
        Step.objects.filter(pk=step.pk, claimed_by=owner).update(
            submit_attempts=0, claim_expires_at=timezone.now() + sending_claim_length(), **fields
        )
    )


def _finish(step: Step, owner: str, frozen: FrozenView) -> str:
    step.refresh_from_db()
    open_failures = RecordFailure.objects.filter(step=step, resolved_at__isnull=True)
    failed = open_failures.filter(deleted=False).count()
    deleted = open_failures.filter(deleted=True).count()
    changed = max(0, frozen.record_count - failed - deleted)
    status = StepStatus.COMPLETED if changed else StepStatus.FAILED
    steps.step_end(
        step, owner, status=status, total_count=frozen.record_count, updated_count=changed,
        failed_count=failed, deleted_count=deleted, not_updated_count=0,
    )  # fmt: skip
    steps.event_add(
        step, "checked",
        details={"changed": changed, "failed": failed, "deleted": deleted,
                 "reads": step.verify_calls, "retries": step.ids_calls},
    )  # fmt: skip
    return f"checked: {changed} changed, {failed} not changed"


def _failed(step: Step, owner: str, error: ZohoError) -> str:
    if error.category == ErrorCategory.AUTH:
        steps.step_pause(step, owner, error)
        return "paused: sign-in needed"
    attempts = step.submit_attempts + 1
    Step.objects.filter(pk=step.pk, claimed_by=owner).update(submit_attempts=attempts)
    if error.category == ErrorCategory.RATE_LIMITED or (
        error.category == ErrorCategory.TRANSIENT and attempts < max_attempts()
    ):
        return steps.wait_and_retry(step, owner, error, attempts, StepStatus.VERIFYING)
    # The job itself has ended: keep its counts, say the check could not be done.
    steps.step_end(step, owner, status=StepStatus.COMPLETED, event="check_failed", error=error)
    return f"check stopped by {error.code}"
