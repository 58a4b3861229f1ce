"""A person's Zoho tokens: the access token kept fresh, and API clients that use it.

`zoho_client_for(user)` is what the rest of the app uses to call Zoho as a person. It reuses
the cached access token until 5 minutes before it expires, then refreshes it at the person's
own accounts server. Two processes needing a fresh token at the same moment cause one
refresh: a refresh is claimed with a conditional UPDATE of the connection row (a lease), so
exactly one process wins on PostgreSQL and SQLite alike; the others wait for its result. The
lease is used instead of holding a row lock (`select_for_update`) across the HTTP call,
because on SQLite a write transaction held during the call would lock the whole database,
including the built-in simulator that is answering it.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q
from django.utils import timezone

from crmupdate.accounts.crypto import TokenDecryptionError, token_decrypt, token_encrypt
from crmupdate.accounts.models import Team, ZohoConnection
from crmupdate.accounts.sessions import user_sign_out_everywhere
from crmupdate.zoho import oauth
from crmupdate.zoho.client import ZohoClient
from crmupdate.zoho.errors import ErrorCategory, ZohoError

logger = logging.getLogger(__name__)

REAUTH_MESSAGE = (
    "Your Zoho sign-in has expired or was withdrawn. Please sign in with Zoho again to carry on."
)
# How long one process may hold the right to refresh before others may take over.
_LEASE_EXTRA_SECONDS = 10.0
_WAIT_STEP_SECONDS = 0.05

AnyUser = AbstractBaseUser | AnonymousUser


class ReauthRequired(ZohoError):
    """Zoho no longer accepts this person's saved sign-in: they must sign in again.

    A `ZohoError` of category AUTH, so code that handles Zoho errors handles this too; views
    need not catch it (the accounts middleware sends the person through sign-in and back).
    """

    def __init__(self, message: str = REAUTH_MESSAGE, *, user_id: int | None = None) -> None:
        super().__init__(
            code="REAUTH_REQUIRED", message=message, category=ErrorCategory.AUTH, sent=False
        )
        self.user_id = user_id


def client_credentials() -> tuple[str, str]:
    return str(settings.SOCIAL_AUTH_ZOHO_KEY), str(settings.SOCIAL_AUTH_ZOHO_SECRET)


# --- the access token --------------------------------------------------------------------------


def connection_access_token(*, connection_id: int, rejected_token: str | None = None) -> str:
    """A usable access token for this connection, refreshing it (once across processes) when
    it is within 5 minutes of expiry, or when `rejected_token` is the one Zoho just refused.

    Raises ReauthRequired when Zoho refuses the refresh token (the connection is then marked
    `needs_reauth`), and ZohoError for other refresh failures (network, throttling).
    """
    lease = timedelta(seconds=float(settings.ZOHO_HTTP_TIMEOUT) + _LEASE_EXTRA_SECONDS)
    deadline = time.monotonic() + lease.total_seconds() + 5
    while True:
        connection = _usable_connection(connection_id)
        token = _cached_token(connection, rejected_token)
        if token:
            return token
        now = timezone.now()
        claimed = (
            ZohoConnection.objects.filter(pk=connection_id, needs_reauth=False)
            .filter(Q(refresh_lease_until__isnull=True) | Q(refresh_lease_until__lt=now))
            .update(refresh_lease_until=now + lease)
        )
        if claimed:
            # Re-check now that the refresh is ours: another process may have just finished.
            connection = _usable_connection(connection_id, release_lease_if_unusable=True)
            token = _cached_token(connection, rejected_token)
            if token:
                ZohoConnection.objects.filter(pk=connection_id).update(refresh_lease_until=None)
                return token
            return _refresh(connection)
        if time.monotonic() > deadline:
            raise ZohoError(
                code="REFRESH_BUSY",
                message="Getting a fresh Zoho access token is taking too long. Please try again.",
                category=ErrorCategory.TRANSIENT,
                sent=False,
            )
        time.sleep(_WAIT_STEP_SECONDS)


def _usable_connection(
    connection_id: int, *, release_lease_if_unusable: bool = False
) -> ZohoConnection:
    connection = ZohoConnection.objects.filter(pk=connection_id).first()
    if connection is None:
        raise ReauthRequired()
    if connection.needs_reauth or not connection.refresh_token_encrypted:
        if release_lease_if_unusable:
            ZohoConnection.objects.filter(pk=connection_id).update(refresh_lease_until=None)
        raise ReauthRequired(user_id=connection.user_id)
    return connection


def _cached_token(connection: ZohoConnection, rejected_token: str | None) -> str | None:
    if not connection.access_token_fresh():
        return None
    try:
        token = token_decrypt(connection.access_token_encrypted)
    except TokenDecryptionError:
        return None
    return None if token == rejected_token else token


def _refresh(connection: ZohoConnection) -> str:
    """Refresh at the connection's own accounts server; the caller holds the lease."""
    client_id, client_secret = client_credentials()
    try:
        refresh_token = token_decrypt(connection.refresh_token_encrypted)
        tokens = oauth.refresh_access_token(
            connection.accounts_server,
            client_id=client_id,
            client_secret=client_secret,
            refresh_token=refresh_token,
            timeout=settings.ZOHO_HTTP_TIMEOUT,
        )
    except (ZohoError, TokenDecryptionError) as error:
        if isinstance(error, TokenDecryptionError) or error.category == ErrorCategory.AUTH:
            connection_mark_needs_reauth(connection_id=connection.pk)
            logger.info("zoho refresh refused user=%s: sign-in needed", connection.user_id)
            if isinstance(error, ZohoError):
                # Zoho ended the grant (revoked, or refused as invalid_code): so does the app,
                # for every session of the person.
                user_sign_out_everywhere(user_id=connection.user_id)
            raise ReauthRequired(user_id=connection.user_id) from error
        ZohoConnection.objects.filter(pk=connection.pk).update(refresh_lease_until=None)
        raise
    except BaseException:
        ZohoConnection.objects.filter(pk=connection.pk).update(refresh_lease_until=None)
        raise
    now = timezone.now()
    ZohoConnection.objects.filter(pk=connection.pk).update(
        access_token_encrypted=token_encrypt(tokens.access_token),
        access_token_expires_at=now + timedelta(seconds=tokens.expires_in),
        last_refreshed_at=now,
        refresh_lease_until=None,
        updated_at=now,
    )
    return tokens.access_token


