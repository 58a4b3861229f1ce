"""Why Zoho refuses to change one record, as the per-record entry it answers with.

The same checks decide a view job's failed records (counted only, as Zoho's status reports
them), the entries of an ids-mode mass update and those of Update Records. In Zoho's order:

* RECORD_LOCKED: the record is locked (an approval process or a locking rule).
* NOT_APPROVED: the record itself is not approved yet ("record not approved").
* RECORD_IN_BLUEPRINT: the update changes the field the record's Blueprint controls ("The
  record is in blue print"); other fields of the record change as usual.
* INVALID_DATA: the record's layout lacks a picklist value being set (a value of the field,
  but not one this layout offers), with the field's api_name and json_path in the details.

Codes and messages are Zoho's own (zoho-crm-api.md §1.5); RECORD_LOCKED's details are those
of Zoho's OpenAPI files. No recorded answer shows the details of the other three: every entry
carries the record's `id`, as ids-mode entries do, and names the field (`api_name`) where the
refusal is about one, as Zoho's INVALID_DATA entries do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crmupdate.zohosim.http import error_entry
from crmupdate.zohosim.models import SimModule, SimRecord

LOCKED_MESSAGE = "You cannot perform this operation as the record is locked."
NOT_APPROVED_MESSAGE = "record not approved"
BLUEPRINT_MESSAGE = "The record is in blue print"

# layout id -> field -> values being set that the layout lacks
LayoutGaps = dict[str, dict[str, set[str]]]


def record_locked(record_id: str) -> dict[str, Any]:
    return error_entry(
        "RECORD_LOCKED", LOCKED_MESSAGE, {"action": "record_locking", "id": record_id}
    )


def not_approved(record_id: str) -> dict[str, Any]:
    return error_entry("NOT_APPROVED", NOT_APPROVED_MESSAGE, {"id": record_id})


def in_blueprint(record_id: str, api_name: str) -> dict[str, Any]:
    return error_entry(
        "RECORD_IN_BLUEPRINT", BLUEPRINT_MESSAGE, {"api_name": api_name, "id": record_id}
    )


def layout_value_missing(record_id: str, api_name: str, json_path: str) -> dict[str, Any]:
    details = {
        "expected_data_type": "picklist",
        "api_name": api_name,
        "json_path": json_path,
        "id": record_id,
    }
    return error_entry("INVALID_DATA", "invalid data", details)


def layout_gaps(module: SimModule, values: dict[str, Any]) -> LayoutGaps:
    """For each extra layout of the module: the values being set that it lacks."""
    gaps: LayoutGaps = {}
    for layout in module.layouts or []:
        missing = layout.get("missing_values") or {}
        for name, value in values.items():
            sent = set(value) if isinstance(value, list) else {value}
            lacking = {v for v in sent if isinstance(v, str)} & set(missing.get(name, []))
            if lacking:
                gaps.setdefault(str(layout.get("id")), {})[name] = lacking
    return gaps


def record_layout_id(data: dict[str, Any]) -> str:
    layout = data.get("Layout")
    return str(layout.get("id")) if isinstance(layout, dict) else ""


def record_refusal(
    record: SimRecord,
    values: Iterable[str],
    gaps: LayoutGaps,
    *,
    json_path: str = "$.data[0]",
    raw_id: str | None = None,
) -> dict[str, Any] | None:
    """The error entry Zoho answers for this record, or None when it can be changed.
    `values` are the API names being set; `gaps` come from `layout_gaps`."""
    shown = raw_id if raw_id is not None else str(record.record_id)
    return refusal_for(
        shown,
        locked=record.locked,
        not_approved_yet=record.not_approved,
        blueprint_field=record.blueprint_field,
        layout_id=record_layout_id(record.data) if gaps else "",
        names=list(values),
        gaps=gaps,
        json_path=json_path,
    )


def refusal_for(
    record_id: str,
    *,
    locked: bool,
    not_approved_yet: bool,
    blueprint_field: str,
    layout_id: str,
    names: list[str],
    gaps: LayoutGaps,
    json_path: str = "$.data[0]",
) -> dict[str, Any] | None:
    """`record_refusal` over the record's states alone (view jobs read only those)."""
    if locked:
        return record_locked(record_id)
    if not_approved_yet:
        return not_approved(record_id)
    if blueprint_field and blueprint_field in names:
        return in_blueprint(record_id, blueprint_field)
    lacking = gaps.get(layout_id) if layout_id else None
    if lacking:
        name = next(n for n in names if n in lacking)
        return layout_value_missing(record_id, name, f"{json_path}.{name}")
    return None
