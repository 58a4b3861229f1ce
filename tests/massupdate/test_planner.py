"""One field per Zoho job, three in Deals; over_write only when a multi-select is replaced."""

from crmupdate.massupdate.fieldforms import Change
from crmupdate.massupdate.planner import plan_steps, step_request


def change(api_name, value="x", data_type="text", over_write=None):
    return Change(
        api_name=api_name,
        label=api_name,
        data_type=data_type,
        value=value,
        display=str(value),
        over_write=over_write,
    )


def test_each_field_is_its_own_step_outside_deals():
    steps = plan_steps("Leads", [change("A"), change("B"), change("C")])
    assert [[c.api_name for c in s] for s in steps] == [["A"], ["B"], ["C"]]


def test_deals_take_three_fields_per_step():
    steps = plan_steps("Deals", [change(n) for n in "ABCDE"])
    assert [[c.api_name for c in s] for s in steps] == [["A", "B", "C"], ["D", "E"]]


def test_multi_selects_that_disagree_about_replacing_never_share_a_step():
    steps = plan_steps(
        "Deals",
        [
            change("A", ["x"], "multiselectpicklist", True),
            change("B", ["y"], "multiselectpicklist", False),
            change("C"),
        ],
    )
    assert [[c.api_name for c in s] for s in steps] == [["A"], ["B", "C"]]


def test_the_same_field_twice_is_planned_once():
    steps = plan_steps("Leads", [change("A", 1), change("A", 2)])
    assert len(steps) == 1 and steps[0][0].value == 1


def test_the_request_carries_the_values_and_over_write_only_when_replacing():
    assert step_request([change("No_of_Employees", 1000, "integer")]) == (
        {"No_of_Employees": 1000},
        None,
    )
    assert step_request([change("L", ["a"], "multiselectpicklist", False)]) == ({"L": ["a"]}, None)
    assert step_request([change("L", ["a"], "multiselectpicklist", True)]) == ({"L": ["a"]}, True)
    assert step_request([change("P", None)]) == ({"P": None}, None)
