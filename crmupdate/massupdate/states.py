"""The states of an update, of its steps and of an undo (no models here, so the models of
both the update and its undo can use them)."""

from __future__ import annotations

from django.db import models


class UpdateStatus(models.TextChoices):
    QUEUED = "queued", "Queued"  # waiting for the worker, or for another update on the view
    RUNNING = "running", "Running"
    WAITING = "waiting", "Waiting to retry"  # Zoho said "later" (429, ALREADY_SCHEDULED)
    PAUSED = "paused", "Paused: sign in again"
    NEEDS_ATTENTION = "needs_attention", "Needs your decision"
    COMPLETED = "completed", "Completed"
    COMPLETED_WITH_FAILURES = "completed_with_failures", "Completed with failures"
    FAILED = "failed", "Failed"
    REFUSED = "refused", "Refused by Zoho"


FINISHED_UPDATE_STATUSES = frozenset(
    {
        UpdateStatus.COMPLETED,
        UpdateStatus.COMPLETED_WITH_FAILURES,
        UpdateStatus.FAILED,
        UpdateStatus.REFUSED,
    }
)


class StepStatus(models.TextChoices):
    PENDING = "pending", "Not started"
    SUBMITTING = "submitting", "Sending to Zoho"
    RUNNING = "running", "Zoho job running"
    SENDING = "sending", "Sending record by record"  # ids mode: 500 records per call
    VERIFYING = "verifying", "Checking each record"  # after a view job reported failures
    PAUSED = "paused", "Paused: sign in again"
    INTERRUPTED = "interrupted", "Interrupted"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    REFUSED = "refused", "Refused by Zoho"
    SKIPPED = "skipped", "Not run"


FINISHED_STEP_STATUSES = frozenset(
    {StepStatus.COMPLETED, StepStatus.FAILED, StepStatus.REFUSED, StepStatus.SKIPPED}
)
