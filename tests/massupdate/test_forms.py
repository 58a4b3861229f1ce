"""The module/view form and the changes form, built from Zoho metadata."""

from django.http import QueryDict

from crmupdate.massupdate.fieldforms import offered_fields
from crmupdate.massupdate.forms import (
    ChangesForm,
    ModuleViewForm,
    initial_from_raw,
    raw_input_from,
    view_choices,
    view_groups,
)
from crmupdate.zoho.types import CustomView, CustomViewList, Module
from tests.massupdate.field_samples import leads_fields


def views():
    def v(id, name, category, default=False):
        return CustomView(
            id=id,
            name=name,
            display_value=name,
            category=category,
            default=default,
            system_defined=False,
            system_name="",
        )

    return CustomViewList(
        views=[
            v("1", "All Leads", "public_views"),
            v("2", "Mine", "created_by_me"),
            v("3", "Open leads", "public_views", default=True),
        ],
        default_id="3",
        category_labels={"public_views": "Public Views", "created_by_me": "Created By Me"},
    )


def form(data, selected):
    return ChangesForm(
        data, offered=offered_fields(leads_fields()), selected=selected, time_zone="Europe/London"
    )


def test_views_are_grouped_with_the_default_first_in_its_group_and_only_marked():
    groups = view_groups(views())
    assert [(g.label, [(v.id, v.name, v.is_default) for v in g.views]) for g in groups] == [
        ("Public Views", [("3", "Open leads", True), ("1", "All Leads", False)]),
        ("Created By Me", [("2", "Mine", False)]),
    ]
    assert view_choices(views()) == [("3", "Open leads"), ("1", "All Leads"), ("2", "Mine")]


def test_module_view_form_needs_a_view_once_views_are_shown():
    modules = [Module.from_api({"api_name": "Leads", "plural_label": "Leads"})]
    f = ModuleViewForm({"module": "Leads"}, modules=modules, views=views())
    assert not f.is_valid()
    assert f.errors["cvid"] == ["Choose the view whose records you want to change."]
    f = ModuleViewForm({"module": "Leads", "cvid": "1"}, modules=modules, views=views())
    assert f.is_valid()
    assert f.view_name("1") == "All Leads"


def test_a_valid_form_gives_changes_in_the_order_the_rows_were_added():
    f = form(
        {"value__No_of_Employees": "1000", "value__Lead_Source": "Houston Showroom"},
        ["No_of_Employees", "Lead_Source"],
    )
    assert f.is_valid(), f.errors
    assert [(c.api_name, c.value) for c in f.changes()] == [
        ("No_of_Employees", 1000),
        ("Lead_Source", "Houston Showroom"),
    ]


def test_an_empty_row_says_what_to_type():
    f = form({}, ["No_of_Employees", "Email_Opt_Out", "Rating"])
    assert not f.is_valid()
    assert f.errors["value__No_of_Employees"] == ["Type the new value, or tick “Clear this field”."]
    assert f.errors["value__Email_Opt_Out"] == ["Choose Yes or No."]
    assert f.errors["value__Rating"] == ["Choose a value, or tick “Clear this field”."]


def test_clear_this_field_needs_no_value():
    f = form({"clear__Rating": "on"}, ["Rating"])
    assert f.is_valid(), f.errors
    assert f.changes()[0].value is None


def test_no_rows_is_an_error():
    f = form({}, [])
    assert not f.is_valid()
    assert f.non_field_errors() == ["Add at least one field to change."]


def test_fields_that_are_not_offered_cannot_be_smuggled_in():
    f = form({"value__Email": "a@b.c", "value__Rating": "Hot"}, ["Email", "Rating"])
    assert f.is_valid()
    assert [c.api_name for c in f.changes()] == ["Rating"]


def test_the_add_list_leaves_out_rows_already_chosen():
    choices = dict(form(None, ["Rating"]).fields["add_field"].choices)
    assert "Rating" not in choices and "Lead_Status" in choices


def test_typed_input_survives_a_round_trip_through_the_draft():
    data = QueryDict(mutable=True)
    data.setlist("value__checking_multi_picklist", ["English", "Spanish"])
    data["overwrite__checking_multi_picklist"] = "on"
    data["value__No_of_Employees"] = "12x"
    raw = raw_input_from(data, ["checking_multi_picklist", "No_of_Employees"])
    initial = initial_from_raw(raw, offered_fields(leads_fields()))
    assert initial == {
        "value__checking_multi_picklist": ["English", "Spanish"],
        "overwrite__checking_multi_picklist": True,
        "value__No_of_Employees": "12x",
    }
