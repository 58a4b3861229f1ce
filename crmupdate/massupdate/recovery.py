"""The safety net: steps a dead worker left behind, and paused steps that may resume."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from crmupdate.massupdate import engine, explanations
from crmupdate.massupdate.models import (
    FINISHED_STEP_STATUSES,
    FINISHED_UPDATE_STATUSES,
    MassUpdate,
    Step,
    StepStatus,
)
from crmupdate.massupdate.summary import update_refresh
from crmupdate.zoho.errors import ErrorCategory, ZohoError


def steps_unfinished_exist() -> bool:
    return Step.objects.exclude(
        status__in=[StepStatus.COMPLETED, StepStatus.FAILED, StepStatus.REFUSED, StepStatus.SKIPPED]
    ).exists()


def steps_recover() -> dict[str, int]:
    """Find steps a dead worker left behind and put them back on track. Safe to run anywhere,
    any number of times (it is what the periodic watchdog task runs)."""
    from crmupdate.massupdate.tasks import task_is_waiting

    now = timezone.now()
    found = {"interrupted": 0, "rescheduled": 0}
    for step in Step.objects.filter(status=StepStatus.SUBMITTING, lease_expires_at__lte=now):
        error = ZohoError(
            code=explanations.SUBMIT_INTERRUPTED,
            message="The worker stopped while sending this step to Zoho.",
            category=ErrorCategory.TRANSIENT,
        )
        cut_off = Step.objects.filter(
            pk=step.pk, status=StepStatus.SUBMITTING, lease_expires_at=step.lease_expires_at
        ).update(
            status=StepStatus.INTERRUPTED,
            holds_view=False,
            maybe_sent=True,
            lease_owner="",
            lease_expires_at=None,
            next_check_at=None,
            **engine.error_fields(error),
        )
        if cut_off:
            engine.event_add(step, "interrupted", error)
            update_refresh(step.update_id)
            found["interrupted"] += 1
    grace = timedelta(seconds=engine.setting_seconds("MASSUPDATE_OVERDUE_SECONDS", 5))
    overdue = Step.objects.filter(
        status__in=[StepStatus.PENDING, StepStatus.RUNNING], next_check_at__lte=now - grace
    ).filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
    for step in overdue[:500]:
        if task_is_waiting(step.task_id):
            continue  # the worker is busy, its task will come
        engine.schedule(
            step.pk, engine.SUBMIT if step.status == StepStatus.PENDING else engine.POLL, now
        )
        found["rescheduled"] += 1
    found["woken"] = _wake_forgotten()
    found["resumed"] = _resume_signed_in()
    found["summaries"] = _refresh_stale_summaries()
    return found


def _wake_forgotten() -> int:
    """Pending steps nobody will start: their turn has come but no wake-up is set."""
    woken = 0
    forgotten = Step.objects.filter(status=StepStatus.PENDING, next_check_at__isnull=True)
    for step in forgotten.order_by("update_id", "position")[:500]:
        earlier = Step.objects.filter(update_id=step.update_id, position__lt=step.position)
        if not earlier.exclude(status=StepStatus.COMPLETED).exists():
            engine.step_wake(step.pk)
            woken += 1
    return woken


def _refresh_stale_summaries() -> int:
    """Updates whose summary says "running" though every step has ended (two processes
    refreshed it at the same moment and the older view won): recompute them."""
    unfinished_steps = Step.objects.filter(update=OuterRef("pk")).exclude(
        status__in=list(FINISHED_STEP_STATUSES)
    )
    stale = (
        MassUpdate.objects.exclude(status__in=list(FINISHED_UPDATE_STATUSES))
        .filter(~Exists(unfinished_steps))
        .values_list("pk", flat=True)[:500]
    )
    for update_id in stale:
        update_refresh(update_id)
    return len(stale)


def _resume_signed_in() -> int:
    """Paused steps whose owner has signed in again since: resume them."""
    from crmupdate.accounts.models import ZohoConnection

    resumed = 0
    paused = Step.objects.filter(status=StepStatus.PAUSED, update__created_by__isnull=False)
    for step in paused.select_related("update")[:200]:
        connection = ZohoConnection.objects.filter(user=step.update.created_by).first()
        if (
            connection
            and connection.usable
            and step.paused_at
            and connection.updated_at > step.paused_at
        ):
            resumed += steps_resume(update_id=step.update_id, note="Resumed after sign-in.")
    return resumed


def steps_resume(*, update_id: int, note: str) -> int:
    """Paused steps of an update carry on: a sent job is followed, an unsent one is sent."""
    now = timezone.now()
    resumed = 0
    for step in Step.objects.filter(update_id=update_id, status=StepStatus.PAUSED):
        status, kind = (
            (StepStatus.RUNNING, engine.POLL)
            if step.job_id
            else (StepStatus.PENDING, engine.SUBMIT)
        )
        if Step.objects.filter(pk=step.pk, status=StepStatus.PAUSED).update(
            status=status, next_check_at=now, paused_at=None, wait_reason="", **engine.NO_ERROR
        ):
            engine.event_add(step, "resumed", message=note)
            engine.schedule(step.pk, kind, now)
            resumed += 1
    if resumed:
        update_refresh(update_id)
    return resumed
