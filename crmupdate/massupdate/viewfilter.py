"""Does a change move records out of the view it is made on?

Zoho's custom view API returns a view's criteria. When a changed field is part of them, the
records that get the new value may no longer match the view afterwards. We work out, for
each changed field on its own, what the new value does to the records reviewed (all of which
matched the view when they were read):

* LEAVES: the new value fails the criteria whatever the other fields hold (Stage = Closed
  Won against "Stage is one of the open stages");
* STAYS: the new value meets the criteria whatever the other fields hold, or the criteria are
  all "and" conditions and the new value meets every one on this field (the others held
  before and still hold);
* MAY_LEAVE: anything we cannot decide (an "or" with other fields, comparators we do not
  evaluate, `${CURRENTUSER}`, adding to a multi-select).

Conditions are evaluated with three values (true, false, unknown: Kleene's logic), the
fields that do not change being unknown.
"""

from __future__ import annotations

import enum
from typing import Any

from crmupdate.massupdate.fieldforms import Change
from crmupdate.massupdate.values import is_empty, value_holds
from crmupdate.zoho.types import Field, ViewCriteria

EMPTY_PLACEHOLDER = "${EMPTY}"
ORDERED = {"greater_than", "greater_equal", "less_than", "less_equal"}
TEXT_MATCHES = {"contains", "not_contains", "starts_with", "ends_with"}


class Effect(enum.Enum):
    STAYS = "stays"
    LEAVES = "leaves"
    MAY_LEAVE = "may_leave"


Truth = bool | None  # None: unknown


def change_effect(criteria: ViewCriteria | None, change: Change, field: Field) -> Effect | None:
    """What giving every record `change` does to its membership of a view with these
    criteria; None when the criteria do not look at the field."""
    if criteria is None or change.api_name not in criteria.fields():
        return None
    truth = _evaluate(criteria, change, field)
    if truth is True:
        return Effect.STAYS
    if truth is False:
        return Effect.LEAVES
    if _all_and(criteria) and all(_leaf(c, change, field) for c in _leaves_on(criteria, change)):
        return Effect.STAYS
    return Effect.MAY_LEAVE


def _all_and(criteria: ViewCriteria) -> bool:
    if not criteria.is_group:
        return True
    return criteria.group_operator == "and" and all(_all_and(c) for c in criteria.group)


def _leaves_on(criteria: ViewCriteria, change: Change) -> list[ViewCriteria]:
    if criteria.is_group:
        return [leaf for c in criteria.group for leaf in _leaves_on(c, change)]
    return [criteria] if criteria.field == change.api_name else []


def _evaluate(criteria: ViewCriteria, change: Change, field: Field) -> Truth:
    if not criteria.is_group:
        return _leaf(criteria, change, field) if criteria.field == change.api_name else None
    results = [_evaluate(c, change, field) for c in criteria.group]
    if criteria.group_operator == "or":
        return True if True in results else (None if None in results else False)
    return False if False in results else (None if None in results else True)


def _leaf(condition: ViewCriteria, change: Change, field: Field) -> Truth:
    """Does the new value meet this condition on the changed field? None: cannot tell."""
    if field.data_type == "multiselectpicklist" and not change.over_write and not change.clear:
        return None  # the result depends on the values each record already has
    comparator, expected, new = condition.comparator, condition.value, change.value
    negate = comparator.startswith("not_")
    base = comparator[4:] if negate else comparator
    if base in ("equal", "in"):
        found = _matches(field, new, expected, many=base == "in")
    elif comparator in ORDERED:
        found = _ordered(field, comparator, new, expected)
    elif base in {c.removeprefix("not_") for c in TEXT_MATCHES}:
        found = _text_match(base, new, expected)
    else:
        found = None
    if found is None:
        return None
    return not found if negate else found


def _matches(field: Field, new: Any, expected: Any, *, many: bool) -> Truth:
    if many:
        options = expected if isinstance(expected, list) else str(expected or "").split(",")
    else:
        options = [expected]
    found = False
    for option in options:
        if isinstance(option, str) and option.strip() == EMPTY_PLACEHOLDER:
            found = found or is_empty(new)
        elif isinstance(option, str) and option.strip().startswith("${"):
            return None  # ${CURRENTUSER} and friends: depends on who asks
        elif not is_empty(new):
            option = option.strip() if isinstance(option, str) and many else option
            found = found or value_holds(field, new, option, over_write=True)
    return found


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _ordered(field: Field, comparator: str, new: Any, expected: Any) -> Truth:
    if is_empty(new):
        return False  # Zoho leaves empty values out of comparisons
    left: Any
    right: Any
    if field.data_type in ("date", "datetime"):
        left, right = str(new), str(expected)
        if field.data_type == "datetime" or len(left) != len(right):
            return None
    else:
        left, right = _number(new), _number(expected)
        if left is None or right is None:
            return None
    return {
        "greater_than": left > right,
        "greater_equal": left >= right,
        "less_than": left < right,
        "less_equal": left <= right,
    }[comparator]


def _text_match(base: str, new: Any, expected: Any) -> Truth:
    if not isinstance(expected, str) or expected.startswith("${"):
        return None
    text = "" if is_empty(new) else str(new)
    needle = expected.lower()
    if base == "contains":
        return needle in text.lower()
    if base == "starts_with":
        return text.lower().startswith(needle)
    return text.lower().endswith(needle)
