"""Claiming due rows: the one way the worker decides who acts on a row, for every kind of row.

A row of long-running work (a step, an undo, ...) carries its `status`, when it is next due
(`due_at`) and who holds it (`claimed_by`, until `claim_expires_at`). A worker claims a due
row that nobody holds, or whose holder's claim has run out (the holder was killed), acts on
it, and writes the row's next state, letting go of it in the same write. Every write of an
action goes through `row_save`, which only writes while the claim is still this run's: a run
that lost its claim (it was frozen past the expiry and another worker took over) changes
nothing.

On PostgreSQL the due row is picked with `SELECT ... FOR UPDATE SKIP LOCKED`, so workers
never wait for each other; on SQLite (one writer at a time) a conditional UPDATE that
re-checks the row's state takes it. Either way, two workers never hold one row.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from crmupdate.massupdate import texts

RELEASED: dict[str, Any] = {"claimed_by": "", "claim_expires_at": None}


class WorkRow(models.Model):
    """What every row the worker acts on carries besides its `status`: when it is next due
    and who holds it. A new kind of work inherits it and gets an entry in worker.ACTIONS."""

    # When the worker should act on the row next (None: nothing due, e.g. not its turn).
    due_at = models.DateTimeField(null=True, blank=True)
    # The worker run acting on the row holds it until the claim expires (so a killed
    # worker's claim runs out and another worker takes the row).
    claimed_by = models.CharField(max_length=40, blank=True)
    claim_expires_at = models.DateTimeField(null=True, blank=True)
    # Why it waits or stopped: a code and its figures, worded when read (crmupdate.massupdate
    # .texts); rows from before codes keep their English sentence in `wait_reason_text`.
    wait_reason_code = models.CharField(max_length=40, blank=True)
    wait_reason_params = models.JSONField(default=dict, blank=True)
    wait_reason_text = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def wait_reason(self) -> str:
        """Why it waits or stopped, in the reader's language."""
        return texts.stored_text(self.wait_reason_code, self.wait_reason_params,
                                 self.wait_reason_text)  # fmt: skip

    @wait_reason.setter
    def wait_reason(self, text: str) -> None:
        """A sentence kept as it is (shown in every language as written)."""
        self.wait_reason_code, self.wait_reason_params, self.wait_reason_text = "", {}, text


def claim_owner() -> str:
    """A new claim's name: the process id (to tell workers apart in logs) and a random part."""
    return f"{os.getpid()}-{uuid.uuid4().hex}"[:40]


def due_rows(model: type[models.Model], *, states: tuple[str, ...], now: datetime) -> Any:
    """Rows in one of `states`, due by `now`, that nobody holds."""
    return (
        model._default_manager.filter(status__in=states, due_at__lte=now)
        .filter(Q(claim_expires_at__isnull=True) | Q(claim_expires_at__lte=now))
        .order_by("due_at", "pk")
    )


def row_claim(
    model: type[models.Model], *, states: tuple[str, ...], owner: str, length: timedelta
) -> int | None:
    """Claim the longest-due row of `model` in one of `states`; its id, or None."""
    now = timezone.now()
    due = due_rows(model, states=states, now=now)
    held = {"claimed_by": owner, "claim_expires_at": now + length}
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            row_id = due.select_for_update(skip_locked=True).values_list("pk", flat=True).first()
            if row_id is None:
                return None
            model._default_manager.filter(pk=row_id).update(**held)
            return int(row_id)
    for row_id in due.values_list("pk", flat=True)[:10]:
        # The filter is checked again by the UPDATE itself: a row another worker took in
        # the meantime is not taken twice.
        if due.filter(pk=row_id).update(**held):
            return int(row_id)
    return None


def row_save(
    model: type[models.Model], row_id: int, owner: str, *, release: bool = True, **fields: Any
) -> bool:
    """Write the row if this run still holds it, and let go of it unless told otherwise."""
    if release:
        fields.update(RELEASED)
    return bool(model._default_manager.filter(pk=row_id, claimed_by=owner).update(**fields))
