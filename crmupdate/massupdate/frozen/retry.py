""" "Retry these N records": the records an update did not change, sent again by id.

Pressing the button stores a `RecordRetry` (the attempt, who pressed it) due now; the worker
sends each step's failed records again with the step's values, 500 per call (ids mode), with
the sign-in of the person who pressed. A record Zoho now changes is marked resolved; one it
refuses again keeps Zoho's new reason and the attempt's number. Records deleted from Zoho
are not sent again. Re-sending a batch after a stopped run sets the same values again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from crmupdate.massupdate import texts
from crmupdate.massupdate.claims import row_save
from crmupdate.massupdate.clients import worker_client
from crmupdate.massupdate.frozen.idsmode import PER_CALL
from crmupdate.massupdate.frozen.models import RecordFailure, RecordRetry
from crmupdate.massupdate.frozen.records import failures_keep, failures_resolve, results_sort
from crmupdate.massupdate.models import MassUpdate, Step, StepStatus, UpdateStatus
from crmupdate.massupdate.summary import update_refresh
from crmupdate.massupdate.timing import max_attempts, retry_delay, sending_claim_length
from crmupdate.zoho.errors import ErrorCategory, ZohoError

RUNNABLE: tuple[str, ...] = (UpdateStatus.QUEUED, UpdateStatus.RUNNING, UpdateStatus.WAITING)


class RetryRefused(Exception):
    """Nothing to retry now; the message says why."""


def open_failures(update: MassUpdate) -> Any:
    """Records not changed that a retry can send again (not deleted ones)."""
    return RecordFailure.objects.filter(update=update, resolved_at__isnull=True, deleted=False)


def records_retry_start(*, update: MassUpdate, member: Any) -> RecordRetry:
    """Queue a retry of the update's records not changed (one at a time per update)."""
    running = RecordRetry.objects.filter(update=update, status__in=RUNNABLE).first()
    if running is not None:
        return running
    if not update.finished:
        raise RetryRefused("You can retry these records once the update has finished.")
    count = open_failures(update).values("record_id").distinct().count()
    if not count:
        raise RetryRefused("Every record of this update was changed: there is nothing to retry.")
    number = (RecordRetry.objects.filter(update=update).aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            return RecordRetry.objects.create(
                team=update.team, update=update, number=number, created_by=member.user,
                created_by_name=member.full_name or member.email, record_count=count,
                due_at=timezone.now(),
            )  # fmt: skip
    except IntegrityError:  # pressed twice at once: the first press counts
        return RecordRetry.objects.get(update=update, number=number)


def retry_run(retry_id: int, owner: str) -> str:
    """The worker's action for a due retry it holds."""
    retry = RecordRetry.objects.select_related("update", "created_by").get(pk=retry_id)
    try:
        return _run_owned(retry, owner)
    finally:
        update_refresh(retry.update_id)


def _run_owned(retry: RecordRetry, owner: str) -> str:
    try:
        client = worker_client(user=retry.created_by)
    except ZohoError as error:
        return _failed(retry, owner, error)
    row_save(RecordRetry, retry.pk, owner, release=False, status=UpdateStatus.RUNNING,
             **texts.NO_WAIT_REASON)  # fmt: skip
    ran = [StepStatus.COMPLETED, StepStatus.FAILED]
    for step in Step.objects.filter(update=retry.update, status__in=ran).order_by("position"):
        while True:
            # Those not yet sent by this attempt (a stopped run carries on where it was).
            batch = list(
                open_failures(retry.update)
                .filter(step=step, attempt__lt=retry.number)
                .order_by("id")
                .values_list("record_id", "name")[:PER_CALL]
            )
            if not batch:
                break
            names = dict(batch)
            try:
                results = client.mass_update(
                    step.module_api_name, data=step.request_data, ids=list(names),
                    over_write=step.over_write,
                )  # fmt: skip
            except ZohoError as error:
                return _failed(retry, owner, error)
            assert isinstance(results, list)
            changed, failures = results_sort(step, results, names, attempt=retry.number)
            failures_keep(failures)
            answered = {r.id for r in results}
            failures_resolve(step, [r.id for r in results if r.ok])
            # Ids Zoho did not answer about are marked as tried, so the loop moves on.
            RecordFailure.objects.filter(
                step=step, record_id__in=[i for i in names if i not in answered]
            ).update(attempt=retry.number)
            saved = RecordRetry.objects.filter(pk=retry.pk, claimed_by=owner).update(
                changed_count=F("changed_count") + changed,
                failed_count=F("failed_count") + len(failures),
                calls=F("calls") + 1,
                claim_expires_at=timezone.now() + sending_claim_length(),
            )
            if not saved:
                return "lost the retry"
    retry.refresh_from_db()
    status = UpdateStatus.COMPLETED if not retry.failed_count else (
        UpdateStatus.COMPLETED_WITH_FAILURES
    )  # fmt: skip
    row_save(RecordRetry, retry.pk, owner, status=status, finished_at=timezone.now(),
             due_at=None)  # fmt: skip
    return f"retried: {retry.changed_count} changed, {retry.failed_count} not"


def _failed(retry: RecordRetry, owner: str, error: ZohoError) -> str:
    reason = texts.error_message_of(error, part=texts.ZOHO_TEXT)
    # Zoho said "later", or nothing reached it: wait and carry on (a sent batch that got no
    # answer is harmless to send again: it sets the same values).
    waits = error.category in (ErrorCategory.RATE_LIMITED, ErrorCategory.TRANSIENT)
    fields: dict[str, Any] = {"error_code": error.code[:80], "error_message": error.message}
    if waits:
        later = timezone.now() + timedelta(seconds=retry_delay(max_attempts()))
        row_save(RecordRetry, retry.pk, owner, status=UpdateStatus.WAITING, due_at=later,
                 **texts.columns("wait_reason", texts.message(texts.AGAIN_SHORTLY, reason=reason)),
                 **fields)  # fmt: skip
        return f"retry waiting after {error.code}"
    row_save(RecordRetry, retry.pk, owner, status=UpdateStatus.FAILED, due_at=None,
             finished_at=timezone.now(),
             **texts.columns("wait_reason", texts.error_message_of(error)),
             **fields)  # fmt: skip
    return f"retry stopped by {error.code}"
