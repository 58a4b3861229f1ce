"""Reads for undo: can this update be undone (and if not, why), what the undo will do, and
its results. Every query starts from the signed-in person's team."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from crmupdate.massupdate.models import (
    FINISHED_UPDATE_STATUSES,
    MassUpdate,
    Step,
    StepStatus,
)
from crmupdate.massupdate.undo.models import (
    Backup,
    BackupChoice,
    BackupStatus,
    Undo,
    UndoOutcome,
    UndoRecord,
)

PER_PAGE_READ = 200
PER_CALL_WRITE = 100


@dataclass
class UndoPlanLine:
    labels: str  # "Lead Status" or "Stage, Amount and Closing Date"
    count: int

    @property
    def sentence(self) -> str:
        return f"Put back the previous {self.labels} on {self.count:,} record" + (
            "" if self.count == 1 else "s"
        )


@dataclass
class UndoState:
    """What the update's page and the history say about undoing it."""

    update: MassUpdate
    undo: Undo | None = None
    available: bool = False  # "Undo this update" works
    reason: str = ""  # why it cannot be undone (shown instead of the button)
    backups: list[Backup] = field(default_factory=list)  # the ones an undo puts back
    lines: list[UndoPlanLine] = field(default_factory=list)
    expires_at: datetime | None = None

    @property
    def record_count(self) -> int:
        return sum(b.record_count for b in self.backups)

    @property
    def calls_estimate(self) -> int:
        """Zoho calls for the undo: one read and at most one write per 100 records."""
        return sum(2 * math.ceil(b.record_count / PER_CALL_WRITE) for b in self.backups)


def _labels(step: Step) -> str:
    names = [str(c.get("label") or c.get("api_name")) for c in step.changes or []]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def step_ran(step: Step) -> bool:
    """Did this step's Zoho job run (so it may have changed records)?"""
    return bool(step.job_id) and step.status in (StepStatus.COMPLETED, StepStatus.FAILED)


def undo_state(update: MassUpdate, *, fetched: tuple[Undo | None, list[Backup]] | None = None
               ) -> UndoState:  # fmt: skip
    """Can `update` be undone? `fetched`: its undo and backups, when the caller already has
    them (the history, for many updates at once)."""
    if fetched is None and not update.finished:
        # The update's page asks this every 3 seconds while the update runs (the status
        # fragment), so one question answers it: no undo exists before an update finished,
        # a backup is kept only when the review's box was ticked, and an undo's own entry
        # has neither.
        state = UndoState(update=update)
        if BackupChoice.objects.filter(draft__update=update, keep=True).exists() or (
            Backup.objects.filter(update=update).exists()
        ):
            state.reason = "You can undo this update once it has finished."
        return state
    if fetched is None:
        if Undo.objects.filter(entry=update).exists():
            return UndoState(update=update)  # an undo itself cannot be undone
        undo = Undo.objects.filter(update=update).first()
        backups = (
            None if undo else list(Backup.objects.filter(update=update).select_related("step"))
        )
    else:
        undo, backups = fetched
    state = UndoState(update=update, undo=undo)
    if undo is not None or backups is None:
        return state
    ran = sorted(
        (b for b in backups if step_ran(b.step)), key=lambda b: b.step.position, reverse=True
    )
    if not update.finished:
        if backups or BackupChoice.objects.filter(draft__update=update, keep=True).exists():
            state.reason = "You can undo this update once it has finished."
        return state
    kept = [b for b in ran if b.status in (BackupStatus.COMPLETE, BackupStatus.EXPIRED)]
    if not kept:
        if backups and not ran:
            state.reason = "Zoho changed nothing in this update, so there is nothing to undo."
        elif not backups:
            state.reason = "No backup was kept for this update, so it cannot be undone here."
        else:
            state.reason = "The backup of this update is incomplete, so it cannot be undone."
        return state
    expired = [b for b in kept if b.expired]
    if expired:
        when = min(b.expires_at or b.purged_at or timezone.now() for b in expired)
        days = int(getattr(settings, "UNDO_RETENTION_DAYS", 30))
        state.reason = (
            f"The backup of this update expired on {timezone.localtime(when):%-d %b %Y} "
            f"(backups are kept for {days} days), so it can no longer be undone."
        )
        return state
    state.available = True
    state.backups = kept
    state.lines = [UndoPlanLine(_labels(b.step), b.record_count) for b in kept]
    state.expires_at = min(b.expires_at for b in kept if b.expires_at) if kept else None
    return state


