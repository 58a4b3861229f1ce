"""Accessibility: axe-core (bundled with axe-playwright-python, nothing loaded from the web)
finds no serious or critical violation on the main pages, and the main flow works with the
keyboard alone (Tab, Enter, Space, arrow keys; typing in boxes), with a visible focus."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.massupdate.conftest import run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]

SERIOUS = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]


@pytest.fixture
def audit(page, settings):
    settings.MASSUPDATE_POLL_FIRST_SECONDS = 0
    settings.MASSUPDATE_RETRY_FIRST_SECONDS = 0
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        page.wait_for_load_state("networkidle")
        found[name] = serious_violations(page)

    yield check
    problems = {name: v for name, v in found.items() if v}
    assert not problems, problems


def test_the_sign_in_pages_have_no_serious_accessibility_violations(
    page, audit, zoho_sim_origin, sim
):
    # The pages behind sign-in are walked in both languages and widths by
    # tests/e2e/test_both_languages.py.
    page.goto(f"{zoho_sim_origin}/")
    audit("home (signed out)")
    page.goto(f"{zoho_sim_origin}/signin/")
    audit("sign-in")
    page.get_by_role("button", name="Sign in with Zoho").click()
    audit("practice CRM consent")
    page.get_by_role("button", name="Sam Ortega").click()
    expect(page.get_by_role("heading", name="Welcome, Sam Ortega")).to_be_visible()


def focused(page) -> dict:
    return page.evaluate(
        """() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      const label = el.labels && el.labels[0] ? el.labels[0].innerText : "";
      return {tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || "").trim(),
              label: label.trim(), name: el.getAttribute("name") || "",
              outline: style.outlineStyle + " " + style.outlineWidth};
    }"""
    )


def tab_to(page, matches, *, limit: int = 80, backwards: bool = False) -> dict:
    """Press Tab until the focused element matches; fail if it never does."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        now = focused(page)
        if matches(now):
            assert now["outline"].split()[0] != "none", f"no visible focus on {now}"
            return now
        seen.append((now["tag"], now["text"][:30] or now["label"]))
    raise AssertionError(f"never reached the element by keyboard; focus went through {seen}")


def choose_by_keyboard(page, label: str, option: str) -> None:
    """Focus the select named `label`, move to `option` with the arrow keys, press Enter."""
    tab_to(page, lambda f: f["tag"] == "select" and f["label"] == label)
    for _ in range(60):
        if page.evaluate("document.activeElement.selectedOptions[0]?.text") == option:
            page.keyboard.press("Enter")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{option!r} is not reachable with the arrow keys in {label!r}")


def choose_radio_by_keyboard(page, name: str, label: str) -> None:
    """Tab into the radio group `name`, arrow to the one labelled `label` (arrows tick it)."""
    tab_to(page, lambda f: f["tag"] == "input" and f["name"] == name)
    for _ in range(60):
        if focused(page)["label"] == label:
            page.keyboard.press("Space")
            assert page.evaluate("document.activeElement.checked")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{label!r} is not reachable with the arrow keys in {name!r}")


def test_the_main_flow_with_the_keyboard_alone(page, zoho_sim_origin, sim, settings):
    settings.MASSUPDATE_POLL_FIRST_SECONDS = 0
    page.goto(f"{zoho_sim_origin}/")

    tab_to(page, lambda f: f["text"] == "Sign in with Zoho")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Practice CRM sign-in")).to_be_visible()
    tab_to(page, lambda f: f["text"] == "Sam Ortega")
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", name="Welcome, Sam Ortega")).to_be_visible()

    # The skip link comes first and leads to the content.
    first = tab_to(page, lambda f: True, limit=1)
    assert first["text"] == "Skip to content"

    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "New update")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="New mass update")).to_be_visible()
    choose_by_keyboard(page, "Module", "Leads")
    expect(page.locator("input[name=cvid]").first).to_be_visible()  # htmx, on Enter
    choose_radio_by_keyboard(page, "cvid", "All Leads (default view)")
    tab_to(page, lambda f: f["text"] == "Continue")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="What should change?")).to_be_visible()
    choose_by_keyboard(page, "Field to change", "No. of Employees")
    expect(page.get_by_label("No. of Employees: new value")).to_be_visible()
    # Arrowing through the fields added none of those passed over, only the one chosen.
    expect(page.locator("fieldset.change-row")).to_have_count(1)
    # The focus is on the new row's value box already, so Tab does not skip past it.
    expect(page.get_by_label("No. of Employees: new value")).to_be_focused()
    page.keyboard.type("1000")
    page.keyboard.press("Enter")  # Enter in a box reviews the changes

    expect(page.locator(".sentence")).to_contain_text("Set No. of Employees to 1,000")
    tab_to(page, lambda f: f["text"] == "Run mass update")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile(r"Mass update #\d+"))).to_be_visible()
    run_worker()
    expect(page.locator(".zoho-status").first).to_have_attribute(
        "data-zoho-status", "COMPLETED", timeout=15_000
    )

    # The step's activity opens with the keyboard too.
    tab_to(page, lambda f: f["tag"] == "summary" and f["text"] == "Activity")
    page.keyboard.press("Enter")
    expect(page.locator("details.activity").first).to_have_attribute("open", "")
