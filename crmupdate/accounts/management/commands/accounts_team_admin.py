"""Make a person a team administrator of crmupdate, or stop them being one.

A team administrator may undo, retry and resume the team's updates like a Zoho
administrator, still only in the modules where their own Zoho profile grants Mass Update.
People are named by the email address of their Zoho CRM user.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crmupdate.accounts.models import Member


class Command(BaseCommand):
    help = "Make a person (by Zoho email) a team administrator, or --remove them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--remove", action="store_true", help="no longer an administrator")

    def handle(self, *args: Any, **options: Any) -> None:
        members = Member.objects.filter(email__iexact=options["email"]).select_related("team")
        if not members:
            raise CommandError(f"Nobody with the email {options['email']} has signed in yet.")
        for member in members:
            member.is_team_admin = not options["remove"]
            member.save(update_fields=["is_team_admin"])
            state = "is" if member.is_team_admin else "is no longer"
            self.stdout.write(f"{member} {state} a team administrator of {member.team}.")
