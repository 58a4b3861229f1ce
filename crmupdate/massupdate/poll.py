"""Following a step's Zoho job until it ends, then starting the next step."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from crmupdate.massupdate import engine
from crmupdate.massupdate.models import Step, StepStatus
from crmupdate.massupdate.summary import update_refresh
from crmupdate.zoho.errors import ErrorCategory, ZohoError


def step_poll(step_id: int) -> str:
    """Ask Zoho how a step's job is doing; when it has ended, start the next step."""
    now = timezone.now()
    step = Step.objects.filter(pk=step_id).first()
    if step is None or step.status != StepStatus.RUNNING or not engine.is_due(step, now):
        return "not due"
    owner = engine.step_take(step_id, StepStatus.RUNNING)
    if owner is None:
        return "taken by another run"
    step = Step.objects.select_related("update", "update__created_by").get(pk=step_id)
    try:
        outcome = _poll_owned(step, owner)
    finally:
        update_refresh(step.update_id)
    return outcome


def _poll_owned(step: Step, owner: str) -> str:
    try:
        client = engine.client_for(step.update)
        status = client.mass_update_status(step.module_api_name, step.job_id)
    except ZohoError as error:
        return _poll_failed(step, owner, error)
    now = timezone.now()
    counts = {
        "zoho_status": status.status[:20],
        "total_count": status.total_count,
        "updated_count": status.updated_count,
        "not_updated_count": status.not_updated_count,
        "failed_count": status.failed_count,
        "poll_count": step.poll_count + 1,
        "poll_errors": 0,
        "last_polled_at": now,
        "wait_reason": "",
    }
    if step.zoho_status != status.status:
        engine.event_add(
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
        later = now + timedelta(seconds=engine.poll_delay(step.poll_count + 1))
        engine.step_save(step.pk, owner, next_check_at=later, **counts, **engine.NO_ERROR)
        engine.schedule(step.pk, engine.POLL, later)
        return f"job {status.status}"
    ended = StepStatus.COMPLETED if status.status == "COMPLETED" else StepStatus.FAILED
    engine.step_save(
        step.pk,
        owner,
        status=ended,
        holds_view=False,
        finished_at=now,
        next_check_at=None,
        **counts,
        **engine.NO_ERROR,
    )
    step.status = ended
    if ended == StepStatus.FAILED:
        engine.skip_after(step)
    engine.start_next(step)
    return f"job {status.status}"


def _poll_failed(step: Step, owner: str, error: ZohoError) -> str:
    if error.category == ErrorCategory.AUTH:
        engine.step_pause(
            step, owner, error
        )  # the job runs on at Zoho; keep the view and the job id
        return "paused: sign-in needed"
    errors = step.poll_errors + 1
    if error.category == ErrorCategory.PERMANENT and errors >= engine.MAX_POLL_ERRORS:
        engine.step_save(
            step.pk,
            owner,
            status=StepStatus.FAILED,
            holds_view=False,
            finished_at=timezone.now(),
            next_check_at=None,
            poll_errors=errors,
            **engine.error_fields(error),
        )
        engine.event_add(step, "tracking_lost", error)
        engine.skip_after(step)
        engine.start_next(step)
        return f"gave up following the job after {error.code}"
    Step.objects.filter(pk=step.pk, lease_owner=owner).update(poll_errors=errors)
    step.poll_errors = errors
    return engine.wait_and_retry(step, owner, error, errors, StepStatus.RUNNING)
