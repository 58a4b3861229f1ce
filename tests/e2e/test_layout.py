"""Layout at a desktop's and a phone's width: no page scrolls sideways, the header's menu folds
behind a button on the phone, the history's rows become cards that show status and counts,
and the dashboard's charts have no serious accessibility problem at either width."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from crmupdate.massupdate import services
from crmupdate.massupdate.fieldforms import Change
from crmupdate.massupdate.models import Draft, MassUpdate
from tests.e2e.test_a11y import serious_violations
from tests.massupdate.conftest import run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR", "")  # to look at the pages by eye


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


def overflow(page) -> dict:
    return page.evaluate(
        """() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
                  wide: [...document.querySelectorAll('body *')]
                    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
                    .slice(0, 5).map(el => el.tagName.toLowerCase() + '.' + el.className)})"""
    )


@pytest.fixture
def worked(signed_in_page, sim, fast_worker):
    """Sam's team has run two updates; the page is signed in as Sam."""
    sam = signed_in_page.member_user.member
    first = run(sam, sim, "All Leads", 1000)
    run(sam, sim, "My Leads", 250)
    run_worker()
    signed_in_page.update = first
    return signed_in_page


def test_no_page_scrolls_sideways_on_a_desktop_or_a_phone(worked, zoho_sim_origin):
    page = worked
    update = page.update
    draft = Draft.objects.filter(update__isnull=True).first() or services.draft_create(
        member=page.member_user.member, module_api_name="Leads", module_label="Leads",
        cvid=update.cvid, view_name=update.view_name,
    )  # fmt: skip
    pages = {
        "dashboard": reverse("home"),
        "new update": reverse("massupdate:new"),
        "changes": reverse("massupdate:changes", args=[draft.public_id]),
        "update": reverse("massupdate:detail", args=[update.pk]),
        "undo": reverse("undo:page", args=[update.pk]),
        "history": reverse("history:list"),
        "account": reverse("accounts:account"),
    }
    wide = {}
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        for name, path in pages.items():
            page.goto(zoho_sim_origin + path)
            page.wait_for_load_state("networkidle")
            if SCREENSHOTS:
                page.locator("details.activity").evaluate_all(
                    "els => els.forEach(el => el.open = true)"
                )
                page.screenshot(path=f"{SCREENSHOTS}/{name}-{width}.png", full_page=True)
            found = overflow(page)
            if found["scroll"] > found["inner"]:
                wide[f"{name} at {width}"] = found
    # and signed out: the home and the sign-in page
    page.context.clear_cookies()
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        for name, path in {"home": reverse("home"), "sign-in": reverse("accounts:signin")}.items():
            page.goto(zoho_sim_origin + path)
            found = overflow(page)
            if found["scroll"] > found["inner"]:
                wide[f"{name} (signed out) at {width}"] = found
    assert not wide, wide


def test_on_a_phone_the_menu_folds_behind_a_button(worked, zoho_sim_origin):
    page = worked
    page.set_viewport_size(PHONE)
    page.goto(f"{zoho_sim_origin}/")
    menu = page.get_by_role("button", name="Menu")
    history = page.get_by_role("link", name="History", exact=True)
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(history).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header and header["height"] < 70 and header["width"] <= PHONE["width"]

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(history).to_be_visible()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/menu-open-phone.png")
    page.keyboard.press("Escape")
    expect(history).to_be_hidden()
    expect(menu).to_be_focused()

    # with the keyboard: Enter opens it, and the links follow the button in the tab order
    page.keyboard.press("Enter")
    expect(history).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Dashboard")).to_be_focused()
    history.click()
    expect(page.get_by_role("heading", name="Team history")).to_be_visible()

    # on a desktop there is no button: the menu is always there
    page.set_viewport_size(DESKTOP)
    expect(menu).to_be_hidden()
    expect(page.get_by_role("link", name="History", exact=True)).to_be_visible()


def test_on_a_phone_the_history_shows_each_updates_status_and_counts(worked, zoho_sim_origin):
    page = worked
    page.set_viewport_size(PHONE)
    page.goto(zoho_sim_origin + reverse("history:list"))
    rows = page.locator("#history-results tbody tr")
    expect(rows).to_have_count(2)
    for n in range(2):
        for part in (rows.nth(n).locator(".status"), rows.nth(n).locator(".history-counts")):
            part.scroll_into_view_if_needed()
            expect(part).to_be_in_viewport()
            box = part.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # a card: its status and counts come before the rest (the first line under the previous)
    first = rows.first
    status_top = first.locator(".status").bounding_box()["y"]
    when_top = first.locator("time").bounding_box()["y"]
    assert status_top < when_top
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/history-phone.png", full_page=True)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_dashboard_has_no_serious_accessibility_violation(worked, zoho_sim_origin, width):
    page = worked
    page.set_viewport_size(WIDTHS[width])
    page.goto(f"{zoho_sim_origin}/")
    expect(page.locator("#chart-updates")).to_be_visible()
    page.locator("#chart-updates details summary").click()  # the numbers behind the chart too
    expect(page.locator("#chart-updates table")).to_be_visible()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/dashboard-{width}.png", full_page=True)
    assert serious_violations(page) == []
    assert overflow(page)["scroll"] <= WIDTHS[width]["width"]
