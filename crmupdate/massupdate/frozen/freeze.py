"""Freezing the records an update acts on, right before its first Zoho job is sent.

`step_freeze` is called by `submit` for the first step, while it holds the step (its claim)
and before it marks the step "sending to Zoho". It first takes the step's view (the same
one-per-view index the sending uses, while the step stays "not started"), so no other update
of ours can change the view between the reading and the job. Then it reads every record of
the view (Get Records with `cvid` and `fields`, 200 per call; `page_token` where Zoho gives
one): id, the fields that name the record, and the current values of every field the update
changes (kept only when the review's box was ticked: undo needs them). Each page is stored as
it arrives; the claim is renewed after every page.

- Zoho says "later" (429, a network failure, a 5xx): the step keeps its view and waits; the
  reading carries on from the next page (also after a worker was killed).
- The sign-in has expired: the step pauses ("sign in again") and carries on afterwards.
- Anything else (or too many failures in a row): nothing is sent and the update stops; the
  page says why (BACKUP_FAILED, with Zoho's answer).
- More than 50,000 records: Zoho would refuse the job; the update stops (LIMIT_EXCEEDED).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from crmupdate.massupdate import explanations, steps, texts
from crmupdate.massupdate.frozen.models import FrozenChunk, FrozenStatus, FrozenView
from crmupdate.massupdate.models import MassUpdate, Step, StepStatus
from crmupdate.massupdate.names import record_display_name
from crmupdate.massupdate.summary import update_refresh
from crmupdate.massupdate.timing import (
    backup_retention,
    max_attempts,
    retry_delay,
    sending_claim_length,
)
from crmupdate.massupdate.undo.values import rows_encode
from crmupdate.zoho.errors import ErrorCategory, ZohoError

logger = logging.getLogger(__name__)

PER_PAGE = 200
MAX_RECORDS = 50_000  # Zoho refuses view jobs of more records (LIMIT_EXCEEDED)
# Zoho refuses a page token that expired or does not match: the reading starts over.
PAGE_TOKEN_ERRORS = frozenset({"EXPIRED_VALUE", "TOKEN_BOUND_DATA_MISMATCH"})


def step_freeze(step: Step, owner: str, client: Any) -> str | None:
    """Read the update's records. None: send the step now (frozen already, or the view is
    busy and the sending code queues the step). Otherwise the step is not sent now, and the
    text says why (for the log)."""
    frozen = FrozenView.objects.filter(update_id=step.update_id).first()
    if frozen is None or frozen.status == FrozenStatus.COMPLETE:
        return None
    if not _hold_view(step, owner):
        return None  # another update runs on the view: the sending code queues this step
    if frozen.status == FrozenStatus.FAILED or not step.holds_view:
        # Read while the view was not ours: another update may have changed it since.
        _restart(frozen)
    step.holds_view = True
    steps.step_save(step.pk, owner, release=False, **_progress(frozen), **steps.NO_ERROR)
    update_refresh(step.update_id)
    return _read_pages(step, owner, client, frozen)


def _hold_view(step: Step, owner: str) -> bool:
    """Take the step's view while it stays "not started" (the index allows one per view)."""
    if step.holds_view:
        return True
    try:
        with transaction.atomic():
            taken = Step.objects.filter(
                pk=step.pk, claimed_by=owner, status=StepStatus.PENDING
            ).update(holds_view=True)
    except IntegrityError:
        return False
    return bool(taken)


def _restart(frozen: FrozenView) -> None:
    FrozenChunk.objects.filter(frozen=frozen).delete()
    FrozenView.objects.filter(pk=frozen.pk).update(
        status=FrozenStatus.READING,
        record_count=0,
        next_page=1,
        page_token="",
        pages_read=0,
        error_code="",
        error_message="",
    )
    frozen.refresh_from_db()


def frozen_row(frozen: FrozenView, record: dict[str, Any]) -> list[Any]:
    """[id, name, values...] of one record as stored (values only when kept)."""
    row: list[Any] = [
        str(record.get("id") or ""),
        record_display_name(frozen.module_api_name, record),
    ]
    if frozen.keep_values:
        row += [record.get(name) for name in frozen.fields]
    return row


