"""Zoho sign-in and disconnect: saving what a sign-in told us (team, member, encrypted
tokens), and revoking the tokens when the person disconnects. The tokens' use lives in
`crmupdate.accounts.tokens`."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from social_django.models import UserSocialAuth

from crmupdate.accounts.crypto import TokenDecryptionError, token_decrypt, token_encrypt
from crmupdate.accounts.models import Member, Team, ZohoConnection
from crmupdate.accounts.sessions import user_sign_out_everywhere, zoho_access_checked
from crmupdate.zoho import oauth
from crmupdate.zoho.errors import ZohoError
from crmupdate.zoho.types import Org, User, UserInfo

logger = logging.getLogger(__name__)


# --- sign-in and disconnect ---------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    """Everything a successful Zoho sign-in told us (tokens in clear, in memory only)."""

    uid: str
    username: str
    user_info: UserInfo
    org: Org
    crm_user: User
    accounts_server: str
    api_domain: str
    data_centre: str
    access_token: str
    expires_in: int
    refresh_token: str | None
    scope: str
    # What the person's Zoho profile grants (see crmupdate.accounts.permissions).
    permissions: dict[str, Any] = field(default_factory=dict)
    admin_names: list[str] | None = None  # None: Zoho did not say

    def __repr__(self) -> str:  # tokens stay out of logs and tracebacks
        return f"SignIn(uid={self.uid!r}, api_domain={self.api_domain!r})"


class AccountConflict(Exception):
    """The Zoho user of this sign-in is already a member through another account."""


@transaction.atomic
def account_save_signin(
    *, signin: SignIn, user: Any | None, social: UserSocialAuth | None
) -> tuple[Any, UserSocialAuth, bool]:
    """Create or update, in one transaction, the user, their social-auth link, the team of
    their organisation, their membership and their encrypted Zoho connection. Returns
    (user, social, is_new). Nothing is half-created: any failure rolls everything back."""
    now = timezone.now()
    is_new = user is None
    if user is None:
        user = get_user_model().objects.create_user(
            username=signin.username,
            email=signin.crm_user.email or signin.user_info.email,
            first_name=signin.user_info.first_name[:150],
            last_name=signin.user_info.last_name[:150],
        )
    if social is None:
        social = UserSocialAuth.objects.create(user=user, provider="zoho", uid=signin.uid)
    social.extra_data = {
        "accounts_server": signin.accounts_server,
        "api_domain": signin.api_domain,
        "data_centre": signin.data_centre,
    }
    social.save(update_fields=["extra_data", "modified"])

    team_fields: dict[str, Any] = {
        "company_name": signin.org.company_name,
        "data_centre": signin.data_centre,
        "api_domain": signin.api_domain,
        "edition": signin.org.edition,
    }
    if signin.admin_names is not None:
        team_fields["zoho_admin_names"] = signin.admin_names
    team, _ = Team.objects.update_or_create(zoho_org_id=signin.org.id, defaults=team_fields)
    crm_user = signin.crm_user
    other = Member.objects.filter(team=team, zoho_user_id=crm_user.id).exclude(user=user)
    if other.exists():
        raise AccountConflict(f"CRM user {crm_user.id} of org {team.zoho_org_id}")
    try:
        Member.objects.update_or_create(
            user=user,
            defaults={
                "team": team,
                "zoho_user_id": crm_user.id,
                "zuid": signin.user_info.zuid,
                "full_name": crm_user.full_name or signin.user_info.display_name,
                "email": crm_user.email or signin.user_info.email,
                "profile_name": crm_user.profile_name,
                "role_name": crm_user.role_name,
                "time_zone": crm_user.time_zone or "UTC",
                "last_signed_in_at": now,
                **signin.permissions,
            },
        )
    except IntegrityError as error:
        raise AccountConflict(f"CRM user {crm_user.id} of org {team.zoho_org_id}") from error

    connection_fields: dict[str, Any] = {
        "accounts_server": signin.accounts_server,
        "api_domain": signin.api_domain,
        "data_centre": signin.data_centre,
        "access_token_encrypted": token_encrypt(signin.access_token),
        "access_token_expires_at": now + timedelta(seconds=signin.expires_in),
        "refresh_lease_until": None,
    }
    if signin.scope:
        connection_fields["scope"] = signin.scope
    if signin.refresh_token:
        connection_fields["refresh_token_encrypted"] = token_encrypt(signin.refresh_token)
        connection_fields["needs_reauth"] = False
    ZohoConnection.objects.update_or_create(user=user, defaults=connection_fields)
    zoho_access_checked(user_id=user.pk)
    return user, social, is_new


def connection_disconnect(*, user: Any) -> None:
    """Revoke the person's refresh token at Zoho and delete it (and the access token).

    If Zoho cannot be reached, nothing is deleted and the ZohoError is raised, so the
    person can try again; if Zoho says the token is already invalid, it is deleted anyway.
    """
    connection = ZohoConnection.objects.filter(user=user).first()
    if connection is None:
        return
    if connection.refresh_token_encrypted:
        try:
            refresh_token = token_decrypt(connection.refresh_token_encrypted)
        except TokenDecryptionError:
            refresh_token = ""
        if refresh_token:
            try:
                oauth.revoke_token(
                    connection.accounts_server,
                    token=refresh_token,
                    timeout=settings.ZOHO_HTTP_TIMEOUT,
                )
            except ZohoError as error:
                if error.retryable:
                    raise
                logger.info("zoho revoke refused user=%s code=%s", user.pk, error.code)
    connection.delete()
    user_sign_out_everywhere(user_id=user.pk)


def member_language_save(*, member: Member, language: str) -> None:
    """The language the person chose ("" follows their Zoho locale, then their browser)."""
    member.language = language
    member.save(update_fields=["language"])
