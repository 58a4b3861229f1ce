"""One custom view with its criteria: what the client asks Zoho and how it reads the
criteria of every API version (field as a string in v2, an object later)."""

import pytest

from crmupdate.zoho.types import CustomView, ViewCriteria

from .conftest import CRM

# Zoho's v8 schema (zoho-crm-api.md §3.2): field as {"api_name", "id"}, nested groups.
V8_VIEW = {
    "id": "3652397000000087501",
    "name": "Open deals",
    "display_value": "Open deals",
    "criteria": {
        "group_operator": "and",
        "group": [
            {
                "comparator": "in",
                "field": {"api_name": "Stage", "id": "3652397000000002565"},
                "value": ["Qualification", "Needs Analysis"],
            },
            {
                "group_operator": "OR",
                "group": [
                    {"comparator": "equal", "field": {"api_name": "Owner"},
                     "value": "${CURRENTUSER}"},
                    {"comparator": "greater_than", "field": {"api_name": "Amount"}, "value": 10},
                ],
            },
        ],
    },
}  # fmt: skip


def test_get_custom_view_asks_for_one_view_of_the_module(zoho, mocked):
    mocked.get(f"{CRM}/settings/custom_views/3652397000000087501", json={"custom_views": [V8_VIEW]})
    view = zoho.get_custom_view("Deals", "3652397000000087501")
    assert mocked.calls[0].request.url.endswith("?module=Deals")
    assert view.name == "Open deals"
    assert view.criteria is not None
    assert view.criteria.fields() == {"Stage", "Owner", "Amount"}
    stage, either = view.criteria.group
    assert (stage.comparator, stage.field, stage.value) == (
        "in", "Stage", ["Qualification", "Needs Analysis"])  # fmt: skip
    assert either.group_operator == "or" and either.group[1].value == 10


def test_get_custom_view_refuses_an_id_that_is_not_one(zoho, mocked):
    with pytest.raises(ValueError):
        zoho.get_custom_view("Deals", "../org")
    assert not mocked.calls


def test_v2_names_the_field_as_a_string():
    view = CustomView.from_api(
        {"id": "1", "name": "Mine", "criteria": {"comparator": "equal", "field": "Owner",
                                                 "value": "${CURRENTUSER}"}}
    )  # fmt: skip
    assert view.criteria == ViewCriteria(comparator="equal", field="Owner", value="${CURRENTUSER}")


@pytest.mark.parametrize("criteria", [None, {}, [], {"group": []}, {"comparator": "equal"}, "x"])
def test_no_usable_criteria_means_no_filter(criteria):
    assert CustomView.from_api({"id": "1", "name": "All", "criteria": criteria}).criteria is None


def test_a_bare_list_of_conditions_must_all_hold():
    found = ViewCriteria.from_api(
        [{"comparator": "equal", "field": "Stage", "value": "Won"},
         {"comparator": "equal", "field": {"api_name": "Type"}, "value": "New"}]
    )  # fmt: skip
    assert found is not None and found.group_operator == "and"
    assert found.fields() == {"Stage", "Type"}


def test_the_list_of_views_carries_no_criteria(zoho, mocked):
    mocked.get(f"{CRM}/settings/custom_views", json={"custom_views": [{"id": "1", "name": "A"}]})
    assert zoho.list_custom_views("Deals").views[0].criteria is None
