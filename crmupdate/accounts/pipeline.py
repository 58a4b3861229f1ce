"""social-auth pipeline steps for Zoho sign-in (see SOCIAL_AUTH_PIPELINE in settings).

Order matters: every check that can refuse a sign-in (organisation allowed, refresh token
available, not someone else's browser) runs before anything is written, and everything is
then written in one transaction (`account_save_signin`), so a refused or failed sign-in never
leaves a half-created account behind.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from social_django.models import UserSocialAuth

from crmupdate.accounts.backends import CONSENT_SESSION_KEY
from crmupdate.accounts.failures import SignInFailed
from crmupdate.accounts.language import SESSION_KEY as LANGUAGE_SESSION_KEY
from crmupdate.accounts.models import ZohoConnection
from crmupdate.accounts.services import AccountConflict, SignIn, account_save_signin
from crmupdate.locales import SESSION_KEY as LOCALE_SESSION_KEY


def require_allowed_org(backend: Any, response: dict[str, Any], *args: Any, **kwargs: Any) -> None:
    """ALLOWED_ZOHO_ORGS (org ids), when set, is the list of organisations that may sign in."""
    allowed = [str(org_id) for org_id in settings.ALLOWED_ZOHO_ORGS or []]
    org = response["zoho_org"]
    if allowed and str(org.id) not in allowed:
        raise SignInFailed("org_not_allowed", backend=backend)


def find_account(
    backend: Any, uid: str, user: Any = None, *args: Any, **kwargs: Any
) -> dict[str, Any]:
    """The account already linked to this Zoho user of this organisation, if any.

    A browser signed in as one person never gets another person's Zoho grant attached.
    """
    social = UserSocialAuth.get_social_auth(backend.name, uid)
    signed_in = user is not None and user.is_authenticated
    if signed_in and (social is None or social.user_id != user.pk):
        raise SignInFailed("other_person", backend=backend)
    return {"social": social, "user": social.user if social else None}


def require_refresh_token(
    backend: Any,
    strategy: Any,
    response: dict[str, Any],
    social: UserSocialAuth | None = None,
    *args: Any,
    **kwargs: Any,
) -> Any:
    """We need a refresh token to work in the background. Zoho sends one at first consent;
    on later sign-ins without `prompt=consent` it sends none, which is fine while we still
    hold a usable one. Otherwise ask Zoho once more, this time with `prompt=consent`."""
    if response.get("refresh_token"):
        return None
    if social is not None:
        connection = ZohoConnection.objects.filter(user_id=social.user_id).first()
        if connection is not None and connection.usable:
            return None
    if strategy.session_get(CONSENT_SESSION_KEY):
        raise SignInFailed("no_refresh_token", backend=backend)
    strategy.session_set(CONSENT_SESSION_KEY, True)
    return strategy.redirect(backend.auth_url())


def save_account(
    backend: Any,
    strategy: Any,
    uid: str,
    response: dict[str, Any],
    details: dict[str, Any],
    user: Any = None,
    social: UserSocialAuth | None = None,
    username: str | None = None,
    id_key: str = "",
    *args: Any,
    **kwargs: Any,
) -> dict[str, Any]:
    signin = SignIn(
        uid=uid,
        username=username or details.get("username") or uid,
        user_info=response["zoho_user_info"],
        org=response["zoho_org"],
        crm_user=response["zoho_crm_user"],
        accounts_server=response["accounts_server"],
        api_domain=response["api_domain"],
        data_centre=response["data_centre"],
        access_token=response["access_token"],
        expires_in=int(response.get("expires_in") or 3600),
        refresh_token=response.get("refresh_token") or None,
        scope=str(response.get("scope") or ""),
        permissions=dict(response.get("zoho_permissions") or {}),
        admin_names=response.get("zoho_admin_names"),
    )
    try:
        user, social, is_new = account_save_signin(signin=signin, user=user, social=social)
    except AccountConflict as error:
        raise SignInFailed("account_conflict", backend=backend) from error
    if id_key and social.id_key != id_key:
        social.id_key = id_key
        social.save(update_fields=["id_key"])
    strategy.session_pop(CONSENT_SESSION_KEY)
    # Dates are typed and shown in the Zoho user's locale ("en_GB": 31/12/2025).
    locale = signin.crm_user.raw.get("locale")
    if isinstance(locale, str) and locale:
        strategy.session_set(LOCALE_SESSION_KEY, locale[:20])
    # The language chosen on the account page, if any, wins over that locale.
    member = getattr(user, "member", None)
    strategy.session_set(LANGUAGE_SESSION_KEY, member.language if member is not None else "")
    return {"user": user, "social": social, "is_new": is_new}
