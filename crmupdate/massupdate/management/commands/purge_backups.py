"""Delete the backups (for undo) older than UNDO_RETENTION_DAYS. The worker does the same
every few hours by itself; this command is for cron or a one-off clean-up."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from crmupdate.massupdate.undo.services import backups_purge


class Command(BaseCommand):
    help = "Delete backups kept for undo that are past UNDO_RETENTION_DAYS."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = backups_purge()
        self.stdout.write(f"Deleted {purged} expired backup{'' if purged == 1 else 's'}.")
