"""Background tasks of undo (Django's tasks API, database backend: `manage.py db_worker`).

- `run_undo`: puts back the next batches of an undo; idempotent (see `runner`).
- `undo_watchdog`: re-enqueues undos a killed worker left behind, resumes paused ones after
  the person signed in again; re-enqueues itself while an undo is unfinished. Started when an
  undo is started or its page is opened.
- `purge_backups`: deletes expired backups; re-enqueues itself every few hours while there
  are backups. Started whenever a backup is kept (and `manage.py purge_backups` does the same
  job on demand, e.g. from cron).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from crmupdate.massupdate.undo import runner
from crmupdate.massupdate.undo.models import Undo

logger = logging.getLogger(__name__)


@task()
def run_undo(undo_id: int) -> str:
    outcome = runner.undo_run(undo_id)
    logger.info("undo=%s: %s", undo_id, outcome)
    return outcome


@task()
def undo_watchdog() -> dict[str, int]:
    from crmupdate.massupdate.undo.services import undos_recover

    if Undo.objects.exclude(status__in=_finished()).exists():
        undo_watchdog.using(
            run_after=timezone.now() + _seconds("UNDO_WATCHDOG_SECONDS", 30)
        ).enqueue()
    found = undos_recover()
    if any(found.values()):
        logger.info("undo watchdog: %s", found)
    return found


@task()
def purge_backups() -> int:
    from crmupdate.massupdate.undo.models import Backup, BackupStatus
    from crmupdate.massupdate.undo.services import backups_purge

    if Backup.objects.exclude(status=BackupStatus.EXPIRED).exists():
        purge_backups.using(
            run_after=timezone.now() + _seconds("UNDO_PURGE_SECONDS", 6 * 3600)
        ).enqueue()
    purged = backups_purge()
    if purged:
        logger.info("purged %s expired backups", purged)
    return purged


def _finished() -> list[str]:
    from crmupdate.massupdate.models import UpdateStatus

    return [UpdateStatus.COMPLETED, UpdateStatus.COMPLETED_WITH_FAILURES, UpdateStatus.FAILED]


def _seconds(name: str, default: float) -> timedelta:
    return timedelta(seconds=float(getattr(settings, name, default)))


def _waiting(task_path: str) -> Any:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task_path, status="READY")


def task_is_waiting(task_id: str) -> bool:
    if not task_id:
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(id=task_id, status="READY").exists()


def undo_schedule(*, undo_id: int, at: datetime) -> None:
    """Enqueue the undo's next run and remember the task (the watchdog checks it)."""
    result = run_undo.using(run_after=at).enqueue(undo_id)
    Undo.objects.filter(pk=undo_id).update(task_id=str(result.id))


def undo_schedule_on_commit(*, undo_id: int, at: datetime) -> None:
    transaction.on_commit(lambda: undo_schedule(undo_id=undo_id, at=at))


def watchdog_ensure() -> None:
    if not _waiting(undo_watchdog.module_path).exists():
        undo_watchdog.using(run_after=timezone.now() + timedelta(seconds=1)).enqueue()


def purge_ensure() -> None:
    if not _waiting(purge_backups.module_path).exists():
        purge_backups.using(
            run_after=timezone.now() + _seconds("UNDO_PURGE_SECONDS", 6 * 3600)
        ).enqueue()
