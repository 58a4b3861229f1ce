"""Write side of undo: the review's backup choice, starting an undo (exactly once per
update), resuming one, the watchdog's recovery, and purging expired backups."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from crmupdate.massupdate import engine
from crmupdate.massupdate.models import Draft, MassUpdate, UpdateStatus
from crmupdate.massupdate.undo.models import (
    Backup,
    BackupChoice,
    BackupChunk,
    BackupStatus,
    Undo,
)
from crmupdate.massupdate.undo.selectors import undo_state
from crmupdate.massupdate.undo.summary import entry_refresh
from crmupdate.massupdate.undo.tasks import (
    task_is_waiting,
    undo_schedule,
    undo_schedule_on_commit,
    watchdog_ensure,
)

# The review form says it offered the choice, so an unticked box means "no backup".
OFFERED_FIELD = "backup_offered"
KEEP_FIELD = "keep_backup"


class UndoRefused(Exception):
    """This update cannot be undone now; the message says why, in plain words."""


def backup_choice_save(*, draft: Draft, data: Any) -> None:
    """Remember the review page's "Keep a backup" box (ticked by default) for the draft.
    Called before the update is created, so the worker always finds it."""
    if not data.get(OFFERED_FIELD) or draft.update_id:
        return
    keep = str(data.get(KEEP_FIELD, "")).lower() in {"on", "true", "1", "yes"}
    BackupChoice.objects.update_or_create(
        draft=draft, defaults={"team_id": draft.team_id, "keep": keep, "chosen_at": timezone.now()}
    )


def undo_start(*, update: MassUpdate, member: Any) -> Undo:
    """Start undoing `update` (its team's, checked by the caller). Exactly one undo per
    update: a second request, at the same time or later, gets the first one back."""
    existing = Undo.objects.filter(update=update).first()
    if existing is not None:
        return existing
    update.refresh_from_db(fields=["status", "finished_at"])  # decide on its state now
    state = undo_state(update)
    if state.undo is not None:
        return state.undo
    if not state.available:
        raise UndoRefused(state.reason or "This update cannot be undone.")
    now = timezone.now()
    labels = ", ".join(line.labels for line in state.lines)
    try:
        with transaction.atomic():
            entry = MassUpdate.objects.create(
                team=update.team,
                created_by=member.user,
                created_by_name=member.full_name or member.email,
                created_by_email=member.email,
                module_api_name=update.module_api_name,
                module_label=update.module_label,
                cvid=update.cvid,
                view_name=update.view_name,
                summary=f"Undo of update #{update.pk}: put back the previous {labels}",
                field_names=update.field_names,
                changes=[],
                record_count=state.record_count,
                step_count=0,
                total_count=state.record_count,
                not_updated_count=state.record_count,
                time_zone=member.time_zone or "UTC",
                run_token=uuid.uuid4(),
            )
            undo = Undo.objects.create(
                team=update.team,
                update=update,
                entry=entry,
                created_by=member.user,
                created_by_name=member.full_name or member.email,
                plan=[b.pk for b in state.backups],
                total_count=state.record_count,
                next_check_at=now,
            )
            undo_schedule_on_commit(undo_id=undo.pk, at=now)
            transaction.on_commit(watchdog_ensure)
    except IntegrityError:  # someone else started it a moment ago
        return Undo.objects.get(update=update)
    return undo


def undo_resume(*, undo: Undo, member: Any) -> bool:
    """Carry on with a paused undo (after signing in again) or one that stopped on an error."""
    now = timezone.now()
    resumed = Undo.objects.filter(
        pk=undo.pk, status__in=[UpdateStatus.PAUSED, UpdateStatus.NEEDS_ATTENTION]
    ).update(
        status=UpdateStatus.QUEUED,
        next_check_at=now,
        paused_at=None,
        run_by=member.user,
        attempts=0,
        wait_reason="",
        lease_owner="",
        lease_expires_at=None,
    )
    if resumed:
        transaction.on_commit(lambda: undo_schedule(undo_id=undo.pk, at=now))
        transaction.on_commit(watchdog_ensure)
        entry_refresh(undo.pk)
    return bool(resumed)


def undos_recover() -> dict[str, int]:
    """Undos a dead worker left behind get a new task; paused ones whose person signed in
    again since carry on. Safe to run anywhere, any number of times."""
    from crmupdate.accounts.models import ZohoConnection

    now = timezone.now()
    found = {"rescheduled": 0, "resumed": 0}
    grace = timedelta(seconds=engine.setting_seconds("MASSUPDATE_OVERDUE_SECONDS", 5))
    overdue = Undo.objects.filter(
        status__in=[UpdateStatus.QUEUED, UpdateStatus.RUNNING, UpdateStatus.WAITING],
        next_check_at__lte=now - grace,
    ).filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
    for undo in overdue[:200]:
        if not task_is_waiting(undo.task_id):
            undo_schedule(undo_id=undo.pk, at=now)
            found["rescheduled"] += 1
    paused = Undo.objects.filter(
        status=UpdateStatus.PAUSED, created_by__isnull=False
    ).select_related("created_by")
    for undo in paused[:200]:
        connection = ZohoConnection.objects.filter(user=undo.created_by).first()
        signed_in_since = (
            connection is not None
            and connection.usable
            and undo.paused_at is not None
            and connection.updated_at > undo.paused_at
        )
        if signed_in_since:
            found["resumed"] += undo_resume(undo=undo, member=None)
    return found


def backups_purge(*, now: datetime | None = None) -> int:
    """Delete the stored pages of backups past their retention (the row stays, so the page
    can say when it expired). Backups an unfinished undo is using are kept until it ends."""
    now = now or timezone.now()
    busy = Undo.objects.exclude(
        status__in=[
            UpdateStatus.COMPLETED,
            UpdateStatus.COMPLETED_WITH_FAILURES,
            UpdateStatus.FAILED,
        ]
    ).values_list("update_id", flat=True)
    expired = (
        Backup.objects.exclude(status=BackupStatus.EXPIRED)
        .filter(Q(expires_at__lte=now) | Q(expires_at__isnull=True, started_at__lte=now - _ttl()))
        .exclude(update_id__in=busy)
    )
    purged = 0
    for backup_id in list(expired.values_list("pk", flat=True)[:10_000]):
        with transaction.atomic():
            BackupChunk.objects.filter(backup_id=backup_id).delete()
            purged += Backup.objects.filter(pk=backup_id).update(
                status=BackupStatus.EXPIRED, purged_at=now, page_token=""
            )
    return purged


def _ttl() -> timedelta:
    from crmupdate.massupdate.undo.backup import retention

    return retention()
