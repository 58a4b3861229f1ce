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
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

from crmupdate.massupdate.changetext import change_label, field_labels
from crmupdate.massupdate.frozen.models import FrozenChunk, FrozenStatus, FrozenView
from crmupdate.massupdate.models import (
    MassUpdate,
    Step,
    StepStatus,
    UpdateStatus,
)
from crmupdate.massupdate.undo.models import (
    Undo,
    UndoRecord,
)
from crmupdate.massupdate.undo.values import rows_decode

# The largest id a table holds (bigint): a URL's or a filter's larger number names nothing.
MAX_ID = 2**63 - 1
PER_PAGE_READ = 200
PER_CALL_WRITE = 100


@dataclass
class UndoPlanLine:
    names: list[str]  # the step's field labels, as Zoho names them
    count: int

    @property
    def labels(self) -> str:
        """'Lead Status' or 'Stage, Amount and Closing Date' (the page puts them in its
        sentence "Put back the previous ... on 1,234 records")."""
        return labels_text(self.names)


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


def labels_text(names: list[str]) -> str:
    """Field labels as a list in words, in the active language."""
    if len(names) < 2:
        return "".join(names)
    return gettext("%(fields)s and %(last)s") % {
        "fields": ", ".join(names[:-1]),
        "last": names[-1],
    }


def _labels(step: Step) -> list[str]:
    return [change_label(c) for c in step.changes or []]


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
            state.reason = gettext("You can undo this update once it has finished.")
        return state
    if Undo.objects.filter(entry=update).exists():
        return UndoState(update=update)  # an undo itself cannot be undone
    undo = Undo.objects.filter(update=update).first()
    state = UndoState(update=update, undo=undo)
    if undo is not None:
        return state
    frozen = FrozenView.objects.filter(update=update).first()
    if frozen is None or not frozen.keep_values:
        state.reason = gettext("No backup was kept for this update, so it cannot be undone here.")
        return state
    ran = sorted(
        (s for s in Step.objects.filter(update=update) if step_ran(s)),
        key=lambda s: s.position,
        reverse=True,
    )
    if not ran:
        state.reason = gettext("Zoho changed nothing in this update, so there is nothing to undo.")
        return state
    if frozen.expired:
        when = frozen.expires_at or frozen.purged_at or timezone.now()
        days = settings.UNDO_RETENTION_DAYS
        state.reason = ngettext(
            "The backup of this update expired on %(date)s (backups are kept for %(days)s "
            "day), so it can no longer be undone.",
            "The backup of this update expired on %(date)s (backups are kept for %(days)s "
            "days), so it can no longer be undone.",
            days,
        ) % {"date": formats.date_format(timezone.localtime(when), "j M Y"), "days": days}
        return state
    if frozen.status != FrozenStatus.COMPLETE:
        state.reason = gettext("The backup of this update is incomplete, so it cannot be undone.")
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
        return UndoCell(reason=gettext("Its backup has expired."))
    return UndoCell(reason=gettext("Its backup is incomplete."))


def undo_status_label(status: str) -> str:
    """An undo's status as the history says it ("Undone", by whom and when, beside it)."""
    if status in (UpdateStatus.COMPLETED, UpdateStatus.COMPLETED_WITH_FAILURES):
        return gettext("Undone")
    if status == UpdateStatus.FAILED:
        return gettext("Undo failed")
    return gettext("Being undone")


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


class FrozenNames:
    """The names of an update's frozen records, for its undo's results, one chunk at a time.

    An undo puts the records back step by step, each step in the frozen chunks' order, and
    saves each record's result as it goes: its results in id order (all of them, or those of
    one outcome) walk the chunks forward, starting again at the first chunk with each step.
    So one decoded chunk at a time names every record, whatever the number of records. A
    record found in none (a backup purged since) has no name.
    """

    def __init__(self, frozen_id: int | None) -> None:
        chunks = FrozenChunk.objects.filter(frozen_id=frozen_id).order_by("position")
        self.positions: list[int] = list(chunks.values_list("position", flat=True))
        self.frozen_id = frozen_id
        self.at = -1  # index in `positions` of the chunk `current` holds
        self.current: dict[str, str] = {}

    @classmethod
    def of_undo(cls, undo: Undo) -> FrozenNames:
        frozen = FrozenView.objects.filter(update_id=undo.update_id).values_list("pk", flat=True)
        return cls(frozen.first())

    def restart(self) -> None:
        """The next record is the first of a step: back to the first chunk."""
        self.at, self.current = -1, {}

    def _read(self, index: int) -> dict[str, str]:
        payload = (
            FrozenChunk.objects.filter(frozen_id=self.frozen_id, position=self.positions[index])
            .values_list("payload", flat=True)
            .first()
        )
        rows = rows_decode(payload) if payload is not None else []
        return {str(row[0]): str(row[1] or "") for row in rows if len(row) > 1}

    def name(self, record_id: str) -> str:
        if record_id in self.current:
            return self.current[record_id]
        for index in range(self.at + 1, len(self.positions)):
            names = self._read(index)
            if record_id in names:
                self.at, self.current = index, names
                return names[record_id]
        return ""


def records_named(records: Iterable[UndoRecord], undo: Undo) -> list[tuple[UndoRecord, str]]:
    """Results (in id order) with the name of each record, for the undo's page."""
    names = FrozenNames.of_undo(undo)
    named = []
    step = None
    for record in records:
        if record.step_position != step:
            step = record.step_position
            names.restart()
        named.append((record, names.name(str(record.record_id))))
    return named


def undo_result_rows(undo: Undo) -> Iterator[tuple[Any, ...]]:
    """One row per record and field, for the CSV (streamed, no model instances): record id,
    record name, step, field label, field API name, outcome, the previous value, the value
    the update set, the value the undo found, Zoho's code and message."""
    labels = undo_field_labels(undo)
    names = FrozenNames.of_undo(undo)
    rows = (
        UndoRecord.objects.filter(undo=undo)
        .order_by("id")
        .values_list("record_id", "step_position", "outcome", "values", "code", "message")
    )
    step = None
    for record_id, position, outcome, values, code, message in rows.iterator(chunk_size=2000):
        if position != step:
            step = position
            names.restart()
        name = names.name(str(record_id))
        for api_name, value in (values or {}).items():
            yield (
                record_id,
                name,
                position,
                labels.get(api_name, api_name),
                api_name,
                outcome,
                value.get("previous"),
                value.get("set"),
                value.get("current"),
                code,
                message,
            )
