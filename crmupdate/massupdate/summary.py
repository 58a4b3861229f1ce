"""The update's summary columns, recomputed from its steps after every change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from crmupdate.massupdate import texts
from crmupdate.massupdate.changetext import field_labels
from crmupdate.massupdate.frozen.outcome import (
    applied_message,
    counts_message,
    noun_of,
    reasons_message,
    record_counts,
)
from crmupdate.massupdate.models import MassUpdate, Step, StepStatus, UpdateStatus
from crmupdate.massupdate.texts import Message

# Errors after which the step waits and tries again by itself.
_WAITING_CODES = frozenset({"ALREADY_SCHEDULED", "TOO_MANY_REQUESTS"})


def derive_status(steps: Sequence[Step]) -> str:
    statuses = {s.status for s in steps}
    if all(s.finished for s in steps):
        if StepStatus.REFUSED in statuses:
            return UpdateStatus.REFUSED
        if StepStatus.FAILED in statuses or StepStatus.SKIPPED in statuses:
            return UpdateStatus.FAILED
        if any(s.failed_count for s in steps):
            return UpdateStatus.COMPLETED_WITH_FAILURES
        return UpdateStatus.COMPLETED
    if StepStatus.INTERRUPTED in statuses:
        return UpdateStatus.NEEDS_ATTENTION
    if StepStatus.PAUSED in statuses:
        return UpdateStatus.PAUSED
    if statuses & {
        StepStatus.SUBMITTING, StepStatus.RUNNING, StepStatus.SENDING, StepStatus.VERIFYING
    }:  # fmt: skip
        return UpdateStatus.RUNNING
    current = next((s for s in steps if s.status == StepStatus.PENDING), None)
    if current is not None and current.error_code:
        return UpdateStatus.WAITING
    if current is not None and current.holds_view:
        return UpdateStatus.RUNNING  # reading the view's records before it is sent (freeze)
    if current is not None and (current.wait_reason_code or current.wait_reason_text):
        return UpdateStatus.QUEUED  # behind another update of the same view
    if StepStatus.COMPLETED in statuses:
        return UpdateStatus.RUNNING  # between two steps
    return UpdateStatus.QUEUED


def update_refresh(update_id: int) -> None:
    """Recompute status, counts, job ids and last error from the steps (idempotent)."""
    steps = list(Step.objects.filter(update_id=update_id).order_by("position"))
    if not steps:
        return
    status = derive_status(steps)
    with_error = [s for s in steps if s.error_code]
    last = with_error[-1] if with_error else None
    explanation: Message | None = None
    if last is not None:
        explanation = texts.zoho_message(
            last.error_code,
            last.error_message,
            last.error_details,
            http_status=last.error_http_status,
            labels=field_labels(last.changes),
            maybe_sent=last.maybe_sent,
        )
    finished = all(s.finished for s in steps)
    fields = {
        "status": status,
        "total_count": sum(s.total_count for s in steps),
        "updated_count": sum(s.updated_count for s in steps),
        "not_updated_count": sum(s.not_updated_count for s in steps),
        "failed_count": sum(s.failed_count for s in steps),
        "job_ids": " ".join(s.job_id for s in steps if s.job_id),
        "last_error_code": last.error_code if last else "",
        **texts.columns("last_error_explanation", explanation),
        "updated_at": timezone.now(),
    }
    update = MassUpdate.objects.filter(pk=update_id).values("frozen_count", "module_label").first()
    reached = any(s.job_id or s.ids_done for s in steps)  # else Zoho changed nothing
    if update and update["frozen_count"] is not None and reached:
        fields.update(_per_record(update_id, steps, finished, update, explanation, status))
    if finished:
        ends = [s.finished_at for s in steps if s.finished_at]
        fields["finished_at"] = max(ends) if ends else timezone.now()
    else:
        fields["finished_at"] = None
    MassUpdate.objects.filter(pk=update_id).update(**fields)


def _per_record(
    update_id: int, steps: list[Step], finished: bool, update: Any,
    explanation: Message | None, status: str,
) -> dict[str, Any]:  # fmt: skip
    """Counts per record of the frozen set, and the words for the history's columns."""
    frozen = int(update["frozen_count"])
    counts = record_counts(update_id, frozen, reasons=True)
    current = next((s for s in steps if not s.finished), None)
    changed = counts.changed if finished else (current.updated_count if current else 0)
    fields: dict[str, Any] = {
        "total_count": frozen,
        "updated_count": changed,
        "failed_count": counts.not_changed,
        "deleted_count": counts.deleted,
        "not_updated_count": max(0, frozen - changed - counts.not_changed - counts.deleted),
    }
    if not finished:
        return fields
    noun = noun_of(str(update["module_label"]))
    words: list[Message] = [counts_message(counts, noun, end=True)]
    partial = applied_message(steps=steps, changed=counts.changed, noun=noun, reason=explanation)
    if partial or explanation:
        words.append(partial or explanation)  # type: ignore[arg-type]
    if counts.not_changed:
        words.append(reasons_message(counts))
    fields.update(texts.columns("last_error_explanation", texts.message(texts.JOIN, parts=words)))
    if counts.reasons and not any(s.error_code for s in steps):
        fields["last_error_code"] = counts.reasons[0][0][:80]
    # A retry may have changed every record left: the status follows the records.
    if status in (UpdateStatus.COMPLETED, UpdateStatus.COMPLETED_WITH_FAILURES):
        fields["status"] = (
            UpdateStatus.COMPLETED_WITH_FAILURES if counts.not_changed else UpdateStatus.COMPLETED
        )
    return fields
