"""Every step changes exactly the records the view held when the update started, and the update
says, per record, what happened to each (against the practice CRM, checking its records)."""

import pytest

from crmupdate.massupdate.frozen.models import RecordFailure
from crmupdate.massupdate.frozen.retry import records_retry_start
from crmupdate.massupdate.models import Step, StepMode, StepStatus, UpdateStatus
from crmupdate.massupdate.undo import services as undo_services
from crmupdate.zohosim.models import SimRecord
from tests.massupdate.conftest import change, run_update
from tests.undo.conftest import edit_in_zoho, run_actions_until, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

NEW = {
    "Stage": "Closed Won",
    "Probability": 100,
    "Closing_Date": "2026-12-31",
    "Next_Step": "Send the contract",
    "Lead_Source": "Advertisement",
}


def deal_changes():
    kinds = {"Stage": "picklist", "Probability": "percent", "Closing_Date": "date",
             "Next_Step": "text", "Lead_Source": "picklist"}  # fmt: skip
    return [change(name, value, label=name.replace("_", " "), data_type=kinds[name])
            for name, value in NEW.items()]  # fmt: skip


@pytest.fixture
def sam(member_factory):
    return member_factory()


def holds_all(record):
    data = record.data
    return all(
        float(data.get(name) or 0) == value if name == "Probability" else data.get(name) == value
        for name, value in NEW.items()
    )


def step_two_started(update):
    return Step.objects.filter(update=update, position=2).exclude(status="pending").exists()


def test_open_deals_with_five_fields_changes_exactly_the_deals_in_the_view_at_start(
    sam, sim, fast_worker
):
    frozen_ids = {r.record_id for r in sim.view_records("Deals", "Open deals")}
    refused = {r.record_id for r in sim.records("Deals") if r.record_id in frozen_ids and (
        r.locked or r.not_approved or r.blueprint_field == "Stage")}  # fmt: skip
    cvid = sim.view_id("Deals", "Open deals")
    update = run_update(sam.member, deal_changes(), module="Deals", cvid=cvid)
    first = Step.objects.get(update=update, position=1)
    run_actions_until(lambda: Step.objects.get(pk=first.pk).job_id != "", "the first job")
    # A deal joins the view after the records were read: no later step touches it.
    joiner = next(r for r in sim.records("Deals") if r.record_id not in frozen_ids)
    SimRecord.objects.filter(pk=joiner.pk).update(data={**joiner.data, "Stage": "Qualification"})
    run_worker()

    update.refresh_from_db()
    assert update.frozen_count == len(frozen_ids)
    after = {r.record_id: r for r in sim.records("Deals")}
    changed = {i for i in frozen_ids if holds_all(after[i])}
    assert changed == frozen_ids - refused  # every frozen deal holds every value, but these
    assert after[joiner.record_id].data.get("Next_Step") != NEW["Next_Step"]
    # the steps: Zoho's job on the view, then by id on the frozen deals only
    steps = list(update.steps.all())
    assert [s.mode for s in steps] == [StepMode.VIEW, StepMode.IDS]
    assert all(s.status == StepStatus.COMPLETED for s in steps)
    # counts per record, each once: changed + not changed + deleted = frozen
    assert (update.updated_count, update.failed_count, update.deleted_count) == (
        len(frozen_ids) - len(refused), len(refused), 0,
    )  # fmt: skip
    assert f"{len(frozen_ids) - len(refused):,} of {len(frozen_ids):,} deals changed" in (
        update.last_error_explanation
    )
    names = dict(RecordFailure.objects.filter(update=update).values_list("record_id", "name"))
    assert {int(i) for i in names} == refused
    assert all(names.values())  # each named as Zoho names it (Deal_Name)
    # automation: the view job of fewer than 1,000 deals fired the Stage rule for the deals
    # it changed, never for the deal that joined the view later
    fired = sim.automation_runs(source="mass_update_cvid", rule__name="Deal stage changed")
    assert {r.record_id for r in fired} == {
        i for i in frozen_ids if after[i].data.get("Stage") == "Closed Won"
    }


def test_a_later_step_by_id_fires_workflow_rules_for_each_record(sam, sim, fast_worker):
    cvid = sim.view_id("Leads", "All Leads")
    leads = {r.record_id for r in sim.view_records("Leads", "All Leads")}
    status = change("Lead_Status", "Contacted", label="Lead Status", data_type="picklist")
    update = run_update(sam.member, [change("No_of_Employees", 1000), status], cvid=cvid)
    run_worker()
    update.refresh_from_db()
    locked = {r.record_id for r in sim.records("Leads") if r.record_id in leads and r.locked}
    fired = sim.automation_runs(source="mass_update_ids", rule__name="Lead status changed")
    assert sorted(r.record_id for r in fired) == sorted(leads - locked)  # once per record
    assert not sim.automation_runs(source="mass_update_cvid", rule__name="Lead status changed")


