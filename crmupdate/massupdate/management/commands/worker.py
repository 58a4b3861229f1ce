"""`manage.py worker`: the worker loop (see crmupdate/massupdate/worker.py). Run one or more,
on one or more machines; they share only the database. SIGTERM/SIGINT stop it after the
action in hand."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand

from crmupdate.massupdate.worker import worker_run


class Command(BaseCommand):
    help = "Send mass-update steps to Zoho, follow their jobs, run undos, purge old backups."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--until-idle", action="store_true", help="Stop as soon as nothing is due."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stopping: list[int] = []

        def stop_after_this_action(signum: int, frame: Any) -> None:
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop_after_this_action)
        signal.signal(signal.SIGINT, stop_after_this_action)
        self.stdout.write("Worker started.")
        ran = worker_run(until_idle=options["until_idle"], stop=lambda: bool(stopping))
        self.stdout.write(f"Worker stopped after {ran} action{'' if ran == 1 else 's'}.")
