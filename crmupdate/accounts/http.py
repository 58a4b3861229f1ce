"""The request a team page receives: `team_required` has checked the person and set who they
are and which team they act for; django-htmx's middleware has set `htmx` on every request."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from crmupdate.accounts.models import Member, Team


class TeamRequest(HttpRequest):
    member: Member
    team: Team
    htmx: HtmxDetails
