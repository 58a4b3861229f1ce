"""Whether a record already holds a new value, compared the way Zoho normalises values, and
the value it holds after a mass update."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmupdate.massupdate.values import value_after, value_holds
from crmupdate.zoho.types import Field
from crmupdate.zohosim.models import SimField
from crmupdate.zohosim.values import multiselect_merge, value_clean

PROPERTY = settings(max_examples=200, deadline=None, derandomize=os.environ.get("CI") == "true")


def field(data_type: str, **extra):
    return Field.from_api({"api_name": "F", "field_label": "F", "data_type": data_type, **extra})


REGION = field(
    "picklist",
    pick_list_values=[
        {"display_value": "Houston", "actual_value": "Houston Showroom"},
        {"display_value": "Online", "actual_value": "Online Store"},
    ],
)
LANGUAGES = field("multiselectpicklist")
WEIGHT = field("double", decimal_place=2)
AMOUNT = field("currency")
SIGNED = field("datetime")


@pytest.mark.parametrize(
    ("meta", "current", "new", "holds"),
    [
        (REGION, "Houston Showroom", "Houston Showroom", True),
        (REGION, "Online Store", "Houston Showroom", False),
        (REGION, None, "Houston Showroom", False),
        (REGION, "-None-", None, True),  # clearing a picklist Zoho shows as -None-
        (REGION, "Online Store", None, False),
        (WEIGHT, 12.5, 12.50, True),
        (WEIGHT, "12.50", 12.5, True),
        (WEIGHT, 12.504, 12.5, True),  # Zoho keeps two decimal places
        (WEIGHT, 12.51, 12.5, False),
        (WEIGHT, 0.01, 0.015, True),  # found by the property below: 0.015 may be stored as 0.01
        (WEIGHT, 0.02, 0.015, True),  # ... or as 0.02
        (WEIGHT, 0.03, 0.015, False),
        (AMOUNT, 1000, 1000.0, True),
        (field("integer"), "1000", 1000, True),
        (field("integer"), 999, 1000, False),
        (field("bigint"), 12345678901234567, "12345678901234567", True),
        (SIGNED, "2025-03-31T14:30:00+01:00", "2025-03-31T13:30:00Z", True),
        (SIGNED, "2025-03-31T14:30:00+01:00", "2025-03-31T14:30:00+00:00", False),
        (SIGNED, "2025-03-31T14:30:00", "2025-03-31T14:30:00+00:00", False),  # no offset
        (field("date"), "2025-03-31", "2025-03-31", True),
        (field("boolean"), None, False, True),  # an unset checkbox is false
        (field("boolean"), True, False, False),
        (field("text"), "Acme", "Acme", True),
        (field("text"), "", None, True),
        (field("text"), "acme", "Acme", False),
    ],
)
def test_a_record_holds_a_value_as_zoho_normalises_it(meta, current, new, holds):
    assert value_holds(meta, current, new) is holds


def test_adding_to_a_multi_select_holds_when_every_value_is_there():
    assert value_holds(LANGUAGES, ["English", "Spanish"], ["Spanish"])
    assert value_holds(LANGUAGES, "English;Spanish", ["Spanish", "English"])
    assert not value_holds(LANGUAGES, ["English"], ["Spanish"])
    assert not value_holds(LANGUAGES, None, ["Spanish"])


def test_replacing_a_multi_select_holds_only_for_the_same_set():
    assert value_holds(LANGUAGES, ["Spanish", "English"], ["English", "Spanish"], over_write=True)
    assert not value_holds(LANGUAGES, ["English", "Spanish"], ["Spanish"], over_write=True)


def test_adding_to_a_multi_select_gives_the_combined_set():
    assert value_after(LANGUAGES, ["English"], ["Spanish"]) == ["English", "Spanish"]
    assert value_after(LANGUAGES, ["English"], ["Spanish"], over_write=True) == ["Spanish"]
    assert value_after(LANGUAGES, ["English"], None) is None  # clearing clears
    assert value_after(REGION, "Online Store", "Houston Showroom") == "Houston Showroom"


CHOICES = ["English", "Spanish", "French", "German"]
multi = st.none() | st.lists(st.sampled_from(CHOICES), unique=True)


@PROPERTY
@given(current=multi, new=st.lists(st.sampled_from(CHOICES), min_size=1, unique=True),
       over_write=st.sampled_from([None, False, True]))  # fmt: skip
def test_the_value_after_an_update_always_holds_the_new_value(current, new, over_write):
    after = value_after(LANGUAGES, current, new, over_write=over_write)
    assert value_holds(LANGUAGES, after, new, over_write=over_write)


@PROPERTY
@given(current=multi, new=st.lists(st.sampled_from(CHOICES), min_size=1, unique=True),
       over_write=st.booleans())  # fmt: skip
def test_our_combined_set_is_what_the_practice_crm_stores(current, new, over_write):
    assert value_after(LANGUAGES, current, new, over_write=over_write) == multiselect_merge(
        current, new, over_write=over_write
    )


@PROPERTY
@given(number=st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False))
def test_a_decimal_holds_once_the_practice_crm_has_stored_it(number):
    stored = value_clean(
        SimField(api_name="F", data_type="double", json_type="double", decimal_place=2),
        float(number),
        json_path="$.data[0].F",
    )
    assert value_holds(WEIGHT, stored, float(number))


@PROPERTY
@given(hours=st.integers(min_value=-12, max_value=14), minute=st.integers(0, 59))
def test_a_date_time_holds_whatever_offset_it_is_written_with(hours, minute):
    from datetime import UTC, datetime, timedelta, timezone

    moment = datetime(2025, 3, 31, 13, minute, tzinfo=UTC)
    shifted = moment.astimezone(timezone(timedelta(hours=hours)))
    assert value_holds(SIGNED, shifted.isoformat(), moment.isoformat().replace("+00:00", "Z"))
