"""How a change reads, in one place: "Stage → Closed Won", "set Stage to Closed Won", its
field's label, and the stored summary column ("Stage → Closed Won; Rating → Hot").

A change here is its stored form (`Change.as_dict()`, as kept in `MassUpdate.changes` and
`Step.changes`): a mapping with `api_name`, `label`, `display`, `clear`, `data_type` and
`over_write`. Pages, the history, the activity log and error explanations all read changes
through these functions, so a change reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

ARROW = "→"
# Summaries stored before the arrow became "→" used an ASCII one.
OLD_SUMMARY_ARROW = "->"


def change_label(change: Mapping[str, Any]) -> str:
    """The label of the changed field (its API name when no label was kept)."""
    return str(change.get("label") or change.get("api_name") or "")


def field_labels(changes: Iterable[Any] | None) -> dict[str, str]:
    """API name -> label of each changed field, for naming fields in Zoho's errors."""
    return {
        str(c.get("api_name", "")): change_label(c) for c in changes or [] if isinstance(c, Mapping)
    }


def change_value_text(change: Mapping[str, Any]) -> str:
    """What the change puts in the field: the value, "(cleared)", or "+ value" for values
    added to those a multi-select already holds."""
    if change.get("clear"):
        return "(cleared)"
    if change.get("data_type") == "multiselectpicklist" and not change.get("over_write"):
        return f"+ {change.get('display', '')}"
    return str(change.get("display", ""))


def change_text(change: Mapping[str, Any], *, arrow: str = ARROW) -> str:
    """'Stage → Closed Won'."""
    return f"{change_label(change)} {arrow} {change_value_text(change)}"


def change_phrase(change: Mapping[str, Any]) -> str:
    """The change in a sentence: 'set Rating to Hot', 'clear Phone', 'add English to
    Languages' (the review's "This will ...")."""
    label = change_label(change)
    if change.get("clear"):
        return f"clear {label}"
    if change.get("data_type") == "multiselectpicklist" and not change.get("over_write"):
        return f"add {change.get('display', '')} to {label}"
    return f"set {label} to {change.get('display', '')}"


def changes_summary(changes: Iterable[Mapping[str, Any]]) -> str:
    """The stored summary column: 'Stage → Closed Won; Rating → Hot'."""
    return "; ".join(change_text(c) for c in changes)
