"""The worker's side of a mass update: send each step to Zoho, follow its job to the end.

Every function here is safe to run twice, late, or at the same time as another worker:

- a run takes the step with a conditional UPDATE (a lease with an expiry, so a killed
  worker's claim runs out) and re-reads it; if it is not due or not in the expected state,
  the run does nothing;
- no database transaction is held across an HTTP call;
- a step is marked "sending to Zoho" before the mass-update call; a step found in that state
  with an expired lease may or may not have reached Zoho, so it is never sent again by itself:
  it becomes "interrupted" and the person decides (a retry button);
- "sending to Zoho" also takes the view: a partial unique index allows one such step per
  team and view, so two updates of the same view queue instead of colliding at Zoho.

This module holds what the steps' actions share (claims, delays, errors, what comes next);
the actions are in `submit`, `poll` and `recovery`, called by `crmupdate.massupdate.tasks`.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from crmupdate.massupdate import explanations
from crmupdate.massupdate.models import MassUpdate, Step, StepEvent, StepStatus
from crmupdate.zoho.errors import ZohoError

logger = logging.getLogger(__name__)

SUBMIT = "submit"
POLL = "poll"
MAX_POLL_ERRORS = 5  # consecutive refused status checks before we give up following a job


def setting_seconds(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def lease_length() -> timedelta:
    return timedelta(seconds=setting_seconds("MASSUPDATE_LEASE_SECONDS", 180))


def submit_lease_length() -> timedelta:
    """A claim for sending must outlast the longest the sending can take (a token refresh,
    then the call with its connection retries), or the safety net could declare a step
    interrupted while Zoho's answer is still on its way."""
    timeout = setting_seconds("ZOHO_HTTP_TIMEOUT", 30)
    return max(lease_length(), timedelta(seconds=5 * timeout + 30))


def poll_delay(poll_count: int) -> float:
    """Seconds until the next status check: a few at first, at most a minute apart."""
    first = setting_seconds("MASSUPDATE_POLL_FIRST_SECONDS", 3)
    return min(
        setting_seconds("MASSUPDATE_POLL_MAX_SECONDS", 60), first * 1.5 ** max(0, poll_count)
    )


def retry_delay(attempt: int) -> float:
    """Seconds until another try after Zoho said "later" (429, ALREADY_SCHEDULED)."""
    first = setting_seconds("MASSUPDATE_RETRY_FIRST_SECONDS", 10)
    return min(
        setting_seconds("MASSUPDATE_RETRY_MAX_SECONDS", 300), first * 2 ** max(0, attempt - 1)
    )


def max_submit_attempts() -> int:
    return int(getattr(settings, "MASSUPDATE_MAX_SUBMIT_ATTEMPTS", 8))


# --- small helpers -------------------------------------------------------------------------------


def step_take(step_id: int, status: str, *, lease: timedelta | None = None) -> str | None:
    """Claim the step for this run; None if it is not in `status` or another run holds it."""
    owner = uuid.uuid4().hex
    now = timezone.now()
    taken = (
        Step.objects.filter(pk=step_id, status=status)
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
        .update(lease_owner=owner, lease_expires_at=now + (lease or lease_length()))
    )
    return owner if taken else None


def step_save(step_id: int, owner: str, *, release: bool = True, **fields: Any) -> bool:
    """Write the step if this run still owns it (and let go of it unless told otherwise)."""
    if release:
        fields.update(lease_owner="", lease_expires_at=None)
    return bool(Step.objects.filter(pk=step_id, lease_owner=owner).update(**fields))


def event_add(step: Step, kind: str, error: ZohoError | None = None, **extra: Any) -> None:
    if error is not None:
        extra.setdefault("code", error.code)
        extra.setdefault("message", error.message)
        extra.setdefault("details", error.details)
        extra.setdefault("http_status", error.http_status)
    StepEvent.objects.create(step=step, kind=kind, **extra)


