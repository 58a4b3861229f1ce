"""Template helpers for undo: the review page's backup box and the update page's undo panel
(the history's undo cell is built with its row, in crmupdate/history/rows.py)."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.conf import settings

from crmupdate.massupdate.permissions import may_undo
from crmupdate.massupdate.undo.selectors import undo_state

register = template.Library()

PER_PAGE = 200


@register.inclusion_tag("massupdate/undo_backup_choice.html")
def backup_choice(preview: Any) -> dict[str, Any]:
    """The "Keep a backup" box of the review page, with what it costs in Zoho calls."""
    count = getattr(preview, "count", None)
    steps = getattr(preview, "steps", 1) or 1
    calls = steps * max(1, math.ceil(count / PER_PAGE)) if count else None
    return {"calls": calls, "days": settings.UNDO_RETENTION_DAYS}


@register.inclusion_tag("massupdate/undo_panel.html", takes_context=True)
def undo_panel(context: Any, update: Any) -> dict[str, Any]:
    """On the update's page: "Undo this update", or why not, or how the undo went."""
    member = getattr(context.get("request"), "member", None)
    allowed = may_undo(member=member, update=update) if member is not None else None
    return {"state": undo_state(update), "update": update, "may_undo": allowed}
