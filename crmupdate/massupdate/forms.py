"""Forms of the new-update flow: module and view, then the field changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crmupdate.locales import DateStyle, date_style
from crmupdate.massupdate.fieldforms import Change, can_clear, picklist_choices, to_change
from crmupdate.massupdate.valuefields import DataSelect, field_unit, value_field
from crmupdate.zoho.types import CustomViewList, Field, Module

MAX_CHANGES = 20
FILTER_FROM = 10  # multi-selects with more values than this get a filter box


@dataclass(frozen=True)
class ViewOption:
    id: str
    name: str
    is_default: bool


@dataclass(frozen=True)
class ViewGroup:
    label: str
    views: list[ViewOption]
    from_zoho: bool = True  # the label is Zoho's ("Public Views"), not our "Views"


def view_groups(view_list: CustomViewList | None) -> list[ViewGroup]:
    """The views grouped as Zoho groups them, the module's default view first in its group.
    The default view is only marked, never chosen for the person: it is often the widest."""
    if view_list is None:
        return []
    views = [v for v in view_list.views if v.id]
    default = next((v for v in views if v.id == view_list.default_id), None)
    default = default or next((v for v in views if v.default), None)
    groups: dict[str, list[ViewOption]] = {}
    for view in views:
        label = (
            view_list.category_labels.get(view.category) or view.category.replace("_", " ").title()
        )
        option = ViewOption(view.id, view.display_value, default is not None and view is default)
        group = groups.setdefault(label, [])
        group.insert(0 if option.is_default else len(group), option)
    return [
        ViewGroup(label or _("Views"), options, from_zoho=bool(label))
        for label, options in groups.items()
    ]


def view_choices(view_list: CustomViewList | None) -> list[tuple[str, str]]:
    """(id, name) of every view, in the picker's order."""
    return [(v.id, v.name) for group in view_groups(view_list) for v in group.views]


