"""Following a step's Zoho job until it ends, then starting the next step."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from crmupdate.massupdate import steps, texts
from crmupdate.massupdate.clients import step_client
from crmupdate.massupdate.frozen.verify import needs_check
from crmupdate.massupdate.models import Step, StepStatus
from crmupdate.massupdate.timing import MAX_POLL_ERRORS, poll_delay
from crmupdate.zoho.errors import ErrorCategory, ZohoError


def step_poll(step_id: int, owner: str) -> str:
    """The worker's action for a due running step it holds: ask Zoho how the step's job is
    doing; when it has ended, start the next step."""
    return steps.step_act(step_id, owner, StepStatus.RUNNING, _poll_owned)


def _poll_owned(step: Step, owner: str) -> str:
    try:
        client = step_client(step)
        status = client.mass_update_status(step.module_api_name, step.job_id)
    except ZohoError as error:
        return _poll_failed(step, owner, error)
    now = timezone.now()
    counts: dict[str, Any] = {
        "zoho_status": status.status[:20],
        "total_count": status.total_count,
        "updated_count": status.updated_count,
        "not_updated_count": status.not_updated_count,
        "failed_count": status.failed_count,
        "poll_count": step.poll_count + 1,
        "poll_errors": 0,
        "last_polled_at": now,
        **texts.NO_WAIT_REASON,
    }
    if step.zoho_status != status.status:
        steps.event_add(
            step,
            "status",
            code=status.status,
            message=f"Zoho: {status.status}",
            details={
                "Total_Count": status.total_count,
                "Updated_Count": status.updated_count,
                "Not_Updated_Count": status.not_updated_count,
                "Failed_Count": status.failed_count,
            },
        )
    if not status.finished:
        later = now + timedelta(seconds=poll_delay(step.poll_count + 1))
        steps.step_save(step.pk, owner, due_at=later, **counts, **steps.NO_ERROR)
        return f"job {status.status}"
    frozen_count = step.update.frozen_count
    if needs_check(step, frozen_count, status=status.status, failed=status.failed_count,
                   total=status.total_count):  # fmt: skip
        steps.step_check_start(step, owner, finished_at=now, **counts, **steps.NO_ERROR)
        return f"job {status.status}: checking each record"
    ended = StepStatus.COMPLETED if status.status == "COMPLETED" else StepStatus.FAILED
    steps.step_end(step, owner, status=ended, finished_at=now, **counts, **steps.NO_ERROR)
    return f"job {status.status}"


def _poll_failed(step: Step, owner: str, error: ZohoError) -> str:
    if error.category == ErrorCategory.AUTH:
        # The job runs on at Zoho: keep the view and the job id.
        steps.step_pause(step, owner, error)
        return "paused: sign-in needed"
    errors = step.poll_errors + 1
    if error.category == ErrorCategory.PERMANENT and errors >= MAX_POLL_ERRORS:
        steps.step_end(
            step, owner, status=StepStatus.FAILED, event="tracking_lost", error=error,
            poll_errors=errors,
        )  # fmt: skip
        return f"gave up following the job after {error.code}"
    Step.objects.filter(pk=step.pk, claimed_by=owner).update(poll_errors=errors)
    step.poll_errors = errors
    return steps.wait_and_retry(step, owner, error, errors, StepStatus.RUNNING)
