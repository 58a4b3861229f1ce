"""In the browser, against the practice CRM: a person runs an update on a view of a few
hundred leads with a backup, two of those leads are changed directly in Zoho, and the person
undoes the update: every other lead gets its old value back, the two are listed as changed
since with their current values, and the history shows the undo."""

import re

import pytest
from playwright.sync_api import expect

from crmupdate.massupdate.undo.models import Undo
from tests.e2e.test_massupdate import assert_accessible
from tests.fixtures_sim import SEED_CVID
from tests.undo.conftest import edit_in_zoho, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def lead_statuses(sim):
    return {r.record_id: r.data.get("Lead_Status") for r in sim.records("Leads")}


def test_undo_an_update_from_the_browser(
    signed_in_page, live_server, sim, sim_token, zoho_sim_origin, fast_worker
):
    page = signed_in_page
    before = lead_statuses(sim)
    records = sim.view_records("Leads", "All Leads", as_user="sam.ops@zylker.example")
    assert 200 < len(records) < 1000

    # An update with a backup (the box is ticked by default)
    page.goto(f"{live_server.url}/updates/new/")
    page.get_by_label("Module").select_option(label="Leads")
    page.locator(f"#view-{SEED_CVID}").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Field to change").select_option(label="Lead Status")
    page.get_by_label("Lead Status: new value").select_option(label="Contacted")
    page.get_by_role("button", name="Review changes", exact=True).last.click()
    keep = page.get_by_label(re.compile(r"Keep a backup so this update can be undone"))
    expect(keep).to_be_checked()
    expect(page.get_by_text("about 2 Zoho API calls")).to_be_visible()
    page.get_by_role("button", name="Run mass update").click()
    expect(page.get_by_role("heading", name=re.compile(r"Mass update #\d+"))).to_be_visible()
    update_url = page.url
    run_worker()
    expect(page.locator(".zoho-status")).to_have_attribute(
        "data-zoho-status", "COMPLETED", timeout=15_000
    )
    undo_link = page.get_by_role("link", name="Undo this update")
    expect(undo_link).to_be_visible()
    assert set(lead_statuses(sim).values()) >= {"Contacted"}

    # Two of those leads are changed directly in Zoho afterwards
    ids = sorted(r.record_id for r in records if not r.locked)
    edited = {
        i: next(v for v in ("Junk Lead", "Lost Lead", "Pre-Qualified") if v != before[i])
        for i in (ids[7], ids[300])
    }
    edit_in_zoho(sim_token, zoho_sim_origin, "Leads",
                 [{"id": str(i), "Lead_Status": v} for i, v in edited.items()])  # fmt: skip

    # Undo: first what it will do, then confirm
    undo_link.click()
    expect(page.locator(".undo-plan")).to_have_text(
        f"Put back the previous Lead Status on {len(records):,} records."
    )
    expect(page.get_by_text("emails sent")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Undo this update").click()
    expect(page.get_by_role("heading", name=re.compile(r"Undo:"))).to_be_visible()
    run_worker()
    expect(page.locator(".undone")).to_contain_text("Undone on", timeout=15_000)
    expect(page.locator(".conflict-count")).to_have_text("2")
    assert_accessible(page)
    conflicts = page.locator("table.undo-conflicts tbody tr")
    expect(conflicts).to_have_count(2)
    for record_id, value in edited.items():
        row = conflicts.filter(has_text=str(record_id))
        expect(row.locator(".current-value")).to_have_text(value)
        expect(row).to_contain_text("Contacted")  # what the update had set

    # The practice CRM holds the original values again, except the two changed since
    assert lead_statuses(sim) == {**before, **edited}

    # The update's page says it was undone; the history shows the undo as its own entry
    page.goto(update_url)
    expect(page.locator(".undone")).to_contain_text("Undone on")
    expect(page.get_by_role("link", name="Undo this update")).to_have_count(0)
    page.get_by_role("link", name="History").click()
    undo = Undo.objects.get()
    entry = page.locator(f"#update-{undo.entry_id}")
    expect(entry).to_contain_text(f"Undo of update #{undo.update_id}")
    expect(entry).to_contain_text("Sam")
    expect(page.locator(f"#update-{undo.update_id} .undo-cell")).to_have_text("Undone")
