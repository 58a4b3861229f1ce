"""Reads of accounts data. Every team-owned query starts from the signed-in person's team."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from crmupdate.accounts.models import Member, Team, ZohoConnection


def member_for_user(*, user: Any) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.select_related("team").filter(user_id=user.pk).first()


def team_members(*, team: Team) -> list[Member]:
    return list(Member.objects.filter(team=team).order_by("full_name", "pk"))


def team_administrators(*, team: Team) -> list[Member]:
    """The people of the team who may undo, retry and resume others' updates: Zoho
    administrators and team administrators (named on pages that say whom to ask)."""
    return list(
        Member.objects.filter(team=team)
        .filter(Q(is_zoho_admin=True) | Q(is_team_admin=True))
        .order_by("full_name", "pk")
    )


def connection_for_user(*, user: Any) -> ZohoConnection | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ZohoConnection.objects.filter(user_id=user.pk).first()
