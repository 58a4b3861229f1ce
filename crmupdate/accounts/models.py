"""Teams (one per Zoho CRM organisation), their members, and each member's Zoho connection.

Everything the app stores belongs to a `Team`; a person reaches it through `Member`.
Tokens are kept only encrypted (see `crmupdate.accounts.crypto`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# An access token is used until this long before Zoho says it expires, then refreshed.
ACCESS_TOKEN_MARGIN = timedelta(minutes=5)


class Team(models.Model):
    """The people of one Zoho CRM organisation, and everything they store here."""

    zoho_org_id = models.CharField(max_length=64, unique=True)
    company_name = models.CharField(max_length=255, blank=True)
    # The Zoho data centre ("us", "eu", ...; "sim" for the built-in simulator).
    data_centre = models.CharField(max_length=16, blank=True)
    api_domain = models.URLField(max_length=255)
    edition = models.CharField(max_length=64, blank=True)
    # The org's Zoho administrators (users?type=AdminUsers), named on pages that say whom to
    # ask for a permission; read at each sign-in and "Refresh from Zoho".
    zoho_admin_names = models.JSONField(default=list, blank=True)
    # The organisation's remaining Zoho API credits as Zoho last reported them
    # (X-API-CREDITS-REMAINING, sent only once half the day's credits are used).
    api_credits_remaining = models.PositiveIntegerField(null=True, blank=True)
    api_credits_seen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["company_name", "pk"]

    def __str__(self) -> str:
        return self.company_name or f"Zoho organisation {self.zoho_org_id}"

    @property
    def api_credits_known(self) -> int | None:
        """The credits Zoho last reported, if it did in the last 24 hours (its window)."""
        if self.api_credits_remaining is None or self.api_credits_seen_at is None:
            return None
        if self.api_credits_seen_at < timezone.now() - timedelta(hours=24):
            return None
        return self.api_credits_remaining


class Member(models.Model):
    """A person of a team: a Django user tied to one Zoho CRM user of the team's org."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    zoho_user_id = models.CharField(max_length=64)  # the CRM user id (users API "id")
    zuid = models.CharField(max_length=64, blank=True)  # the Zoho account id (user info "ZUID")
    full_name = models.CharField(max_length=255, blank=True)
    email = models.EmailField(max_length=255, blank=True)
    profile_name = models.CharField(max_length=255, blank=True)
    role_name = models.CharField(max_length=255, blank=True)
    time_zone = models.CharField(max_length=64, blank=True, default="UTC")
    # What Zoho's profile grants, read at sign-in and on "Refresh from Zoho" (see
    # crmupdate.accounts.permissions). `permissions_read_at` None: Zoho did not let us read
    # the profile, so what the person may do is unknown.
    zoho_profile_id = models.CharField(max_length=64, blank=True)
    is_zoho_admin = models.BooleanField(default=False)
    mass_update_modules = models.JSONField(default=list, blank=True)
    permissions_read_at = models.DateTimeField(null=True, blank=True)
    # Set here, not in Zoho: may undo, retry and resume the team's updates like a Zoho
    # administrator (still only in modules where their own profile grants Mass Update).
    is_team_admin = models.BooleanField(default=False)
    # The language chosen on the account page; "" follows the Zoho locale, then the browser
    # (crmupdate.accounts.language).
    language = models.CharField(max_length=8, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "zoho_user_id"], name="member_unique_per_team")
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or f"Zoho user {self.zoho_user_id}"

    @property
    def permissions_known(self) -> bool:
        return self.permissions_read_at is not None

    @property
    def is_administrator(self) -> bool:
        return self.is_zoho_admin or self.is_team_admin

    def may_mass_update(self, module_api_name: str) -> bool:
        """May this person start a mass update in the module? Unknown permissions: yes
        (Zoho itself refuses at submit)."""
        if not self.permissions_known:
            return True
        return module_api_name in (self.mass_update_modules or [])

    @property
    def may_mass_update_somewhere(self) -> bool:
        return not self.permissions_known or bool(self.mass_update_modules)


class ZohoConnection(models.Model):
    """One person's OAuth grant: where their accounts server and CRM API are, and the tokens.

    `refresh_token_encrypted` and `access_token_encrypted` hold Fernet tokens, never plain
    text. `refresh_lease_until` marks a refresh in progress so that two processes needing a
    fresh access token at the same moment cause one call to Zoho, not two.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="zoho_connection"
    )
    accounts_server = models.URLField(max_length=255)
    api_domain = models.URLField(max_length=255)
    data_centre = models.CharField(max_length=16, blank=True)
    scope = models.TextField(blank=True)
    refresh_token_encrypted = models.TextField(blank=True)
    access_token_encrypted = models.TextField(blank=True)
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_lease_until = models.DateTimeField(null=True, blank=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    needs_reauth = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Zoho connection of user {self.user_id} at {self.api_domain}"

    @property
    def has_refresh_token(self) -> bool:
        return bool(self.refresh_token_encrypted)

    @property
    def usable(self) -> bool:
        """Can this connection get access tokens without the person signing in again?"""
        return self.has_refresh_token and not self.needs_reauth

    def access_token_fresh(self, now: datetime | None = None) -> bool:
        """Is the cached access token good for at least ACCESS_TOKEN_MARGIN more?"""
        if not self.access_token_encrypted or self.access_token_expires_at is None:
            return False
        return self.access_token_expires_at - ACCESS_TOKEN_MARGIN > (now or timezone.now())
