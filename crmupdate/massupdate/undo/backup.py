"""The worker's backup of a step, taken right before the step is sent to Zoho.

`step_backup` is called by `submit` while it holds the step (its claim) and before it marks
the step "sending to Zoho". It first takes the step's view (the same one-per-view index the
sending uses, while the step stays "not started"), so no other update of ours can change the
view between the backup and the job. Then it reads every record of the view with the step's
fields, page after page (Get Records with `cvid` and `fields`; `page_token` where Zoho gives
one), storing each page as it arrives. The claim is renewed after every page.

- Zoho says "later" (429, a network failure, a 5xx): the step keeps its view and waits; the
  backup carries on from the next page (also after a worker was killed: its claim on the
  step runs out, another worker takes the step, and the stored pages are kept).
- The sign-in has expired: the step pauses ("sign in again") and carries on afterwards.
- Anything else (or too many failures in a row): the backup failed, so the step is not sent
  and the update stops; the page says why (BACKUP_FAILED, with Zoho's answer).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from crmupdate.massupdate import explanations, steps
from crmupdate.massupdate.models import Step, StepStatus
from crmupdate.massupdate.summary import update_refresh
from crmupdate.massupdate.timing import (
    backup_retention,
    max_attempts,
    retry_delay,
    sending_claim_length,
)
from crmupdate.massupdate.undo.models import Backup, BackupChoice, BackupChunk, BackupStatus
from crmupdate.massupdate.undo.values import rows_encode
from crmupdate.zoho.client import ZohoClient
from crmupdate.zoho.errors import ErrorCategory, ZohoError

logger = logging.getLogger(__name__)

PER_PAGE = 200
# Zoho refuses a page token that expired or does not match: the reading starts over.
PAGE_TOKEN_ERRORS = frozenset({"EXPIRED_VALUE", "TOKEN_BOUND_DATA_MISMATCH"})


def backup_wanted(update_id: int) -> bool:
    """Only when the review page's "Keep a backup" box was ticked (it is by default)."""
    return BackupChoice.objects.filter(draft__update_id=update_id, keep=True).exists()


def step_backup(step: Step, owner: str, client: ZohoClient) -> str | None:
    """Back up what the step will replace. None: send the step now (backup kept, or none
    wanted, or the view is busy and the sending code queues the step). Otherwise the step is
    not sent now, and the text says why (for the log)."""
    if not backup_wanted(step.update_id):
        return None
    backup = Backup.objects.filter(step=step).first()
    if backup is not None and backup.status == BackupStatus.COMPLETE:
        return None
    if not _hold_view(step, owner):
        return None  # another update runs on the view: the sending code queues this step
    if backup is None:
        backup, _ = Backup.objects.get_or_create(
            step=step,
            defaults={
                "team_id": step.team_id,
                "update_id": step.update_id,
                "module_api_name": step.module_api_name,
                "cvid": step.cvid,
                "fields": list(step.request_data),
            },
        )
    elif backup.status == BackupStatus.FAILED or not step.holds_view:
        # Read while the view was not ours: another update may have changed it since.
        _backup_restart(backup)
    step.holds_view = True
    steps.step_save(step.pk, owner, release=False, wait_reason=_progress(backup), **steps.NO_ERROR)
    update_refresh(step.update_id)
    return _read_pages(step, owner, client, backup)


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


def _backup_restart(backup: Backup) -> None:
    BackupChunk.objects.filter(backup=backup).delete()
    Backup.objects.filter(pk=backup.pk).update(
        status=BackupStatus.READING,
        record_count=0,
        next_page=1,
        page_token="",
        pages_read=0,
        error_code="",
        error_message="",
    )
    backup.refresh_from_db()


