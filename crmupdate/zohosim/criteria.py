"""Custom-view criteria, evaluated by the database against the records' JSON values.

Criteria use Zoho's shape: `{"comparator", "field": {"api_name"}, "value"}` or
`{"group_operator": "and"|"or", "group": [...]}`. Lookup fields (Owner...) compare their
`id`; the value `${CURRENTUSER}` means the user making the call. Because membership is
computed on every read, a view changes when its records change, as in Zoho.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

CURRENT_USER = "${CURRENTUSER}"
LOOKUP_FIELDS_SUFFIX = "__id"

_COMPARATORS = {
    "equal": "",
    "in": "__in",
    "greater_than": "__gt",
    "greater_equal": "__gte",
    "less_than": "__lt",
    "less_equal": "__lte",
}
_NEGATED = {"not_equal": "equal", "not_in": "in"}


class CriteriaError(ValueError):
    pass


def criteria_q(criteria: dict[str, Any] | None, *, user_id: str, object_fields: set[str]) -> Q:
    """A Q over SimRecord for these criteria. `object_fields` are the module's lookup-type
    fields (compared by their `id`)."""
    if not criteria:
        return Q()
    if "group" in criteria:
        parts = [
            criteria_q(c, user_id=user_id, object_fields=object_fields) for c in criteria["group"]
        ]
        if not parts:
            return Q()
        combined = parts[0]
        for part in parts[1:]:
            if str(criteria.get("group_operator", "and")).lower() == "or":
                combined |= part
            else:
                combined &= part
        return combined
    comparator = str(criteria.get("comparator", "equal"))
    negate = comparator in _NEGATED
    comparator = _NEGATED.get(comparator, comparator)
    if comparator not in _COMPARATORS:
        raise CriteriaError(f"unsupported comparator {comparator!r}")
    api_name = str((criteria.get("field") or {}).get("api_name", ""))
    if not api_name.replace("_", "").isalnum():
        raise CriteriaError(f"bad field name {api_name!r}")
    value = criteria.get("value")
    if value == CURRENT_USER:
        value = user_id
    elif isinstance(value, list):
        value = [user_id if v == CURRENT_USER else v for v in value]
    key = f"data__{api_name}"
    if api_name in object_fields:
        key += LOOKUP_FIELDS_SUFFIX
    q = Q(**{key + _COMPARATORS[comparator]: value})
    return ~q if negate else q


def criteria_match(
    criteria: dict[str, Any] | None,
    data: dict[str, Any],
    *,
    user_id: str = "",
    object_fields: frozenset[str] | set[str] = frozenset(),
) -> bool:
    """Whether one record's values meet these criteria (the same rules as `criteria_q`, in
    Python: for automation rules, which look at one record at a time)."""
    if not criteria:
        return True
    if "group" in criteria:
        results = [
            criteria_match(c, data, user_id=user_id, object_fields=object_fields)
            for c in criteria["group"]
        ]
        if not results:
            return True
        if str(criteria.get("group_operator", "and")).lower() == "or":
            return any(results)
        return all(results)
    comparator = str(criteria.get("comparator", "equal"))
    negate = comparator in _NEGATED
    comparator = _NEGATED.get(comparator, comparator)
    if comparator not in _COMPARATORS:
        raise CriteriaError(f"unsupported comparator {comparator!r}")
    api_name = str((criteria.get("field") or {}).get("api_name", ""))
    value = criteria.get("value")
    if value == CURRENT_USER:
        value = user_id
    current = data.get(api_name)
    if api_name in object_fields and isinstance(current, dict):
        current = current.get("id")
    try:
        if comparator == "equal":
            found = current == value
        elif comparator == "in":
            found = isinstance(value, list) and current in value
        elif current is None:
            found = False
        elif comparator == "greater_than":
            found = current > value
        elif comparator == "greater_equal":
            found = current >= value
        elif comparator == "less_than":
            found = current < value
        else:
            found = current <= value
    except TypeError:
        found = False
    return not found if negate else found
