"""Sending a step to Zoho: the first step as one mass-update job on the view, never twice by
itself, right after the update's records are frozen (`frozen.freeze`); later steps are sent
on the frozen ids (`frozen.idsmode`).

The step is marked "sending to Zoho" (which also takes its view) before the call. Zoho's
answer decides what follows: a job to follow, a wait ("later": 429, ALREADY_SCHEDULED, a
connection that never opened), a pause (sign in again), a refusal (the rest of the update is
not started), or "interrupted" when the request may have reached Zoho and only the person may
send it again.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from crmupdate.massupdate import explanations, steps, texts
from crmupdate.massupdate.claims import RELEASED
from crmupdate.massupdate.clients import step_client
from crmupdate.massupdate.frozen.freeze import step_freeze
from crmupdate.massupdate.frozen.idsmode import ids_start
from crmupdate.massupdate.models import MassUpdate, Step, StepMode, StepStatus
from crmupdate.massupdate.timing import max_attempts, poll_delay, view_busy_delay
from crmupdate.zoho.errors import ErrorCategory, ZohoError
from crmupdate.zoho.types import MassUpdateScheduled

logger = logging.getLogger(__name__)


def step_submit(step_id: int, owner: str) -> str:
    """The worker's action for a due "not started" step it holds: send it to Zoho as one
    mass-update job. Returns what happened (for the log)."""
    return steps.step_act(step_id, owner, StepStatus.PENDING, _submit_owned)


def _submit_owned(step: Step, owner: str) -> str:
    earlier = Step.objects.filter(update_id=step.update_id, position__lt=step.position)
    if earlier.exclude(status=StepStatus.COMPLETED).exists():
        if earlier.filter(
            status__in=[StepStatus.FAILED, StepStatus.REFUSED, StepStatus.SKIPPED]
        ).exists():
            steps.step_save(step.pk, owner, status=StepStatus.SKIPPED, due_at=None)
            return "skipped"
        # The earlier step starts this one when it ends. If it ended just now, between the
        # check above and this write, its wake-up must not be lost: look once more.
        steps.step_save(step.pk, owner, due_at=None)
        if not earlier.exclude(status=StepStatus.COMPLETED).exists():
            steps.step_wake(step.pk)
        return "not its turn"
    if step.mode == StepMode.IDS:
        return ids_start(step, owner)  # on the frozen ids: no view, no job
    try:
        client = step_client(step)
    except ZohoError as error:
        return _submit_refused_before_sending(step, owner, error)
    # The records the update acts on are read first (ids, names, values), holding the view.
    not_yet = step_freeze(step, owner, client)
    if not_yet is not None:
        return not_yet
    if not _take_view(step, owner):
        return "queued behind another update on the view"
    if step.update.started_at is None:
        MassUpdate.objects.filter(pk=step.update_id, started_at=None).update(
            started_at=timezone.now()
        )
    # `_take_view` has just counted this send, so the first one is attempt 1.
    attempt = step.submit_attempts
    steps.event_add(
        step,
        "sending",
        message=f"Sending to Zoho (attempt {attempt}).",
        details={"attempt": attempt},
    )
    try:
        result = client.mass_update(
            step.module_api_name, data=step.request_data, cvid=step.cvid, over_write=step.over_write
        )
    except ZohoError as error:
        return _submit_failed(step, owner, error)
    except Exception:
        logger.exception("mass update submit crashed step=%s", step.pk)
        steps.step_interrupt(
            step, owner, steps.sending_stopped("Sending to Zoho stopped unexpectedly.")
        )
        return "interrupted"
    if not isinstance(result, MassUpdateScheduled):  # ids mode is sent by frozen.idsmode
        raise TypeError("mass update by view did not return a job")
    now = timezone.now()
    running = {
        "status": StepStatus.RUNNING,
        "job_id": result.job_id,
        "zoho_status": "SCHEDULED",
        "submitted_at": now,
        "poll_count": 0,
        "poll_errors": 0,
        **texts.NO_WAIT_REASON,
        "maybe_sent": False,
        "due_at": now + timedelta(seconds=poll_delay(0)),
        **steps.NO_ERROR,
    }
    if not steps.step_save(step.pk, owner, **running):
        _late_answer(step, result.job_id, running)
    steps.event_add(
        step, "scheduled", code="SUCCESS", message=result.message, details={"job_id": result.job_id}
    )
    return f"scheduled job {result.job_id}"


def _late_answer(step: Step, job_id: str, running: dict[str, object]) -> None:
    """Zoho's answer came after the claim ran out (the process was frozen for minutes): if the
    another worker has marked the step interrupted meanwhile, the job id corrects that."""
    corrected = Step.objects.filter(
        pk=step.pk,
        status=StepStatus.INTERRUPTED,
        error_code=explanations.SUBMIT_INTERRUPTED,
        job_id="",
    ).update(**running, holds_view=False, **RELEASED)
    if not corrected:
        logger.error(
            "mass update step=%s: Zoho job %s started after the step moved on", step.pk, job_id
        )


def _take_view(step: Step, owner: str) -> bool:
    """Mark the step as being sent, which also takes its view (one per team and view)."""
    try:
        with transaction.atomic():
            marked = Step.objects.filter(
                pk=step.pk, claimed_by=owner, status=StepStatus.PENDING
            ).update(
                status=StepStatus.SUBMITTING,
                holds_view=True,
                submit_attempts=F("submit_attempts") + 1,
            )
    except IntegrityError:
        marked = 0
        blocker = Step.objects.filter(team_id=step.team_id, cvid=step.cvid, holds_view=True).first()
        busy = texts.message(texts.VIEW_BUSY, update=blocker.update_id if blocker else None)
        steps.step_save(
            step.pk,
            owner,
            due_at=timezone.now() + view_busy_delay(),
            **texts.columns("wait_reason", busy),
        )
        return False
    if not marked:
        raise RuntimeError(f"lost the claim on step {step.pk}")
    step.submit_attempts += 1
    return True


def _submit_refused_before_sending(step: Step, owner: str, error: ZohoError) -> str:
    if error.category == ErrorCategory.AUTH:
        steps.step_pause(step, owner, error)
        return "paused: sign-in needed"
    # Getting a token failed for another reason (network, throttling): nothing was sent.
    return steps.wait_and_retry(step, owner, error, step.submit_attempts + 1, StepStatus.PENDING)


def _submit_failed(step: Step, owner: str, error: ZohoError) -> str:
    if error.category == ErrorCategory.AUTH:  # Zoho refused the token: it did nothing
        steps.step_pause(step, owner, error, holds_view=False)
        return "paused: sign-in needed"
    if error.code == "ALREADY_SCHEDULED" or error.category == ErrorCategory.RATE_LIMITED:
        return steps.wait_and_retry(step, owner, error, step.submit_attempts, StepStatus.PENDING)
    never_sent = error.category == ErrorCategory.TRANSIENT and not error.sent
    if never_sent and step.submit_attempts < max_attempts():
        return steps.wait_and_retry(step, owner, error, step.submit_attempts, StepStatus.PENDING)
    if error.category == ErrorCategory.TRANSIENT:
        # It may have reached Zoho: only the person may send it again.
        steps.step_interrupt(step, owner, error)
        return f"interrupted by {error.code}"
    steps.step_end(step, owner, status=StepStatus.REFUSED, event="refused", error=error)
    return f"refused with {error.code}"
