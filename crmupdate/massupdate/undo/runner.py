"""The worker's undo: put back, batch by batch, the values the update's steps replaced.

For each step that ran (the last first), for each batch of up to 100 of the update's frozen
records (read when the update started, with the values it replaced):

1. read the records' current values by id (one Get Records call: the records may have left
   the view since);
2. a record that holds what our step set gets its previous value back; one that already holds
   its previous value is left alone ("unchanged", e.g. Zoho refused to change it); one that
   holds anything else was changed by someone since (also between two steps of the update):
   it is not touched ("conflict");
3. write the previous values with one Update Records call (`"trigger": []`, so workflows,
   approvals and blueprints do not fire again), and keep every record's result.

The worker holds the undo while it runs (a claim that runs out if the worker is killed, so
another worker takes over), holds no transaction across an HTTP call, and saves each batch's
results together with the cursor, so a run that dies is picked up where it stopped.
Re-doing a batch is harmless: the records it already put back now hold their previous value
and count as unchanged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from crmupdate.massupdate import texts
from crmupdate.massupdate.claims import RELEASED, row_save
from crmupdate.massupdate.clients import signed_in_since, undo_client
from crmupdate.massupdate.frozen.models import FrozenChunk, FrozenStatus, FrozenView
from crmupdate.massupdate.models import Step, UpdateStatus
from crmupdate.massupdate.timing import (
    max_attempts,
    recheck_delay,
    retry_delay,
    sending_claim_length,
    undo_run_seconds,
)
from crmupdate.massupdate.undo.models import Undo, UndoOutcome, UndoRecord
from crmupdate.massupdate.undo.summary import entry_refresh
from crmupdate.massupdate.undo.values import (
    rows_decode,
    same,
    value_set_by_step,
    value_to_restore,
)
from crmupdate.zoho.client import ZohoClient
from crmupdate.zoho.errors import ErrorCategory, ZohoError

BATCH = 100  # Update Records takes at most 100 records per call
# The states in which an undo is put back, batch by batch, when due.
RUNNABLE: tuple[str, ...] = (UpdateStatus.QUEUED, UpdateStatus.RUNNING, UpdateStatus.WAITING)
NOT_FOUND = "RECORD_NOT_FOUND"
BACKUP_GONE = "BACKUP_EXPIRED"


@dataclass
class Batch:
    frozen: FrozenView
    step: Step
    chunk: int  # position of the frozen chunk the rows come from
    offset: int
    fields: list[str]  # the step's fields
    rows: list[list[Any]]  # [record id, previous value per field of the step...]


def undo_save(undo_id: int, owner: str, *, release: bool = True, **fields: Any) -> bool:
    return row_save(Undo, undo_id, owner, release=release, **fields)


def undo_run(undo_id: int, owner: str) -> str:
    """The worker's action for a due undo it holds: put back the next batches. Returns what
    happened (for the log)."""
    try:
        return _run_owned(Undo.objects.select_related("created_by").get(pk=undo_id), owner)
    finally:
        entry_refresh(undo_id)


def _run_owned(undo: Undo, owner: str) -> str:
    try:
        client = undo_client(undo)
    except ZohoError as error:
        return _call_failed(undo, owner, error)
    undo_save(
        undo.pk, owner, release=False, status=UpdateStatus.RUNNING, **texts.NO_WAIT_REASON,
        started_at=undo.started_at or timezone.now(), error_code="", error_message="",
    )  # fmt: skip
    deadline = time.monotonic() + undo_run_seconds()
    steps: dict[int, Step] = {}
    while True:
        try:
            batch = batch_next(undo, steps)
        except BackupGone:
            undo_save(
                undo.pk,
                owner,
                status=UpdateStatus.FAILED,
                finished_at=timezone.now(),
                due_at=None,
                error_code=BACKUP_GONE,
                error_message="The backup was deleted before the undo could finish.",
            )
            return "the backup is gone"
        if batch is None:
            return _finish(undo, owner)
        started = time.monotonic()
        try:
            results, reads, writes = batch_restore(client, batch)
        except ZohoError as error:
            return _call_failed(undo, owner, error)
        if not _batch_save(undo, owner, batch, results, reads, writes, started):
            return "lost the undo"
        if time.monotonic() > deadline:
            # Let other due work go first; this undo is due again at once.
            undo_save(undo.pk, owner, due_at=timezone.now())
            return "continues in a new run"


def batch_next(undo: Undo, steps: dict[int, Step]) -> Batch | None:
    """The next records to put back, moving the cursor over finished chunks and steps."""
    frozen = FrozenView.objects.filter(update_id=undo.update_id).first()
    if frozen is None or frozen.status != FrozenStatus.COMPLETE:
        raise BackupGone()
    while undo.cursor_index < len(undo.plan):
        position = int(undo.plan[undo.cursor_index])
        chunk = (
            FrozenChunk.objects.filter(frozen=frozen, position__gte=undo.cursor_chunk)
            .order_by("position")
            .first()
        )
        if chunk is None:
            undo.cursor_index, undo.cursor_chunk, undo.cursor_offset = undo.cursor_index + 1, 1, 0
            continue
        rows = rows_decode(chunk.payload)
        if undo.cursor_offset >= len(rows):
            undo.cursor_chunk, undo.cursor_offset = chunk.position + 1, 0
            continue
        if position not in steps:
            steps[position] = Step.objects.get(update_id=undo.update_id, position=position)
        step = steps[position]
        fields = list(step.request_data)
        at = [frozen.fields.index(name) + 2 for name in fields]  # after id and name
        offset = undo.cursor_offset
        picked = [[row[0], *(row[i] for i in at)] for row in rows[offset : offset + BATCH]]
        return Batch(frozen, step, chunk.position, offset, fields, picked)
    return None


class BackupGone(Exception):
    """The kept values were deleted while the undo needed them."""


def batch_restore(client: ZohoClient, batch: Batch) -> tuple[list[UndoRecord], int, int]:
    """Read the batch's records, put back those that hold what our step set. Returns the
    per-record results (unsaved) and the number of reads and writes made."""
    fields = batch.fields
    types = {c.get("api_name"): str(c.get("data_type") or "") for c in batch.step.changes or []}
    module = batch.frozen.module_api_name
    ids = [str(row[0]) for row in batch.rows]
    current = {
        str(r.get("id")): r for r in client.get_records_by_id(module, ids=ids, fields=fields)
    }
    results: dict[str, UndoRecord] = {}
    writes: list[dict[str, Any]] = []
    for row in batch.rows:
        record_id, previous = str(row[0]), dict(zip(fields, row[1:], strict=False))
        now = current.get(record_id)
        values = {}
        for name in fields:
            sent = (batch.step.request_data or {}).get(name)
            values[name] = {
                "previous": previous.get(name),
                "set": value_set_by_step(
                    previous.get(name), sent, types.get(name, ""), batch.step.over_write
                ),
                "current": now.get(name) if now else None,
            }
        result = UndoRecord(step_position=batch.step.position, record_id=record_id, values=values)
        if now is None:
            result.outcome, result.code = UndoOutcome.FAILED, NOT_FOUND
            result.message = "The record no longer exists in Zoho (deleted, merged or converted)."
        elif all(same(v["current"], v["previous"], types.get(n, "")) for n, v in values.items()):
            result.outcome = UndoOutcome.UNCHANGED
        elif all(same(v["current"], v["set"], types.get(n, "")) for n, v in values.items()):
            result.outcome = UndoOutcome.RESTORED  # once Zoho confirms
            writes.append(
                {"id": record_id}
                | {n: value_to_restore(v["previous"], types.get(n, "")) for n, v in values.items()}
            )
        else:
            result.outcome = UndoOutcome.CONFLICT
        results[record_id] = result
    if writes:
        _write(client, module, writes, results)
    return list(results.values()), 1, 1 if writes else 0


def _write(
    client: ZohoClient, module: str, writes: list[dict[str, Any]], results: dict[str, UndoRecord]
) -> None:
    try:
        answers = client.update_records(module, writes, trigger=[])
    except ZohoError as error:
        if error.category != ErrorCategory.PERMANENT:
            raise  # wait, or sign in again, and do the batch again
        answers = []
        for record in writes:
            results[record["id"]].outcome = UndoOutcome.FAILED
            results[record["id"]].code = error.code[:80]
            results[record["id"]].message = error.message
    confirmed = set()
    for answer in answers:
        result = results.get(answer.id)
        if result is not None and answer.ok:
            confirmed.add(answer.id)
        elif result is not None:
            result.outcome, result.code, result.message = (
                UndoOutcome.FAILED, answer.code[:80], answer.message,
            )  # fmt: skip
    for record in writes:
        result = results[record["id"]]
        if result.outcome == UndoOutcome.RESTORED and record["id"] not in confirmed:
            result.outcome, result.code = UndoOutcome.FAILED, "NOT_CONFIRMED"
            result.message = "Zoho did not confirm this record was updated."


def _batch_save(
    undo: Undo,
    owner: str,
    batch: Batch,
    results: list[UndoRecord],
    reads: int,
    writes: int,
    started: float,
) -> bool:
    counts = dict.fromkeys(UndoOutcome, 0)
    for result in results:
        result.undo_id = undo.pk
        counts[UndoOutcome(result.outcome)] += 1
    undo.cursor_chunk, undo.cursor_offset = batch.chunk, batch.offset + len(batch.rows)
    with transaction.atomic():
        saved = Undo.objects.filter(pk=undo.pk, claimed_by=owner).update(
            cursor_index=undo.cursor_index,
            cursor_chunk=undo.cursor_chunk,
            cursor_offset=undo.cursor_offset,
            restored_count=F("restored_count") + counts[UndoOutcome.RESTORED],
            unchanged_count=F("unchanged_count") + counts[UndoOutcome.UNCHANGED],
            conflict_count=F("conflict_count") + counts[UndoOutcome.CONFLICT],
            failed_count=F("failed_count") + counts[UndoOutcome.FAILED],
            reads=F("reads") + reads,
            writes=F("writes") + writes,
            work_seconds=F("work_seconds") + (time.monotonic() - started),
            attempts=0,
            claim_expires_at=timezone.now() + sending_claim_length(),
        )
        if not saved:
            return False
        UndoRecord.objects.bulk_create(results)
    entry_refresh(undo.pk)
    return True


def _finish(undo: Undo, owner: str) -> str:
    undo.refresh_from_db()
    status = (
        UpdateStatus.COMPLETED
        if not (undo.failed_count or undo.conflict_count)
        else UpdateStatus.COMPLETED_WITH_FAILURES
    )
    if undo.total_count and undo.failed_count == undo.total_count:
        status = UpdateStatus.FAILED
    undo_save(undo.pk, owner, status=status, finished_at=timezone.now(), due_at=None,
              **texts.NO_WAIT_REASON)  # fmt: skip
    return f"finished: {status}"


def _call_failed(undo: Undo, owner: str, error: ZohoError) -> str:
    now = timezone.now()
    fields: dict[str, Any] = {
        "error_code": error.code[:80],
        "error_message": error.message,
        "error_http_status": error.http_status,
    }
    reason = texts.error_message_of(error, part=texts.ZOHO_TEXT)
    next_step = texts.columns("wait_reason", texts.error_message_of(error, part=texts.ZOHO_NEXT))
    if error.category == ErrorCategory.AUTH:
        undo_save(undo.pk, owner, status=UpdateStatus.PAUSED, paused_at=now,
                  due_at=now + recheck_delay(), **next_step,
                  **fields)  # fmt: skip
        return "paused: sign-in needed"
    attempts = undo.attempts + 1
    waits = error.category == ErrorCategory.RATE_LIMITED or (
        error.category == ErrorCategory.TRANSIENT and attempts < max_attempts()
    )
    if waits:
        later = now + timedelta(seconds=retry_delay(attempts))
        at = timezone.localtime(later).strftime("%H:%M:%S UTC")
        undo_save(undo.pk, owner, status=UpdateStatus.WAITING, attempts=attempts,
                  due_at=later, **texts.columns("wait_reason", texts.message(
                      texts.AGAIN_AT, reason=reason, at=at)), **fields)  # fmt: skip
        return f"waiting after {error.code}"
    undo_save(undo.pk, owner, status=UpdateStatus.NEEDS_ATTENTION, attempts=attempts,
              due_at=None, **next_step, **fields)  # fmt: skip
    return f"stopped by {error.code}"


def undo_carry_on(undo_id: int) -> bool:
    """A paused undo (after signing in again) or one stopped by an error carries on."""
    resumed = Undo.objects.filter(
        pk=undo_id, status__in=[UpdateStatus.PAUSED, UpdateStatus.NEEDS_ATTENTION]
    ).update(
        status=UpdateStatus.QUEUED,
        due_at=timezone.now(),
        paused_at=None,
        attempts=0,
        **texts.NO_WAIT_REASON,
        **RELEASED,
    )
    if resumed:
        entry_refresh(undo_id)
    return bool(resumed)


def undo_recheck_paused(undo_id: int, owner: str) -> str:
    """The worker's action for a paused undo that is due: carry on if its person has signed
    in again since it paused; otherwise look again later."""
    undo = Undo.objects.get(pk=undo_id)
    if signed_in_since(user_id=undo.created_by_id, since=undo.paused_at):
        undo_carry_on(undo_id)
        return "resumed after sign-in"
    undo_save(undo_id, owner, due_at=timezone.now() + recheck_delay())
    return "still waiting for sign-in"
