"""Background tasks (Django's tasks API, database backend: `manage.py db_worker`).

One task per step action: `submit_step` sends a step to Zoho, `poll_step` checks its job and
re-enqueues itself with a growing delay (`run_after`). Both are idempotent (see
`crmupdate.massupdate.engine`), so a duplicate or late task does no harm.

`watchdog` is the safety net for a worker that was killed mid-task: it re-enqueues itself
first, then finds steps left without a pending task and puts them back on track. It is
started whenever an update is created or its page is opened, so it also resumes work after
the worker was down.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from crmupdate.massupdate import engine, poll, recovery, submit
from crmupdate.massupdate.models import Step
from crmupdate.zoho.transport import log_team

logger = logging.getLogger(__name__)


def _step_team(step_id: int) -> str:
    """The step's team, for the log lines of the Zoho calls made for it."""
    team_id = Step.objects.filter(pk=step_id).values_list("team_id", flat=True).first()
    return str(team_id or "-")


@task()
def submit_step(step_id: int) -> str:
    with log_team(lambda: _step_team(step_id)):
        outcome = submit.step_submit(step_id)
    logger.info("mass update step=%s submit: %s", step_id, outcome)
    return outcome


@task()
def poll_step(step_id: int) -> str:
    with log_team(lambda: _step_team(step_id)):
        outcome = poll.step_poll(step_id)
    logger.info("mass update step=%s poll: %s", step_id, outcome)
    return outcome


@task()
def watchdog() -> dict[str, int]:
    if recovery.steps_unfinished_exist() and not _waiting_tasks(watchdog.module_path).exists():
        # The successor first: if this run dies, the safety net is still there. With nothing
        # left to watch the chain ends; creating, retrying or opening an update restarts it.
        # Two chains started at the same moment merge: a run queues no successor when one
        # is already queued.
        watchdog_schedule(at=timezone.now() + _watchdog_interval())
    found = recovery.steps_recover()
    if any(found.values()):
        logger.info("mass update watchdog: %s", found)
    return found


def _watchdog_interval() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "MASSUPDATE_WATCHDOG_SECONDS", 30)))


def _waiting_tasks(task_path: str):  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task_path, status="READY")


def schedule_step(*, step_id: int, kind: str, at: datetime) -> None:
    """Enqueue the step's next action and remember the task, so the watchdog can tell a
    step that is waiting for the worker from one whose task was lost."""
    chosen = submit_step if kind == engine.SUBMIT else poll_step
    result = chosen.using(run_after=at).enqueue(step_id)
    Step.objects.filter(pk=step_id).update(task_id=str(result.id))


def schedule_step_on_commit(*, step_id: int, kind: str, at: datetime) -> None:
    transaction.on_commit(lambda: schedule_step(step_id=step_id, kind=kind, at=at))


def task_is_waiting(task_id: str) -> bool:
    """Is this task still queued (not yet taken by a worker)?"""
    if not task_id:
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(id=task_id, status="READY").exists()


def watchdog_schedule(*, at: datetime) -> None:
    watchdog.using(run_after=at).enqueue()


def watchdog_ensure() -> None:
    """Make sure one watchdog is queued (cheap: one indexed query when it is)."""
    if not _waiting_tasks(watchdog.module_path).exists():
        watchdog_schedule(at=timezone.now() + timedelta(seconds=1))
