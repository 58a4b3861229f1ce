"""Records Zoho refuses to change, one by one: locked, not approved, in a Blueprint for the
field, a picklist value their layout lacks. View jobs count them; ids mode and Update
Records name them with Zoho's own entries."""

from __future__ import annotations

import pytest

from crmupdate.zohosim.models import SimRecord


@pytest.fixture
def open_deals(sim):
    return sim.view_id("Deals", "Open deals")


def deal_ids(sim, **states):
    return [r.record_id for r in sim.refusing("Deals", **states)]


def test_the_demo_deals_hold_one_record_for_each_reason_in_open_deals(sim):
    in_view = {r.record_id for r in sim.view_records("Deals", "Open deals")}
    not_approved = deal_ids(sim, not_approved=True)
    blueprint = deal_ids(sim, blueprint_field="Stage")
    wholesale = [
        r.record_id
        for r in sim.records("Deals")
        if (r.data.get("Layout") or {}).get("name") == "Wholesale"
    ]
    for group in (not_approved, blueprint, wholesale):
        assert group and set(group) <= in_view


def test_a_view_job_counts_every_refused_record_as_failed(crm, sim, open_deals):
    view = sim.view_records("Deals", "Open deals")
    body = {"data": [{"Stage": "Closed Won", "Priority": "Urgent"}], "cvid": open_deals}
    job_id = crm.mass_update("Deals", body).json()["data"][0]["details"]["job_id"]
    status = crm.status("Deals", job_id).json()["data"][0]

    refused = [
        r
        for r in view
        if r.locked
        or r.not_approved
        or r.blueprint_field == "Stage"
        or r.data["Layout"]["name"] == "Wholesale"  # lacks Priority "Urgent"
    ]
    assert {r.not_approved for r in refused} == {True, False}
    assert status["Status"] == "COMPLETED"
    assert (status["Failed_Count"], status["Updated_Count"]) == (
        len(refused),
        len(view) - len(refused),
    )
    for record in refused:
        assert sim.record(record.record_id).data["Stage"] == record.data["Stage"]


def test_a_blueprint_refuses_only_its_own_field(crm, sim, open_deals):
    body = {"data": [{"Type": "New Business"}], "cvid": open_deals}
    job_id = crm.mass_update("Deals", body).json()["data"][0]["details"]["job_id"]
    status = crm.status("Deals", job_id).json()["data"][0]
    view = sim.view_records("Deals", "Open deals")
    refused = [r for r in view if r.locked or r.not_approved]
    assert status["Failed_Count"] == len(refused)
    (blueprint,) = [r for r in view if r.blueprint_field][:1]
    assert sim.record(blueprint.record_id).data["Type"] == "New Business"


def test_ids_mode_names_each_refused_record_with_zohos_entry(crm, sim):
    (locked, *_) = [r for r in sim.records("Deals") if r.locked]
    (unapproved, *_) = sim.refusing("Deals", not_approved=True)
    (in_blueprint, *_) = sim.refusing("Deals", blueprint_field="Stage")
    wholesale = next(r for r in sim.records("Deals") if r.data["Layout"]["name"] == "Wholesale")
    free = next(
        r for r in sim.records("Deals") if not (r.locked or r.not_approved or r.blueprint_field)
    )
    ids = [str(r.record_id) for r in (locked, unapproved, in_blueprint, wholesale, free)]
    body = {"data": [{"Stage": "Closed Won", "Delivery_Region": "Online Store"}], "ids": ids}

    response = crm.mass_update("Deals", body)

    assert response.status_code == 200
    entries = response.json()["data"]
    assert entries[:4] == [
        {
            "code": "RECORD_LOCKED",
            "details": {"action": "record_locking", "id": ids[0]},
            "message": "You cannot perform this operation as the record is locked.",
            "status": "error",
        },
        {
            "code": "NOT_APPROVED",
            "details": {"id": ids[1]},
            "message": "record not approved",
            "status": "error",
        },
        {
            "code": "RECORD_IN_BLUEPRINT",
            "details": {"api_name": "Stage", "id": ids[2]},
            "message": "The record is in blue print",
            "status": "error",
        },
        {
            "code": "INVALID_DATA",
            "details": {
                "expected_data_type": "picklist",
                "api_name": "Delivery_Region",
                "json_path": "$.data[0].Delivery_Region",
                "id": ids[3],
            },
            "message": "invalid data",
            "status": "error",
        },
    ]
    assert (entries[4]["code"], entries[4]["details"]["id"]) == ("SUCCESS", ids[4])
    assert sim.record(free.record_id).data["Stage"] == "Closed Won"
    for record in (locked, unapproved, in_blueprint, wholesale):
        assert sim.record(record.record_id).data == record.data


def test_a_wholesale_deal_takes_the_values_its_layout_has(crm, sim):
    wholesale = next(r for r in sim.records("Deals") if r.data["Layout"]["name"] == "Wholesale")
    ids = [str(wholesale.record_id)]
    body = {"data": [{"Delivery_Region": "Houston Showroom", "Priority": "High"}], "ids": ids}
    assert crm.mass_update("Deals", body).json()["data"][0]["code"] == "SUCCESS"
    assert sim.record(wholesale.record_id).data["Priority"] == "High"


def test_update_records_refuses_the_same_records_with_their_json_path(crm, sim):
    (in_blueprint, *_) = sim.refusing("Deals", blueprint_field="Stage")
    (unapproved, *_) = sim.refusing("Deals", not_approved=True)
    body = {
        "data": [
            {"id": str(unapproved.record_id), "Next_Step": "Call"},
            {"id": str(in_blueprint.record_id), "Next_Step": "Call", "Stage": "Closed Won"},
        ],
        "trigger": [],
    }
    entries = crm("PUT", "Deals", body).json()["data"]
    assert [e["code"] for e in entries] == ["NOT_APPROVED", "RECORD_IN_BLUEPRINT"]
    assert entries[1]["details"] == {"api_name": "Stage", "id": str(in_blueprint.record_id)}


def test_records_change_once_unlocked_approved_and_out_of_their_blueprint(crm, sim):
    (locked, *_) = [r for r in sim.records("Deals") if r.locked]
    (unapproved, *_) = sim.refusing("Deals", not_approved=True)
    (in_blueprint, *_) = sim.refusing("Deals", blueprint_field="Stage")
    ids = [str(r.record_id) for r in (locked, unapproved, in_blueprint)]
    body = {"data": [{"Stage": "Closed Won"}], "ids": ids}
    assert crm.mass_update("Deals", body).status_code == 400  # every record refused

    sim.record_states_set(locked.record_id, locked=False)
    sim.record_states_set(unapproved.record_id, not_approved=False)
    sim.record_states_set(in_blueprint.record_id, blueprint_field="")
    entries = crm.mass_update("Deals", body).json()["data"]

    assert [e["code"] for e in entries] == ["SUCCESS"] * 3
    assert {sim.record(i).data["Stage"] for i in ids} == {"Closed Won"}


def test_a_record_state_that_does_not_exist_is_refused(sim):
    record = SimRecord.objects.filter(module=sim.module("Deals")).first()
    with pytest.raises(ValueError, match="not a record state"):
        record.states_set(deleted=True)
