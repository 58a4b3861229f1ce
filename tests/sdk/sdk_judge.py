"""What both SDK drivers share. Runs inside an SDK's own virtualenv (never imported by pytest).

Zoho's SDKs turn JSON into their model classes by a table of declared types (each SDK's
`json_details.json`): `String` members go through `str(value)`, `Long` through `int(value)`,
and a member declared as a model class is read from an object. So a value of the wrong JSON
type rarely raises where it arrives: an object sent where the SDK expects a string becomes
the text "{'api_name': ...}" and fails much later, in another call (as v2 lookups did). The
judge therefore checks every value the SDK reads against the type the SDK declares for it,
and reports each mismatch as a violation of that operation.
"""

from __future__ import annotations

import datetime
import importlib
import json
import sys
import traceback
from collections.abc import Callable
from typing import Any

VIOLATIONS: list[str] = []

# JSON types each declared SDK type accepts. `Long` ids arrive as strings (Zoho's ids are
# 18-digit strings; `json_type` "string" for bigint) or numbers.
_ACCEPTS: dict[str, tuple[type, ...]] = {
    "String": (str,),
    "Integer": (int,),
    "Long": (str, int),
    "Boolean": (bool,),
    "Double": (int, float),
    "Float": (int, float),
    "Date": (str,),
    "DateTime": (str,),
    "List": (list,),
    "Map": (dict,),
}


def _json_kind(value: Any) -> str:
    return type(value).__name__.replace("str", "string").replace("NoneType", "null")


def _check(key_data: Any, member_detail: dict[str, Any]) -> None:
    if key_data is None:
        return
    declared = member_detail.get("type", "")
    name = member_detail.get("name", "?")
    structure = member_detail.get("structure_name")
    if declared == "List" and not isinstance(key_data, list):
        VIOLATIONS.append(f"{name}: declared List, got {_json_kind(key_data)} {key_data!r:.80}")
        return
    if declared == "List":  # items: read one by one below this call (checked there if typed)
        return
    if declared.endswith("util.Choice") or structure and str(structure).endswith("util.Choice"):
        allowed = member_detail.get("values")
        if not isinstance(key_data, (str, int, bool)):
            VIOLATIONS.append(f"{name}: a choice, got {_json_kind(key_data)} {key_data!r:.80}")
        elif allowed and key_data not in allowed:
            VIOLATIONS.append(f"{name}: {key_data!r} is not one of {allowed}")
        return
    accepted = _ACCEPTS.get(declared)
    if accepted is None:
        if structure or "." in declared:  # a model class: read from a JSON object
            accepted = (dict,)
        else:  # "Object" and other open types
            return
    if bool in accepted or not isinstance(key_data, bool):
        ok = isinstance(key_data, accepted)
    else:
        ok = False  # True is an int in Python, never in JSON
    if ok and declared == "Long" and isinstance(key_data, str):
        ok = key_data.isdigit()
    if ok and declared in ("Date", "DateTime"):
        try:
            datetime.datetime.fromisoformat(key_data)
        except ValueError:
            ok = False
    if not ok:
        VIOLATIONS.append(
            f"{name}: declared {declared.rpartition('.')[2]}, got {_json_kind(key_data)} "
            f"{key_data!r:.80}"
        )


def install_type_check(sdk: str) -> None:
    """Wrap the SDK's JSON reader so every value is checked against its declared type."""
    converter = importlib.import_module(f"{sdk}.src.com.zoho.crm.api.util.json_converter")
    original = converter.JSONConverter.get_data

    def get_data(self: Any, key_data: Any, member_detail: Any) -> Any:
        if member_detail:
            _check(key_data, member_detail)
        return original(self, key_data, member_detail)

    converter.JSONConverter.get_data = get_data


def plain(value: Any) -> Any:
    """An SDK answer as plain JSON: model members by name, records by their key values."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if type(value).__name__ == "Choice":
        return plain(value.get_value())
    out: dict[str, Any] = {"__class__": type(value).__name__}
    for attr, member in vars(value).items():
        name = attr.rpartition("__")[2] if attr.startswith("_") else attr
        if name == "key_modified":
            continue
        if name == "key_values":
            out.update({k: plain(v) for k, v in member.items()})
        else:
            out[name] = plain(member)
    return out


def run(steps: list[dict[str, Any]], operations: dict[str, Callable[..., Any]]) -> None:
    """Run each step, print one JSON list of results. A step fails on an exception or on
    values the SDK could not read as declared."""
    results = []
    for step in steps:
        del VIOLATIONS[:]
        args = {k: v for k, v in step.items() if k != "op"}
        result: dict[str, Any] = {"op": step["op"], "args": args}
        try:
            answer = operations[step["op"]](**args)
        except Exception as error:  # the SDK's own exceptions included
            details = getattr(error, "error_message", "") or str(error)
            result["error"] = f"{type(error).__name__}: {details}"
            result["traceback"] = traceback.format_exc(limit=6)
        else:
            result["status_code"] = answer.get_status_code() if answer is not None else None
            body = answer.get_object() if answer is not None else None
            result["wrapper"] = type(body).__name__ if body is not None else None
            result["body"] = plain(body)
        result["violations"] = list(VIOLATIONS)
        results.append(result)
    json.dump(results, sys.stdout)
