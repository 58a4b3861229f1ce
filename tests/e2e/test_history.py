"""In the browser, against the practice CRM: two updates that ran and one Zoho refused are in
the team history with their status, counts and explanations; filtering by status and
searching by a Zoho job ID narrow the table in place (no full page load) and the URL follows."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from crmupdate.massupdate import services
from crmupdate.massupdate.fieldforms import Change
from crmupdate.massupdate.models import MassUpdate, UpdateStatus
from crmupdate.massupdate.statuses import update_status_label
from tests.fixtures_sim import SALES_REP_EMAIL
from tests.massupdate.conftest import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def run(member, sim, view: str, employees: int) -> MassUpdate:
    """What the pages do when a person runs a reviewed update (see crmupdate.massupdate)."""
    draft = services.draft_create(
        member=member, module_api_name="Leads", module_label="Leads",
        cvid=sim.view_id("Leads", view), view_name=view,
    )  # fmt: skip
    change = Change(api_name="No_of_Employees", label="No. of Employees", data_type="integer",
                    value=employees, display=f"{employees:,}")  # fmt: skip
    services.draft_save_changes(draft=draft, changes=[change], selected=[], raw={})
    return services.massupdate_run(draft=draft, member=member, run_token=str(draft.run_token))


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def test_two_updates_and_a_refused_one_in_the_history(
    signed_in_page, member_factory, live_server, sim, fast_worker
):
    page = signed_in_page
    sam = page.member_user.member
    rita = member_factory(SALES_REP_EMAIL).member  # same team; her profile may not mass update
    first = run(sam, sim, "All Leads", 1000)
    second = run(sam, sim, "My Leads", 250)
    refused = run(rita, sim, "All Leads", 5)
    run_worker()
    for update in (first, second, refused):
        update.refresh_from_db()
    assert first.status in {UpdateStatus.COMPLETED, UpdateStatus.COMPLETED_WITH_FAILURES}
    assert second.status in {UpdateStatus.COMPLETED, UpdateStatus.COMPLETED_WITH_FAILURES}
    assert refused.status == UpdateStatus.REFUSED and refused.last_error_code == "NO_PERMISSION"

    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="Team history")).to_be_visible()
    rows = page.locator("#history-results tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#history-count")).to_have_text("3 updates match.")  # loaded by htmx
    for update in (first, second):
        row = page.locator(f"#update-{update.pk}")
        expect(row).to_contain_text(update_status_label(update.status))
        expect(row).to_contain_text(
            f"{update.updated_count:,} / {update.failed_count:,} / {update.total_count:,}"
        )
        expect(row.locator("code.job-id")).to_have_text(update.job_ids)
        expect(row).to_contain_text(sam.full_name)
        assert update.total_count > 0
    expect(page.locator(f"#update-{first.pk}")).to_contain_text("No. of Employees → 1,000")
    row = page.locator(f"#update-{refused.pk}")
    expect(row).to_contain_text("Refused by Zoho")
    expect(row).to_contain_text(rita.full_name)
    expect(row.locator(".error-code")).to_have_text("NO_PERMISSION")
    expect(row).to_contain_text("Your Zoho profile is not allowed to do this mass update")
    expect(row).to_contain_text("0 / 0 / 0")

    # Filtering and searching swap the table in place: the page itself is never reloaded.
    page.evaluate("window.historyMarker = 'still the same page'")
    page.get_by_label("Status").select_option(label="Refused by Zoho")
    expect(rows).to_have_count(1)
    expect(page.locator(f"#update-{refused.pk}")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/history/?status=refused")  # only what is used
    expect(page.locator("#history-count")).to_have_text("1 update matches.")

    page.get_by_label("Status").select_option(label="Any status")
    expect(rows).to_have_count(3)
    page.get_by_label("Search").fill(second.job_ids)
    expect(rows).to_have_count(1)
    expect(page.locator(f"#update-{second.pk}")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"q={second.job_ids}"))
    assert query_of(page.url)["q"] == [second.job_ids]
    assert page.evaluate("window.historyMarker") == "still the same page"

    # The URL is shareable: opening it fresh shows the same table.
    page.goto(page.url)
    expect(rows).to_have_count(1)
    expect(page.get_by_label("Search")).to_have_value(second.job_ids)
    # The CSV link carries the same filters.
    csv_link = page.get_by_role("link", name="Download CSV")
    assert query_of(csv_link.get_attribute("href"))["q"] == [second.job_ids]
