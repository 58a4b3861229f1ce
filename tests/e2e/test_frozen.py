"""In the browser, against the practice CRM: an update of "Open deals" changes exactly the deals
the view held when it started, and the page names every deal it did not change, with Zoho's
reason in plain words, a CSV of them, and a retry that succeeds once they are released."""

import csv
import re

import pytest
from playwright.sync_api import expect

from crmupdate.massupdate.models import MassUpdate, Step
from crmupdate.zohosim.models import SimRecord
from tests.e2e.test_massupdate import assert_accessible
from tests.undo.conftest import run_actions_until, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

NEW = {
    "Stage": "Closed Won",
    "Probability": 100.0,
    "Closing_Date": "2026-12-31",
    "Next_Step": "Send the contract",
    "Lead_Source": "Advertisement",
}


def open_deals_form(page, base_url, cvid):
    page.goto(f"{base_url}/updates/new/")
    page.get_by_label("Module").select_option(label="Deals")
    page.locator(f"#view-{cvid}").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="What should change?")).to_be_visible()


def add_field(page, label):
    page.get_by_label("Field to change").select_option(label=label)
    value = page.get_by_label(f"{label}: new value")
    expect(value).to_be_visible()
    return value


def holds_all(record):
    data = record.data
    return all(
        float(data.get(n) or 0) == v if n == "Probability" else data.get(n) == v
        for n, v in NEW.items()
    )


def test_open_deals_with_five_fields_changes_exactly_the_deals_frozen_at_start(
    signed_in_page, live_server, sim, fast_worker
):
    page = signed_in_page
    frozen = {r.record_id for r in sim.view_records("Deals", "Open deals")}
    open_deals_form(page, live_server.url, sim.view_id("Deals", "Open deals"))
    add_field(page, "Stage").select_option(label="Closed Won")
    add_field(page, "Probability (%)").fill("100")
    add_field(page, "Closing Date").fill("2026-12-31")
    add_field(page, "Next Step").fill("Send the contract")
    add_field(page, "Lead Source").select_option(label="Advertisement")
    page.get_by_role("button", name="Review changes", exact=True).last.click()
    expect(page.locator(".sentence")).to_contain_text(
        f"on the {len(frozen):,} records in the view Open deals when it starts"
    )
    expect(page.locator(".view-notes")).to_contain_text("Changing Stage moves these deals out")
    automation = page.locator("ul.automation li")
    expect(automation.nth(0)).to_contain_text("Step 1: Zoho's mass update job on")
    expect(automation.nth(1)).to_have_text(
        "Step 2: record by record — Zoho runs workflow rules, approvals and blueprints for "
        "each record"
    )
    page.get_by_role("button", name="Run mass update").click()
    expect(page.get_by_role("heading", name=re.compile(r"Mass update #\d+"))).to_be_visible()

    update = MassUpdate.objects.get()
    run_actions_until(
        lambda: Step.objects.get(update=update, position=1).job_id != "", "the first job"
    )
    # A deal joins the view after the records were read and the first job was sent.
    joiner = next(r for r in sim.records("Deals") if r.record_id not in frozen)
    SimRecord.objects.filter(pk=joiner.pk).update(data={**joiner.data, "Stage": "Qualification"})
    run_worker()

    # In the practice CRM: every deal of the view at start holds every new value, but those
    # Zoho refused; the joiner was not touched by step 2.
    after = {r.record_id: r for r in sim.records("Deals")}
    changed = {i for i in frozen if holds_all(after[i])}
    update.refresh_from_db()
    refused = {int(i) for i in update.record_failures.values_list("record_id", flat=True)}
    assert changed | refused == frozen and not changed & refused
    assert after[joiner.record_id].data.get("Next_Step") != NEW["Next_Step"]
    assert update.updated_count + update.failed_count + update.deleted_count == len(frozen)

    # On the page: counts per record, and each deal not changed
    outcome = page.locator(".record-outcome")
    expect(outcome).to_contain_text(
        f"{len(changed):,} of {len(frozen):,} deals changed; {len(refused):,} not changed",
        timeout=15_000,
    )
    expect(page.locator(".frozen-count")).to_contain_text(
        f"acts on the {len(frozen):,} records that were in the view when it started"
    )
    expect(page.locator("table.not-changed tbody tr")).to_have_count(update.record_failures.count())
    assert_accessible(page)