def _read_pages(step: Step, owner: str, client: Any, frozen: FrozenView) -> str | None:
    wanted = list(dict.fromkeys([*frozen.name_fields, *frozen.fields]))
    while True:
        started = time.monotonic()
        try:
            page = client.get_records(
                frozen.module_api_name,
                cvid=frozen.cvid,
                fields=wanted,
                page=frozen.next_page,
                per_page=PER_PAGE,
                page_token=frozen.page_token or None,
            )
        except ZohoError as error:
            FrozenView.objects.filter(pk=frozen.pk).update(api_calls=F("api_calls") + 1)
            unknown = str((error.details or {}).get("api_name") or "")
            if error.code == "INVALID_DATA" and unknown in frozen.name_fields:
                # A name field this module lacks: name the records without it.
                frozen.name_fields = [n for n in frozen.name_fields if n != unknown]
                frozen.save(update_fields=["name_fields"])
                wanted = list(dict.fromkeys([*frozen.name_fields, *frozen.fields]))
                continue
            return _read_failed(step, owner, frozen, error)
        elapsed = time.monotonic() - started
        rows = [frozen_row(frozen, r) for r in page.records if r.get("id")]
        with transaction.atomic():
            if rows:
                FrozenChunk.objects.create(
                    frozen=frozen,
                    position=frozen.pages_read + 1,
                    record_count=len(rows),
                    payload=rows_encode(rows),
                )
            frozen.pages_read += 1 if rows else 0
            frozen.record_count += len(rows)
            frozen.next_page += 1
            frozen.page_token = page.next_page_token or ""
            frozen.api_calls += 1
            frozen.read_seconds += elapsed
            frozen.attempts = 0
            frozen.save(
                update_fields=[
                    "pages_read", "record_count", "next_page", "page_token", "api_calls",
                    "read_seconds", "attempts",
                ]
            )  # fmt: skip
        if frozen.record_count > MAX_RECORDS:
            return _too_many(step, owner, frozen)
        if not page.more_records or not page.records:
            _complete(step, owner, frozen)
            return None
        renewed = steps.step_save(
            step.pk, owner, release=False, **_progress(frozen),
            claim_expires_at=timezone.now() + sending_claim_length(),
        )  # fmt: skip
        if not renewed:
            return "lost the step while reading the view"


def _progress(frozen: FrozenView) -> dict[str, Any]:
    """The step's wait reason while the records are read."""
    reading = texts.message(texts.READING, records=frozen.record_count, calls=frozen.api_calls)
    return texts.columns("wait_reason", reading)


def _complete(step: Step, owner: str, frozen: FrozenView) -> None:
    """Frozen: the step is sent right away (by the caller)."""
    now = timezone.now()
    FrozenView.objects.filter(pk=frozen.pk).update(
        status=FrozenStatus.COMPLETE, completed_at=now, expires_at=now + backup_retention()
    )
    MassUpdate.objects.filter(pk=step.update_id).update(frozen_count=frozen.record_count)
    # A fresh claim for the sending that follows right away.
    steps.step_save(step.pk, owner, release=False, **texts.NO_WAIT_REASON,
                    claim_expires_at=now + sending_claim_length())  # fmt: skip
    steps.event_add(
        step,
        "frozen",
        details={"records": frozen.record_count, "calls": frozen.api_calls,
                 "kept": frozen.keep_values},
    )  # fmt: skip


def _read_failed(step: Step, owner: str, frozen: FrozenView, error: ZohoError) -> str:
    logger.info("reading the records of step=%s: Zoho answered %s", step.pk, error.code)
    if error.category == ErrorCategory.AUTH:
        steps.step_pause(step, owner, error)  # keeps the view; carries on after sign-in
        return "reading paused: sign-in needed"
    if error.code in PAGE_TOKEN_ERRORS and frozen.page_token and frozen.attempts == 0:
        _restart(frozen)
        FrozenView.objects.filter(pk=frozen.pk).update(attempts=1)
        return _later(step, owner, frozen, error, attempt=1)
    attempts = frozen.attempts + 1
    FrozenView.objects.filter(pk=frozen.pk).update(attempts=attempts)
    if error.category == ErrorCategory.RATE_LIMITED or (
        error.category == ErrorCategory.TRANSIENT and attempts < max_attempts()
    ):
        return _later(step, owner, frozen, error, attempt=attempts)
    return _failed(step, owner, frozen, error)


def _later(step: Step, owner: str, frozen: FrozenView, error: ZohoError, *, attempt: int) -> str:
    """Wait and carry on, keeping the view (unlike a step that was never started)."""
    later = timezone.now() + timedelta(seconds=retry_delay(attempt))
    reason = texts.error_message_of(error, part=texts.ZOHO_TEXT)
    at = timezone.localtime(later).strftime("%H:%M:%S UTC")
    waiting = texts.message(texts.READING_WAIT, records=frozen.record_count, reason=reason, at=at)
    steps.step_save(
        step.pk,
        owner,
        due_at=later,
        **texts.columns("wait_reason", waiting),
        **steps.error_fields(error),
    )
    steps.event_add(step, "waiting", error)
    return f"reading waiting after {error.code}"


def _failed(step: Step, owner: str, frozen: FrozenView, error: ZohoError) -> str:
    FrozenView.objects.filter(pk=frozen.pk).update(
        status=FrozenStatus.FAILED, error_code=error.code[:80], error_message=error.message
    )
    steps.step_end(
        step,
        owner,
        status=StepStatus.FAILED,
        event="backup_failed",
        error=error,
        error_code=explanations.BACKUP_FAILED,
        error_message=f"Reading the view's records before the update failed. Zoho answered "
        f"{error.code}: {error.message}",
        error_details={"zoho_code": error.code, **error.details},
    )
    return f"reading failed with {error.code}: not sent"


def _too_many(step: Step, owner: str, frozen: FrozenView) -> str:
    FrozenView.objects.filter(pk=frozen.pk).update(
        status=FrozenStatus.FAILED, error_code="LIMIT_EXCEEDED"
    )
    steps.step_end(
        step,
        owner,
        status=StepStatus.REFUSED,
        event="refused",
        error_code="LIMIT_EXCEEDED",
        error_message=f"The view holds more than {MAX_RECORDS:,} records.",
    )
    return "refused: more than 50,000 records"
