"""Field values for undo: what a step set on a record, whether two values are the same, and
the compact form backups are stored in.

Zoho does not always give a value back exactly as it was sent: numbers come back as floats
(1000 -> 1000.0), date-times in the user's time zone, multi-select values in its own order,
an empty picklist as null or "-None-". Comparisons therefore go through `normalised`, so a
record our update changed is not mistaken for one someone edited since.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Hashable, Sequence
from datetime import datetime
from typing import Any

from django.utils.translation import gettext

EMPTY_VALUES = ("", "-None-")
NUMBER_TYPES = frozenset({"integer", "bigint", "double", "currency", "percent"})


def normalised(value: Any, data_type: str = "") -> Hashable:
    """A comparable form of a field value (None for every kind of "empty"), tagged with its
    kind so that, say, True and 1 stay different."""
    if value is None or (isinstance(value, str) and value.strip() in EMPTY_VALUES):
        return None
    if isinstance(value, list) or data_type == "multiselectpicklist":
        items = value if isinstance(value, list) else [value]
        kept = frozenset(str(v).strip() for v in items if normalised(v) is not None)
        return ("set", kept) if kept else None
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", round(float(value), 9))
    if isinstance(value, dict):  # lookups: the id is what matters
        return ("ref", str(value.get("id") or json.dumps(value, sort_keys=True)))
    text = str(value).strip()
    if data_type in NUMBER_TYPES:
        try:
            return ("number", round(float(text), 9))
        except ValueError:
            return ("text", text)
    if data_type == "datetime":
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return ("text", text)
        return ("time", moment.timestamp()) if moment.tzinfo else ("text", text)
    return ("text", text)


def same(a: Any, b: Any, data_type: str = "") -> bool:
    return normalised(a, data_type) == normalised(b, data_type)


def value_set_by_step(previous: Any, sent: Any, data_type: str, over_write: bool | None) -> Any:
    """What a record held right after the step: the value sent, except for a multi-select
    without `over_write`, where Zoho added the values sent to those the record had."""
    if data_type == "multiselectpicklist" and sent is not None and not over_write:
        existing = previous if isinstance(previous, list) else []
        return list(dict.fromkeys([*existing, *sent]))
    return sent


def value_to_restore(previous: Any, data_type: str) -> Any:
    """The value to write back: exactly what the record had (a multi-select gets its exact
    previous list, since Update Records replaces the list; empty becomes null)."""
    if data_type == "multiselectpicklist":
        return list(previous) if isinstance(previous, list) and previous else None
    if isinstance(previous, str) and previous.strip() in EMPTY_VALUES:
        return None
    return previous


# --- backup pages --------------------------------------------------------------------------


def rows_encode(rows: Sequence[Sequence[Any]]) -> bytes:
    """[[record id, value, value...], ...] as compressed JSON (a few bytes per record)."""
    text = json.dumps(list(rows), separators=(",", ":"), ensure_ascii=False)
    return zlib.compress(text.encode(), 6)


def rows_decode(payload: bytes | memoryview) -> list[list[Any]]:
    return json.loads(zlib.decompress(bytes(payload)))


def display(value: Any) -> str:
    """A value as a person reads it in a table or a CSV cell."""
    if value is None or (isinstance(value, str) and value.strip() in EMPTY_VALUES):
        return ""
    if isinstance(value, list):
        return "; ".join(display(v) for v in value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, dict):
        return str(value.get("name") or value.get("id") or "")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
