"""Comparing a record's value with a new value the way Zoho normalises them.

Whether a record "already holds" the new value decides the review's "no change" rows, and,
once a step has run, whether the step really changed the record. Both must agree with what
Zoho stores, so the comparison follows Zoho's rules, not Python's equality:

* picklists compare actual values ("-None-" and "" are empty);
* multi-select picklists are sets: adding values (`over_write` false, Zoho's default) holds
  when the record already has every one of them; replacing holds when the sets are equal;
* numbers compare as decimals: a stored value holds a new one within half a unit of the
  field's last decimal place (Zoho stores 12.5 for 12.50 and rounds to `decimal_place`);
  integers as integers, whatever their JSON type;
* date-times compare the instant, whatever the offset ("2025-03-31T14:30:00+01:00" is
  "2025-03-31T13:30:00Z"), to the second; dates compare the day;
* booleans: an unset checkbox is false;
* clearing holds when the record has no value.

`value_after` is the value Zoho will store (the combined set when adding to a multi-select).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from crmupdate.zoho.types import Field

DECIMAL_TYPES = frozenset({"double", "currency", "percent"})
INTEGER_TYPES = frozenset({"integer", "bigint"})
DEFAULT_DECIMALS = 2


def is_empty(value: Any) -> bool:
    return value is None or value in ("", "-None-") or (isinstance(value, list) and not value)


def multiselect_values(value: Any) -> list[str]:
    """A multi-select value as Zoho's list (some answers carry "a;b" as one string)."""
    if is_empty(value):
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v not in (None, "")]
    return [part.strip() for part in str(value).split(";") if part.strip()]


def value_after(field: Field, current: Any, new: Any, *, over_write: bool | None = None) -> Any:
    """What the record holds once Zoho has applied `new` (mass update semantics)."""
    if field.data_type == "multiselectpicklist" and not over_write and new is not None:
        return list(dict.fromkeys([*multiselect_values(current), *multiselect_values(new)]))
    return new


def value_holds(field: Field, current: Any, new: Any, *, over_write: bool | None = None) -> bool:
    """Does a record whose value is `current` already hold `new`, as Zoho would store it?
    `over_write` matters for multi-selects only (None or False: the values are added)."""
    kind = field.data_type
    if is_empty(new):  # clearing: Zoho empties the field (multi-selects too)
        return is_empty(current)
    if kind == "multiselectpicklist":
        have, want = set(multiselect_values(current)), set(multiselect_values(new))
        return want == have if over_write else want <= have
    if kind == "boolean":
        return _flag(current) == _flag(new)
    if is_empty(current):
        return False
    if kind in INTEGER_TYPES:
        return _decimal(current, 0) == _decimal(new, 0)
    if kind in DECIMAL_TYPES:
        # Within half a unit of the last decimal place: Zoho rounds what it stores, and a
        # value exactly between two (0.015 at two places) may be stored as either.
        places = field.decimal_place if field.decimal_place is not None else DEFAULT_DECIMALS
        stored, wanted = _decimal(current, None), _decimal(new, None)
        if stored is None or wanted is None:
            return False
        return abs(stored - wanted) <= Decimal(5).scaleb(-max(places, 0) - 1)
    if kind == "datetime":
        moment = _instant(new)
        return moment is not None and _instant(current) == moment
    if kind == "date":
        return str(current)[:10] == str(new)[:10]
    if isinstance(current, dict):  # lookups: Zoho answers {"name", "id"}
        new_id = new.get("id") if isinstance(new, dict) else new
        return str(current.get("id")) == str(new_id)
    return str(current) == str(new)


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


def _decimal(value: Any, places: int | None) -> Decimal | None:
    """The number as a decimal (from its shortest text, so 0.1 is 0.1), rounded half up to
    `places` when given; None when it is not a number."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if places is None:
        return number
    return number.quantize(Decimal(1).scaleb(-max(places, 0)), rounding=ROUND_HALF_UP)


def _instant(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None  # without an offset the instant is unknown
    return moment.astimezone(dt.UTC).replace(microsecond=0)
