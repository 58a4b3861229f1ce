"""From Zoho field metadata to form controls, and from typed input to what Zoho receives.

Pure functions over `crmupdate.zoho.types.Field`: which fields a person may change with a mass
update, the Django form field that fits each data type (lengths, decimal places, picklist
values), and the conversion of a cleaned value into the JSON value Zoho expects plus the text
the person reads. Odd metadata (unknown types, missing lengths, nonsense numbers) never
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

from django import forms
from django.core.validators import RegexValidator

from crmupdate.massupdate.changetext import SUMMARY_ARROW, change_phrase, change_text
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

# (default, largest accepted) for Zoho's `length`: text-like in characters, numbers in digits.
_LENGTHS: dict[str, tuple[int, int]] = {
    "text": (255, 2000),
    "phone": (30, 50),
    "website": (255, 450),
    "integer": (9, 9),
    "bigint": (18, 18),
    "double": (16, 18),
    "currency": (16, 18),
    "percent": (5, 18),
}
_INT32_MAX = 2**31 - 1
_DEFAULT_DECIMALS = 2
_MAX_DECIMALS = 9
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
    def summary(self) -> str:
        """'Rating -> Hot' (the summary column)."""
        return change_text(self.as_dict(), arrow=SUMMARY_ARROW)


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


def _length(field: Field) -> int:
    default, largest = _LENGTHS.get(field.data_type, (255, 2000))
    length = field.length
    return length if isinstance(length, int) and 1 <= length <= largest else default


def _decimals(field: Field) -> int:
    places = field.decimal_place
    if isinstance(places, int) and 0 <= places <= _MAX_DECIMALS:
        return places
    return _DEFAULT_DECIMALS


def person_zone(time_zone: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return ZoneInfo("UTC")


class ZonedDateTimeField(forms.DateTimeField):
    """A date-time typed in the person's own time zone (not the server's)."""

    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

    def __init__(self, *, zone: ZoneInfo, **kwargs: Any) -> None:
        self.zone = zone
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=self.zone)
        for fmt in self.input_formats:
            try:
                parsed = dt.datetime.strptime(str(value).strip(), fmt)
            except ValueError:
                continue
            return parsed.replace(tzinfo=self.zone)
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.astimezone(self.zone).strftime("%Y-%m-%dT%H:%M")
        return value


def value_field(field: Field, *, time_zone: str | None = None) -> forms.Field:
    """The form control for a field's new value. Never required at this level: the changes
    form decides (a value, or "clear this field")."""
    label = field.label
    kind = field.data_type
    if kind == "picklist":
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", "Choose a value")] + picklist_choices(field),
            error_messages={"invalid_choice": "Choose one of the values in the list."},
        )
    if kind == "multiselectpicklist":
        return forms.MultipleChoiceField(
            label=label,
            required=False,
            choices=picklist_choices(field),
            error_messages={"invalid_choice": "Choose values from the list only."},
        )
    if kind == "boolean":
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("true", "Yes"), ("false", "No")],
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": "Choose Yes or No."},
        )
    if kind in {"integer", "bigint"}:
        digits = _length(field)
        largest = 10**digits - 1
        if kind == "integer":
            largest = min(largest, _INT32_MAX)
        return forms.IntegerField(
            label=label,
            required=False,
            min_value=-largest,
            max_value=largest,
            widget=forms.NumberInput(attrs={"step": "1"}),
            error_messages={
                "invalid": "Type a whole number, like 1000 (digits only, no commas).",
                "max_value": f"Type a number no larger than {largest:,}.",
                "min_value": f"Type a number no smaller than {-largest:,}.",
            },
        )
    if kind in {"double", "currency", "percent"}:
        places = _decimals(field)
        digits = _length(field)
        step = "1" if places == 0 else "0." + "0" * (places - 1) + "1"
        return forms.DecimalField(
            label=label,
            required=False,
            max_digits=digits + places,
            decimal_places=places,
            widget=forms.NumberInput(attrs={"step": step}),
            error_messages={
                "invalid": "Type a number, like 1250.50 (digits and one dot, no commas).",
                "max_digits": f"Use at most {digits + places} digits in total.",
                "max_decimal_places": f"Use at most {places} digits after the dot.",
                "max_whole_digits": f"Use at most {digits} digits before the dot.",
            },
        )
    if kind == "date":
        return forms.DateField(
            label=label,
            required=False,
            input_formats=["%Y-%m-%d"],
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": "Type a date like 2025-03-31 (year-month-day)."},
        )
    if kind == "datetime":
        zone = person_zone(time_zone)
        return ZonedDateTimeField(
            zone=zone,
            label=label,
            required=False,
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
            help_text=f"In your time zone ({zone.key}).",
            error_messages={"invalid": "Type a date and time like 2025-03-31 14:30."},
        )
    length = _length(field)
    validators = []
    if kind == "phone":
        validators.append(
            RegexValidator(
                r"^(?=.*\d)[0-9+()\-.\s/#*xX]+$",
                "Type a phone number: digits, spaces and + - ( ) only.",
            )
        )
    elif kind == "website":
        validators.append(
            RegexValidator(
                r"^(https?://)?[^\s/.][^\s]*\.[^\s]+$",
                "Type a web address like www.example.com.",
            )
        )
    return forms.CharField(
        label=label,
        required=False,
        max_length=length,
        validators=validators,
        # Websites stay plain text: Zoho accepts "www.example.com" without a scheme.
        widget=forms.TextInput,
        error_messages={"max_length": f"Use at most {length} characters."},
    )


def to_change(
    field: Field,
    value: Any,
    *,
    clear: bool = False,
    over_write: bool = False,
    time_zone: str | None = None,
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
    if kind == "date":
        return made(value.isoformat(), f"{value.day} {value:%b %Y}")
    if kind == "datetime":
        zone = person_zone(time_zone)
        local = value.astimezone(zone)
        return made(
            local.replace(microsecond=0).isoformat(timespec="seconds"),
            f"{local.day} {local:%b %Y, %H:%M} ({zone.key})",
        )
    return made(str(value), str(value))


def display_value(field: Field | None, value: Any, *, time_zone: str | None = None) -> str:
    """A record's current value as people read it, the way the new value is shown
    (picklists by their display values, numbers with separators, times in their zone)."""
    if value is None or value == "" or value == []:
        return "(empty)"
    kind = field.data_type if field is not None else ""
    if kind in {"integer", "bigint", "double", "currency", "percent"}:
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            return str(value)
        return f"{number:,}" + ("%" if kind == "percent" else "")
    if kind == "date" and isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        return f"{day.day} {day:%b %Y}"
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
        return f"{local.day} {local:%b %Y, %H:%M} ({zone.key})"
    if field is not None and kind in {"picklist", "multiselectpicklist"}:
        labels = {p.actual_value: p.display_value for p in field.pick_list_values}
        if isinstance(value, list):  # a multi-select's set, written as Zoho writes it
            return "; ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("name") or value.get("id") or "")
    return str(value)
