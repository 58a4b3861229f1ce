"""Whether a change keeps the reviewed records in their view, moves them out, or may."""

import pytest

from crmupdate.massupdate.fieldforms import Change
from crmupdate.massupdate.viewfilter import Effect, change_effect
from crmupdate.zoho.types import Field, ViewCriteria

OPEN = ["Qualification", "Needs Analysis", "Negotiation/Review"]


def cond(field, comparator, value):
    return {"comparator": comparator, "field": {"api_name": field}, "value": value}


def criteria(d):
    return ViewCriteria.from_api(d)


def meta(api_name, data_type="picklist", **extra):
    return Field.from_api({"api_name": api_name, "data_type": data_type, **extra})


def change(api_name, value, data_type="picklist", **extra):
    return Change(api_name=api_name, label=api_name, data_type=data_type, value=value,
                  display=str(value), **extra)  # fmt: skip


def effect(crit, api_name, value, data_type="picklist", **extra):
    return change_effect(
        criteria(crit), change(api_name, value, data_type, **extra), meta(api_name, data_type)
    )


@pytest.mark.parametrize(
    ("crit", "value", "expected"),
    [
        (cond("Stage", "in", OPEN), "Closed Won", Effect.LEAVES),
        (cond("Stage", "in", OPEN), "Qualification", Effect.STAYS),
        (cond("Stage", "not_in", ["Closed Won", "Closed Lost"]), "Closed Won", Effect.LEAVES),
        (cond("Stage", "not_in", ["Closed Won", "Closed Lost"]), "Qualification", Effect.STAYS),
        (cond("Stage", "equal", "Negotiation/Review"), "Closed Won", Effect.LEAVES),
        (cond("Stage", "not_equal", "Closed Won"), "Closed Won", Effect.LEAVES),
        (cond("Stage", "in", "Qualification,Needs Analysis"), "Needs Analysis", Effect.STAYS),
        (cond("Stage", "equal", "${EMPTY}"), None, Effect.STAYS),
        (cond("Stage", "between", ["a", "b"]), "Closed Won", Effect.MAY_LEAVE),
    ],
)
def test_one_condition_on_the_changed_field(crit, value, expected):
    assert effect(crit, "Stage", value) is expected


def test_and_with_other_fields_stays_when_the_new_value_meets_its_conditions():
    mine = cond("Owner", "equal", "${CURRENTUSER}")
    crit = {"group_operator": "and", "group": [cond("Stage", "in", OPEN), mine]}
    assert effect(crit, "Stage", "Qualification") is Effect.STAYS
    assert effect(crit, "Stage", "Closed Won") is Effect.LEAVES


def test_or_with_other_fields_may_move_records_out():
    urgent = cond("Priority", "equal", "Urgent")
    crit = {"group_operator": "or", "group": [cond("Stage", "in", OPEN), urgent]}
    assert effect(crit, "Stage", "Closed Won") is Effect.MAY_LEAVE
    assert effect(crit, "Stage", "Qualification") is Effect.STAYS  # the or holds whatever else


def test_numbers_and_dates_are_compared():
    assert effect(cond("Amount", "greater_than", 1000), "Amount", 500, "currency") is Effect.LEAVES
    assert effect(cond("Amount", "greater_equal", 1000), "Amount", 1000, "currency") is (
        Effect.STAYS
    )
    assert effect(cond("Closing_Date", "less_than", "2025-01-01"), "Closing_Date", "2025-06-30",
                  "date") is Effect.LEAVES  # fmt: skip
    assert effect(cond("Signed_On", "less_than", "2025-01-01T00:00:00+00:00"), "Signed_On",
                  "2025-06-30T00:00:00+00:00", "datetime") is Effect.MAY_LEAVE  # fmt: skip


def test_text_conditions():
    assert effect(cond("Next_Step", "starts_with", "Call"), "Next_Step", "call back", "text") is (
        Effect.STAYS
    )
    assert effect(cond("Next_Step", "contains", "Call"), "Next_Step", "Email", "text") is (
        Effect.LEAVES
    )


def test_adding_to_a_multi_select_depends_on_each_record():
    crit = cond("Languages_Known", "equal", "English")
    assert effect(crit, "Languages_Known", ["Spanish"], "multiselectpicklist",
                  over_write=False) is Effect.MAY_LEAVE  # fmt: skip


def test_the_current_user_depends_on_who_asks():
    assert effect(cond("Stage", "equal", "${CURRENTUSER}"), "Stage", "Won") is Effect.MAY_LEAVE


def test_criteria_on_other_fields_only_say_nothing():
    assert effect(cond("Priority", "equal", "Urgent"), "Stage", "Closed Won") is None
    assert change_effect(None, change("Stage", "Won"), meta("Stage")) is None
