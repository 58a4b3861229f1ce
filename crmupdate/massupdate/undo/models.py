"""Undos that put back the values a mass update replaced.

- `BackupChoice`: the review page's "Keep the current values" box (ticked by default), per
  draft. The values are kept in the update's frozen records (`frozen.models.FrozenView`,
  read once when the update starts); what each step set is on the step itself
  (`request_data`, `over_write`).
- `Undo`: at most one per update, ever (a one-to-one field: two simultaneous requests make one
  undo, and an undone update cannot be undone again). It is also a row in the team history:
  `entry` is a `MassUpdate` ("Undo of update #123") whose status and counts mirror the undo's.
- `UndoRecord`: what happened to each record (put back, already had its old value, changed
  since by someone else, or refused by Zoho with its reason), for the page and the CSV.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from crmupdate.massupdate.claims import WorkRow
from crmupdate.massupdate.states import UpdateStatus


class BackupChoice(models.Model):
    draft = models.OneToOneField(
        "massupdate.Draft", on_delete=models.CASCADE, related_name="backup_choice"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    keep = models.BooleanField(default=True)
    chosen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Backup {'kept' if self.keep else 'off'} for draft {self.draft_id}"


class Undo(WorkRow):  # due_at, claimed_by, claim_expires_at
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    # One undo per update, ever: the database refuses a second one.
    update = models.OneToOneField(
        "massupdate.MassUpdate", on_delete=models.CASCADE, related_name="undo"
    )
    entry = models.OneToOneField(
        "massupdate.MassUpdate", on_delete=models.CASCADE, related_name="undo_entry"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=200, blank=True)
    # Who last pressed "Resume": the worker then writes with their Zoho token. None: the
    # starter's.
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=30, choices=UpdateStatus.choices, default=UpdateStatus.QUEUED
    )
    plan = models.JSONField(default=list)  # step positions, in the order they are put back
    total_count = models.IntegerField(default=0)
    restored_count = models.IntegerField(default=0)
    unchanged_count = models.IntegerField(default=0)
    conflict_count = models.IntegerField(default=0)
    failed_count = models.IntegerField(default=0)
    # The next records to put back: step plan[cursor_index], frozen chunk >= cursor_chunk,
    # offset.
    cursor_index = models.PositiveIntegerField(default=0)
    cursor_chunk = models.PositiveIntegerField(default=1)
    cursor_offset = models.PositiveIntegerField(default=0)
    reads = models.PositiveIntegerField(default=0)  # Zoho calls made
    writes = models.PositiveIntegerField(default=0)
    work_seconds = models.FloatField(default=0)
    attempts = models.PositiveIntegerField(default=0)  # failed tries in a row
    # Why it waits or stopped, as a text code and its parameters (see `texts`): `wait_reason`.
    paused_at = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=80, blank=True)
    error_message = models.TextField(blank=True)
    error_http_status = models.IntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "due_at"], name="mu_undo_due")]

    def __str__(self) -> str:
        return f"Undo of update {self.update_id}"

    @property
    def finished(self) -> bool:
        return self.status in {
            UpdateStatus.COMPLETED,
            UpdateStatus.COMPLETED_WITH_FAILURES,
            UpdateStatus.FAILED,
        }

    @property
    def done_count(self) -> int:
        return self.restored_count + self.unchanged_count + self.conflict_count + self.failed_count


class UndoOutcome(models.TextChoices):
    RESTORED = "restored", "Put back"
    UNCHANGED = "unchanged", "Already had its previous value"
    CONFLICT = "conflict", "Changed since the update: left as it is"
    FAILED = "failed", "Zoho refused"


class UndoRecord(models.Model):
    undo = models.ForeignKey(Undo, on_delete=models.CASCADE, related_name="records")
    step_position = models.PositiveSmallIntegerField()
    record_id = models.CharField(max_length=30)
    outcome = models.CharField(max_length=10, choices=UndoOutcome.choices)
    # {api_name: {"previous": ..., "set": ..., "current": ...}}
    values = models.JSONField(default=dict)
    code = models.CharField(max_length=80, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["undo", "outcome", "id"], name="mu_undo_record_outcome")]

    def __str__(self) -> str:
        return f"{self.record_id}: {self.outcome}"
