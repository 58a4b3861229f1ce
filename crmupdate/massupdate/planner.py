"""Split what a person asked for into Zoho jobs.

Zoho takes one field per mass-update call, three in Deals (zoho-crm-api.md §1.3: more gives
INVALID_DATA "Max field limit exceeded"). `over_write` belongs to the whole call, so two
multi-select changes that disagree about it never share a call.
"""

from __future__ import annotations

from typing import Any

from crmupdate.massupdate.fieldforms import Change

FIELDS_PER_CALL: dict[str, int] = {"Deals": 3}


def fields_per_call(module_api_name: str) -> int:
    return FIELDS_PER_CALL.get(module_api_name, 1)


def plan_steps(module_api_name: str, changes: list[Change]) -> list[list[Change]]:
    """Ordered groups of changes, one Zoho job each, in the order the person gave them."""
    limit = fields_per_call(module_api_name)
    steps: list[list[Change]] = []
    current: list[Change] = []
    for change in changes:
        if any(c.api_name == change.api_name for step in steps + [current] for c in step):
            continue  # the same field twice: the first one wins
        if len(current) >= limit or _over_write_conflict(current, change):
            steps.append(current)
            current = []
        current.append(change)
    if current:
        steps.append(current)
    return steps


def _over_write_conflict(step: list[Change], change: Change) -> bool:
    if change.data_type != "multiselectpicklist":
        return False
    return any(
        c.data_type == "multiselectpicklist" and bool(c.over_write) != bool(change.over_write)
        for c in step
    )


def step_request(changes: list[Change]) -> tuple[dict[str, Any], bool | None]:
    """(`data` object, `over_write`) for one Zoho call. `over_write` is only sent when a
    multi-select picklist must be replaced (Zoho's default is to add to it)."""
    data = {c.api_name: c.value for c in changes}
    replace = any(c.data_type == "multiselectpicklist" and c.over_write for c in changes)
    return data, (True if replace else None)
