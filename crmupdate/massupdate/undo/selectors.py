"""Reads for undo: can this update be undone (and if not, why), what the undo will do, and
its results. Every query starts from the signed-in person's team."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from crmupdate.massupdate.changetext import change_label, field_labels
from crmupdate.massupdate.frozen.models import FrozenStatus, FrozenView
from crmupdate.massupdate.models import (
    MassUpdate,
    Step,
    StepStatus,
    UpdateStatus,
)
from crmupdate.massupdate.undo.models import (
    Undo,
    UndoOutcome,
    UndoRecord,
)

# The largest id a table holds (bigint): a URL's or a filter's larger number names nothing.
MAX_ID = 2**63 - 1
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
    frozen: FrozenView | None = None  # the records and values an undo puts back
    steps: list[Step] = field(default_factory=list)  # those it undoes, the last first
    lines: list[UndoPlanLine] = field(default_factory=list)
    expires_at: datetime | None = None

    @property
    def record_count(self) -> int:
        """Record changes to look at: every frozen record, once per step undone."""
        return (self.frozen.record_count if self.frozen else 0) * len(self.steps)

    @property
    def calls_estimate(self) -> int:
        """Zoho calls for the undo: one read and at most one write per 100 records."""
        return 2 * math.ceil(self.record_count / PER_CALL_WRITE)


def _labels(step: Step) -> str:
    names = [change_label(c) for c in step.changes or []]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def step_ran(step: Step) -> bool:
    """Did this step reach Zoho and end (so it may have changed records)?"""
    reached = bool(step.job_id) or step.ids_done > 0
    return reached and step.status in (StepStatus.COMPLETED, StepStatus.FAILED)


def undo_state(update: MassUpdate) -> UndoState:
    """Can `update` be undone, and what would the undo do?"""
    if not update.finished:
        # The update's page asks this every 3 seconds while the update runs (the status
        # fragment), so one question answers it: values are kept only when the review's box
        # was ticked, and an undo's own entry has none.
        state = UndoState(update=update)
        if FrozenView.objects.filter(update=update, keep_values=True).exists():
            state.reason = "You can undo this update once it has finished."
        return state
    if Undo.objects.filter(entry=update).exists():
        return UndoState(update=update)  # an undo itself cannot be undone
    undo = Undo.objects.filter(update=update).first()
    state = UndoState(update=update, undo=undo)
    if undo is not None:
        return state
    frozen = FrozenView.objects.filter(update=update).first()
    if frozen is None or not frozen.keep_values:
        state.reason = "No backup was kept for this update, so it cannot be undone here."
        return state
    ran = sorted(
        (s for s in Step.objects.filter(update=update) if step_ran(s)),
        key=lambda s: s.position,
        reverse=True,
    )
    if not ran:
        state.reason = "Zoho changed nothing in this update, so there is nothing to undo."
        return state
    if frozen.expired:
        when = frozen.expires_at or frozen.purged_at or timezone.now()
        days = settings.UNDO_RETENTION_DAYS
        state.reason = (
            f"The backup of this update expired on {timezone.localtime(when):%-d %b %Y} "
            f"(backups are kept for {days} days), so it can no longer be undone."
        )
        return state
    if frozen.status != FrozenStatus.COMPLETE:
        state.reason = "The backup of this update is incomplete, so it cannot be undone."
        return state
    state.available = True
    state.frozen = frozen
    state.steps = ran
    state.lines = [UndoPlanLine(_labels(s), frozen.record_count) for s in ran]
    state.expires_at = frozen.expires_at
    return state


@dataclass(frozen=True)
class UndoCell:
    """What a history row says about undo (see `undo_cell_of`)."""

    undo_status: str = ""  # the undo's status, if the update has one
    available: bool = False
    reason: str = ""


# What an update's kept values allow, as the history reads it for many updates at once (its
# rows query, `crmupdate.history.selectors`, applies the rule of `undo_state` in SQL).
CELL_AVAILABLE, CELL_EXPIRED, CELL_INCOMPLETE = "available", "expired", "incomplete"


def undo_cell_of(
    *, finished: bool, undo_status: str | None, backups: str | None
) -> UndoCell | None:
    """A history row's undo cell from its undo's status and what its backups allow (CELL_*,
    None when it has none); None: the row says nothing."""
    if undo_status:
        return UndoCell(undo_status=undo_status)
    if not finished or not backups:
        return None
    if backups == CELL_AVAILABLE:
        return UndoCell(available=True)
    if backups == CELL_EXPIRED:
        return UndoCell(reason="Its backup has expired.")
    return UndoCell(reason="Its backup is incomplete.")


def undo_status_label(status: str) -> str:
    """An undo's status as the history says it ("Undone", by whom and when, beside it)."""
    if status in (UpdateStatus.COMPLETED, UpdateStatus.COMPLETED_WITH_FAILURES):
        return "Undone"
    if status == UpdateStatus.FAILED:
        return "Undo failed"
    return "Being undone"


def undo_entry_field_names(*, entry_ids: Iterable[int]) -> dict[int, str]:
    """For undos' own history entries: the fields each undo puts back ("Lead Status,
    Rating"), only those of the steps that ran (the entry's copy of the update's field names
    lists every step's, run or not)."""
    undos = Undo.objects.filter(entry_id__in=list(entry_ids))
    plans = {entry: (update, plan) for entry, update, plan in
             undos.values_list("entry_id", "update_id", "plan")}  # fmt: skip
    steps = Step.objects.filter(update_id__in=[u for u, _ in plans.values()])
    changes = {
        (update, position): step_changes
        for update, position, step_changes in steps.values_list("update_id", "position", "changes")
    }
    names = {}
    for entry_id, (update_id, plan) in plans.items():
        labels = [
            change_label(c)
            for position in reversed(plan or [])  # a plan runs the last step first
            for c in changes.get((update_id, position)) or []
        ]
        names[entry_id] = ", ".join(dict.fromkeys(labels))
    return names


def update_for_undo(*, team: Any, pk: int) -> MassUpdate:
    if pk > MAX_ID:
        raise Http404("No such update")
    update = MassUpdate.objects.filter(team=team, pk=pk).prefetch_related("steps").first()
    if update is None:
        raise Http404("No such update")
    return update


def undo_entry_target(*, team: Any, pk: int) -> int | None:
    """If update `pk` is an undo's row in the history: the undone update's id."""
    if pk > MAX_ID:
        return None
    return Undo.objects.filter(team=team, entry_id=pk).values_list("update_id", flat=True).first()


def undo_results(undo: Undo, outcome: str, *, limit: int = 200) -> QuerySet[UndoRecord]:
    return UndoRecord.objects.filter(undo=undo, outcome=outcome).order_by("id")[:limit]


def undo_field_labels(undo: Undo) -> dict[str, str]:
    return field_labels(undo.update.changes)


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
