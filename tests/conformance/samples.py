"""Zoho's own answers (tests/conformance/zoho_samples.json) and the shape comparison used to
check the simulator against them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SAMPLES_FILE = Path(__file__).with_name("zoho_samples.json")
_ALL = json.loads(SAMPLES_FILE.read_text())

SEED: dict[str, dict[str, Any]] = {s["name"]: s for s in _ALL["seed"]}
SAMPLES: dict[str, Any] = {s["name"]: s["response"] for s in _ALL["samples"]}

# Keys that identify an element of a list, to pair a sample element with ours.
IDENTITY_KEYS = ("api_name",)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape_problems(sample: Any, ours: Any, path: str = "$") -> list[str]:
    """Where `ours` does not have the shape of Zoho's `sample`: every key of the sample must
    be present with the same JSON type (anything goes where Zoho has null); every element
    of a sample list must have a conforming element in our list (paired by api_name when
    both have one)."""
    if sample is None:
        return []
    if json_type(sample) != json_type(ours):
        return [f"{path}: Zoho has {json_type(sample)}, we have {json_type(ours)} ({ours!r:.60})"]
    if isinstance(sample, dict):
        problems = []
        for key, value in sample.items():
            if key not in ours:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += shape_problems(value, ours[key], f"{path}.{key}")
        return problems
    if isinstance(sample, list):
        problems = []
        for n, item in enumerate(sample):
            candidates = _candidates(item, ours)
            attempts = [shape_problems(item, c, f"{path}[{n}]") for c in candidates]
            if not attempts:
                problems.append(f"{path}[{n}]: our list is empty")
            elif all(attempts):
                problems += min(attempts, key=len)
        return problems
    return []


def _candidates(item: Any, ours: list[Any]) -> list[Any]:
    if isinstance(item, dict):
        for key in IDENTITY_KEYS:
            if key in item:
                same = [o for o in ours if isinstance(o, dict) and o.get(key) == item[key]]
                if same:
                    return same
    return ours


def values_at(body: Any, path: str) -> list[Any]:
    """All values at a dotted path, `[]` stepping into every list element:
    values_at(body, "fields[].data_type")."""
    current = [body]
    for part in path.split("."):
        step = []
        many = part.endswith("[]")
        key = part[:-2] if many else part
        for value in current:
            if isinstance(value, dict) and key in value:
                inner = value[key]
                step += inner if many and isinstance(inner, list) else [inner]
        current = step
    return current
