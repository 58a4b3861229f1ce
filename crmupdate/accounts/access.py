"""Does Zoho still accept this person? Asked again at least every ZOHO_ACCESS_RECHECK_SECONDS
by every page that shows the team's data, so access ends soon after Zoho access ends (0 turns
the re-check off; access then ends at the next token refresh Zoho refuses).

Pages such as the history read only our own database; without this check a person whose Zoho
grant was revoked (by themselves, an administrator, or Zoho) could read them for as long as
the session lasted. The check asks the accounts server who the access token belongs to (no CRM
API credits are spent), refreshing the token first when it is due; the time of the last
successful check is kept in the cache per person, so several sessions share it.
"""

from __future__ import annotations

import logging

from django.conf import settings

from crmupdate.accounts.models import ZohoConnection
from crmupdate.accounts.sessions import (
    user_sign_out_everywhere,
    zoho_access_checked,
    zoho_access_checked_recently,
)
from crmupdate.accounts.tokens import (
    ReauthRequired,
    connection_access_token,
    connection_mark_needs_reauth,
)
from crmupdate.zoho import oauth
from crmupdate.zoho.errors import ErrorCategory, ZohoError

logger = logging.getLogger(__name__)


def zoho_access_recheck(*, connection: ZohoConnection) -> bool:
    """False when Zoho no longer accepts the person's sign-in: the connection is then marked
    as needing sign-in and every session of the person is signed out. True otherwise,
    including when Zoho cannot be reached (asked again on the next page)."""
    if float(settings.ZOHO_ACCESS_RECHECK_SECONDS) <= 0:
        return True  # re-checking is turned off
    if zoho_access_checked_recently(user_id=connection.user_id):
        return True
    try:
        token = connection_access_token(connection_id=connection.pk)
        try:
            _who_is(connection, token)
        except ZohoError as error:
            if error.category != ErrorCategory.AUTH:
                raise
            token = connection_access_token(connection_id=connection.pk, rejected_token=token)
            _who_is(connection, token)
    except ReauthRequired:
        # A refused refresh already signed the person out everywhere (services._refresh).
        return False
    except ZohoError as error:
        if error.category != ErrorCategory.AUTH:
            logger.warning(
                "zoho access re-check failed user=%s code=%s", connection.user_id, error.code
            )
            return True
        connection_mark_needs_reauth(connection_id=connection.pk)
        user_sign_out_everywhere(user_id=connection.user_id)
        return False
    zoho_access_checked(user_id=connection.user_id)
    return True


def _who_is(connection: ZohoConnection, access_token: str) -> None:
    oauth.user_info(
        connection.accounts_server, access_token=access_token, timeout=settings.ZOHO_HTTP_TIMEOUT
    )
