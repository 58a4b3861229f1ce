"""Checking a value sent for a field, as Zoho does on mass update and update records.

Strict on purpose: a picklist takes only its actual values (sending the display value
"Houston" instead of "Houston Showroom" is refused), numbers must be JSON numbers, dates
`YYYY-MM-DD`, date-times ISO 8601 with an offset. Failures are Zoho's INVALID_DATA entries.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from crmupdate.zohosim.http import error_entry
from crmupdate.zohosim.models import SimField

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)")

EXPECTED = {
    "integer": "integer",
    "double": "double",
    "currency": "double",
    "percent": "double",
    "boolean": "boolean",
    "multiselectpicklist": "jsonarray",
    "lookup": "jsonobject",
    "ownerlookup": "jsonobject",
    "userlookup": "jsonobject",
    "layout": "jsonobject",
}


class InvalidValue(Exception):
    def __init__(self, entry: dict[str, Any]) -> None:
        super().__init__(entry["message"])
        self.entry = entry


def _invalid(field: SimField, json_path: str, **extra: Any) -> InvalidValue:
    details = {
        "expected_data_type": EXPECTED.get(field.data_type, field.json_type),
        "api_name": field.api_name,
        "json_path": json_path,
        **extra,
    }
    return InvalidValue(error_entry("INVALID_DATA", "invalid data", details))


def value_clean(
    field: SimField,
    value: Any,
    *,
    json_path: str,
    ref_lookup: Any = None,
) -> Any:
    """The value to store, or raise InvalidValue. `ref_lookup(field, id)` resolves lookup
    ids to `{"name", "id"}` (None if there is no such record or user)."""
    kind = field.data_type
    if value is None or value == "":
        if field.system_mandatory:
            raise _invalid(field, json_path)
        return None
    if kind in ("text", "textarea", "phone", "website", "email"):
        if not isinstance(value, str):
            raise _invalid(field, json_path)
        if field.length and len(value) > field.length:
            raise _invalid(field, json_path, maximum_length=field.length)
        if kind == "email" and not _EMAIL.fullmatch(value):
            raise _invalid(field, json_path)
        return value
    if kind == "picklist":
        if value == "-None-":
            return None
        if not isinstance(value, str) or value not in field.picklist_actual_values():
            raise _invalid(field, json_path)
        return value
    if kind == "multiselectpicklist":
        allowed = field.picklist_actual_values()
        if not isinstance(value, list) or any(
            not isinstance(v, str) or v not in allowed for v in value
        ):
            raise _invalid(field, json_path)
        return list(dict.fromkeys(value))
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid(field, json_path)
        if abs(value) >= 10 ** (field.length or 9):
            raise _invalid(field, json_path, maximum_length=field.length)
        return value
    if kind in ("double", "currency", "percent"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _invalid(field, json_path)
        if abs(value) >= 10 ** (field.length or 16):
            raise _invalid(field, json_path, maximum_length=field.length)
        places = field.decimal_place if field.decimal_place is not None else 2
        return round(float(value), places)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _invalid(field, json_path)
        return value
    if kind == "date":
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise _invalid(field, json_path)
        try:
            date.fromisoformat(value)
        except ValueError:
            raise _invalid(field, json_path) from None
        return value
    if kind == "datetime":
        if not isinstance(value, str) or not _DATETIME.fullmatch(value):
            raise _invalid(field, json_path)
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise _invalid(field, json_path) from None
        return value
    if kind in ("lookup", "ownerlookup", "userlookup", "layout"):
        ref_id = value.get("id") if isinstance(value, dict) else value
        if not isinstance(ref_id, str | int) or isinstance(ref_id, bool):
            raise _invalid(field, json_path)
        resolved = ref_lookup(field, str(ref_id)) if ref_lookup else None
        if resolved is None:
            raise InvalidValue(
                error_entry(
                    "INVALID_DATA",
                    "the id given seems to be invalid",
                    {"api_name": field.api_name, "json_path": json_path},
                )
            )
        return resolved
    raise _invalid(field, json_path)  # computed and upload fields cannot be written


def multiselect_merge(current: Any, new: list[str] | None, *, over_write: bool) -> list[str]:
    """Mass update appends multi-select values unless `over_write` is true."""
    if over_write or new is None:
        return list(new or [])
    existing = current if isinstance(current, list) else []
    return list(dict.fromkeys([*existing, *new]))
