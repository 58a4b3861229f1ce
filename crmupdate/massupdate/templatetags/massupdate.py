"""Template helpers for mass-update pages and the dashboard section."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import gettext as _

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


def _record_noun(update: Any, count: int) -> str:
    """Zoho's name of the module's records for `count` of them ("1 deal", "3 deals")."""
    many = (update.module_label or "").lower()
    if not many:
        return _("record") if count == 1 else _("records")
    return many[:-1] if count == 1 and many.endswith("s") else many


@register.simple_tag
def outcome_words(update: Any, outcome: Any, steps: list[Any]) -> dict[str, Any]:
    """What the update's page needs to word its outcome: Zoho's name for the records counted,
    and, when only some field changes reached Zoho, how many did and why the rest did not
    (the first refused step's explanation)."""
    counts = outcome.counts
    changed = counts.changed if counts else 0
    total = sum(len(s.changes or []) for s in steps)
    applied = sum(len(s.changes or []) for s in steps if s.status == "completed")
    found: dict[str, Any] | None = None
    if 0 < applied < total:
        failed = next((s for s in steps if s.error_code), None)
        reason = str(step_explanation(failed).text) if failed is not None else ""
        reason = f"{reason[:1].lower()}{reason[1:]}".rstrip(".")
        found = {"applied": applied, "total": total, "missing": total - applied,
                 "changed": changed, "reason": reason}  # fmt: skip
    return {
        "frozen_noun": _record_noun(update, counts.frozen if counts else 0),
        "changed_noun": _record_noun(update, changed),
        "applied": found,
    }


@register.filter(name="change_text")
def change_text_filter(change: Any) -> str:
    """'Stage → Closed Won', from a stored change."""
    return change_text(change) if isinstance(change, Mapping) else ""


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
