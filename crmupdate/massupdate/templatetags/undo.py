"""Template helpers for undo: the review page's backup box, the update page's undo panel and
the history's undo cell."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.conf import settings

from crmupdate.massupdate.undo.selectors import UndoCell, undo_cells_for, undo_state

register = template.Library()

PER_PAGE = 200


@register.inclusion_tag("massupdate/undo_backup_choice.html")
def backup_choice(preview: Any) -> dict[str, Any]:
    """The "Keep a backup" box of the review page, with what it costs in Zoho calls."""
    count = getattr(preview, "count", None)
    steps = getattr(preview, "steps", 1) or 1
    calls = steps * max(1, math.ceil(count / PER_PAGE)) if count else None
    return {"calls": calls, "days": int(getattr(settings, "UNDO_RETENTION_DAYS", 30))}


@register.inclusion_tag("massupdate/undo_panel.html")
def undo_panel(update: Any) -> dict[str, Any]:
    """On the update's page: "Undo this update", or why not, or how the undo went."""
    return {"state": undo_state(update), "update": update}


@register.simple_tag
def undo_cells(rows: Any) -> dict[int, UndoCell]:
    """Undo cells of a page of history rows, in one query (none per row)."""
    return undo_cells_for(rows)


@register.inclusion_tag("massupdate/undo_history_cell.html")
def undo_cell(cells: dict[int, UndoCell] | None, row: Any) -> dict[str, Any]:
    """A history row's undo link, or its state. `cells` from `undo_cells` of the page (a row
    refreshed on its own looks itself up)."""
    pk = row["pk"] if isinstance(row, dict) else row.pk
    if cells is None or not isinstance(cells, dict):
        cells = undo_cells_for([row])
    return {"cell": cells.get(pk), "pk": pk}
