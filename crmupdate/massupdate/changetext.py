"""How a change reads, in one place: "Stage → Closed Won", its new value, its field's label,
and the stored summary column ("Stage → Closed Won; Rating → Hot").

A change here is its stored form (`Change.as_dict()`, as kept in `MassUpdate.changes` and
`Step.changes`): a mapping with `api_name`, `label`, `value`, `display`, `clear`,
`data_type` and `over_write`. Pages, the history, the activity log and error explanations
all read changes through these functions, so a change reads the same everywhere.

The stored `display` is written once, in English, when the change is made. What people
read is written when it is shown, in their language: "Yes"/"No" anew from the stored value,
numbers with the language's separators, "(cleared)" translated; picklist values (Zoho's
words) and dates (already in the person's locale) as stored. The stored summary column stays
English (it is searched).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

ARROW = "→"
# Summaries stored before the arrow became "→" used an ASCII one.
OLD_SUMMARY_ARROW = "->"
NUMBER_TYPES = frozenset({"integer", "bigint", "double", "currency", "percent"})
SUMMARY_LANGUAGE = "en"
_STORED_NUMBER = re.compile(r"-?\d{1,3}(,\d{3})*(\.\d+)?%?|-?\d+(\.\d+)?%?")


def change_label(change: Mapping[str, Any]) -> str:
    """The label of the changed field (its API name when no label was kept)."""
    return str(change.get("label") or change.get("api_name") or "")


def field_labels(changes: Iterable[Any] | None) -> dict[str, str]:
    """API name -> label of each changed field, for naming fields in Zoho's errors."""
    return {
        str(c.get("api_name", "")): change_label(c) for c in changes or [] if isinstance(c, Mapping)
    }


def number_text(number: Decimal | int, *, percent: bool = False) -> str:
    """A number as people read it in the active language: "1,250.50" in English, "1 250,50"
    in Spanish; percents with "%"."""
    return number_format(number, force_grouping=True) + ("%" if percent else "")


def yes_no(flag: bool) -> str:
    return _("Yes") if flag else _("No")


def change_display(change: Mapping[str, Any]) -> str:
    """The new value in the active language (the stored `display` is English)."""
    display = str(change.get("display", ""))
    kind = change.get("data_type")
    if kind == "boolean" and isinstance(change.get("value"), bool):
        return yes_no(bool(change.get("value")))
    if kind in NUMBER_TYPES and _STORED_NUMBER.fullmatch(display):
        # stored as Python writes f"{number:,}" ("1,250.50", "15%"): the same digits, with
        # the active language's separators ("1 250,50")
        marks = {
            ",": str(get_format("THOUSAND_SEPARATOR")),
            ".": str(get_format("DECIMAL_SEPARATOR")),
        }
        return "".join(marks.get(c, c) for c in display)
    return display


def change_adds(change: Mapping[str, Any]) -> bool:
    """Does the change add values to those a multi-select already holds?"""
    return (
        change.get("data_type") == "multiselectpicklist"
        and not change.get("over_write")
        and not change.get("clear")
    )


def change_value_text(change: Mapping[str, Any]) -> str:
    """What the change puts in the field: the value, "(cleared)", or "+ value" for values
    added to those a multi-select already holds."""
    if change.get("clear"):
        return _("(cleared)")
    if change_adds(change):
        return f"+ {change_display(change)}"
    return change_display(change)


def change_text(change: Mapping[str, Any], *, arrow: str = ARROW) -> str:
    """'Stage → Closed Won'."""
    return f"{change_label(change)} {arrow} {change_value_text(change)}"


def changes_summary(changes: Iterable[Mapping[str, Any]]) -> str:
    """The stored summary column: 'Stage → Closed Won; Rating → Hot', in English whoever
    makes the update (the history searches it; pages show `changes` in each person's
    language)."""
    with translation.override(SUMMARY_LANGUAGE):
        return "; ".join(change_text(c) for c in changes)


def change_phrase(change: Mapping[str, Any]) -> str:
    """The change in a plain-text sentence: 'set Rating to Hot', 'clear Phone', 'add English
    to Languages' (the review writes the same with Zoho's words marked)."""
    label = change_label(change)
    if change.get("clear"):
        return _("clear %(label)s") % {"label": label}
    if change_adds(change):
        return _("add %(value)s to %(label)s") % {"label": label, "value": change_display(change)}
    return _("set %(label)s to %(value)s") % {"label": label, "value": change_display(change)}
