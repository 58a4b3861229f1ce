"""Which workflow rules, approvals and Blueprints a write sets off, by Zoho's rules: view
jobs below 1,000 records and ids mode run them, view jobs of 1,000 or more do not, Update
Records runs them unless `"trigger": []`."""

from __future__ import annotations

from crmupdate.zohosim.demo.load import big_view_ensure
from crmupdate.zohosim.models import SimAutomationRule


def free_deals(sim, n):
    free = [r for r in sim.records("Deals") if not (r.locked or r.not_approved)]
    return [r for r in free if not r.blueprint_field][:n]


def test_every_main_module_has_a_workflow_rule(sim):
    for module in ("Leads", "Contacts", "Accounts", "Deals", "Shipments"):
        assert SimAutomationRule.objects.filter(module=sim.module(module), kind="workflow").exists()


def test_a_view_job_below_1000_records_runs_workflows_for_each_record_it_changed(crm, sim):
    open_deals = sim.view_id("Deals", "Open deals")
    view = sim.view_records("Deals", "Open deals")
    body = {"data": [{"Stage": "Closed Won"}], "cvid": open_deals}
    job_id = crm.mass_update("Deals", body).json()["data"][0]["details"]["job_id"]
    failed = crm.status("Deals", job_id).json()["data"][0]["Failed_Count"]

    runs = sim.automation_runs()
    assert {(r.rule.name, r.source, r.job_id) for r in runs} == {
        ("Deal stage changed", "mass_update_cvid", job_id)
    }
    assert len(runs) == len(view) - failed
    refused = {r.record_id for r in view if r.locked or r.not_approved or r.blueprint_field}
    assert not refused & {r.record_id for r in runs}


def test_a_field_no_rule_watches_fires_nothing(crm, sim):
    body = {"data": [{"Next_Step": "Call"}], "cvid": sim.view_id("Deals", "Open deals")}
    crm.mass_update("Deals", body)
    assert sim.automation_runs() == []


def test_a_view_job_of_1000_records_or_more_runs_no_workflow(crm, sim):
    big_view_ensure(1000, org_zoho_id=sim.org.zoho_id)
    view = sim.view("Leads", "Imported batch 2024-Q3")
    assert len(sim.view_records("Leads", view.name)) == 1000
    body = {"data": [{"Lead_Status": "Contacted"}], "cvid": view.zoho_id}
    job_id = crm.mass_update("Leads", body).json()["data"][0]["details"]["job_id"]
    assert crm.status("Leads", job_id).json()["data"][0]["Status"] == "COMPLETED"
    assert sim.automation_runs() == []


def test_ids_mode_runs_workflows_for_every_record(crm, sim):
    deals = free_deals(sim, 3)
    ids = [str(r.record_id) for r in deals]
    crm.mass_update("Deals", {"data": [{"Stage": "Closed Lost"}], "ids": ids})
    runs = sim.automation_runs(source="mass_update_ids")
    assert sorted(str(r.record_id) for r in runs) == sorted(ids)
    assert {r.rule.name for r in runs} == {"Deal stage changed"}


def test_update_records_runs_automation_unless_trigger_is_empty(crm, sim):
    first, second = free_deals(sim, 2)
    quiet = {"data": [{"id": str(first.record_id), "Stage": "Closed Lost"}], "trigger": []}
    assert crm("PUT", "Deals", quiet).json()["data"][0]["code"] == "SUCCESS"
    assert sim.automation_runs() == []

    loud = {"data": [{"id": str(second.record_id), "Stage": "Closed Lost"}]}
    assert crm("PUT", "Deals", loud).json()["data"][0]["code"] == "SUCCESS"
    (run,) = sim.automation_runs()
    assert (run.record_id, run.source, run.kind) == (
        second.record_id,
        "update_records",
        "workflow",
    )

    approvals_only = {
        "data": [{"id": str(first.record_id), "Stage": "Qualification"}],
        "trigger": ["approval"],
    }
    crm("PUT", "Deals", approvals_only)
    assert len(sim.automation_runs()) == 1  # the workflow was not among the triggers


def test_an_approval_locks_the_record_it_fires_for(crm, sim):
    small, big = free_deals(sim, 2)
    body = {"data": [{"Discount": 20}], "ids": [str(small.record_id)]}
    crm.mass_update("Deals", body)
    body = {"data": [{"Discount": 60}], "ids": [str(big.record_id)]}
    crm.mass_update("Deals", body)

    (run,) = sim.automation_runs(kind="approval")
    assert (run.record_id, run.rule.name) == (big.record_id, "Big discount approval")
    assert sim.record(big.record_id).locked and not sim.record(small.record_id).locked
    again = crm.mass_update("Deals", {"data": [{"Discount": 10}], "ids": [str(big.record_id)]})
    assert again.json()["data"][0]["code"] == "RECORD_LOCKED"


def test_a_blueprint_takes_over_its_field(crm, sim):
    SimAutomationRule.objects.create(
        module=sim.module("Deals"), kind="blueprint", name="Closing process", field="Priority"
    )
    (deal,) = free_deals(sim, 1)
    ids = [str(deal.record_id)]
    crm.mass_update("Deals", {"data": [{"Priority": "High"}], "ids": ids})
    assert sim.record(deal.record_id).blueprint_field == "Priority"
    refused = crm.mass_update("Deals", {"data": [{"Priority": "Low"}], "ids": ids})
    assert refused.json()["data"][0]["code"] == "RECORD_IN_BLUEPRINT"


def test_a_workflow_field_update_can_move_a_record_out_of_its_view(crm, sim):
    SimAutomationRule.objects.create(
        module=sim.module("Deals"),
        name="Urgent deals are won",
        field="Priority",
        criteria={"comparator": "equal", "field": {"api_name": "Priority"}, "value": "Urgent"},
        field_updates={"Stage": "Closed Won"},
    )
    deal = next(
        r
        for r in sim.view_records("Deals", "Open deals")
        if not (r.locked or r.not_approved or r.blueprint_field)
    )
    crm("PUT", "Deals", {"data": [{"id": str(deal.record_id), "Priority": "Urgent"}]})
    assert sim.record(deal.record_id).data["Stage"] == "Closed Won"
    assert deal.record_id not in {r.record_id for r in sim.view_records("Deals", "Open deals")}