class ModuleViewForm(forms.Form):
    module = forms.ChoiceField(
        label=gettext_lazy("Module"),
        widget=DataSelect,
        error_messages={
            "required": gettext_lazy("Choose a module."),
            "invalid_choice": gettext_lazy("Choose a module from the list."),
        },
    )
    cvid = forms.ChoiceField(
        label=gettext_lazy("Custom view"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": gettext_lazy("Choose a view from the list.")},
    )

    def __init__(
        self,
        *args: Any,
        modules: list[Module],
        views: CustomViewList | None,
        views_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.modules = {m.api_name: m for m in modules}
        self.views = views
        self.view_groups = view_groups(views)
        module_field = cast(forms.ChoiceField, self.fields["module"])
        module_field.choices = [("", _("Choose a module"))] + [
            (m.api_name, m.plural_label) for m in modules
        ]
        cast(forms.ChoiceField, self.fields["cvid"]).choices = view_choices(views)
        if views_url:
            # With htmx, choosing a module loads its views at once; without, "Continue" does.
            self.fields["module"].widget.attrs.update(
                {
                    "hx-get": views_url,
                    "hx-trigger": "change",
                    "hx-target": "#view-picker",
                    "hx-swap": "outerHTML",
                }
            )

    def chosen_view(self) -> str:
        """The view ticked in the submitted form (shown again when the form has errors)."""
        return str(self.data.get("cvid", "")) if self.is_bound else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("module") and self.views is not None and not cleaned.get("cvid"):
            self.add_error("cvid", _("Choose the view whose records you want to change."))
        return cleaned

    def view_name(self, cvid: str) -> str:
        for view in self.views.views if self.views else []:
            if view.id == cvid:
                return view.display_value
        return cvid


@dataclass
class ChangeRow:
    field: Field
    value: forms.BoundField
    clear: forms.BoundField | None
    overwrite: forms.BoundField | None
    unit: str = ""

    @property
    def filterable(self) -> bool:
        """Long multi-select lists get a filter box."""
        if self.field.data_type != "multiselectpicklist":
            return False
        return len(picklist_choices(self.field)) > FILTER_FROM

    @property
    def kind(self) -> str:
        return self.field.data_type


class ChangesForm(forms.Form):
    """One row per field the person chose: a control that fits the field's type, plus "clear
    this field" where it may be empty and "replace existing values" for multi-selects."""

    add_field = forms.ChoiceField(label=gettext_lazy("Field to change"), required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        offered: list[Field],
        selected: list[str],
        time_zone: str | None = None,
        locale: str | None = None,
        currency_symbol: str = "",
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.offered = {f.api_name: f for f in offered}
        self.time_zone = time_zone
        self.locale = locale
        self.currency_symbol = currency_symbol
        self.selected: list[str] = []
        for api_name in selected:
            if api_name in self.offered and api_name not in self.selected:
                self.selected.append(api_name)
        self.selected = self.selected[:MAX_CHANGES]
        for api_name in self.selected:
            field = self.offered[api_name]
            self.fields[f"value__{api_name}"] = value_field(
                field, time_zone=time_zone, locale=locale
            )
            if can_clear(field):
                self.fields[f"clear__{api_name}"] = forms.BooleanField(
                    label=_("Clear this field"), required=False
                )
            if field.data_type == "multiselectpicklist":
                self.fields[f"overwrite__{api_name}"] = forms.BooleanField(
                    label=_("Replace existing values"),
                    required=False,
                    help_text=_("Unticked, the chosen values are added to what each record has."),
                )
        cast(forms.ChoiceField, self.fields["add_field"]).choices = [("", _("Choose a field"))] + [
            (f.api_name, f.label) for f in offered if f.api_name not in self.selected
        ]

    @property
    def date_style(self) -> DateStyle:
        return date_style(self.locale)

    def focus_on(self, api_name: str) -> None:
        """The row just added gets the focus (its value input), so Tab goes on from there.
        A form with errors puts the focus on the first field in error instead."""
        if self.is_bound and self.errors:
            first = next((k for k in self.fields if k in self.errors), "")
            target = self.fields.get(first)
        else:
            target = self.fields.get(f"value__{api_name}") if api_name else None
        if target is not None:
            target.widget.attrs["autofocus"] = True

    def error_links(self) -> list[tuple[str, str, str]]:
        """(element id, field label, message) of every error, in the page's order, for the
        summary; the label (Zoho's) is "" for errors of the form as a whole."""
        # "Add at least one field": the place to act is the field picker.
        links = [(self["add_field"].id_for_label, "", str(m)) for m in self.non_field_errors()]
        for name in self.fields:
            for message in self.errors.get(name, []):
                bound = self[name]
                anchor = bound.id_for_label or f"{bound.auto_id}_0"
                label = str(bound.label) if name.startswith("value__") else ""
                links.append((anchor, label, str(message)))
        return links

    def rows(self) -> list[ChangeRow]:
        rows = []
        for api_name in self.selected:
            clear = self.fields.get(f"clear__{api_name}")
            overwrite = self.fields.get(f"overwrite__{api_name}")
            rows.append(
                ChangeRow(
                    field=self.offered[api_name],
                    value=self[f"value__{api_name}"],
                    clear=self[f"clear__{api_name}"] if clear else None,
                    overwrite=self[f"overwrite__{api_name}"] if overwrite else None,
                    unit=field_unit(self.offered[api_name], currency_symbol=self.currency_symbol),
                )
            )
        return rows

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.selected:
            raise forms.ValidationError(_("Add at least one field to change."))
        for api_name in self.selected:
            key = f"value__{api_name}"
            if cleaned.get(f"clear__{api_name}") or key in self.errors:
                continue
            if cleaned.get(key) in (None, "", []):
                field = self.offered[api_name]
                self.add_error(key, _missing_message(field, can_clear(field)))
        return cleaned

    def changes(self) -> list[Change]:
        """The validated changes, in the order the rows were added."""
        result = []
        for api_name in self.selected:
            field = self.offered[api_name]
            result.append(
                to_change(
                    field,
                    self.cleaned_data.get(f"value__{api_name}"),
                    clear=bool(self.cleaned_data.get(f"clear__{api_name}")),
                    over_write=bool(self.cleaned_data.get(f"overwrite__{api_name}")),
                    time_zone=self.time_zone,
                    locale=self.locale,
                )
            )
        return result


def _missing_message(field: Field, clearable: bool) -> str:
    """What to do when a row has no value: whole sentences, so each reads well translated."""
    kind = field.data_type
    if kind == "boolean":
        return _("Choose Yes or No.")
    if kind == "picklist":
        if clearable:
            return _("Choose a value, or tick “Clear this field”.")
        return _("Choose a value.")
    if kind == "multiselectpicklist":
        if clearable:
            return _("Choose at least one value, or tick “Clear this field”.")
        return _("Choose at least one value.")
    if kind == "date":
        if clearable:
            return _("Type a date, or tick “Clear this field”.")
        return _("Type a date.")
    if kind == "datetime":
        if clearable:
            return _("Type a date and time, or tick “Clear this field”.")
        return _("Type a date and time.")
    if clearable:
        return _("Type the new value, or tick “Clear this field”.")
    return _("Type the new value.")


def raw_input_from(data: Any, selected: list[str]) -> dict[str, Any]:
    """What was typed for the chosen rows, kept in the draft so a reload loses nothing."""
    keep: dict[str, Any] = {}
    for api_name in selected:
        for prefix in ("value__", "clear__", "overwrite__"):
            key = prefix + api_name
            values = data.getlist(key) if hasattr(data, "getlist") else data.get(key)
            if isinstance(values, list):
                # PostgreSQL stores no NUL character in JSON; nobody types one on purpose.
                values = [str(v).replace("\x00", "") for v in values]
            if values:
                keep[key] = values
    return keep


def initial_from_raw(raw: dict[str, Any], offered: list[Field]) -> dict[str, Any]:
    """The draft's stored input as form initial values."""
    multi = {f.api_name for f in offered if f.data_type == "multiselectpicklist"}
    initial: dict[str, Any] = {}
    for key, values in (raw or {}).items():
        values = values if isinstance(values, list) else [values]
        prefix, _, api_name = key.partition("__")
        if prefix == "value" and api_name in multi:
            initial[key] = [str(v) for v in values]
        elif prefix in {"clear", "overwrite"}:
            initial[key] = bool(values) and str(values[-1]).lower() in {"on", "true", "1"}
        elif values:
            initial[key] = str(values[-1])
    return initial
