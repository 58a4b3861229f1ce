"""Re-encrypt every stored Zoho token with the first key of TOKEN_ENCRYPTION_KEYS.

Rotation: put the new key first in TOKEN_ENCRYPTION_KEYS (keep the old ones after it), deploy,
run this command, then drop the old keys.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from crmupdate.accounts.crypto import TokenDecryptionError, token_reencrypt
from crmupdate.accounts.models import ZohoConnection


class Command(BaseCommand):
    help = "Re-encrypt stored Zoho tokens with the first key of TOKEN_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        done = unreadable = 0
        for pk in ZohoConnection.objects.values_list("pk", flat=True):
            with transaction.atomic():
                connection = ZohoConnection.objects.select_for_update().get(pk=pk)
                try:
                    for name in ("refresh_token_encrypted", "access_token_encrypted"):
                        value = getattr(connection, name)
                        if value:
                            setattr(connection, name, token_reencrypt(value))
                except TokenDecryptionError:
                    unreadable += 1
                    continue
                connection.save(update_fields=["refresh_token_encrypted", "access_token_encrypted"])
                done += 1
        self.stdout.write(f"Re-encrypted the tokens of {done} Zoho connection(s).")
        if unreadable:
            raise CommandError(
                f"{unreadable} connection(s) could not be decrypted with any configured key; "
                "those people will have to sign in with Zoho again."
            )
