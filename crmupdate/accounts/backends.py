"""Sign in with Zoho: a social-auth OAuth2 backend (social-core ships none for Zoho).

The flow, for any Zoho data centre:

1. The browser is sent to `{ZOHO_ACCOUNTS_URL}/oauth/v2/auth` (Zoho's US accounts server by
   default; Zoho forwards people of other data centres to theirs).
2. Zoho calls back with `code`, `location` and `accounts-server`. The accounts server is
   checked against the allow-list *before* the code (and our client secret) is sent there.
3. The token response's `api_domain` says where that person's CRM API is; it too must be on
   the allow-list (and belong to the same data centre) before the access token goes there.
4. `user_data` reads who signed in (user info), the CRM organisation (`GET /crm/v2/org`) and
   the CRM user (`users?type=CurrentUser`). The social-auth uid is "<org id>:<ZUID>": a person
   with several CRM organisations gets one account per organisation, each in its own team.

Every call to Zoho goes through `crmupdate.zoho` (the one place that talks to Zoho). Settings
are read at request time, so tests can point ZOHO_ACCOUNTS_URL at a live simulator.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from social_core.backends.oauth import BaseOAuth2

from crmupdate.accounts.failures import SignInFailed
from crmupdate.accounts.permissions import admin_names_read, profile_read
from crmupdate.zoho import datacenters, oauth
from crmupdate.zoho.client import ZohoClient
from crmupdate.zoho.errors import ZohoError

#: Everything the product needs, nothing more: modules, settings (modules, fields, views),
#: users, org, record counts, mass update (submit and status), and who signed in.
ZOHO_SCOPES = [
    "ZohoCRM.modules.ALL",
    "ZohoCRM.settings.modules.READ",
    "ZohoCRM.settings.fields.READ",
    "ZohoCRM.settings.custom_views.READ",
    "ZohoCRM.settings.profiles.READ",
    "ZohoCRM.users.READ",
    "ZohoCRM.org.READ",
    "ZohoCRM.mass_update.READ",
    "ZohoCRM.mass_update.UPDATE",
    "ZohoSearch.securesearch.READ",
    "AaaServer.profile.READ",
]

# Set by the pipeline when Zoho gave no refresh token and we hold no usable one: the next
# authorize request then asks for consent again (which makes Zoho issue a refresh token).
CONSENT_SESSION_KEY = "zoho_consent_requested"

_LOCATION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz")


def configured_accounts_server() -> str:
    return str(settings.ZOHO_ACCOUNTS_URL).rstrip("/")


class ZohoOAuth2(BaseOAuth2):
    name = "zoho"
    title = "Zoho"
    ID_KEY = "uid"
    DEFAULT_SCOPE = ZOHO_SCOPES
    SCOPE_SEPARATOR = ","
    # Zoho compares the redirect URI exactly: no `redirect_state` may be appended to it.
    REDIRECT_STATE = False
    STATE_PARAMETER = True
    ACCESS_TOKEN_METHOD = "POST"
    # Tokens are stored encrypted in ZohoConnection, never in social-auth's extra_data.
    EXTRA_DATA: list[Any] = []

    # --- authorize request -------------------------------------------------------------------

    def authorization_url(self) -> str:
        return f"{configured_accounts_server()}/oauth/v2/auth"

    def get_redirect_uri(self, state: str | None = None) -> str:
        return str(settings.ZOHO_REDIRECT_URI or self.redirect_uri)

    def auth_extra_arguments(self) -> dict[str, str]:
        arguments = super().auth_extra_arguments()
        arguments["access_type"] = "offline"
        # Zoho keeps at most 20 refresh tokens per person and client: ask for consent (which
        # mints a new one) only when we hold no usable refresh token for this person.
        if self._consent_needed():
            arguments["prompt"] = "consent"
        return arguments

    def _consent_needed(self) -> bool:
        if self.strategy.session_get(CONSENT_SESSION_KEY):
            return True
        request = getattr(self.strategy, "request", None)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            # Unknown person: ask without consent; if Zoho then sends no refresh token and we
            # hold none for them, the pipeline asks again with consent.
            return False
        from crmupdate.accounts.models import ZohoConnection

        connection = ZohoConnection.objects.filter(user=user).first()
        return connection is None or not connection.usable

    # --- callback: code exchange -------------------------------------------------------------

    def callback_accounts_server(self) -> str:
        """The accounts server named by the callback (or the configured one), if allowed."""
        server = self.data.get("accounts-server") or configured_accounts_server()
        if isinstance(server, list):
            server = server[0] if server else ""
        server = str(server).rstrip("/")
        if not datacenters.accounts_server_allowed(server):
            raise SignInFailed("untrusted_server", backend=self)
        return server

    def callback_data_centre(self, accounts_server: str) -> str:
        """Zoho's location for the accounts server ("us", "eu"...); for the configured
        non-Zoho server (the simulator), the callback's `location` if it looks like one."""
        location = datacenters.location_for_accounts_server(accounts_server)
        if location:
            return location
        claimed = str(self.data.get("location") or "").lower()
        if 1 < len(claimed) <= 8 and set(claimed) <= _LOCATION_CHARS:
            return claimed
        return "sim"

    def access_token_url(self) -> str:
        return f"{self.callback_accounts_server()}/oauth/v2/token"

    def request_access_token(self, url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Exchange the code through `crmupdate.zoho.oauth` at the callback's accounts server
        (allow-listed again here: this is the call that carries our client secret)."""
        accounts_server = self.callback_accounts_server()
        client_id, client_secret = self.get_key_and_secret()
        code = self.data.get("code")
        if not code or not isinstance(code, str):
            raise SignInFailed("incomplete", backend=self)
        try:
            tokens = oauth.exchange_code(
                accounts_server,
                client_id=client_id,
                client_secret=client_secret,
                redirect_uri=self.get_redirect_uri(),
                code=code,
                timeout=settings.ZOHO_HTTP_TIMEOUT,
            )
        except ZohoError as error:
            raise SignInFailed.from_zoho_error(error, backend=self) from error
        if not datacenters.api_domain_allowed(tokens.api_domain, accounts_server):
            raise SignInFailed("untrusted_server", backend=self)
        return {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_in": tokens.expires_in,
            "api_domain": tokens.api_domain,
            "scope": tokens.scope,
            "token_type": tokens.token_type,
            "accounts_server": accounts_server,
            "data_centre": self.callback_data_centre(accounts_server),
        }

    # --- callback: who signed in, and into which organisation -----------------------------

    def user_data(self, access_token: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        response = kwargs.get("response") or {}
        accounts_server = response["accounts_server"]
        api_domain = response["api_domain"]
        client = ZohoClient(
            api_domain=api_domain,
            access_token=access_token,
            api_version=settings.ZOHO_API_VERSION,
            timeout=settings.ZOHO_HTTP_TIMEOUT,
        )
        try:
            info = oauth.user_info(
                accounts_server, access_token=access_token, timeout=settings.ZOHO_HTTP_TIMEOUT
            )
            org = client.get_org()
            crm_user = client.current_user()
            permissions = profile_read(client=client, crm_user=crm_user).member_fields()
            admin_names = admin_names_read(client=client)
        except ZohoError as error:
            raise SignInFailed.from_zoho_error(error, backend=self) from error
        if not org.id or not info.zuid:
            raise SignInFailed("incomplete", backend=self)
        return {
            "uid": f"{org.id}:{info.zuid}",
            "zoho_user_info": info,
            "zoho_org": org,
            "zoho_crm_user": crm_user,
            "zoho_permissions": permissions,
            "zoho_admin_names": admin_names,
        }

    def get_user_id(self, details: dict[str, Any], response: dict[str, Any]) -> str:
        return str(response["uid"])

    def get_user_details(self, response: dict[str, Any]) -> dict[str, Any]:
        info = response.get("zoho_user_info")
        crm_user = response.get("zoho_crm_user")
        email = (getattr(crm_user, "email", "") or getattr(info, "email", "")).strip()
        first_name = getattr(info, "first_name", "")
        last_name = getattr(info, "last_name", "")
        full_name = getattr(crm_user, "full_name", "") or " ".join(
            p for p in (first_name, last_name) if p
        )
        return {
            "username": email or str(response.get("uid", "")),
            "email": email,
            "fullname": full_name,
            "first_name": first_name,
            "last_name": last_name,
        }

    def extra_data(
        self,
        user: Any,
        uid: str,
        response: dict[str, Any],
        details: dict[str, Any],
        pipeline_kwargs: dict[str, Any],
    ) -> dict[str, Any]:
        """What social-auth may keep in clear: where this person's Zoho is, never tokens."""
        return {
            "accounts_server": response.get("accounts_server", ""),
            "api_domain": response.get("api_domain", ""),
            "data_centre": response.get("data_centre", ""),
        }
