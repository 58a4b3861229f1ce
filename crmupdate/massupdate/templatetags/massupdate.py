"""Template helpers for mass-update pages and the dashboard section."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django import template

from crmupdate.massupdate.changetext import change_text, field_labels
from crmupdate.massupdate.explanations import Explanation, explain
from crmupdate.massupdate.permissions import ANY_MODULE, administrators_text, may_start
from crmupdate.massupdate.selectors import updates_recent

register = template.Library()


@register.simple_tag
def recent_updates_for(team: Any, limit: int = 5) -> list[Any]:
    """The team's latest updates (for the dashboard)."""
    if team is None:
        return []
    return list(updates_recent(team=team, limit=limit))


@register.simple_tag
def step_explanation(step: Any) -> Explanation:
    """The plain explanation of a step's stored Zoho error, naming fields by their labels."""
    return explain(
        step.error_code,
        step.error_message,
        step.error_details,
        http_status=step.error_http_status,
        field_labels=field_labels(step.changes),
        maybe_sent=step.maybe_sent,
    )


@register.filter(name="change_text")
def change_text_filter(change: Any) -> str:
    """'Stage → Closed Won', from a stored change."""
    return change_text(change) if isinstance(change, Mapping) else ""


@register.filter
def changes_text(update: Any) -> str:
    """'Stage → Closed Won; Rating → Hot' in the reader's language, from the update's stored
    changes (its stored summary, English, when it has none)."""
    changes = [c for c in getattr(update, "changes", None) or [] if isinstance(c, Mapping)]
    if not changes:
        return str(getattr(update, "summary", "") or "")
    return "; ".join(change_text(c) for c in changes)


@register.filter
def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@register.simple_tag
def permission_note(member: Any) -> str:
    """Why this person cannot start mass updates (for the dashboard), or "" when they can."""
    if member is None or member.may_mass_update_somewhere:
        return ""
    return may_start(member=member, module_api_name="", module_label=ANY_MODULE).reason


@register.simple_tag
def administrators_of(team: Any) -> str:
    return administrators_text(team) if team is not None else ""
