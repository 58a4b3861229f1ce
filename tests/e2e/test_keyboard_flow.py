"""The main flow with the keyboard alone, in English and in Spanish: from the dashboard to a
finished update with Tab, Shift+Tab, Enter, Space, the arrow keys and typing (no clicks, no
focusing from the test). The focus is always visible, goes to the new value box after "Add
field", and to the first field in error after a form error.

Elements are recognised by what they are (tag, name, value, address, form), not by their
words, so the same steps run in both languages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.fixtures_accounts import sign_in_page
from tests.fixtures_sim import SEED_CVID
from tests.massupdate.conftest import run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]

LOCALE = {"en": "en-US", "es": "es-ES"}
FIELD = "No_of_Employees"


def focused(page: Any) -> dict[str, str]:
    """What has the focus, and whether a person can see where it is."""
    return page.evaluate(
        """() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      const form = el.form || el.closest("form");
      return {tag: el.tagName.toLowerCase(), id: el.id || "", name: el.getAttribute("name") || "",
              value: el.value === undefined ? "" : String(el.value),
              type: el.getAttribute("type") || "", href: el.getAttribute("href") || "",
              form: form ? (form.getAttribute("action") || "") + " " + form.className : "",
              invalid: el.getAttribute("aria-invalid") || "",
              outline: style.outlineStyle === "none" ? "" : style.outlineWidth,
              shadow: style.boxShadow === "none" ? "" : style.boxShadow};
    }"""
    )


def assert_visible_focus(now: dict[str, str]) -> None:
    width = float((now["outline"] or "0px").removesuffix("px") or 0)
    assert width >= 2 or now["shadow"], f"the focus cannot be seen on {now}"


def tab_to(page: Any, matches: Callable[[dict[str, str]], bool], *, limit: int = 80,
           backwards: bool = False) -> dict[str, str]:  # fmt: skip
    """Press Tab (or Shift+Tab) until the focused element matches; fail if it never does."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        now = focused(page)
        if matches(now):
            assert_visible_focus(now)
            return now
        seen.append(now["tag"] + (f"[{now['name'] or now['href'] or now['id']}]"))
    raise AssertionError(f"never reached the element by keyboard; the focus went through {seen}")


def arrow_to(page: Any, value: str) -> None:
    """In the focused select or radio group, press the down arrow until `value` is chosen."""
    for _ in range(80):
        if focused(page)["value"] == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value!r} is not reachable with the arrow keys from {focused(page)}")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_from_the_dashboard_to_a_finished_update_with_the_keyboard_alone(
    browser, member_factory, zoho_sim_origin, sim, fast_worker, lang
):
    context = browser.new_context(locale=LOCALE[lang])
    errors: list[str] = []
    context.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        page = sign_in_page(context.new_page(), member_factory(), zoho_sim_origin)
        walk_the_flow(page, lang)
    finally:
        context.close()
    assert not errors, f"browser console errors: {errors}"


def walk_the_flow(page: Any, lang: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("#dashboard-title")).to_be_visible()

    # The skip link comes first; then on to "New update".
    first = tab_to(page, lambda f: True, limit=1)
    assert first["href"] == "#main", first
    new_update = reverse("massupdate:new")
    tab_to(page, lambda f: f["tag"] == "a" and f["href"] == new_update)
    page.keyboard.press("Enter")
    expect(page.locator("#new-title")).to_be_visible()

    # Module (the views come on Enter), then the view with the arrow keys, then Continue.
    tab_to(page, lambda f: f["tag"] == "select" and f["name"] == "module")
    arrow_to(page, "Leads")
    page.keyboard.press("Enter")
    expect(page.locator("input[name=cvid]").first).to_be_visible()
    tab_to(page, lambda f: f["tag"] == "input" and f["name"] == "cvid")
    arrow_to(page, SEED_CVID)
    page.keyboard.press("Space")
    expect(page.locator(f"#view-{SEED_CVID}")).to_be_checked()
    tab_to(page, lambda f: f["tag"] == "button" and "module-view-form" in f["form"])
    page.keyboard.press("Enter")

    # The field to change: arrow to it (nothing is added while arrowing), then "Add field".
    expect(page.locator("#changes-form")).to_be_visible()
    tab_to(page, lambda f: f["tag"] == "select" and f["name"] == "add_field")
    arrow_to(page, FIELD)
    expect(page.locator("fieldset.change-row")).to_have_count(0)
    tab_to(page, lambda f: f["tag"] == "button" and f["value"] == "add")
    page.keyboard.press("Enter")
    value_box = page.locator(f"input[name=value__{FIELD}]")
    expect(value_box).to_be_visible()
    expect(page.locator("fieldset.change-row")).to_have_count(1)
    # the focus is on the new row's value box, so the person types straight away
    expect(value_box).to_be_focused()
    assert_visible_focus(focused(page))

    # Enter with no value: the error summary, and the focus on the box in error.
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(f".error-summary a[href='#id_value__{FIELD}']")).to_have_count(1)
    expect(value_box).to_be_focused()
    now = focused(page)
    assert now["invalid"] == "true", now
    assert_visible_focus(now)

    # Shift+Tab leaves the box and Tab comes back to it; then the value, and Enter reviews.
    page.keyboard.press("Shift+Tab")
    expect(value_box).not_to_be_focused()
    tab_to(page, lambda f: f["name"] == f"value__{FIELD}", limit=5)
    page.keyboard.type("1000")
    page.keyboard.press("Enter")

    # Review, then run.
    expect(page.locator(".sentence")).to_be_visible()
    run_form = page.locator("form.run-form")
    expect(run_form).to_be_visible()
    tab_to(page, lambda f: f["tag"] == "button" and "run-form" in f["form"])
    page.keyboard.press("Enter")

    # The update's page follows it to the end by itself.
    expect(page.locator("#update-title")).to_be_visible()
    run_worker()
    expect(page.locator(".zoho-status").first).to_have_attribute(
        "data-zoho-status", "COMPLETED", timeout=15_000
    )
    expect(page.locator("#update-status")).not_to_have_attribute("hx-trigger", "every 3s")
