"""How undo compares values: a record our update changed is never taken for one someone
edited since, and the reverse."""

import pytest

from crmupdate.massupdate.undo.values import (
    display,
    rows_decode,
    rows_encode,
    same,
    value_set_by_step,
    value_to_restore,
)


@pytest.mark.parametrize(
    ("sent", "returned", "data_type"),
    [
        (1000, 1000.0, "integer"),
        (12.5, "12.50", "currency"),
        (None, "", "text"),
        (None, "-None-", "picklist"),
        (None, [], "multiselectpicklist"),
        (["A", "B"], ["B", "A"], "multiselectpicklist"),
        ("2026-03-01T09:00:00+00:00", "2026-03-01T14:30:00+05:30", "datetime"),
        ("2026-03-01T09:00:00Z", "2026-03-01T09:00:00+00:00", "datetime"),
        ("Houston Showroom", " Houston Showroom ", "picklist"),
        (True, True, "boolean"),
        ({"id": "7", "name": "Sam"}, {"id": "7", "name": "Sam Ops"}, "lookup"),
    ],
)
def test_what_zoho_gives_back_is_the_same_as_what_was_sent(sent, returned, data_type):
    assert same(sent, returned, data_type)


@pytest.mark.parametrize(
    ("a", "b", "data_type"),
    [
        ("Contacted", "Junk Lead", "picklist"),
        (1, True, "integer"),
        (0, None, "integer"),
        (False, None, "boolean"),
        (["A"], ["A", "B"], "multiselectpicklist"),
        ("2026-03-01T09:00:00+00:00", "2026-03-01T09:00:00+01:00", "datetime"),
        ("2026-03-01", "2026-03-02", "date"),
    ],
)
def test_different_values_are_different(a, b, data_type):
    assert not same(a, b, data_type)


def test_a_multi_select_mass_update_adds_unless_it_overwrites():
    assert value_set_by_step(["A", "B"], ["C", "A"], "multiselectpicklist", None) == ["A", "B", "C"]
    assert value_set_by_step(None, ["C"], "multiselectpicklist", False) == ["C"]
    assert value_set_by_step(["A", "B"], ["C"], "multiselectpicklist", True) == ["C"]
    assert value_set_by_step(["A"], None, "multiselectpicklist", False) is None  # cleared
    assert value_set_by_step("Old", "New", "picklist", None) == "New"


def test_the_value_written_back_is_exactly_the_previous_one():
    assert value_to_restore(["B", "A"], "multiselectpicklist") == ["B", "A"]
    assert value_to_restore([], "multiselectpicklist") is None
    assert value_to_restore("-None-", "picklist") is None
    assert value_to_restore(0, "integer") == 0
    assert value_to_restore(False, "boolean") is False


def test_backup_pages_are_compact_and_exact():
    rows = [[str(738964000010000000 + i), "Not Contacted", ["A", "B"], None] for i in range(200)]
    payload = rows_encode(rows)
    assert rows_decode(payload) == rows
    assert len(payload) < 20 * len(rows)  # a few bytes per record


def test_values_are_shown_as_people_read_them():
    assert display(["Widgets", "Training"]) == "Widgets; Training"
    assert display(True) == "Yes"
    assert display(1000.0) == "1000"
    assert display("-None-") == ""
    assert display({"name": "Sam Ops", "id": "1"}) == "Sam Ops"
