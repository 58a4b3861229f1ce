"""Status badges and the activity log in words (see `crmupdate.massupdate.statuses` and
`crmupdate.massupdate.activity`)."""

from __future__ import annotations

from typing import Any

from django import template

from crmupdate.massupdate.activity import ActivityEntry, step_activity
from crmupdate.massupdate.statuses import StatusWord, status_word_of, zoho_job_status_word

register = template.Library()


@register.inclusion_tag("massupdate/_status_badge.html")
def status_badge(item: Any, explain: bool = False) -> dict[str, Any]:
    """The badge of a step, an update or an undo; `explain` adds the sentence after it."""
    return {"word": status_word_of(item), "explain": explain}


@register.simple_tag
def status_word(item: Any) -> StatusWord:
    return status_word_of(item)


@register.simple_tag
def zoho_job_word(status: str) -> StatusWord:
    return zoho_job_status_word(status)


@register.simple_tag
def activity_of(step: Any) -> list[ActivityEntry]:
    """The step's events as entries the activity template words as sentences."""
    return step_activity(step)
