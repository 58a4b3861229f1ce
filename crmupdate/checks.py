"""System checks for a deployment (`manage.py check --deploy`): where sign-in goes.

With DEBUG off the app needs either a real Zoho client or the explicit opt-in to the practice
CRM (`ZOHOSIM_ENABLED=1`); without either nobody can sign in. The practice CRM lets anyone
who reaches it sign in as its demo people without a password, so using it with DEBUG off is
worth a warning.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

NO_ZOHO_CLIENT = Error(
    "No Zoho client is configured, and the practice CRM is off (DEBUG is off).",
    hint=(
        "Register a server-based client in Zoho's API console (https://api-console.zoho.com) "
        "with the redirect URI https://<your host>/oauth/complete/zoho/, then set "
        "ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_REDIRECT_URI (and ZOHO_ACCOUNTS_URL for "
        "a data centre other than the US one). To run on the built-in practice CRM instead, "
        "set ZOHOSIM_ENABLED=1. See README, Configuration."
    ),
    id="crmupdate.E001",
)
NO_ZOHO_SECRET = Error(
    "ZOHO_CLIENT_ID is set but ZOHO_CLIENT_SECRET is not.",
    hint="Set ZOHO_CLIENT_SECRET to the secret Zoho's API console shows for this client.",
    id="crmupdate.E002",
)
PRACTICE_CRM_IN_PRODUCTION = Warning(
    "The practice CRM (ZOHOSIM_ENABLED=1) is mounted with DEBUG off: anyone who can reach "
    "/zohosim/ can sign in as any of its demo people, administrators included, without a "
    "password, and every call it receives is stored.",
    hint=(
        "Use it only for a local or demonstration run. For real use configure a Zoho client "
        "(ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET) and unset ZOHOSIM_ENABLED."
    ),
    id="crmupdate.W001",
)


@register(Tags.security, deploy=True)
def zoho_client_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if not settings.ZOHO_CLIENT_ID:
        messages.append(NO_ZOHO_CLIENT)
    elif not settings.ZOHO_CLIENT_SECRET:
        messages.append(NO_ZOHO_SECRET)
    if settings.ZOHOSIM_ENABLED and not settings.DEBUG:
        messages.append(PRACTICE_CRM_IN_PRODUCTION)
    return messages
