"""The worker: one loop that claims due rows and runs the action for their state.

Every piece of long-running work is a row that carries its state (`status`), when it is next
due (`due_at`) and who holds it (`claimed_by` until `claim_expires_at`). `ACTIONS` says which
function acts on a row of a given kind and state; the loop (`manage.py worker`) claims the
longest-due row of any kind (`claims.row_claim`) and runs its action. An action
writes the row's next state, including when it is due again, and lets go of it; it never
queues anything, and nothing else does: a page or a service that wants work done writes a
row's state and due time.

Adding work is one state on a model (a `claims.WorkRow`: `due_at`, `claimed_by`,
`claim_expires_at`) and one action function `(row_id, owner) -> str` listed here.

Several workers, on several machines, share the database: a row is held by one of them at a
time; a killed worker's claim runs out and another worker takes the row (a step left
"sending to Zoho" that way becomes "interrupted": see `recovery.step_sender_stopped`). Now and
then the loop also runs the sweep (repairs no due time covers) and deletes the records kept
for updates past their retention.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, models
from django.utils import timezone

from crmupdate.massupdate import poll, recovery, submit
from crmupdate.massupdate.claims import claim_owner, due_rows, row_claim
from crmupdate.massupdate.frozen import idsmode, retry, verify
from crmupdate.massupdate.frozen.models import RecordRetry
from crmupdate.massupdate.models import Step, StepStatus, UpdateStatus
from crmupdate.massupdate.timing import claim_length, sending_claim_length
from crmupdate.massupdate.undo import runner
from crmupdate.massupdate.undo.models import Undo
from crmupdate.massupdate.undo.services import frozen_purge
from crmupdate.zoho.transport import log_team

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Action:
    """What the worker does with a due row of `model` in one of `states`."""

    name: str  # for the log
    model: type[models.Model]
    states: tuple[str, ...]
    run: Callable[[int, str], str]  # (row id, claim owner) -> what happened
    claim: Callable[[], timedelta]  # how long the claim must last for the action's calls


ACTIONS: tuple[Action, ...] = (
    # A step left "sending" is only claimable once its sender's claim ran out.
    Action("interrupt", Step, (StepStatus.SUBMITTING,), recovery.step_sender_stopped, claim_length),
    Action("poll", Step, (StepStatus.RUNNING,), poll.step_poll, claim_length),
    Action("submit", Step, (StepStatus.PENDING,), submit.step_submit, sending_claim_length),
    Action("recheck", Step, (StepStatus.PAUSED,), recovery.step_recheck_paused, claim_length),
    Action("send ids", Step, (StepStatus.SENDING,), idsmode.step_send_ids, sending_claim_length),
    Action("check", Step, (StepStatus.VERIFYING,), verify.step_verify, sending_claim_length),
    Action("retry records", RecordRetry, retry.RUNNABLE, retry.retry_run, sending_claim_length),
    Action("undo", Undo, runner.RUNNABLE, runner.undo_run, sending_claim_length),
    Action("recheck", Undo, (UpdateStatus.PAUSED,), runner.undo_recheck_paused, claim_length),
)


def _row_team(action: Action, row_id: int) -> str:
    """The row's team, for the log lines of the Zoho calls made for it."""
    team_id = (
        action.model._default_manager.filter(pk=row_id).values_list("team_id", flat=True).first()
    )
    return str(team_id or "-")


def action_run_next(*, raise_errors: bool = False) -> bool:
    """Claim the longest-due row of any kind and run its action; False when nothing is due.
    An action that crashes is logged, not raised (unless told): one bad row does not stop
    the worker; its claim runs out and it is tried again."""
    now = timezone.now()
    waiting = []
    for position, action in enumerate(ACTIONS):
        due_at = (
            due_rows(action.model, states=action.states, now=now)
            .values_list("due_at", flat=True)
            .first()
        )
        if due_at is not None:
            waiting.append((due_at, position, action))
    for _, _, action in sorted(waiting, key=lambda found: found[:2]):
        owner = claim_owner()
        row_id = row_claim(action.model, states=action.states, owner=owner, length=action.claim())
        if row_id is None:
            continue  # another worker was quicker
        kind = action.model._meta.model_name
        try:
            with log_team(lambda a=action, r=row_id: _row_team(a, r)):  # type: ignore[misc]
                outcome = action.run(row_id, owner)
        except Exception:
            if raise_errors:
                raise
            logger.exception("worker %s %s=%s crashed", action.name, kind, row_id)
            return True
        logger.info("worker %s %s=%s: %s", action.name, kind, row_id, outcome)
        return True
    return False


@dataclass
class Housekeeping:
    """The periodic jobs of one worker process (each is safe to run in several at once)."""

    swept_at: float | None = None
    purged_at: float | None = None

    def run_due(self) -> None:
        now = time.monotonic()
        if self.swept_at is None or now - self.swept_at >= settings.WORKER_SWEEP_SECONDS:
            self.swept_at = now
            found = recovery.steps_sweep()
            if any(found.values()):
                logger.info("worker sweep: %s", found)
        if self.purged_at is None or now - self.purged_at >= settings.UNDO_PURGE_SECONDS:
            self.purged_at = now
            purged = frozen_purge()
            if purged:
                logger.info("worker purged the records of %s expired updates", purged)


def worker_run(
    *, until_idle: bool = False, max_actions: int | None = None,
    stop: Callable[[], bool] = lambda: False, raise_errors: bool = False,
) -> int:  # fmt: skip
    """Run due actions; sleep WORKER_IDLE_SECONDS when none is due. `until_idle`: return as
    soon as nothing is due (tests, cron). Returns how many actions ran."""
    housekeeping = Housekeeping()
    done = 0
    while not stop() and (max_actions is None or done < max_actions):
        try:
            housekeeping.run_due()
            if action_run_next(raise_errors=raise_errors):
                done += 1
                continue
        except Exception:
            if raise_errors:
                raise
            # The database went away for a moment, say: wait and carry on.
            logger.exception("worker: could not look for due work")
        if until_idle:
            break
        close_old_connections()  # a long-lived process: drop a connection the database closed
        time.sleep(settings.WORKER_IDLE_SECONDS)
    return done
