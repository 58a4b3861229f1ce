"""The form control for each Zoho data type, with the field's own limits from Zoho's metadata.

Text keeps to `length` (characters), whole numbers to `length` digits (and 32 bits for
integers), decimals, currency and percent to `length` digits before the dot and
`decimal_place` after it: Zoho's create-field rules (zoho-crm-api.md §3.3) and nothing more,
so a percent of 150 is Zoho's to accept or refuse. Limits are told beside the input and
checked before review; a `maxlength` attribute is never set, because a browser would cut a
longer paste without a word. Dates and date-times are typed in the person's locale (see
`locales`) or picked from the native calendar beside the box.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crmupdate.locales import DateStyle, date_style
from crmupdate.massupdate.changetext import number_text
from crmupdate.massupdate.fieldforms import person_zone, picklist_choices
from crmupdate.zoho.types import Field

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


def _length(field: Field) -> int:
    default, largest = _LENGTHS.get(field.data_type, (255, 2000))
    length = field.length
    return length if isinstance(length, int) and 1 <= length <= largest else default


def _decimals(field: Field) -> int:
    places = field.decimal_place
    if isinstance(places, int) and 0 <= places <= _MAX_DECIMALS:
        return places
    return _DEFAULT_DECIMALS


class DataSelect(forms.Select):
    """A select whose values are Zoho's words (picklist values, module and field labels):
    each option but the empty "Choose..." one is marked `translate="no"`, so translation
    tools leave the CRM's own words alone."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        if option["value"] not in ("", None):
            option["attrs"] = {**option["attrs"], "translate": "no"}
        return option


class ZonedDateTimeField(forms.DateTimeField):
    """A date-time typed in the person's own time zone (not the server's) and locale."""

    def __init__(self, *, zone: ZoneInfo, style: DateStyle, **kwargs: Any) -> None:
        self.zone = zone
        self.style = style
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=self.zone)
        for fmt in self.style.datetime_inputs:
            try:
                parsed = dt.datetime.strptime(str(value).strip(), fmt)
            except ValueError:
                continue
            return parsed.replace(tzinfo=self.zone)
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return self.style.show_datetime(value.astimezone(self.zone))
        return value


class TextField(forms.CharField):
    """Text with Zoho's length limit checked on the server, not by the browser: a `maxlength`
    attribute would silently cut a longer paste, and the person would never know."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


def field_unit(field: Field, *, currency_symbol: str = "") -> str:
    """What goes beside the input: "%" for percents, the org's currency symbol for money."""
    if field.data_type == "percent":
        return "%"
    if field.data_type == "currency":
        return currency_symbol
    return ""


def value_field(
    field: Field, *, time_zone: str | None = None, locale: str | None = None
) -> forms.Field:
    """The form control for a field's new value. Never required at this level: the changes
    form decides (a value, or "clear this field"). Limits are the field's own from Zoho's
    metadata (`length`, `decimal_place`), told beside the input and checked before review."""
    label = field.label
    kind = field.data_type
    style = date_style(locale)
    if kind == "picklist":
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", _("Choose a value"))] + picklist_choices(field),
            widget=DataSelect,
            error_messages={"invalid_choice": _("Choose one of the values in the list.")},
        )
    if kind == "multiselectpicklist":
        return forms.MultipleChoiceField(
            label=label,
            required=False,
            choices=picklist_choices(field),
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": _("Choose values from the list only.")},
        )
    if kind == "boolean":
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("true", _("Yes")), ("false", _("No"))],
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": _("Choose Yes or No.")},
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
                "invalid": _("Type a whole number, like 1000 (digits only, no commas)."),
                "max_value": _("Type a number no larger than %(limit)s.")
                % {"limit": number_text(largest)},
                "min_value": _("Type a number no smaller than %(limit)s.")
                % {"limit": number_text(-largest)},
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
            widget=forms.NumberInput(attrs={"step": step, "inputmode": "decimal"}),
            help_text=ngettext(
                "Up to %(whole)s digits before the dot and %(places)s after it.",
                "Up to %(whole)s digits before the dot and %(places)s after it.",
                places,
            )
            % {"whole": digits, "places": places}
            if places
            else _("Up to %(whole)s digits, no decimals.") % {"whole": digits},
            error_messages={
                "invalid": _("Type a number, like 1250.50 (digits and one dot, no commas)."),
                "max_digits": ngettext(
                    "Use at most %(n)s digit in total.",
                    "Use at most %(n)s digits in total.",
                    digits + places,
                )
                % {"n": digits + places},
                "max_decimal_places": ngettext(
                    "Use at most %(n)s digit after the dot.",
                    "Use at most %(n)s digits after the dot.",
                    places,
                )
                % {"n": places},
                "max_whole_digits": ngettext(
                    "Use at most %(n)s digit before the dot.",
                    "Use at most %(n)s digits before the dot.",
                    digits,
                )
                % {"n": digits},
            },
        )
    if kind == "date":
        example = style.show_date(dt.date(2025, 12, 31))
        return forms.DateField(
            label=label,
            required=False,
            input_formats=list(style.date_inputs),
            widget=forms.DateInput(
                format=style.date_format, attrs={"inputmode": "numeric", "autocomplete": "off"}
            ),
            help_text=_("Type it as %(hint)s, like %(example)s.")
            % {"hint": style.date_hint, "example": example},
            error_messages={
                "invalid": _("Type a date as %(hint)s, like %(example)s.")
                % {"hint": style.date_hint, "example": example}
            },
        )
    if kind == "datetime":
        zone = person_zone(time_zone)
        example = style.show_datetime(dt.datetime(2025, 12, 31, 14, 30))
        return ZonedDateTimeField(
            zone=zone,
            style=style,
            label=label,
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            help_text=_(
                "Type it as %(hint)s (24-hour clock), like %(example)s, "
                "in your time zone (%(zone)s)."
            )
            % {"hint": style.datetime_hint, "example": example, "zone": zone.key},
            error_messages={
                "invalid": _("Type a date and time as %(hint)s, like %(example)s.")
                % {"hint": style.datetime_hint, "example": example}
            },
        )
    length = _length(field)
    validators = []
    if kind == "phone":
        validators.append(
            RegexValidator(
                r"^(?=.*\d)[0-9+()\-.\s/#*xX]+$",
                _("Type a phone number: digits, spaces and + - ( ) only."),
            )
        )
    elif kind == "website":
        validators.append(
            RegexValidator(
                r"^(https?://)?[^\s/.][^\s]*\.[^\s]+$",
                _("Type a web address like www.example.com."),
            )
        )
    return TextField(
        label=label,
        required=False,
        max_length=length,
        validators=validators,
        # Websites stay plain text: Zoho accepts "www.example.com" without a scheme.
        widget=forms.TextInput,
        help_text=ngettext("Up to %(n)s character.", "Up to %(n)s characters.", length)
        % {"n": number_text(length)},
        error_messages={
            "max_length": _(
                "Use at most %(limit_value)s characters: this has %(show_value)s. "
                "Nothing was cut, so shorten it yourself."
            )
        },
    )