def connection_mark_needs_reauth(*, connection_id: int) -> None:
    ZohoConnection.objects.filter(pk=connection_id).update(
        needs_reauth=True,
        access_token_encrypted="",
        access_token_expires_at=None,
        refresh_lease_until=None,
        updated_at=timezone.now(),
    )


# --- the API client -----------------------------------------------------------------------


class ConnectionTokens:
    """The access tokens of a person's connection, for a `ZohoClient`: the cached token while
    it is fresh; when Zoho refuses it, one refresh; if Zoho refuses the fresh one too, the
    connection is marked as needing sign-in and ReauthRequired is raised."""

    def __init__(self, *, connection_id: int, user_id: int) -> None:
        self.connection_id = connection_id
        self.user_id = user_id
        # Asked now, so a person who must sign in again hears it before any call is made.
        self._token = connection_access_token(connection_id=connection_id)

    def __repr__(self) -> str:  # never shows the token
        return f"ConnectionTokens(connection_id={self.connection_id})"

    def access_token(self) -> str:
        return self._token

    def refreshed(self, *, rejected: str, error: ZohoError) -> str | None:
        if isinstance(error, ReauthRequired):
            return None
        self._token = connection_access_token(
            connection_id=self.connection_id, rejected_token=rejected
        )
        return self._token

    def refused(self, error: ZohoError) -> ZohoError:
        if isinstance(error, ReauthRequired):
            return error
        connection_mark_needs_reauth(connection_id=self.connection_id)
        return ReauthRequired(user_id=self.user_id)


def zoho_client_for(user: AnyUser) -> ZohoClient:
    """A Zoho CRM client acting as `user`, with a fresh access token.

    Raises ReauthRequired when the person has no usable Zoho connection (never connected,
    disconnected, or Zoho refused the refresh token).
    """
    if not user.is_authenticated:
        raise ReauthRequired()
    connection = ZohoConnection.objects.filter(user_id=user.pk).first()
    if connection is None:
        raise ReauthRequired(user_id=user.pk)
    user_id = user.pk
    return ZohoClient(
        api_domain=connection.api_domain,
        tokens=ConnectionTokens(connection_id=connection.pk, user_id=user_id),
        api_version=settings.ZOHO_API_VERSION,
        timeout=settings.ZOHO_HTTP_TIMEOUT,
        on_credits=lambda remaining: team_credits_record(user_id=user_id, remaining=remaining),
    )


def team_credits_record(*, user_id: int, remaining: int) -> None:
    """Remember the API credits Zoho says the person's organisation has left."""
    Team.objects.filter(members__user_id=user_id).update(
        api_credits_remaining=remaining, api_credits_seen_at=timezone.now()
    )
