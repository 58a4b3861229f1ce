"""The simulated accounts server's bookkeeping: clients, grant codes, refresh and access tokens.

Rules follow Zoho's token pages (zoho-crm-api.md §5.2-5.5): grant codes are single-use and
expire after two minutes; access tokens expire (ZOHOSIM_ACCESS_TOKEN_SECONDS); at most 10
refreshes per refresh token per 10 minutes, 15 live access tokens per refresh token and 20
refresh tokens per user and client (the oldest are revoked). Tokens are stored hashed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from crmupdate.zohosim.models import (
    SimAccessToken,
    SimGrantCode,
    SimOAuthClient,
    SimRefreshToken,
    SimUser,
)
from crmupdate.zohosim.scopes import DEFAULT_SCOPES

APP_REDIRECT_PATH = "/oauth/complete/zoho/"
REFRESH_WINDOW = timedelta(minutes=10)
MAX_REFRESHES_PER_WINDOW = 10
MAX_ACCESS_TOKENS_PER_REFRESH_TOKEN = 15
MAX_REFRESH_TOKENS_PER_USER = 20

THROTTLED = {
    "error_description": "You have made too many requests continuously. Please try again "
    "after some time.",
    "error": "Access Denied",
    "status": "failure",
}


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_token() -> str:
    return f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"


def grant_code_seconds() -> int:
    return settings.ZOHOSIM_GRANT_CODE_SECONDS


def api_base(origin: str) -> str:
    return f"{origin.rstrip('/')}/{settings.ZOHOSIM_URL_PREFIX}"


def accounts_server_url(origin: str) -> str:
    return f"{api_base(origin)}/accounts"


def api_domain_url(origin: str) -> str:
    return f"{api_base(origin)}/api"


# --- clients ----------------------------------------------------------------------------------


def app_client_ensure() -> SimOAuthClient:
    """The app's own client (settings.ZOHO_CLIENT_ID / ZOHO_CLIENT_SECRET), registered on
    first use like a client created in Zoho's API console."""
    secret = token_hash(settings.ZOHO_CLIENT_SECRET)
    client, created = SimOAuthClient.objects.get_or_create(
        client_id=settings.ZOHO_CLIENT_ID,
        defaults={"secret_hash": secret, "name": "crmupdate", "is_app_client": True},
    )
    if not created and (client.secret_hash != secret or not client.is_app_client):
        client.secret_hash = secret
        client.is_app_client = True
        client.save(update_fields=["secret_hash", "is_app_client"])
    return client


def client_find(client_id: str) -> SimOAuthClient | None:
    if client_id and client_id == settings.ZOHO_CLIENT_ID:
        return app_client_ensure()
    if not client_id or "\x00" in client_id:  # no client has one (PostgreSQL stores none)
        return None
    return SimOAuthClient.objects.filter(client_id=client_id).first()


def client_authenticate(client_id: str, client_secret: str) -> SimOAuthClient | None:
    client = client_find(client_id)
    if client is None or not hmac.compare_digest(client.secret_hash, token_hash(client_secret)):
        return None
    return client


