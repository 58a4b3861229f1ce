"""Steps after the first: sent on the frozen record ids, 500 per call (Zoho's ids mode).

Zoho answers each call record by record, at once (no job to follow), so every record the step
did not change is kept with Zoho's reason. The step works through the frozen records in
order; `ids_done` is where it carries on (after a wait, a new worker run, a sign-in).

A call that may have reached Zoho but got no answer (a timeout) is not sent again by itself:
the step stops as "interrupted" and the person decides, as for a view job.
"""

from __future__ import annotations

import time

from django.db.models import F
from django.utils import timezone

from crmupdate.massupdate import steps, texts
from crmupdate.massupdate.clients import step_client
from crmupdate.massupdate.frozen.models import FrozenView, RecordFailure
from crmupdate.massupdate.frozen.records import failures_keep, results_sort, rows_slice
from crmupdate.massupdate.models import Step, StepStatus
from crmupdate.massupdate.timing import max_attempts, sending_claim_length, undo_run_seconds
from crmupdate.zoho.errors import ErrorCategory, ZohoError

PER_CALL = 500  # Zoho's ids mode takes at most 500 records per call


def step_send_ids(step_id: int, owner: str) -> str:
    """The worker's action for a step being sent record by record."""
    return steps.step_act(step_id, owner, StepStatus.SENDING, _send_owned)


def ids_start(step: Step, owner: str) -> str:
    """A later step's turn has come: send it record by record, starting now."""
    now = timezone.now()
    steps.step_save(
        step.pk, owner, status=StepStatus.SENDING, due_at=now, **texts.NO_WAIT_REASON,
        submitted_at=step.submitted_at or now, **steps.NO_ERROR,
    )  # fmt: skip
    steps.event_add(step, "sending", details={"ids_mode": True})
    return "sending record by record"


def _send_owned(step: Step, owner: str) -> str:
    frozen = FrozenView.objects.get(update_id=step.update_id)
    try:
        client = step_client(step)
    except ZohoError as error:
        return _failed(step, owner, error)
    deadline = time.monotonic() + undo_run_seconds()
    while True:
        rows = rows_slice(frozen, step.ids_done, PER_CALL)
        if not rows:
            return _finish(step, owner, frozen)
        names = {str(r[0]): str(r[1]) for r in rows}
        try:
            results = client.mass_update(
                step.module_api_name, data=step.request_data, ids=list(names),
                over_write=step.over_write,
            )  # fmt: skip
        except ZohoError as error:
            return _failed(step, owner, error)
        assert isinstance(results, list)  # ids mode answers record by record
        changed, failures = results_sort(step, results, names)
        failures_keep(failures)
        deleted = sum(1 for f in failures if f.deleted)
        step.ids_done += len(rows)
        saved = Step.objects.filter(pk=step.pk, claimed_by=owner).update(
            ids_done=step.ids_done,
            ids_calls=F("ids_calls") + 1,
            total_count=frozen.record_count,
            updated_count=F("updated_count") + changed,
            failed_count=F("failed_count") + len(failures) - deleted,
            deleted_count=F("deleted_count") + deleted,
            not_updated_count=max(0, frozen.record_count - step.ids_done),
            submit_attempts=0,
            claim_expires_at=timezone.now() + sending_claim_length(),
        )
        if not saved:
            return "lost the step while sending"
        if time.monotonic() > deadline:
            steps.step_save(step.pk, owner, due_at=timezone.now())  # other work goes first
            return f"sent {step.ids_done:,} of {frozen.record_count:,}; continues"


def _finish(step: Step, owner: str, frozen: FrozenView) -> str:
    step.refresh_from_db()
    open_failures = RecordFailure.objects.filter(step=step, resolved_at__isnull=True)
    failed = open_failures.filter(deleted=False).count()
    deleted = open_failures.filter(deleted=True).count()
    changed = max(0, frozen.record_count - failed - deleted)
    status = StepStatus.COMPLETED if changed or not frozen.record_count else StepStatus.FAILED
    steps.step_end(
        step, owner, status=status, zoho_status="COMPLETED", total_count=frozen.record_count,
        updated_count=changed, failed_count=failed, deleted_count=deleted, not_updated_count=0,
    )  # fmt: skip
    steps.event_add(
        step, "done", details={"changed": changed, "failed": failed, "deleted": deleted,
                               "calls": step.ids_calls},
    )  # fmt: skip
    return f"done: {changed} changed, {failed} not changed"


def _failed(step: Step, owner: str, error: ZohoError) -> str:
    """The same choices as sending a view job (see `submit`)."""
    if error.category == ErrorCategory.AUTH:
        steps.step_pause(step, owner, error)
        return "paused: sign-in needed"
    attempts = step.submit_attempts + 1
    Step.objects.filter(pk=step.pk, claimed_by=owner).update(submit_attempts=attempts)
    never_sent = error.category == ErrorCategory.TRANSIENT and not error.sent
    if error.category == ErrorCategory.RATE_LIMITED or (never_sent and attempts < max_attempts()):
        return steps.wait_and_retry(step, owner, error, attempts, StepStatus.SENDING)
    if error.category == ErrorCategory.TRANSIENT:
        steps.step_interrupt(step, owner, error)
        return f"interrupted by {error.code}"
    steps.step_end(step, owner, status=StepStatus.REFUSED, event="refused", error=error)
    return f"refused with {error.code}"
