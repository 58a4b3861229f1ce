"""From Zoho field metadata to form controls, and from typed input to what Zoho receives.

Pure functions over `crmupdate.zoho.types.Field`: which fields a person may change with a mass
update, and the conversion of a cleaned value into the JSON value Zoho expects plus the text
the person reads (dates in their locale). The form control of each data type is in
`valuefields`. Odd metadata (unknown types, missing lengths, nonsense numbers) never
crashes anything: such fields are simply not offered, or get safe defaults.

Zoho facts used (zoho-crm-api.md §1.3, §3.3): email, lookup, multi-line, layout and line-item
fields cannot be mass updated; picklists send `actual_value`; dates are "YYYY-MM-DD";
date-times ISO 8601 with the offset; multi-select values are arrays and `over_write` replaces
instead of appending.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _

from crmupdate.locales import date_style
from crmupdate.massupdate.changetext import (
    change_adds,
    change_display,
    change_phrase,
    change_text,
    number_text,
    yes_no,
)
from crmupdate.zoho.types import Field

API_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,99}")

# data_type -> JSON types Zoho may declare for it (empty: not declared).
_JSON_TYPES: dict[str, set[str]] = {
    "text": {"string"},
    "phone": {"string"},
    "website": {"string"},
    "picklist": {"string"},
    "multiselectpicklist": {"jsonarray"},
    "boolean": {"boolean"},
    "integer": {"integer"},
    "bigint": {"string", "integer", "double"},
    "double": {"double", "integer"},
    "currency": {"double", "integer"},
    "percent": {"double", "integer"},
    "date": {"string"},
    "datetime": {"string"},
}
OFFERED_TYPES = frozenset(_JSON_TYPES)
NUMBER_TYPES = frozenset({"integer", "bigint", "double", "currency", "percent"})

EMPTY_PICKLIST_VALUES = frozenset({"", "-None-"})


@dataclass(frozen=True)
class Change:
    """One field change: what Zoho receives (`value`, None clears) and what people read."""

    api_name: str
    label: str
    data_type: str
    value: Any
    display: str
    clear: bool = False
    over_write: bool | None = None  # multi-select only: replace (True) or add to (False)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Change:
        return cls(
            api_name=str(d["api_name"]),
            label=str(d.get("label") or d["api_name"]),
            data_type=str(d.get("data_type") or ""),
            value=d.get("value"),
            display=str(d.get("display") or ""),
            clear=bool(d.get("clear", False)),
            over_write=d.get("over_write"),
        )

    @property
    def phrase(self) -> str:
        """'set Rating to Hot', 'clear Phone', 'add English to Languages'."""
        return change_phrase(self.as_dict())

    @property
    def shown(self) -> str:
        """The new value as people read it, in their language ("Sí", "1 000")."""
        return change_display(self.as_dict())

    @property
    def adds(self) -> bool:
        """Values added to those a multi-select already holds (not replacing them)."""
        return change_adds(self.as_dict())

    @property
    def summary(self) -> str:
        """'Rating → Hot' (the summary column)."""
        return change_text(self.as_dict())


def is_offered(field: Field) -> bool:
    """May a person change this field with a mass update? Zoho must allow it (`mass_update`),
    it must be visible and writable for them, of a type we have a control for, and its
    metadata must make sense."""
    try:
        declared = (field.json_type or "").lower()
        return bool(
            field.mass_update
            and field.visible
            and not field.read_only
            and not field.field_read_only
            and field.data_type in OFFERED_TYPES
            and (not declared or declared in _JSON_TYPES[field.data_type])
            and API_NAME.fullmatch(field.api_name or "")
            and (
                field.data_type not in {"picklist", "multiselectpicklist"}
                or picklist_choices(field)
            )
        )
    except (AttributeError, TypeError, KeyError):
        return False


def offered_fields(fields: list[Field]) -> list[Field]:
    seen: set[str] = set()
    offered = []
    for f in fields:
        if is_offered(f) and f.api_name not in seen:
            seen.add(f.api_name)
            offered.append(f)
    return sorted(offered, key=lambda f: (f.label.lower(), f.api_name))


def can_clear(field: Field) -> bool:
    """Fields that may be empty get a "clear this field" box (never booleans or required ones)."""
    return field.data_type != "boolean" and not field.system_mandatory


def picklist_choices(field: Field) -> list[tuple[str, str]]:
    """(actual_value, display_value) of the picklist's usable values, in Zoho's order."""
    choices: list[tuple[str, str]] = []
    seen: set[str] = set()
    for value in sorted(field.pick_list_values or [], key=lambda p: p.sequence_number):
        actual = (value.actual_value or "").strip()
        if actual in EMPTY_PICKLIST_VALUES or actual in seen or value.type == "unused":
            continue
        seen.add(actual)
        choices.append((actual, (value.display_value or actual).strip() or actual))
    return choices


def person_zone(time_zone: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return ZoneInfo("UTC")


def to_change(
    field: Field,
    value: Any,
    *,
    clear: bool = False,
    over_write: bool = False,
    time_zone: str | None = None,
    locale: str | None = None,
) -> Change:
    """A cleaned form value as a Change: the JSON value for Zoho and the text people read."""

    def made(sent: Any, display: str, **extra: Any) -> Change:
        return Change(
            api_name=field.api_name,
            label=field.label,
            data_type=field.data_type,
            value=sent,
            display=display,
            **extra,
        )

    if clear:
        return made(None, "(empty)", clear=True)
    kind = field.data_type
    if kind == "picklist":
        return made(str(value), dict(picklist_choices(field)).get(value, str(value)))
    if kind == "multiselectpicklist":
        labels = dict(picklist_choices(field))
        values = [str(v) for v in value]
        shown = ", ".join(labels.get(v, v) for v in values)
        return made(values, shown, over_write=bool(over_write))
    if kind == "boolean":
        flag = value in (True, "true", "True", "on", "1")
        return made(flag, "Yes" if flag else "No")
    if kind in {"integer", "bigint"}:
        whole = int(value)
        as_text = kind == "bigint" and (field.json_type or "").lower() == "string"
        return made(str(whole) if as_text else whole, f"{whole:,}")
    if kind in {"double", "currency", "percent"}:
        number = Decimal(value)
        sent: int | float = int(number) if number == number.to_integral_value() else float(number)
        return made(sent, f"{number:,}" + ("%" if kind == "percent" else ""))
    style = date_style(locale)
    if kind == "date":
        return made(value.isoformat(), style.show_date(value))
    if kind == "datetime":
        zone = person_zone(time_zone)
        local = value.astimezone(zone)
        return made(
            local.replace(microsecond=0).isoformat(timespec="seconds"),
            f"{style.show_datetime(local)} ({zone.key})",
        )
    return made(str(value), str(value))


def display_value(
    field: Field | None, value: Any, *, time_zone: str | None = None, locale: str | None = None
) -> str:
    """A record's current value as people read it, the way the new value is shown
    (picklists by their display values, numbers with separators, times in their zone), in
    the active language."""
    if value is None or value == "" or value == []:
        return _("(empty)")
    kind = field.data_type if field is not None else ""
    if kind in {"integer", "bigint", "double", "currency", "percent"}:
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            return str(value)
        if not number.is_finite():
            return str(value)
        return number_text(number, percent=kind == "percent")
    if kind == "date" and isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        return date_style(locale).show_date(day)
    if kind == "datetime" and isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        zone = person_zone(time_zone)
        try:
            local = moment.astimezone(zone) if moment.tzinfo else moment
        except OverflowError:  # near year 1 or 9999 the zone shift leaves the calendar
            return value
        return f"{date_style(locale).show_datetime(local)} ({zone.key})"
    if field is not None and kind in {"picklist", "multiselectpicklist"}:
        labels = {p.actual_value: p.display_value for p in field.pick_list_values}
        if isinstance(value, list):  # a multi-select's set, written as Zoho writes it
            return "; ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("name") or value.get("id") or "")
    return str(value)


def is_data_text(field: Field | None, value: Any) -> bool:
    """Is `display_value` of this value the record's own words (Zoho's data, not to be
    translated), rather than ours ("(empty)", Yes and No, numbers, dates)?"""
    if value is None or value == "" or value == [] or isinstance(value, bool):
        return False
    kind = field.data_type if field is not None else ""
    return kind not in {*NUMBER_TYPES, "date", "datetime", "boolean"}