@cache
def _cells_sql(count: int) -> str:
    """The cells' query for `count` update ids, built by the ORM once per page size (building
    it took the history page longer than running it): per backup, its update, status and
    expiry, its step's job id and status, and the undo's status by a correlated look-up on
    its unique index (joining it through the update row cost PostgreSQL more to plan)."""
    undo_status = Undo.objects.filter(update_id=OuterRef("update_id")).values("status")[:1]
    placeholders = list(range(1, count + 1))
    query = (
        Backup.objects.filter(update_id__in=placeholders)
        .annotate(undo_status=Subquery(undo_status))
        .values_list(
            "update_id", "status", "expires_at", "step__job_id", "step__status", "undo_status"
        )
    )
    sql, params = query.query.sql_with_params()
    if list(params) != placeholders:  # the ids must be its only parameters, in order
        raise RuntimeError("unexpected parameters in the undo cells query")
    return str(sql)


@dataclass(frozen=True)
class UndoCell:
    """What a history row says about undo (see `undo_cells_for`)."""

    undo_status: str = ""  # the undo's status, if the update has one
    available: bool = False
    reason: str = ""


def undo_cells_for(rows: Iterable[Any]) -> dict[int, UndoCell]:
    """Undo cells of a page of history rows (dicts or updates with `pk` and `status`), in
    one query whatever the number of rows. An update with an undo always has its backups
    (their rows outlive purging), so reading the backups with their steps and the undo finds
    everything."""
    finished: dict[int, bool] = {}
    for row in rows:
        pk = row["pk"] if isinstance(row, dict) else row.pk
        status = row["status"] if isinstance(row, dict) else row.status
        finished[int(pk)] = status in FINISHED_UPDATE_STATUSES
    ids = list(finished) or [0]  # one query even for an empty page (its cost is constant)
    with connection.cursor() as cursor:
        cursor.execute(_cells_sql(len(ids)), ids)
        found = cursor.fetchall()
    by_update: dict[int, list[tuple[Any, ...]]] = {}
    for row in found:
        by_update.setdefault(row[0], []).append(row)
    now = timezone.now()
    cells = {}
    for update_id, backups in by_update.items():
        if backups[0][5]:
            cells[update_id] = UndoCell(undo_status=backups[0][5])
            continue
        if not finished[update_id]:
            continue
        ran = [b for b in backups if b[3] and b[4] in (StepStatus.COMPLETED, StepStatus.FAILED)]
        kept = [b for b in ran if b[1] in (BackupStatus.COMPLETE, BackupStatus.EXPIRED)]
        if kept and all(b[1] == BackupStatus.COMPLETE and _before(now, b[2]) for b in kept):
            cells[update_id] = UndoCell(available=True)
        elif kept:
            cells[update_id] = UndoCell(reason="Its backup has expired.")
        elif ran:
            cells[update_id] = UndoCell(reason="Its backup is incomplete.")
    return cells


def _before(now: datetime, expires_at: Any) -> bool:
    """`now` is before `expires_at` (None: never expires), read from a raw query (SQLite
    gives naive UTC date-times there)."""
    if expires_at is None:
        return True
    moment = parse_datetime(expires_at) if isinstance(expires_at, str) else expires_at
    if moment is None:
        return False
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return bool(now < moment)


def update_for_undo(*, team: Any, pk: int) -> MassUpdate:
    update = MassUpdate.objects.filter(team=team, pk=pk).prefetch_related("steps").first()
    if update is None:
        raise Http404("No such update")
    return update


def undo_entry_target(*, team: Any, pk: int) -> int | None:
    """If update `pk` is an undo's row in the history: the undone update's id."""
    return Undo.objects.filter(team=team, entry_id=pk).values_list("update_id", flat=True).first()


def undo_results(undo: Undo, outcome: str, *, limit: int = 200) -> QuerySet[UndoRecord]:
    return UndoRecord.objects.filter(undo=undo, outcome=outcome).order_by("id")[:limit]


def undo_field_labels(undo: Undo) -> dict[str, str]:
    labels: dict[str, str] = {}
    for change in undo.update.changes or []:
        labels[str(change.get("api_name"))] = str(change.get("label") or change.get("api_name"))
    return labels


def undo_result_rows(undo: Undo) -> Iterator[tuple[Any, ...]]:
    """One row per record and field, for the CSV (streamed, no model instances)."""
    labels = undo_field_labels(undo)
    names = dict(UndoOutcome.choices)
    rows = (
        UndoRecord.objects.filter(undo=undo)
        .order_by("id")
        .values_list("record_id", "step_position", "outcome", "values", "code", "message")
    )
    for record_id, position, outcome, values, code, message in rows.iterator(chunk_size=2000):
        for api_name, value in (values or {}).items():
            yield (
                record_id,
                position,
                labels.get(api_name, api_name),
                api_name,
                names.get(outcome, outcome),
                value.get("previous"),
                value.get("set"),
                value.get("current"),
                code,
                message,
            )
