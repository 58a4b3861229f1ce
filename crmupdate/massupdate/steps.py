"""A step's next state: what the step actions (sending, following the job, backing up,
recovering) write, each idea once.

Nothing here queues anything: making a step due (`due_at`) is what makes the worker act on it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from crmupdate.massupdate import explanations, texts
from crmupdate.massupdate.changetext import field_labels
from crmupdate.massupdate.claims import RELEASED, row_save
from crmupdate.massupdate.models import Step, StepEvent, StepStatus
from crmupdate.massupdate.states import FINISHED_STEP_STATUSES
from crmupdate.massupdate.summary import update_refresh
from crmupdate.massupdate.timing import recheck_delay, retry_delay
from crmupdate.zoho.errors import ErrorCategory, ZohoError

NO_ERROR: dict[str, Any] = {
    "error_code": "",
    "error_message": "",
    "error_details": {},
    "error_http_status": None,
    "error_category": "",
}


def error_fields(error: ZohoError) -> dict[str, Any]:
    return {
        "error_code": error.code[:80],
        "error_message": error.message,
        "error_details": error.details,
        "error_http_status": error.http_status,
        "error_category": str(error.category),
    }


def event_add(step: Step, kind: str, error: ZohoError | None = None, **extra: Any) -> None:
    if error is not None:
        extra.setdefault("code", error.code)
        extra.setdefault("message", error.message)
        extra.setdefault("details", error.details)
        extra.setdefault("http_status", error.http_status)
    StepEvent.objects.create(step=step, kind=kind, **extra)


def step_save(step_id: int, owner: str, *, release: bool = True, **fields: Any) -> bool:
    """Write the step if this run still holds it (and let go of it unless told otherwise)."""
    return row_save(Step, step_id, owner, release=release, **fields)


def step_act(step_id: int, owner: str, status: str, act: Callable[[Step, str], str]) -> str:
    """Run a step action on a step this run holds in `status`, then bring the update's
    summary up to date. A late or second call (the step has moved on) does nothing."""
    step = Step.objects.select_related("update", "update__created_by").get(pk=step_id)
    if step.claimed_by != owner or step.status != status:
        return "not held by this run"
    try:
        return act(step, owner)
    finally:
        update_refresh(step.update_id)


def sending_stopped(message: str) -> ZohoError:
    """Our side stopped while sending (a crash, a killed worker): Zoho may have the job."""
    return ZohoError(
        code=explanations.SUBMIT_INTERRUPTED,
        message=message,
        category=ErrorCategory.TRANSIENT,
        sent=True,
    )


def step_interrupt(step: Step, owner: str, error: ZohoError) -> bool:
    """The sending stopped where Zoho may have received the job (`error.sent`): the step is
    never sent again by itself; the person decides (the page explains and offers to send it
    again)."""
    interrupted = step_save(
        step.pk,
        owner,
        status=StepStatus.INTERRUPTED,
        holds_view=False,
        maybe_sent=error.sent,
        due_at=None,
        **texts.NO_WAIT_REASON,
        **error_fields(error),
    )
    if interrupted:
        event_add(step, "interrupted", error)
    return interrupted


def step_pause(step: Step, owner: str, error: ZohoError, **fields: Any) -> None:
    """Zoho refused the person's sign-in: wait for them to sign in again (looked at again
    every so often by the worker)."""
    now = timezone.now()
    step_save(
        step.pk,
        owner,
        status=StepStatus.PAUSED,
        paused_at=now,
        due_at=now + recheck_delay(),
        **fields,
        **error_fields(error),
        **texts.columns("wait_reason", texts.zoho_message(error.code, part=texts.ZOHO_NEXT)),
    )
    event_add(step, "paused", error)


def step_end(
    step: Step, owner: str, *, status: str, event: str = "", error: ZohoError | None = None,
    **fields: Any,
) -> None:  # fmt: skip
    """The step has ended (completed, failed, refused, or the job could not be followed): it
    lets go of its view; unless it completed, the later steps of its update are not started
    (one home for "fail this step and skip the rest"); what waits next is made due."""
    values: dict[str, Any] = {
        "status": status,
        "holds_view": False,
        "due_at": None,
        **texts.NO_WAIT_REASON,
        "finished_at": timezone.now(),
        **(error_fields(error) if error is not None else {}),
        **fields,
    }
    with transaction.atomic():
        saved = step_save(step.pk, owner, **values)
        if not saved:
            return
        if event:
            event_add(step, event, error)
        step.status = status
        if status != StepStatus.COMPLETED:
            _skip_after(step)
        _start_next(step)


def _skip_after(step: Step) -> None:
    """An earlier step did not complete: the later ones are not started."""
    Step.objects.filter(update_id=step.update_id, position__gt=step.position).exclude(
        status__in=list(FINISHED_STEP_STATUSES)
    ).filter(holds_view=False).update(
        status=StepStatus.SKIPPED,
        due_at=None,
        **texts.columns("wait_reason", texts.message(texts.STEP_SKIPPED)),
    )


def _start_next(step: Step) -> None:
    """Make the next step of the update due, and wake updates queued on the same view."""
    Step.objects.filter(
        update_id=step.update_id, position=step.position + 1, status=StepStatus.PENDING
    ).update(due_at=timezone.now())
    _wake_view_queue(step)


def step_check_start(step: Step, owner: str, **fields: Any) -> None:
    """The view job has ended with failures: let go of the view and check each record (see
    `frozen.verify`); the next step starts once that is done."""
    with transaction.atomic():
        saved = step_save(
            step.pk, owner, **{**fields, "status": StepStatus.VERIFYING, "holds_view": False,
                               "due_at": timezone.now(), **texts.NO_WAIT_REASON},
        )  # fmt: skip
        if saved:
            _wake_view_queue(step)


def _wake_view_queue(step: Step) -> None:
    """Wake updates queued on the step's view (not those waiting out a Zoho "later": they
    keep their time)."""
    now = timezone.now()
    waiting = Step.objects.filter(
        team_id=step.team_id,
        cvid=step.cvid,
        status=StepStatus.PENDING,
        due_at__isnull=False,
        error_code="",
    ).exclude(wait_reason_code="", wait_reason_text="")
    queued = waiting.exclude(update_id=step.update_id).values_list("pk", flat=True)[:20]
    Step.objects.filter(pk__in=list(queued)).update(due_at=now)


def step_wake(step_id: int) -> bool:
    """Make a pending step due now."""
    return bool(
        Step.objects.filter(pk=step_id, status=StepStatus.PENDING).update(due_at=timezone.now())
    )


def wait_and_retry(step: Step, owner: str, error: ZohoError, attempt: int, status: str) -> str:
    """Zoho said "later" (or could not be reached before anything was sent): try again at a
    growing distance, keeping the view unless the step was never started."""
    later = timezone.now() + timedelta(seconds=retry_delay(attempt))
    reason = texts.error_message_of(error, labels=field_labels(step.changes), part=texts.ZOHO_TEXT)
    local = timezone.localtime(later).strftime("%H:%M:%S UTC")
    step_save(
        step.pk,
        owner,
        status=status,
        holds_view=status == StepStatus.RUNNING,  # a view job keeps its view
        due_at=later,
        **texts.columns("wait_reason", texts.message(texts.AGAIN_AT, reason=reason, at=local)),
        **error_fields(error),
    )
    event_add(step, "waiting", error)
    return f"waiting after {error.code}"


def steps_resume(*, update_id: int, by: str = "") -> int:
    """Paused steps of an update carry on: a sent job is followed, an unsent one is sent.
    `by`: who let them carry on (nobody: they did after a new sign-in)."""
    now = timezone.now()
    resumed = 0
    for step in Step.objects.filter(update_id=update_id, status=StepStatus.PAUSED):
        status = StepStatus.RUNNING if step.job_id else StepStatus.PENDING
        if Step.objects.filter(pk=step.pk, status=StepStatus.PAUSED).update(
            status=status,
            due_at=now,
            paused_at=None,
            **texts.NO_WAIT_REASON,
            **RELEASED,
            **NO_ERROR,
        ):
            event_add(step, "resumed", details={"by": by} if by else {})
            resumed += 1
    return resumed
