"""Load the practice CRM's demo organisations (idempotent, deterministic, a few seconds)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crmupdate.zohosim.demo.load import big_view_ensure, demo_load


class Command(BaseCommand):
    help = (
        "Load the practice CRM (Zylker Traders and Globex Corporation). Existing data is kept "
        "unless --reset is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Delete and rebuild the demo organisations."
        )
        parser.add_argument(
            "--scale",
            choices=["full", "test"],
            default="full",
            help="How many records to generate (test: a few hundred per module).",
        )
        parser.add_argument(
            "--big-view",
            type=int,
            default=0,
            metavar="N",
            help="Also fill the Leads view 'Imported batch 2024-Q3' with N records "
            "(e.g. 50000 for a full-size mass update).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["big_view"] < 0:
            raise CommandError("--big-view must be zero or more")
        started = time.monotonic()
        orgs = demo_load(scale=options["scale"], reset=options["reset"])
        added = big_view_ensure(options["big_view"]) if options["big_view"] else 0
        names = ", ".join(org.company_name for org in orgs)
        self.stdout.write(
            f"Practice CRM ready: {names}"
            + (f"; {added} records added to the big view" if added else "")
            + f" ({time.monotonic() - started:.1f} s)."
        )
