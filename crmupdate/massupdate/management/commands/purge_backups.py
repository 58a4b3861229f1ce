"""Delete the records (and values for undo) kept for updates older than UNDO_RETENTION_DAYS.
The worker does the same every few hours by itself; this command is for cron or a one-off
clean-up."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from crmupdate.massupdate.undo.services import frozen_purge


class Command(BaseCommand):
    help = "Delete the records and values kept for updates past UNDO_RETENTION_DAYS."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = frozen_purge()
        self.stdout.write(f"Deleted {purged} expired backup{'' if purged == 1 else 's'}.")