def test_a_record_refused_by_every_step_counts_once(sam, sim, fast_worker):
    cvid = sim.view_id("Deals", "Open deals")
    locked = next(r for r in sim.view_records("Deals", "Open deals") if r.locked)
    update = run_update(sam.member, deal_changes(), module="Deals", cvid=cvid)
    run_worker()
    update.refresh_from_db()
    both = RecordFailure.objects.filter(update=update, record_id=str(locked.record_id))
    assert sorted(both.values_list("step__position", flat=True)) == [1, 2]
    assert update.updated_count + update.failed_count + update.deleted_count == (
        update.frozen_count
    )


def test_a_retry_that_fails_again_keeps_the_new_reason_and_one_after_unlocking_succeeds(
    sam, sim, fast_worker
):
    cvid = sim.view_id("Leads", "All Leads")
    update = run_update(sam.member, [change("No_of_Employees", 1000)], cvid=cvid)
    run_worker()
    update.refresh_from_db()
    locked = {str(r.record_id) for r in sim.view_records("Leads", "All Leads") if r.locked}
    assert update.failed_count == len(locked) > 0
    assert update.status == UpdateStatus.COMPLETED_WITH_FAILURES

    first = records_retry_start(update=update, member=sam.member)
    run_worker()
    first.refresh_from_db()
    assert (first.status, first.changed_count, first.failed_count) == (
        UpdateStatus.COMPLETED_WITH_FAILURES, 0, len(locked),
    )  # fmt: skip
    still = RecordFailure.objects.filter(update=update, resolved_at__isnull=True)
    assert set(still.values_list("attempt", flat=True)) == {1}
    assert set(still.values_list("code", flat=True)) == {"RECORD_LOCKED"}

    for record_id in locked:
        sim.record_states_set(record_id, locked=False)
    second = records_retry_start(update=update, member=sam.member)
    run_worker()
    second.refresh_from_db()
    assert (second.number, second.changed_count, second.failed_count) == (2, len(locked), 0)
    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED and update.failed_count == 0
    assert all(sim.record(i).data["No_of_Employees"] == 1000 for i in locked)


def test_a_record_deleted_between_two_steps_counts_as_deleted(sam, sim, fast_worker):
    cvid = sim.view_id("Deals", "Open deals")
    update = run_update(sam.member, deal_changes(), module="Deals", cvid=cvid)
    frozen_ids = [r.record_id for r in sim.view_records("Deals", "Open deals")]
    run_actions_until(lambda: Step.objects.get(update=update, position=1).finished, "step 1")
    gone = next(r for r in map(sim.record, frozen_ids) if r.data["Stage"] == "Closed Won")
    SimRecord.objects.filter(pk=gone.pk).delete()
    run_worker()

    update.refresh_from_db()
    failure = RecordFailure.objects.get(update=update, record_id=str(gone.record_id))
    assert failure.deleted and failure.code == "INVALID_DATA"
    assert "no longer knows this record" in failure.explanation
    assert update.deleted_count == 1
    assert update.updated_count + update.failed_count + update.deleted_count == (
        update.frozen_count
    )
    assert "1 deleted in Zoho since the update started" in update.last_error_explanation


def test_an_undo_of_a_multi_step_update_puts_back_every_field(sam, sim, fast_worker):
    cvid = sim.view_id("Deals", "Open deals")
    before = {r.record_id: dict(r.data) for r in sim.view_records("Deals", "Open deals")}
    update = run_update(sam.member, deal_changes(), module="Deals", cvid=cvid)
    run_worker()
    undo = undo_services.undo_start(update=update, member=sam.member)
    assert undo.plan == [2, 1]  # the last step first
    run_worker()

    undo.refresh_from_db()
    assert undo.conflict_count == 0 and undo.failed_count == 0
    for record_id, data in before.items():
        now = sim.record(record_id).data
        for name in NEW:
            assert now.get(name) == data.get(name), (record_id, name)


def test_an_undo_leaves_a_record_someone_edited_between_two_steps(
    sam, sim, fast_worker, sim_token, zoho_sim_origin
):
    cvid = sim.view_id("Deals", "Open deals")
    before = {r.record_id: dict(r.data) for r in sim.view_records("Deals", "Open deals")}
    update = run_update(sam.member, deal_changes(), module="Deals", cvid=cvid)
    run_actions_until(lambda: Step.objects.get(update=update, position=1).finished, "step 1")
    edited = next(i for i in before if sim.record(i).data["Stage"] == "Closed Won")
    edit_in_zoho(sim_token, zoho_sim_origin, "Deals",
                 [{"id": str(edited), "Stage": "Closed Lost"}])  # fmt: skip
    run_worker()
    undo = undo_services.undo_start(update=update, member=sam.member)
    run_worker()

    undo.refresh_from_db()
    assert undo.conflict_count == 1  # step 1's fields of the edited deal: left as they are
    now = sim.record(edited).data
    assert now["Stage"] == "Closed Lost"
    # step 2's fields were put back, as for every other deal
    assert now.get("Next_Step") == before[edited].get("Next_Step")
    refused = {f.record_id for f in RecordFailure.objects.filter(update=update)}
    others = [i for i in before if i != edited and str(i) not in refused]
    assert all(sim.record(i).data.get("Stage") == before[i].get("Stage") for i in others)
