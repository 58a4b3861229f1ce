"""A self-client, like the one in Zoho's API console: tokens for a demo user, as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from crmupdate.zohosim.scopes import DEFAULT_SCOPES
from crmupdate.zohosim.tokens import self_client_tokens


class Command(BaseCommand):
    help = (
        "Print one JSON object with access_token, refresh_token, api_domain, accounts_server "
        "and expires_in for a practice CRM user (URLs from ZOHOSIM_PUBLIC_URL)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="The demo user's email address.")
        parser.add_argument(
            "--scopes",
            default=",".join(DEFAULT_SCOPES),
            help="Comma-separated scopes to grant (default: everything the app uses).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = self_client_tokens(
                email=options["user"],
                origin=settings.ZOHOSIM_PUBLIC_URL,
                scopes=[s for s in options["scopes"].split(",") if s.strip()],
            )
        except LookupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(result))
