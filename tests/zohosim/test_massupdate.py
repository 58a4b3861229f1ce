"""Mass update on the simulated CRM: Zoho's validation errors, scheduled jobs that move
SCHEDULED -> RUNNING -> COMPLETED and really change the view's records, ids mode."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crmupdate.zohosim.models import SimMassUpdateJob, SimRecord
from tests.fixtures_sim import SALES_REP_EMAIL


def only_entry(response):
    assert response.status_code == 200, response.content
    (entry,) = response.json()["data"]
    return entry


def per_entry_error(response, code, message, details=None):
    entry = only_entry(response)
    assert (entry["status"], entry["code"], entry["message"]) == ("error", code, message)
    if details is not None:
        assert entry["details"] == details
    return entry


@pytest.fixture
def trade_show(sim):
    return sim.view_id("Leads", "Trade-show leads")


def test_more_fields_than_the_module_allows(crm, sim, trade_show):
    two = {"data": [{"Rating": "Active", "Industry": "Manufacturing"}], "cvid": trade_show}
    per_entry_error(crm.mass_update("Leads", two), "INVALID_DATA", "Max field limit exceeded")
    deals = sim.view_id("Deals", "Open deals")
    three = {"Priority": "High", "Type": "New Business", "Probability": 40}
    assert only_entry(crm.mass_update("Deals", {"data": [three], "cvid": deals}))["code"] == (
        "SUCCESS"
    )
    four = {**three, "Discount": 5}
    per_entry_error(
        crm.mass_update("Deals", {"data": [four], "cvid": deals}),
        "INVALID_DATA",
        "Max field limit exceeded",
    )


@pytest.mark.parametrize("field", ["Email", "Owner", "Description", "Referred_By", "Nope"])
def test_a_field_that_cannot_be_mass_updated(crm, trade_show, field):
    per_entry_error(
        crm.mass_update("Leads", {"data": [{field: "x"}], "cvid": trade_show}),
        "INVALID_DATA",
        "This field cannot be updated in the Mass Update",
        {"api_name": field},
    )


def test_a_picklists_display_value_is_refused(crm, trade_show):
    entry = per_entry_error(
        crm.mass_update("Leads", {"data": [{"Region": "Houston"}], "cvid": trade_show}),
        "INVALID_DATA",
        "invalid data",
    )
    assert entry["details"]["api_name"] == "Region"
    ok = crm.mass_update("Leads", {"data": [{"Region": "Houston Showroom"}], "cvid": trade_show})
    assert only_entry(ok)["code"] == "SUCCESS"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("No_of_Employees", "1000"),
        ("No_of_Employees", 1.5),
        ("No_of_Employees", 10**9),
        ("Email_Opt_Out", "true"),
        ("Follow_Up_Date", "2024-13-01"),
        ("Last_Visit", "2024-05-01T10:00:00"),
        ("Interests", "Widgets"),
        ("Annual_Revenue", True),
        ("Company", "x" * 201),
    ],
)
def test_values_of_the_wrong_type_are_refused(crm, trade_show, field, value):
    entry = per_entry_error(
        crm.mass_update("Leads", {"data": [{field: value}], "cvid": trade_show}),
        "INVALID_DATA",
        "invalid data",
    )
    assert entry["details"]["api_name"] == field
    assert entry["details"]["json_path"] == f"$.data[0].{field}"


def test_no_field(crm, trade_show):
    per_entry_error(
        crm.mass_update("Leads", {"data": [{}], "cvid": trade_show}),
        "INVALID_DATA",
        "No field found",
    )


def test_a_bad_cvid(crm, sim):
    for cvid in ("73896400000009156", sim.view_id("Deals", "All Deals"), True, {"id": "1"}):
        per_entry_error(
            crm.mass_update("Leads", {"data": [{"Rating": "Active"}], "cvid": cvid}),
            "INVALID_DATA",
            "the cvid given seems to be invalid",
            {"api_name": "cvid"},
        )


def test_another_users_private_view_is_not_visible(crm, sim):
    ritas = sim.view_id("Leads", "Rita's hot leads")
    per_entry_error(
        crm.mass_update("Leads", {"data": [{"Rating": "Active"}], "cvid": ritas}),
        "INVALID_DATA",
        "the cvid given seems to be invalid",
    )


def test_neither_cvid_nor_ids(crm):
    per_entry_error(
        crm.mass_update("Leads", {"data": [{"Rating": "Active"}]}),
        "MANDATORY_NOT_FOUND",
        "required field not found",
        {},
    )


def test_both_cvid_and_ids(crm, trade_show, sim):
    ids = [str(sim.records("Leads")[0].record_id)]
    body = {"data": [{"Rating": "Active"}], "cvid": trade_show, "ids": ids}
    per_entry_error(
        crm.mass_update("Leads", body),
        "AMBIGUITY_DURING_PROCESSING",
        "either cvid or ids can be given, not both",
    )


@pytest.mark.parametrize("data", [None, [], "x", [{"Rating": "Active"}, {"Rating": "Active"}], [1]])
def test_data_must_be_one_object(crm, trade_show, data):
    body = {"cvid": trade_show} if data is None else {"data": data, "cvid": trade_show}
    code = "MANDATORY_NOT_FOUND" if data is None else "INVALID_DATA"
    assert only_entry(crm.mass_update("Leads", body))["code"] == code


def test_more_than_500_ids(crm):
    ids = [str(738964000010000000 + n) for n in range(501)]
    per_entry_error(
        crm.mass_update("Leads", {"data": [{"Rating": "Active"}], "ids": ids}),
        "LIMIT_EXCEEDED",
        "Record count exceeded",
        {"api_name": "ids", "limit": 500},
    )


def test_an_empty_view(crm, sim):
    junk = sim.view_id("Leads", "Junk leads")
    per_entry_error(
        crm.mass_update("Leads", {"data": [{"Rating": "Active"}], "cvid": junk}),
        "NO_RECORDS_FOUND",
        "no record found to update",
    )


def test_a_view_over_50000_records(crm, sim):
    archive = sim.view_id("Leads", "Lead archive 2015-2020")
    assert crm.get(f"Leads/actions/count?cvid={archive}", version="v2.1").json() == {
        "count": 61_250
    }
    per_entry_error(
        crm.mass_update("Leads", {"data": [{"Rating": "Active"}], "cvid": archive}),
        "LIMIT_EXCEEDED",
        "Record count exceeded",
    )


def test_territories_only_exist_with_an_id_zoho_knows(crm, trade_show):
    body = {"data": [{"Rating": "Active"}], "cvid": trade_show, "territory": {"id": "1"}}
    assert only_entry(crm.mass_update("Leads", body))["details"] == {"api_name": "territory"}


def test_one_running_job_per_view(crm, sim, trade_show, slow_jobs):
    body = {"data": [{"Rating": "Active"}], "cvid": trade_show}
    assert only_entry(crm.mass_update("Leads", body))["code"] == "SUCCESS"
    second = crm.mass_update("Leads", body)
    assert second.status_code == 400
    assert second.json()["code"] == "ALREADY_SCHEDULED"
    other = {"data": [{"Rating": "Active"}], "cvid": sim.view_id("Leads", "All Leads")}
    assert only_entry(crm.mass_update("Leads", other))["code"] == "SUCCESS"
    slow_jobs.finish()
    slow_jobs.finish(SimMassUpdateJob.objects.order_by("pk").first().job_id)
    assert only_entry(crm.mass_update("Leads", body))["code"] == "SUCCESS"


def test_a_sales_rep_has_no_mass_update_permission(crm_as, sim):
    rep = crm_as(SALES_REP_EMAIL)
    response = rep.mass_update(
        "Leads", {"data": [{"Rating": "Active"}], "cvid": sim.view_id("Leads", "All Leads")}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "NO_PERMISSION"
    assert response.json()["message"] == "permission denied"
    assert not SimMassUpdateJob.objects.exists()


def test_a_job_moves_from_scheduled_to_running_to_completed(crm, sim, trade_show, settings):
    settings.ZOHOSIM_JOB_START_DELAY = 10
    settings.ZOHOSIM_JOB_SECONDS_PER_RECORD = 1
    members = sim.view_records("Leads", "Trade-show leads")
    locked = [r for r in members if r.locked]
    assert locked, "the demo view holds locked records"
    body = {"data": [{"No_of_Employees": 4321}], "cvid": trade_show}
    job_id = only_entry(crm.mass_update("Leads", body))["details"]["job_id"]
    job = SimMassUpdateJob.objects.get(job_id=job_id)

    def status_after(seconds):
        SimMassUpdateJob.objects.filter(pk=job.pk).update(
            created=timezone.now() - timedelta(seconds=seconds),
            due_at=timezone.now() - timedelta(seconds=seconds) + (job.due_at - job.created),
        )
        return only_entry(crm.status("Leads", job_id))

    total = len(members)
    assert status_after(0) == {
        "Status": "SCHEDULED",
        "Failed_Count": 0,
        "Updated_Count": 0,
        "Not_Updated_Count": total,
        "Total_Count": total,
    }
    running = status_after(10 + 30)
    assert running["Status"] == "RUNNING"
    assert running["Updated_Count"] + running["Failed_Count"] == 30
    assert running["Not_Updated_Count"] == total - 30
    assert not any(r.data.get("No_of_Employees") == 4321 for r in sim.records("Leads"))
    done = status_after(10 + total + 1)
    assert done == {
        "Status": "COMPLETED",
        "Failed_Count": len(locked),
        "Updated_Count": total - len(locked),
        "Not_Updated_Count": 0,
        "Total_Count": total,
    }
    after = {r.record_id: r.data for r in sim.records("Leads")}
    for record in members:
        expected = record.data.get("No_of_Employees") if record.locked else 4321
        assert after[record.record_id].get("No_of_Employees") == expected
    outside = [d for rid, d in after.items() if rid not in {m.record_id for m in members}]
    assert all(d.get("No_of_Employees") != 4321 for d in outside)


def test_reading_the_view_after_the_job_shows_the_new_values(crm, sim, trade_show):
    job = only_entry(
        crm.mass_update("Leads", {"data": [{"Rating": "Shut Down"}], "cvid": trade_show})
    )
    assert job["code"] == "SUCCESS"
    page = crm.get(f"Leads?cvid={trade_show}&fields=Rating&per_page=200").json()["data"]
    locked = {str(r.record_id) for r in SimRecord.objects.filter(locked=True)}
    assert {r["Rating"] for r in page if r["id"] not in locked} == {"Shut Down"}
    first_free = next(r for r in page if r["id"] not in locked)
    updated = SimRecord.objects.get(record_id=int(first_free["id"]))
    assert updated.data["Modified_By"]["id"] == sim.user("sam.ops@zylker.example").zoho_id


def test_a_view_shrinks_when_its_records_no_longer_match(crm, sim):
    not_contacted = sim.view_id("Leads", "Leads with status Not Contacted")
    before = crm.get(f"Leads/actions/count?cvid={not_contacted}", version="v2.1").json()["count"]
    body = {"data": [{"Lead_Status": "Contacted"}], "cvid": not_contacted}
    job_id = only_entry(crm.mass_update("Leads", body))["details"]["job_id"]
    failed = only_entry(crm.status("Leads", job_id))["Failed_Count"]
    after = crm.get(f"Leads/actions/count?cvid={not_contacted}", version="v2.1").json()["count"]
    assert before > 0
    assert after == failed  # only the locked records still match


def test_multi_select_values_are_added_unless_over_write(crm, sim):
    view = sim.view_id("Leads", "Trade-show leads")
    record = next(r for r in sim.view_records("Leads", "Trade-show leads") if not r.locked)
    record.data["Interests"] = ["Gadgets"]
    record.save()
    crm.mass_update("Leads", {"data": [{"Interests": ["Training"]}], "cvid": view})
    assert sim.record(record.record_id).data["Interests"] == ["Gadgets", "Training"]
    body = {"data": [{"Interests": ["Widgets"]}], "cvid": view, "over_write": True}
    crm.mass_update("Leads", body)
    assert sim.record(record.record_id).data["Interests"] == ["Widgets"]


def test_ids_mode_updates_at_once_with_one_result_per_id(crm, sim):
    leads = sim.records("Leads")
    free = [r for r in leads if not r.locked][:2]
    locked = next(r for r in leads if r.locked)
    ids = [str(free[0].record_id), "123", str(locked.record_id), str(free[1].record_id)]
    response = crm.mass_update("Leads", {"data": [{"Rating": "Active"}], "ids": ids})
    assert response.status_code == 200
    entries = response.json()["data"]
    assert [(e["status"], e["code"]) for e in entries] == [
        ("success", "SUCCESS"),
        ("error", "INVALID_DATA"),
        ("error", "RECORD_LOCKED"),
        ("success", "SUCCESS"),
    ]
    assert entries[0]["message"] == "record updated"
    assert entries[0]["details"]["id"] == ids[0]
    assert entries[1]["details"] == {"id": "123"}
    assert entries[2]["details"] == {"action": "record_locking", "id": ids[2]}
    assert sim.record(free[0].record_id).data["Rating"] == "Active"
    assert sim.record(locked.record_id).data.get("Rating") == locked.data.get("Rating")
    assert not SimMassUpdateJob.objects.exists()


def test_ids_mode_with_every_id_failing_answers_400(crm):
    response = crm.mass_update("Leads", {"data": [{"Rating": "Active"}], "ids": ["1", "2"]})
    assert response.status_code == 400
    assert [e["code"] for e in response.json()["data"]] == ["INVALID_DATA", "INVALID_DATA"]


def test_job_status_errors(crm):
    missing = crm.get("Leads/actions/mass_update")
    assert (missing.status_code, missing.json()["code"]) == (400, "MANDATORY_NOT_FOUND")
    unknown = crm.status("Leads", "738964000002159999")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "NOT_FOUND")


def test_a_job_is_only_visible_in_its_own_module(crm, trade_show):
    job_id = only_entry(
        crm.mass_update("Leads", {"data": [{"Rating": "Active"}], "cvid": trade_show})
    )["details"]["job_id"]
    assert crm.status("Deals", job_id).status_code == 404


def test_another_organisation_cannot_see_the_job_or_the_view(crm, crm_as, trade_show):
    job_id = only_entry(
        crm.mass_update("Leads", {"data": [{"Rating": "Active"}], "cvid": trade_show})
    )["details"]["job_id"]
    globex = crm_as("gary.globex@globex.example")
    assert globex.status("Leads", job_id).status_code == 404
    per_entry_error(
        globex.mass_update("Leads", {"data": [{"Rating": "Active"}], "cvid": trade_show}),
        "INVALID_DATA",
        "the cvid given seems to be invalid",
    )


def test_a_mass_update_can_clear_a_field(crm, sim):
    view = sim.view_id("Leads", "Trade-show leads")
    crm.mass_update("Leads", {"data": [{"Industry": None}], "cvid": view})
    members = sim.view_records("Leads", "Trade-show leads")
    assert all("Industry" not in r.data for r in members if not r.locked)
    assert any("Industry" in r.data for r in sim.records("Leads"))


def test_cached_memberships_of_big_views_follow_changes(crm, sim, monkeypatch):
    from crmupdate.zohosim import records

    monkeypatch.setattr(records, "BIG_VIEW_CACHE_MIN", 10)
    not_contacted = sim.view_id("Leads", "Leads with status Not Contacted")
    before = crm.get(f"Leads/actions/count?cvid={not_contacted}", version="v2.1").json()["count"]
    assert before >= 10
    first_page = crm.get(f"Leads?cvid={not_contacted}&fields=Lead_Status&per_page=5").json()
    moved = first_page["data"][1]["id"]
    crm("PUT", "Leads", {"data": [{"id": moved, "Lead_Status": "Contacted"}]})
    assert (
        crm.get(f"Leads/actions/count?cvid={not_contacted}", version="v2.1").json()["count"]
        == before - 1
    )
    again = crm.get(f"Leads?cvid={not_contacted}&fields=Lead_Status&per_page=5").json()
    assert moved not in [r["id"] for r in again["data"]]