def test_deals_not_changed_are_named_listed_in_a_csv_and_retried_once_released(
    signed_in_page, live_server, sim, fast_worker
):
    page = signed_in_page
    in_view = sim.view_records("Deals", "Open deals")
    stuck = [r for r in in_view if r.locked or r.not_approved or r.blueprint_field == "Stage"]
    assert any(r.locked for r in stuck) and any(r.blueprint_field for r in stuck)
    open_deals_form(page, live_server.url, sim.view_id("Deals", "Open deals"))
    add_field(page, "Stage").select_option(label="Closed Won")
    page.get_by_role("button", name="Review changes", exact=True).last.click()
    page.get_by_role("button", name="Run mass update").click()
    expect(page.get_by_role("heading", name=re.compile(r"Mass update #\d+"))).to_be_visible()
    run_worker()

    # each deal not changed, by name, with its reason in plain words
    rows = page.locator("table.not-changed tbody tr")
    expect(rows).to_have_count(len(stuck), timeout=15_000)
    table = page.locator("table.not-changed")
    for record in stuck:
        row = table.locator("tr", has=page.locator(f"code:text-is('{record.record_id}')"))
        expect(row.locator("th")).to_have_text(record.data["Deal_Name"])
        if record.locked:
            expect(row).to_contain_text("This record is locked in Zoho")
        elif record.blueprint_field:
            expect(row).to_contain_text("This record is in a Blueprint stage")
        else:
            expect(row).to_contain_text("has not been approved in Zoho yet")
    expect(page.locator(".record-outcome")).to_contain_text(
        f"{len(in_view) - len(stuck):,} of {len(in_view):,} deals changed; "
        f"{len(stuck):,} not changed"
    )
    assert_accessible(page)

    # the CSV lists them, ids as text
    with page.expect_download() as download:
        page.locator(".records-not-changed").get_by_role("link", name="CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as file:
        listed = list(csv.DictReader(file))
    assert sorted(r["Record ID"] for r in listed) == sorted(str(r.record_id) for r in stuck)
    assert all(r["What happened"] and r["What to do"] for r in listed)
    assert {r["Zoho code"] for r in listed} >= {"RECORD_LOCKED", "RECORD_IN_BLUEPRINT"}

    # the history's row and its CSV carry the explanation
    page.goto(f"{live_server.url}/history/")
    update = MassUpdate.objects.get()
    history_row = page.locator(f"#update-{update.pk}")
    expect(history_row).to_contain_text(f"{len(stuck):,} not changed")
    expect(history_row).to_contain_text("This record is locked in Zoho")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as file:
        exported = list(csv.DictReader(file))
    mine = next(r for r in exported if r["Update"] == str(update.pk))
    assert f"{len(stuck):,} not changed" in mine["Explanation"]
    assert mine["Zoho error code"] in {"RECORD_LOCKED", "RECORD_IN_BLUEPRINT", "NOT_APPROVED"}

    # released in Zoho, then "Retry these": every deal changed
    for record in stuck:
        sim.record_states_set(record.record_id, locked=False, not_approved=False,
                              blueprint_field="")  # fmt: skip
    page.goto(f"{live_server.url}/updates/{update.pk}/")
    page.get_by_role("button", name=f"Retry these {len(stuck)} records").click()
    run_worker()
    page.reload()
    expect(page.locator(".record-outcome")).to_contain_text(
        f"{len(in_view):,} of {len(in_view):,} deals changed"
    )
    expect(page.locator("table.not-changed")).to_have_count(0)
    assert all(sim.record(r.record_id).data["Stage"] == "Closed Won" for r in stuck)
