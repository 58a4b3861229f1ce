"""What Zoho lets each person do, read from their Zoho profile.

At sign-in and on "Refresh from Zoho" the person's CRM user (`users?type=CurrentUser`: their
profile and role) and their profile (`settings/profiles/{id}`: Mass Update per module in
`permissions_details`) are read, and what the app needs is stored on the `Member`: the
modules they may mass update and whether they are a Zoho administrator.

Zoho may refuse to show a profile (a sign-in from before the app asked for
ZohoCRM.settings.profiles.READ, or an org that keeps profiles from non-administrators): the
permissions are then unknown (`permissions_read_at` None). Starting an update stays allowed,
because Zoho itself refuses a mass update without the permission; undo does not, because
Zoho does not guard the Update Records calls undo makes (see crmupdate.massupdate.permissions).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from crmupdate.accounts.models import Member, Team
from crmupdate.accounts.tokens import zoho_client_for
from crmupdate.zoho.client import ZohoClient
from crmupdate.zoho.errors import ErrorCategory, ZohoError
from crmupdate.zoho.types import Profile, User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProfileRead:
    """The outcome of reading a person's profile: the profile, or Zoho's refusal to show it
    (`refused`), or neither when Zoho could not answer now (what we knew is kept)."""

    profile: Profile | None = None
    refused: bool = False

    def member_fields(self) -> dict[str, Any]:
        """The Member fields this read decides (none when Zoho could not answer now)."""
        if self.profile is not None:
            return {
                "zoho_profile_id": self.profile.id,
                "is_zoho_admin": self.profile.is_administrator,
                "mass_update_modules": list(self.profile.mass_update_modules),
                "permissions_read_at": timezone.now(),
            }
        if self.refused:
            return {"is_zoho_admin": False, "mass_update_modules": [], "permissions_read_at": None}
        return {}


def profile_read(*, client: ZohoClient, crm_user: User) -> ProfileRead:
    """Read the profile of `crm_user` with `client`. Never fails a sign-in: an expired token
    is raised (the caller signs in again), everything else is an answer."""
    if not crm_user.profile_id.isdigit():
        return ProfileRead(refused=True)
    try:
        return ProfileRead(profile=client.get_profile(crm_user.profile_id))
    except ZohoError as error:
        if error.category == ErrorCategory.AUTH:
            raise
        logger.info("zoho profile not read code=%s", error.code)
        return ProfileRead(refused=error.category == ErrorCategory.PERMANENT)


def admin_names_read(*, client: ZohoClient) -> list[str] | None:
    """The names of the org's active Zoho administrators; None when Zoho would not say."""
    try:
        admins = client.list_users("AdminUsers")
    except ZohoError as error:
        if error.category == ErrorCategory.AUTH:
            raise
        logger.info("zoho administrators not read code=%s", error.code)
        return None
    return [u.full_name or u.email for u in admins if u.status in ("", "active")]


def member_permissions_refresh(*, member: Member) -> Member:
    """Read the person's CRM user and profile again from Zoho and store what they grant."""
    client = zoho_client_for(member.user)
    crm_user = client.current_user()
    read = profile_read(client=client, crm_user=crm_user)
    fields: dict[str, Any] = {
        "profile_name": crm_user.profile_name,
        "role_name": crm_user.role_name,
        **read.member_fields(),
    }
    Member.objects.filter(pk=member.pk).update(**fields)
    admins = admin_names_read(client=client)
    if admins is not None:
        Team.objects.filter(pk=member.team_id).update(zoho_admin_names=admins)
        member.team.zoho_admin_names = admins
    for name, value in fields.items():
        setattr(member, name, value)
    return member