def redirect_uri_allowed(client: SimOAuthClient, uri: str) -> bool:
    parts = urlsplit(uri or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
        return False
    if uri in client.redirect_uris:
        return True
    # Test servers listen on random ports: for the app's client the path decides.
    return client.is_app_client and parts.path == APP_REDIRECT_PATH


# --- grant codes --------------------------------------------------------------------------------


def grant_create(
    *,
    client: SimOAuthClient,
    user: SimUser,
    scopes: list[str],
    redirect_uri: str,
    offline: bool,
    consent: bool,
) -> str:
    code = _new_token()
    SimGrantCode.objects.create(
        code_hash=token_hash(code),
        client=client,
        user=user,
        scopes=scopes,
        redirect_uri=redirect_uri,
        offline=offline,
        force_refresh_token=consent,
        expires_at=timezone.now() + timedelta(seconds=grant_code_seconds()),
    )
    return code


@dataclass
class TokenGrant:
    """What the token endpoint answers: a token response, or Zoho's `{"error": ...}`."""

    body: dict[str, Any]  # always answered with HTTP 200, as Zoho does


def _error(error: str) -> TokenGrant:
    return TokenGrant({"error": error})


def grant_exchange(
    *, client: SimOAuthClient, code: str, redirect_uri: str, origin: str
) -> TokenGrant:
    now = timezone.now()
    grant = (
        SimGrantCode.objects.select_related("user")
        .filter(code_hash=token_hash(code or ""), client=client)
        .first()
    )
    if grant is None or grant.used_at is not None or grant.expires_at <= now:
        return _error("invalid_code")
    if redirect_uri != grant.redirect_uri:
        return _error("invalid_redirect_uri")
    # Single use, even when two exchanges race: only one conditional update wins.
    if not SimGrantCode.objects.filter(pk=grant.pk, used_at__isnull=True).update(used_at=now):
        return _error("invalid_code")
    if grant.user.status != "active":
        return _error("invalid_code")
    with_refresh = grant.offline and (
        grant.force_refresh_token
        or not SimRefreshToken.objects.filter(
            user=grant.user, client=client, revoked_at__isnull=True
        ).exists()
    )
    return TokenGrant(
        tokens_issue(
            client=client,
            user=grant.user,
            scopes=list(grant.scopes),
            with_refresh_token=with_refresh,
            origin=origin,
        )
    )


def tokens_issue(
    *,
    client: SimOAuthClient,
    user: SimUser,
    scopes: list[str],
    with_refresh_token: bool,
    origin: str,
) -> dict[str, Any]:
    """A new access token (and refresh token), as the token endpoint's JSON answer."""
    now = timezone.now()
    refresh_raw = None
    refresh = None
    with transaction.atomic():
        if with_refresh_token:
            refresh_raw = _new_token()
            refresh = SimRefreshToken.objects.create(
                token_hash=token_hash(refresh_raw),
                client=client,
                user=user,
                scopes=scopes,
                created=now,
            )
            _revoke_beyond(
                SimRefreshToken.objects.filter(user=user, client=client),
                MAX_REFRESH_TOKENS_PER_USER,
            )
        access_raw, _ = _access_token_create(
            client=client, user=user, scopes=scopes, refresh=refresh, from_refresh=False
        )
    body: dict[str, Any] = {"access_token": access_raw}
    if refresh_raw:
        body["refresh_token"] = refresh_raw
    body.update(_token_tail(scopes, origin))
    return body


def _token_tail(scopes: list[str], origin: str) -> dict[str, Any]:
    return {
        "scope": " ".join(scopes),
        "api_domain": api_domain_url(origin),
        "token_type": "Bearer",
        "expires_in": int(settings.ZOHOSIM_ACCESS_TOKEN_SECONDS),
    }


def _access_token_create(
    *,
    client: SimOAuthClient,
    user: SimUser,
    scopes: list[str],
    refresh: SimRefreshToken | None,
    from_refresh: bool,
) -> tuple[str, SimAccessToken]:
    now = timezone.now()
    raw = _new_token()
    row = SimAccessToken.objects.create(
        token_hash=token_hash(raw),
        client=client,
        user=user,
        refresh_token=refresh,
        scopes=scopes,
        created=now,
        expires_at=now + timedelta(seconds=int(settings.ZOHOSIM_ACCESS_TOKEN_SECONDS)),
        from_refresh=from_refresh,
    )
    if refresh is not None:
        _revoke_beyond(
            SimAccessToken.objects.filter(refresh_token=refresh, expires_at__gt=now),
            MAX_ACCESS_TOKENS_PER_REFRESH_TOKEN,
        )
    return raw, row


def _revoke_beyond(queryset: Any, keep: int) -> None:
    """Revoke all but the newest `keep` live tokens of the queryset."""
    live = queryset.filter(revoked_at__isnull=True).order_by("-created", "-pk")
    stale = list(live.values_list("pk", flat=True)[keep:])
    if stale:
        queryset.model.objects.filter(pk__in=stale).update(revoked_at=timezone.now())


def token_refresh(*, client: SimOAuthClient, refresh_token: str, origin: str) -> TokenGrant:
    now = timezone.now()
    refresh = (
        SimRefreshToken.objects.select_related("user")
        .filter(token_hash=token_hash(refresh_token or ""), client=client)
        .first()
    )
    if refresh is None or refresh.revoked_at is not None or refresh.user.status != "active":
        return _error("invalid_code")
    recent = SimAccessToken.objects.filter(
        refresh_token=refresh, from_refresh=True, created__gt=now - REFRESH_WINDOW
    ).count()
    if recent >= MAX_REFRESHES_PER_WINDOW:
        return TokenGrant(dict(THROTTLED))
    raw, _ = _access_token_create(
        client=client,
        user=refresh.user,
        scopes=list(refresh.scopes),
        refresh=refresh,
        from_refresh=True,
    )
    return TokenGrant({"access_token": raw, **_token_tail(list(refresh.scopes), origin)})


def token_revoke(raw: str) -> bool:
    """Revoke a refresh token (with its access tokens) or a single access token."""
    now = timezone.now()
    digest = token_hash(raw or "")
    if SimRefreshToken.objects.filter(token_hash=digest, revoked_at__isnull=True).update(
        revoked_at=now
    ):
        return True
    return bool(
        SimAccessToken.objects.filter(token_hash=digest, revoked_at__isnull=True).update(
            revoked_at=now
        )
    )


def access_token_find(raw: str) -> SimAccessToken | None:
    """The live access token for this string, or None (unknown, expired or revoked)."""
    token = (
        SimAccessToken.objects.select_related("user", "user__org", "refresh_token")
        .filter(token_hash=token_hash(raw))
        .first()
    )
    if token is None or token.revoked_at is not None or token.expires_at <= timezone.now():
        return None
    if token.refresh_token is not None and token.refresh_token.revoked_at is not None:
        return None
    if token.user.status != "active":
        return None
    return token


def self_client_tokens(
    *, email: str, origin: str, scopes: list[str] | None = None
) -> dict[str, Any]:
    """Tokens for a demo user issued to the app's own client, as Zoho's API console
    self-client would: `access_token`, `refresh_token`, `api_domain`, `accounts_server`,
    `expires_in` (and `scope`, `token_type`). Raises LookupError for an unknown user."""
    user = SimUser.objects.select_related("org").filter(email=email).first()
    if user is None:
        raise LookupError(
            f"No practice CRM user {email!r}. Load the demo data (manage.py zohosim_load) and "
            "use one of its users, e.g. patricia.boyle@zylker.example."
        )
    if user.status != "active":
        raise LookupError(f"The practice CRM user {email!r} is deactivated.")
    body = tokens_issue(
        client=app_client_ensure(),
        user=user,
        scopes=list(scopes or DEFAULT_SCOPES),
        with_refresh_token=True,
        origin=origin,
    )
    body["accounts_server"] = accounts_server_url(origin)
    return body
