"""Reads of mass-update data. Every query starts from the signed-in person's team."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from crmupdate.massupdate.models import Draft, MassUpdate, Step, StepEvent


def update_for_team(*, team: Any, pk: int) -> MassUpdate:
    """The team's update, with its steps and their events; another team's is a 404."""
    steps = Step.objects.order_by("position").prefetch_related(
        Prefetch("events", queryset=StepEvent.objects.order_by("created_at", "id"))
    )
    update = (
        MassUpdate.objects.filter(team=team, pk=pk)
        .prefetch_related(Prefetch("steps", queryset=steps))
        .first()
    )
    if update is None:
        raise Http404("No such update")
    return update


def draft_for_member(*, member: Any, public_id: Any) -> Draft:
    """The person's own draft in their team; anyone else's is a 404."""
    draft = (
        Draft.objects.select_related("update")
        .filter(team=member.team, created_by=member.user, public_id=public_id)
        .first()
    )
    if draft is None:
        raise Http404("No such draft")
    return draft


def updates_recent(*, team: Any, limit: int = 10) -> QuerySet[MassUpdate]:
    return MassUpdate.objects.filter(team=team).order_by("-created_at", "-pk")[:limit]
