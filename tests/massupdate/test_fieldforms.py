"""Which fields are offered, the control each one gets, and what Zoho receives."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django import forms
from hypothesis import given, settings
from hypothesis import strategies as st

from crmupdate.massupdate.fieldforms import (
    OFFERED_TYPES,
    can_clear,
    display_value,
    is_offered,
    offered_fields,
    picklist_choices,
    to_change,
)
from crmupdate.massupdate.valuefields import value_field
from crmupdate.zoho.types import Field, PicklistValue
from tests.massupdate.field_samples import LEAD_SOURCE, field, leads_fields, sample


def test_it_offers_only_fields_zoho_lets_people_mass_update():
    offered = [f.api_name for f in offered_fields(leads_fields())]
    assert offered == [
        "Annual_Revenue",
        "Big_Number",
        "Company",
        "Email_Opt_Out",
        "Follow_Up_Date",
        "checking_multi_picklist",  # label "Languages"
        "Lead_Source",
        "Lead_Status",
        "Mobile",
        "Next_Call",
        "No_of_Employees",
        "Percent",
        "Rating",
        "Website",
    ]


@pytest.mark.parametrize(
    "api_name",
    [
        "Owner",
        "Email",
        "Phone",
        "Description",
        "Layout",
        "Tag",
        "Formula_Decimal",
        "Contact_Lookup",
        "Created_Time",
        "Hidden_Text",
        "Locked_Text",
        "Last_Name",
    ],
)
def test_it_never_offers_email_lookup_multiline_layout_hidden_or_read_only_fields(api_name):
    assert not is_offered(field(api_name))


def test_it_does_not_offer_a_layout_field_even_when_zoho_says_mass_update():
    # Zoho's Leads sample marks Layout mass_update: true; the docs say layouts cannot be.
    assert field("Layout").mass_update is True
    assert not is_offered(field("Layout"))


@pytest.mark.parametrize(
    "data",
    [
        sample("X", "Odd", "no_such_type", "string"),
        sample("X", "Odd", "text", "jsonarray"),
        sample("bad name", "Odd", "text", "string"),
        sample("", "Odd", "integer", "integer"),
        sample("X", "Odd", "picklist", "string", pick_list_values=[]),
        sample("X", "Odd", "integer", "integer", length=-4),
        sample("X", "Odd", "currency", "double", length="lots", decimal_place=99),
        {"api_name": "Only_Name"},
        {},
    ],
)
def test_odd_metadata_never_crashes(data):
    f = Field.from_api(data)
    if is_offered(f):
        value_field(f, time_zone="Nowhere/Invalid")
    offered_fields([f])


def test_a_picklist_is_a_select_of_display_values_that_sends_the_actual_value():
    f = Field.from_api(LEAD_SOURCE)
    control = value_field(f)
    assert isinstance(control, forms.ChoiceField)
    assert ("Houston Showroom", "Houston") in control.choices
    assert all(actual != "-None-" for actual, _ in picklist_choices(f))
    change = to_change(f, control.clean("Houston Showroom"))
    assert change.value == "Houston Showroom"
    assert change.display == "Houston"
    assert change.summary == "Lead Source → Houston"


def test_a_picklist_refuses_a_value_that_is_not_in_the_list():
    with pytest.raises(forms.ValidationError, match="Choose one of the values"):
        value_field(Field.from_api(LEAD_SOURCE)).clean("Houston")


def test_a_multi_select_sends_an_array_and_may_replace_existing_values():
    f = field("checking_multi_picklist")
    control = value_field(f)
    assert isinstance(control, forms.MultipleChoiceField)
    added = to_change(f, control.clean(["English", "Spanish"]))
    assert added.value == ["English", "Spanish"]
    assert added.display == "English, Español"
    assert added.over_write is False
    assert added.phrase == "add English, Español to Languages"
    replaced = to_change(f, ["Spanish"], over_write=True)
    assert replaced.over_write is True
    assert replaced.phrase == "set Languages to Español"


def test_a_boolean_is_yes_or_no():
    f = field("Email_Opt_Out")
    control = value_field(f)
    assert isinstance(control.widget, forms.RadioSelect)
    assert dict(control.choices) == {"true": "Yes", "false": "No"}
    assert to_change(f, control.clean("false")).value is False
    assert to_change(f, "true").display == "Yes"
    assert not can_clear(f)


def test_an_integer_enforces_the_fields_length():
    f = field("No_of_Employees")
    control = value_field(f)
    assert control.clean("1000") == 1000
    assert to_change(f, 1000).value == 1000
    with pytest.raises(forms.ValidationError, match="no larger than 999,999,999"):
        control.clean("1000000000")
    with pytest.raises(forms.ValidationError, match="whole number"):
        control.clean("12.5")
    with pytest.raises(forms.ValidationError, match="whole number"):
        control.clean("1,000")


def test_a_currency_enforces_digits_and_decimal_places():
    f = field("Annual_Revenue")
    control = value_field(f)
    assert to_change(f, control.clean("1250.50")).value == 1250.5
    assert to_change(f, control.clean("1250")).value == 1250
    with pytest.raises(forms.ValidationError, match="at most 2 digits after the dot"):
        control.clean("1.005")
    with pytest.raises(forms.ValidationError, match="at most 16 digits before the dot"):
        control.clean("1" * 17)


def test_a_percent_shows_a_percent_sign():
    assert to_change(field("Percent"), Decimal("12.5")).display == "12.5%"


def test_a_bigint_declared_as_string_is_sent_as_a_string():
    f = field("Big_Number")
    assert to_change(f, value_field(f).clean("123456789012345678")).value == "123456789012345678"


def test_a_date_is_sent_as_year_month_day():
    f = field("Follow_Up_Date")
    change = to_change(f, value_field(f).clean("2025-03-31"))
    assert change.value == "2025-03-31"
    assert change.display == "03/31/2025"  # the site's locale (en-us) when none is known
    with pytest.raises(forms.ValidationError, match=r"Type a date as mm/dd/yyyy, like 12/31/2025"):
        value_field(f).clean("31/03/2025")


@pytest.mark.parametrize(
    ("locale", "typed", "shown", "hint"),
    [
        ("en_GB", "31/12/2025", "31/12/2025", "dd/mm/yyyy"),
        ("en_US", "12/31/2025", "12/31/2025", "mm/dd/yyyy"),
        ("de_DE", "31.12.2025", "31.12.2025", "dd.mm.yyyy"),
        ("fr-fr", "31/12/2025", "31/12/2025", "dd/mm/yyyy"),
    ],
)
def test_a_date_is_typed_and_shown_in_the_persons_locale(locale, typed, shown, hint):
    f = field("Follow_Up_Date")
    control = value_field(f, locale=locale)
    assert hint in str(control.help_text)
    for way in (typed, "2025-12-31"):  # typed, or sent by the native date picker
        change = to_change(f, control.clean(way), locale=locale)
        assert (change.value, change.display) == ("2025-12-31", shown)
    assert display_value(f, "2025-12-31", locale=locale) == shown
    assert control.widget.format_value(dt.date(2025, 12, 31)) == shown


def test_a_day_first_date_is_not_read_month_first():
    f = field("Follow_Up_Date")
    with pytest.raises(forms.ValidationError):
        value_field(f, locale="en_GB").clean("12/31/2025")


def test_a_date_time_is_typed_and_shown_in_the_persons_locale():
    f = field("Next_Call")
    control = value_field(f, time_zone="Europe/London", locale="en_GB")
    change = to_change(
        f, control.clean("31/12/2025 14:30"), time_zone="Europe/London", locale="en_GB"
    )
    assert change.value == "2025-12-31T14:30:00+00:00"
    assert change.display == "31/12/2025 14:30 (Europe/London)"
    assert control.prepare_value(control.clean("2025-12-31T14:30")) == "31/12/2025 14:30"


def test_a_date_time_is_read_in_the_persons_time_zone_and_sent_with_its_offset():
    f = field("Next_Call")
    control = value_field(f, time_zone="Asia/Kolkata")
    typed = control.clean("2025-03-31T14:30")
    change = to_change(f, typed, time_zone="Asia/Kolkata")
    assert change.value == "2025-03-31T14:30:00+05:30"
    assert "Asia/Kolkata" in change.display
    summer = to_change(
        f,
        value_field(f, time_zone="Europe/London").clean("2025-07-01T09:00"),
        time_zone="Europe/London",
    )
    assert summer.value == "2025-07-01T09:00:00+01:00"


def test_a_date_time_with_an_unknown_time_zone_falls_back_to_utc():
    f = field("Next_Call")
    value = value_field(f, time_zone="Mars/Base").clean("2025-03-31 14:30")
    assert value == dt.datetime(2025, 3, 31, 14, 30, tzinfo=dt.UTC)


def test_text_fields_respect_zohos_length():
    f = field("Company")
    with pytest.raises(forms.ValidationError, match="at most 200 characters"):
        value_field(f).clean("x" * 201)
    assert to_change(f, "Zylker").value == "Zylker"


def test_phone_and_website_values_are_checked():
    phone = value_field(field("Mobile"))
    assert phone.clean("+1 (555) 010-2000") == "+1 (555) 010-2000"
    with pytest.raises(forms.ValidationError, match="phone number"):
        phone.clean("call me")
    site = value_field(field("Website"))
    assert site.clean("www.zylker.com") == "www.zylker.com"
    with pytest.raises(forms.ValidationError, match="www.example.com"):
        site.clean("not a site")


def test_clearing_sends_null_and_is_offered_only_for_fields_that_may_be_empty():
    assert can_clear(field("Rating"))
    assert not can_clear(field("Company"))  # system mandatory
    change = to_change(field("Rating"), None, clear=True)
    assert change.value is None
    assert change.phrase == "clear Rating"


def test_current_values_show_picklist_display_values():
    assert display_value(field("Lead_Source"), "Houston Showroom") == "Houston"
    assert display_value(field("checking_multi_picklist"), ["Spanish"]) == "Español"
    assert display_value(field("Email_Opt_Out"), True) == "Yes"
    assert display_value(None, None) == "(empty)"
    assert display_value(None, {"name": "Patricia Boyle", "id": "1"}) == "Patricia Boyle"


ODD_INTS = st.one_of(st.none(), st.integers(-(10**20), 10**20))
PICKLIST_VALUE = st.builds(
    PicklistValue,
    actual_value=st.text(max_size=8),
    display_value=st.text(max_size=8),
    sequence_number=st.integers(-5, 5),
    type=st.sampled_from(["used", "unused", ""]),
)
FIELD = st.builds(
    Field,
    api_name=st.one_of(st.sampled_from(["Rating", "X_1", "a b", ""]), st.text(max_size=8)),
    field_label=st.text(max_size=8),
    display_label=st.text(max_size=8),
    data_type=st.one_of(st.sampled_from(sorted(OFFERED_TYPES) + ["lookup"]), st.text(max_size=6)),
    json_type=st.sampled_from(["", "string", "integer", "double", "boolean", "jsonarray", "x"]),
    length=ODD_INTS,
    decimal_place=ODD_INTS,
    read_only=st.booleans(),
    field_read_only=st.booleans(),
    system_mandatory=st.booleans(),
    visible=st.booleans(),
    mass_update=st.booleans(),
    custom_field=st.booleans(),
    pick_list_values=st.lists(PICKLIST_VALUE, max_size=4),
)
TYPED = st.one_of(
    st.sampled_from(["1000", "-7", "12.5", "1e400", "2025-03-31", "2025-03-31T10:00", "true",
                     "www.example.com", "+1 555 0100", "9" * 30]),
    st.text(max_size=20),
    st.lists(st.text(max_size=5), max_size=3),
)  # fmt: skip


@given(f=FIELD, typed=TYPED)
@settings(max_examples=400, deadline=None)
def test_any_metadata_and_any_input_gives_a_control_or_nothing_never_a_crash(f, typed):
    if not is_offered(f):
        return
    control = value_field(f, time_zone="Europe/London")
    try:
        cleaned = control.clean(typed)
    except forms.ValidationError:
        return
    if cleaned in (None, "", []):
        return
    change = to_change(f, cleaned, time_zone="Europe/London")
    json.dumps(change.value, allow_nan=False)
    assert change.display


def test_current_values_read_like_the_new_ones():
    assert display_value(field("No_of_Employees"), 2259) == "2,259"
    assert display_value(field("Percent"), 12.5) == "12.5%"
    assert display_value(field("Follow_Up_Date"), "2025-03-31") == "03/31/2025"
    moment = display_value(
        field("Next_Call"), "2025-09-22T12:14:00+00:00", time_zone="Asia/Kolkata"
    )
    assert moment == "09/22/2025 17:44 (Asia/Kolkata)"
    assert display_value(field("Next_Call"), "soon") == "soon"
