"""A change reads the same wherever it is shown: the history, the update's page, the undo
page, the review's sentence and the stored summary column."""

from __future__ import annotations

from crmupdate.massupdate.changetext import (
    change_phrase,
    change_text,
    changes_summary,
    field_labels,
)

STAGE = {"api_name": "Stage", "label": "Stage", "data_type": "picklist", "display": "Closed Won"}
PHONE = {"api_name": "Phone", "label": "Phone", "data_type": "phone", "display": "(empty)",
         "clear": True}  # fmt: skip
ADD = {"api_name": "Langs", "label": "Languages", "data_type": "multiselectpicklist",
       "display": "English", "over_write": False}  # fmt: skip
REPLACE = {**ADD, "over_write": True}


def test_each_kind_of_change_as_text_phrase_and_summary():
    assert change_text(STAGE) == "Stage → Closed Won"
    assert change_text(PHONE) == "Phone → (cleared)"
    assert change_text(ADD) == "Languages → + English"
    assert change_text(REPLACE) == "Languages → English"
    assert change_phrase(STAGE) == "set Stage to Closed Won"
    assert change_phrase(PHONE) == "clear Phone"
    assert change_phrase(ADD) == "add English to Languages"
    assert changes_summary([STAGE, ADD]) == "Stage → Closed Won; Languages → + English"


def test_a_change_without_a_label_is_named_by_its_api_name():
    unlabelled = {"api_name": "Custom_Field__c", "display": "1"}
    assert change_text(unlabelled) == "Custom_Field__c → 1"
    assert field_labels([STAGE, unlabelled, "junk"]) == {
        "Stage": "Stage",
        "Custom_Field__c": "Custom_Field__c",
    }
    assert field_labels(None) == {}
