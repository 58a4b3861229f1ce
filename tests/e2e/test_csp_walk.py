"""A walk through the whole product in Chromium under the production Content-Security-Policy:
sign-in, a full mass update (htmx module/view picker, rows added and removed, review, the
self-refreshing update page), the dashboard, the history (filters, CSV link) and undo. Any
CSP violation (reported by the browser's `securitypolicyviolation` event) or console error
fails the test. Parts not built yet are skipped with the reason."""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from tests.fixtures_sim import SEED_CVID
from tests.massupdate.conftest import run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation({
    page: location.pathname,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    sample: event.sample,
    where: `${event.sourceFile}:${event.lineNumber}`,
  });
});
"""


@pytest.fixture
def watched(page, settings):
    """The browser page, reporting every CSP violation to the test as it happens."""
    settings.MASSUPDATE_POLL_FIRST_SECONDS = 0
    settings.MASSUPDATE_RETRY_FIRST_SECONDS = 0
    violations: list[dict] = []
    page.expose_function("__cspViolation", lambda violation: violations.append(violation))
    page.add_init_script(REPORT_VIOLATIONS)
    page.csp_violations = violations
    yield page
    assert not violations, f"Content-Security-Policy violations: {violations}"


def test_the_watch_catches_a_violation(watched, live_server):
    watched.goto(f"{live_server.url}/")
    watched.evaluate("document.body.setAttribute('style', 'color: red')")  # an inline style
    watched.evaluate(
        "document.body.append(Object.assign(document.createElement('img'), "
        "{src: 'https://cdn.example.com/x.png'}))"
    )

    expect(watched.locator("img[src^='https://cdn']")).to_have_count(1)
    watched.wait_for_timeout(200)
    directives = sorted(v["directive"] for v in watched.csp_violations)
    assert directives == ["img-src", "style-src-attr"]
    watched.csp_violations.clear()
    watched.console_problems.clear()  # Chromium also logs both as console errors


def sign_in_as_sam(page, origin: str) -> None:
    page.goto(f"{origin}/")
    page.get_by_role("button", name="Sign in with Zoho").click()
    expect(page.get_by_role("heading", name="Practice CRM sign-in")).to_be_visible()
    page.get_by_role("button", name="Sam Ortega").click()
    expect(page.get_by_role("heading", name="Welcome, Sam Ortega")).to_be_visible()


def run_an_update(page) -> None:
    """New update through the pages, with every htmx interaction; ends on the update page."""
    page.get_by_role("link", name="New update").click()
    page.get_by_label("Module").select_option(label="Leads")
    expect(page.locator(f"#view-{SEED_CVID}")).to_be_visible()  # loaded by htmx
    expect(page.locator(f"#count-{SEED_CVID}")).to_contain_text("about")  # counts, lazily
    page.locator(f"#view-{SEED_CVID}").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="What should change?")).to_be_visible()
    page.get_by_label("Field to change").select_option(label="No. of Employees")
    page.get_by_label("No. of Employees: new value").fill("1000")
    page.get_by_label("Field to change").select_option(label="Region")
    expect(page.get_by_label("Region: new value")).to_be_visible()
    page.get_by_role("button", name="Remove Region").click()
    expect(page.get_by_label("Region: new value")).to_have_count(0)
    expect(page.get_by_label("No. of Employees: new value")).to_have_value("1000")
    page.get_by_role("button", name="Review changes", exact=True).last.click()

    expect(page.locator(".sentence")).to_contain_text("Set No. of Employees to 1,000")
    expect(page.locator("table.sample tbody tr")).to_have_count(10)
    page.get_by_role("button", name="Run mass update").click()
    expect(page.get_by_role("heading", name=re.compile(r"Mass update #\d+"))).to_be_visible()


def test_sign_in_and_a_whole_mass_update_under_the_csp(watched, zoho_sim_origin, sim):
    page = watched
    sign_in_as_sam(page, zoho_sim_origin)

    run_an_update(page)
    run_worker()
    # The status part refreshes itself (htmx, every 3 s) until Zoho's job has ended.
    expect(page.locator(".zoho-status").first).to_have_attribute(
        "data-zoho-status", "COMPLETED", timeout=15_000
    )
    expect(page.locator("#update-status")).not_to_have_attribute("hx-trigger", re.compile("."))

    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator(".recent-updates li")).to_have_count(1)
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    page.get_by_role("button", name="Sign out").first.click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def test_the_history_under_the_csp(watched, zoho_sim_origin, sim):
    try:
        reverse("history:list")
    except NoReverseMatch:
        pytest.skip("the team history is not built yet")
    page = watched
    sign_in_as_sam(page, zoho_sim_origin)
    run_an_update(page)
    run_worker()

    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="Team history")).to_be_visible()
    results = page.locator("#history-results")
    expect(results).to_contain_text("No. of Employees")
    page.get_by_label("Search").fill("no such view anywhere")  # filters as one types (htmx)
    expect(results).not_to_contain_text("No. of Employees")
    page.get_by_label("Search").fill("Employees")
    expect(results).to_contain_text("No. of Employees")
    page.get_by_label("Module").select_option(label="Leads")
    expect(results).to_contain_text("No. of Employees")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("CSV", re.IGNORECASE)).first.click()
    assert download.value.suggested_filename.endswith(".csv")


def test_undo_under_the_csp(watched, zoho_sim_origin, sim):
    page = watched
    sign_in_as_sam(page, zoho_sim_origin)
    run_an_update(page)
    run_worker()
    expect(page.locator(".zoho-status").first).to_have_attribute(
        "data-zoho-status", "COMPLETED", timeout=15_000
    )
    page.reload()
    undo = page.get_by_role("link", name="Undo this update")
    if undo.count() == 0:
        pytest.skip("undo is not built yet (no 'Undo this update' on the update's page)")

    undo.click()
    expect(page.get_by_role("heading", name=re.compile(r"Undo mass update #\d+"))).to_be_visible()
    page.get_by_role("button", name="Undo this update").click()
    run_worker()
    expect(page.locator(".undone")).to_be_visible(timeout=15_000)  # refreshed by htmx
