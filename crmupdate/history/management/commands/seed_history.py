"""`manage.py seed_history --rows N --team T`: fill a team's history with realistic rows.

`--team` is the team's id (as in the admin) or its Zoho org id. With `--create-team` a team
with that Zoho org id is created when there is none (for a fresh benchmark database). The
team gets demo people (who cannot sign in) until it has `--people` of them.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crmupdate.accounts.models import Team
from crmupdate.history.seeding import history_seed, people_ensure, team_find


class Command(BaseCommand):
    help = "Fill a team's history with realistic mass-update rows (fast bulk insert)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, required=True, help="how many rows to add")
        parser.add_argument("--team", required=True, help="the team's id or Zoho org id")
        parser.add_argument(
            "--create-team", action="store_true", help="create the team if it does not exist"
        )
        parser.add_argument("--people", type=int, default=6, help="people in the team (1-8)")
        parser.add_argument("--days", type=int, default=730, help="spread over this many days")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same rows)")

    def handle(self, *args: Any, **options: Any) -> None:
        rows, team_key = options["rows"], str(options["team"]).strip()
        if rows < 1:
            raise CommandError("--rows must be at least 1.")
        if not 1 <= options["people"] <= 8:
            raise CommandError("--people must be between 1 and 8.")
        if options["days"] < 1:
            raise CommandError("--days must be at least 1.")
        team = team_find(team_key)
        if team is None:
            if not options["create_team"]:
                raise CommandError(
                    f"No team with id or Zoho org id {team_key!r}. Sign in once to create it, "
                    "or add --create-team."
                )
            team = Team.objects.create(
                zoho_org_id=team_key, company_name="Benchmark Traders", data_centre="sim",
                api_domain="https://www.zohoapis.com",
            )  # fmt: skip
        people = people_ensure(team=team, count=options["people"])
        started = time.monotonic()

        def progress(done: int) -> None:
            if done % 100_000 == 0:
                rate = done / max(time.monotonic() - started, 1e-6)
                self.stdout.write(f"  {done:,} rows ({rate:,.0f} rows/s)")

        history_seed(
            team=team, people=people, rows=rows, days=options["days"], seed=options["seed"],
            progress=progress,
        )  # fmt: skip
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {rows:,} history rows to {team} (team id {team.pk}, Zoho org id "
                f"{team.zoho_org_id}) for {len(people)} people in {elapsed:.1f}s."
            )
        )
