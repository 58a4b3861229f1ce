"""Write side of undo: the review's backup choice, starting an undo (exactly once per
update), resuming one, and purging expired frozen records (the worker does it now and then)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from crmupdate.massupdate.frozen.models import FrozenChunk, FrozenStatus, FrozenView
from crmupdate.massupdate.models import Draft, MassUpdate, UpdateStatus
from crmupdate.massupdate.timing import backup_retention
from crmupdate.massupdate.undo.models import BackupChoice, Undo
from crmupdate.massupdate.undo.runner import undo_carry_on
from crmupdate.massupdate.undo.selectors import undo_state

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
        raise UndoRefused(state.reason or gettext("This update cannot be undone."))
    now = timezone.now()
    with translation.override("en"):  # the history keeps its summaries in English
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
                plan=[s.position for s in state.steps],
                total_count=state.record_count,
                due_at=now,  # the worker starts it
            )
    except IntegrityError:  # someone else started it a moment ago
        return Undo.objects.get(update=update)
    return undo


def undo_resume(*, undo: Undo, member: Any) -> bool:
    """Carry on with a paused undo (after signing in again) or one that stopped on an error."""
    # From now on the undo writes with the token of the person who pressed the button.
    Undo.objects.filter(
        pk=undo.pk, status__in=[UpdateStatus.PAUSED, UpdateStatus.NEEDS_ATTENTION]
    ).update(run_by=member.user)
    return undo_carry_on(undo.pk)


def frozen_purge(*, now: datetime | None = None) -> int:
    """Delete the stored records of updates past their retention (the row stays, so the
    page can say when they expired). Those an unfinished undo is using are kept until it
    ends."""
    now = now or timezone.now()
    busy = Undo.objects.exclude(
        status__in=[
            UpdateStatus.COMPLETED,
            UpdateStatus.COMPLETED_WITH_FAILURES,
            UpdateStatus.FAILED,
        ]
    ).values_list("update_id", flat=True)
    expired = (
        FrozenView.objects.exclude(status=FrozenStatus.EXPIRED)
        .filter(
            Q(expires_at__lte=now)
            | Q(expires_at__isnull=True, started_at__lte=now - backup_retention())
        )
        .exclude(update_id__in=busy)
    )
    purged = 0
    for frozen_id in list(expired.values_list("pk", flat=True)[:10_000]):
        with transaction.atomic():
            FrozenChunk.objects.filter(frozen_id=frozen_id).delete()
            purged += FrozenView.objects.filter(pk=frozen_id).update(
                status=FrozenStatus.EXPIRED, purged_at=now, page_token=""
            )
    return purged