def _read_pages(step: Step, owner: str, client: ZohoClient, backup: Backup) -> str | None:
    while True:
        started = time.monotonic()
        try:
            page = client.get_records(
                backup.module_api_name,
                cvid=backup.cvid,
                fields=backup.fields,
                page=backup.next_page,
                per_page=PER_PAGE,
                page_token=backup.page_token or None,
            )
        except ZohoError as error:
            Backup.objects.filter(pk=backup.pk).update(api_calls=F("api_calls") + 1)
            return _read_failed(step, owner, backup, error)
        elapsed = time.monotonic() - started
        rows = [
            [str(r.get("id") or ""), *(r.get(name) for name in backup.fields)]
            for r in page.records
            if r.get("id")
        ]
        with transaction.atomic():
            if rows:
                BackupChunk.objects.create(
                    backup=backup,
                    position=backup.pages_read + 1,
                    record_count=len(rows),
                    payload=rows_encode(rows),
                )
            backup.pages_read += 1 if rows else 0
            backup.record_count += len(rows)
            backup.next_page += 1
            backup.page_token = page.next_page_token or ""
            backup.api_calls += 1
            backup.read_seconds += elapsed
            backup.attempts = 0
            backup.save(
                update_fields=[
                    "pages_read",
                    "record_count",
                    "next_page",
                    "page_token",
                    "api_calls",
                    "read_seconds",
                    "attempts",
                ]
            )
        if not page.more_records or not page.records:
            _backup_complete(step, owner, backup)
            return None
        renewed = steps.step_save(
            step.pk, owner, release=False, wait_reason=_progress(backup),
            claim_expires_at=timezone.now() + sending_claim_length(),
        )  # fmt: skip
        if not renewed:
            return "lost the step while backing up"


def _progress(backup: Backup) -> str:
    calls = f"{backup.api_calls:,} Zoho call{'' if backup.api_calls == 1 else 's'}"
    return (
        "Keeping a backup of the current values before sending this step: "
        f"{backup.record_count:,} records read so far ({calls})."
    )


def _backup_complete(step: Step, owner: str, backup: Backup) -> None:
    """Kept: the step is sent right away (by the caller)."""
    now = timezone.now()
    Backup.objects.filter(pk=backup.pk).update(
        status=BackupStatus.COMPLETE, completed_at=now, expires_at=now + backup_retention()
    )
    # A fresh claim for the sending that follows right away.
    steps.step_save(step.pk, owner, release=False, wait_reason="",
                    claim_expires_at=now + sending_claim_length())  # fmt: skip
    steps.event_add(
        step,
        "backup",
        message=f"Backup kept: {backup.record_count:,} records "
        f"({backup.api_calls:,} Zoho call{'' if backup.api_calls == 1 else 's'}).",
    )


def _read_failed(step: Step, owner: str, backup: Backup, error: ZohoError) -> str:
    logger.info("backup of step=%s: Zoho answered %s", step.pk, error.code)
    if error.category == ErrorCategory.AUTH:
        steps.step_pause(step, owner, error)  # keeps the view; carries on after sign-in
        return "backup paused: sign-in needed"
    if error.code in PAGE_TOKEN_ERRORS and backup.page_token and backup.attempts == 0:
        _backup_restart(backup)
        Backup.objects.filter(pk=backup.pk).update(attempts=1)
        return _later(step, owner, backup, error, attempt=1)
    attempts = backup.attempts + 1
    Backup.objects.filter(pk=backup.pk).update(attempts=attempts)
    if error.category == ErrorCategory.RATE_LIMITED or (
        error.category == ErrorCategory.TRANSIENT and attempts < max_attempts()
    ):
        return _later(step, owner, backup, error, attempt=attempts)
    return _backup_failed(step, owner, backup, error)


def _later(step: Step, owner: str, backup: Backup, error: ZohoError, *, attempt: int) -> str:
    """Wait and carry on, keeping the view (unlike a step that was never started)."""
    later = timezone.now() + timedelta(seconds=retry_delay(attempt))
    found = explanations.explain(error.code, error.message, error.details,
                                 http_status=error.http_status)  # fmt: skip
    at = timezone.localtime(later).strftime("%H:%M:%S UTC")
    steps.step_save(
        step.pk,
        owner,
        due_at=later,
        wait_reason=f"Keeping a backup before sending this step ({backup.record_count:,} "
        f"records read so far). {found.text} Trying again at {at}.",
        **steps.error_fields(error),
    )
    steps.event_add(step, "waiting", error)
    return f"backup waiting after {error.code}"


def _backup_failed(step: Step, owner: str, backup: Backup, error: ZohoError) -> str:
    Backup.objects.filter(pk=backup.pk).update(
        status=BackupStatus.FAILED, error_code=error.code[:80], error_message=error.message
    )
    steps.step_end(
        step,
        owner,
        status=StepStatus.FAILED,
        event="backup_failed",
        error=error,
        error_code=explanations.BACKUP_FAILED,
        error_message=f"Reading the view's records for the backup failed. Zoho answered "
        f"{error.code}: {error.message}",
        error_details={"zoho_code": error.code, **error.details},
    )
    return f"backup failed with {error.code}: not sent"
