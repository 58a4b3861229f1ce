"""Records named as Zoho names them."""

import pytest

from crmupdate.massupdate.names import name_fields, record_display_name


@pytest.mark.parametrize(
    ("module", "record", "name"),
    [
        ("Leads", {"Full_Name": "Ava Abbott", "Last_Name": "Abbott"}, "Ava Abbott"),
        ("Leads", {"First_Name": "Ava", "Last_Name": "Abbott", "Company": "Acme Labs"},
         "Ava Abbott (Acme Labs)"),
        ("Leads", {"Last_Name": "Abbott"}, "Abbott"),
        ("Contacts", {"First_Name": "Ben", "Last_Name": "Brennan",
                      "Account_Name": {"name": "Blue Foods", "id": "1"}},
         "Ben Brennan (Blue Foods)"),
        ("Deals", {"Deal_Name": "Acme - Renewal", "Account_Name": {"name": "Acme"}},
         "Acme - Renewal"),
        ("Accounts", {"Account_Name": "Acme Labs"}, "Acme Labs"),
        ("Cases", {"Subject": "Broken widget"}, "Broken widget"),
        ("Products", {"Product_Name": "Widget"}, "Widget"),
        ("Shipments", {"Name": "SHP-1"}, "SHP-1"),
        ("Deals", {"id": "1"}, ""),
    ],
)  # fmt: skip
def test_record_display_name(module, record, name):
    assert record_display_name(module, record) == name


def test_name_fields_asks_only_for_fields_the_module_has():
    assert name_fields("Leads") == ["Full_Name", "First_Name", "Last_Name", "Company"]
    assert name_fields("Leads", ["Last_Name", "Company", "Rating"]) == ["Last_Name", "Company"]
    assert name_fields("Deals", ["Deal_Name", "Stage"]) == ["Deal_Name"]
    assert name_fields("Shipments") == ["Name"]
