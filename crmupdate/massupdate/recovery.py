"""What a killed process leaves behind, and paused steps that may carry on.

- A step found "sending to Zoho" whose sender's claim has run out (the worker was killed
  between its POST and saving Zoho's job id) may or may not have reached Zoho, so it is never
  sent again by itself: it becomes "interrupted" and the person decides (a retry button).
- A paused step looks again every so often whether its person has signed in since.
- The sweep (run by the worker now and then) repairs what no row's due time can express: a
  step whose turn came while its wake-up was lost, a summary that lost a race.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils import timezone

from crmupdate.massupdate import steps
from crmupdate.massupdate.clients import signed_in_since
from crmupdate.massupdate.models import (
    FINISHED_STEP_STATUSES,
    FINISHED_UPDATE_STATUSES,
    MassUpdate,
    Step,
    StepStatus,
)
from crmupdate.massupdate.summary import update_refresh
from crmupdate.massupdate.timing import recheck_delay


def step_sender_stopped(step_id: int, owner: str) -> str:
    """The worker's action for a step left "sending to Zoho" by a sender whose claim ran
    out: it may have reached Zoho, so it is interrupted (never sent again by itself)."""
    return steps.step_act(step_id, owner, StepStatus.SUBMITTING, _sender_stopped)


def _sender_stopped(step: Step, owner: str) -> str:
    stopped = steps.sending_stopped("The worker stopped while sending this step to Zoho.")
    steps.step_interrupt(step, owner, stopped)
    return "interrupted: the sender stopped"


def step_recheck_paused(step_id: int, owner: str) -> str:
    """The worker's action for a paused step that is due: carry on if its person has signed
    in again since it paused; otherwise look again later."""
    step = Step.objects.select_related("update").get(pk=step_id)
    if signed_in_since(user_id=step.update.created_by_id, since=step.paused_at):
        resumed = steps.steps_resume(update_id=step.update_id)
        update_refresh(step.update_id)
        return f"resumed {resumed} step(s) after sign-in"
    steps.step_save(step.pk, owner, due_at=timezone.now() + recheck_delay())
    return "still waiting for sign-in"


def steps_sweep() -> dict[str, int]:
    """Repairs for the rare states no due time covers. Safe anywhere, any number of times."""
    return {"woken": _wake_forgotten(), "summaries": _refresh_stale_summaries()}


def _wake_forgotten() -> int:
    """Pending steps nobody will start: their turn has come but they are not due."""
    woken = 0
    forgotten = Step.objects.filter(status=StepStatus.PENDING, due_at__isnull=True)
    for step in forgotten.order_by("update_id", "position")[:500]:
        earlier = Step.objects.filter(update_id=step.update_id, position__lt=step.position)
        if not earlier.exclude(status=StepStatus.COMPLETED).exists():
            woken += steps.step_wake(step.pk)
    return woken


def _refresh_stale_summaries() -> int:
    """Updates whose summary says "running" though every step has ended (two processes
    refreshed it at the same moment and the older view won): recompute them."""
    unfinished_steps = Step.objects.filter(update=OuterRef("pk")).exclude(
        status__in=list(FINISHED_STEP_STATUSES)
    )
    stale = (
        MassUpdate.objects.exclude(status__in=list(FINISHED_UPDATE_STATUSES))
        .filter(step_count__gt=0)
        .filter(~Exists(unfinished_steps))
        .values_list("pk", flat=True)[:500]
    )
    for update_id in stale:
        update_refresh(update_id)
    return len(stale)