def error_fields(error: ZohoError) -> dict[str, Any]:
    return {
        "error_code": error.code[:80],
        "error_message": error.message,
        "error_details": error.details,
        "error_http_status": error.http_status,
        "error_category": str(error.category),
    }


NO_ERROR: dict[str, Any] = {
    "error_code": "",
    "error_message": "",
    "error_details": {},
    "error_http_status": None,
    "error_category": "",
}


def field_labels(step: Step) -> dict[str, str]:
    return {c.get("api_name", ""): c.get("label", "") for c in step.changes or []}


def is_due(step: Step, now: datetime) -> bool:
    return step.next_check_at is not None and step.next_check_at <= now + timedelta(seconds=1)


def schedule(step_id: int, kind: str, at: datetime) -> None:
    from crmupdate.massupdate.tasks import schedule_step

    schedule_step(step_id=step_id, kind=kind, at=at)


def client_for(update: MassUpdate) -> Any:
    from crmupdate.accounts.services import ReauthRequired, zoho_client_for

    if update.created_by is None:
        raise ReauthRequired("The person who started this update no longer has an account here.")
    return zoho_client_for(update.run_by or update.created_by)


def step_pause(step: Step, owner: str, error: ZohoError, **fields: Any) -> None:
    step_save(
        step.pk,
        owner,
        status=StepStatus.PAUSED,
        paused_at=timezone.now(),
        **fields,
        **error_fields(error),
        wait_reason=explanations.explain(error.code).next_step,
    )
    event_add(step, "paused", error)


def skip_after(step: Step) -> None:
    """An earlier step did not complete: the later ones are not started."""
    Step.objects.filter(update_id=step.update_id, position__gt=step.position).exclude(
        status__in=[StepStatus.COMPLETED, StepStatus.FAILED, StepStatus.REFUSED]
    ).filter(holds_view=False).update(
        status=StepStatus.SKIPPED,
        next_check_at=None,
        wait_reason="Not started, because an earlier step did not complete.",
    )


def step_wake(step_id: int) -> None:
    """Make a pending step due now and queue its sending."""
    now = timezone.now()
    if Step.objects.filter(pk=step_id, status=StepStatus.PENDING).update(next_check_at=now):
        schedule(step_id, SUBMIT, now)


def start_next(step: Step) -> None:
    """Step done: make the next step of its update due, and wake updates queued on the view."""
    now = timezone.now()
    following = Step.objects.filter(
        update_id=step.update_id, position=step.position + 1, status=StepStatus.PENDING
    ).first()
    if following is not None:
        Step.objects.filter(pk=following.pk).update(next_check_at=now)
        schedule(following.pk, SUBMIT, now)
    # Steps queued behind this view (not those waiting out a Zoho "later": they keep their time).
    waiting = Step.objects.filter(
        team_id=step.team_id,
        cvid=step.cvid,
        status=StepStatus.PENDING,
        next_check_at__isnull=False,
        error_code="",
    ).exclude(wait_reason="")
    for other in waiting.exclude(update_id=step.update_id)[:20]:
        Step.objects.filter(pk=other.pk).update(next_check_at=now)
        schedule(other.pk, SUBMIT, now)


def wait_and_retry(step: Step, owner: str, error: ZohoError, attempt: int, status: str) -> str:
    later = timezone.now() + timedelta(seconds=retry_delay(attempt))
    found = explanations.explain(
        error.code,
        error.message,
        error.details,
        http_status=error.http_status,
        field_labels=field_labels(step),
    )
    local = timezone.localtime(later).strftime("%H:%M:%S UTC")
    step_save(
        step.pk,
        owner,
        status=status,
        holds_view=status != StepStatus.PENDING,
        next_check_at=later,
        wait_reason=f"{found.text} Trying again at {local}.",
        **error_fields(error),
    )
    event_add(step, "waiting", error)
    schedule(step.pk, SUBMIT if status == StepStatus.PENDING else POLL, later)
    return f"waiting after {error.code}"
