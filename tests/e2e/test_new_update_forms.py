"""In the browser, the new-update pages a first-time person meets: the view picker with its
record counts, the changes form's errors, focus and controls, and nothing typed ever lost."""

import re

import pytest
from playwright.sync_api import expect

from crmupdate.zohosim.models import ApiCall
from tests.e2e.test_a11y import focused, serious_violations, tab_to
from tests.fixtures_sim import SEED_CVID

pytestmark = pytest.mark.django_db(transaction=True)


def no_serious_violations(page) -> None:
    problems = serious_violations(page)
    assert not problems, "\n".join(problems)


def open_leads_picker(page) -> None:
    page.get_by_role("link", name="New update").click()
    page.get_by_label("Module").select_option(label="Leads")
    expect(page.locator(f"#view-{SEED_CVID}")).to_be_visible()


def open_changes(page) -> None:
    open_leads_picker(page)
    page.locator(f"#view-{SEED_CVID}").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="What should change?")).to_be_visible()


def add_field(page, label: str) -> None:
    page.get_by_label("Field to change").select_option(label=label)


def test_the_picker_shows_each_views_record_count_after_the_page(signed_in_page, sim):
    page = signed_in_page
    open_leads_picker(page)
    total = len(sim.view_records("Leads", "All Leads", as_user="sam.ops@zylker.example"))
    expect(page.locator(f"#count-{SEED_CVID}")).to_have_text(f"about {total:,} records")
    archive = sim.view_id("Leads", "Lead archive 2015-2020")
    expect(page.locator(f"#count-{archive}")).to_have_text(
        "about 61,250 records: more than Zoho's limit of 50,000 for one mass update"
    )
    expect(page.locator(f"#count-{archive}")).to_have_class(re.compile("view-count-flagged"))
    expect(page.locator("input[name=cvid]:checked")).to_have_count(0)
    counts = ApiCall.objects.filter(path__contains="/actions/count")
    assert counts.exists() and all("/crm/v2.1/" in c.path for c in counts)
    no_serious_violations(page)


def test_errors_are_summarised_linked_and_focused(signed_in_page, sim):
    page = signed_in_page
    open_changes(page)
    add_field(page, "City")
    city = page.get_by_label("City: new value")
    expect(city).to_be_focused()  # the row just added has the focus
    city.fill("x" * 150)  # the field holds 100 characters: refused, never cut
    add_field(page, "No. of Employees")
    expect(page.get_by_label("No. of Employees: new value")).to_be_focused()  # row is in
    expect(city).to_have_value("x" * 150)
    page.get_by_role("button", name="Review changes", exact=True).last.click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(summary.get_by_role("link").first).to_have_text(
        "City: Use at most 100 characters: this has 150. Nothing was cut, so shorten it yourself."
    )
    expect(city).to_be_focused()  # the first field in error
    expect(city).to_have_attribute("aria-invalid", "true")
    expect(city).to_have_value("x" * 150)
    no_serious_violations(page)

    summary.get_by_role("link").nth(1).click()
    expect(page.get_by_label("No. of Employees: new value")).to_be_focused()


def test_add_field_moves_the_focus_to_the_new_value(signed_in_page, sim):
    page = signed_in_page
    open_changes(page)
    add_field(page, "Rating")
    expect(page.get_by_label("Rating: new value")).to_be_focused()
    # Tab goes on from the value, not from "Field to change" towards Review
    page.keyboard.press("Tab")
    assert focused(page)["text"] != "Review changes"


def test_a_multi_select_is_picked_with_the_keyboard_alone(signed_in_page, sim):
    page = signed_in_page
    open_changes(page)
    add_field(page, "Interests")
    widgets = page.get_by_role("checkbox", name="Widgets")
    expect(widgets).to_be_focused()  # the first value of the row just added
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["label"] == "Training")
    page.keyboard.press("Space")
    expect(widgets).to_be_checked()
    expect(page.get_by_role("checkbox", name="Training")).to_be_checked()
    no_serious_violations(page)
    page.get_by_role("button", name="Review changes", exact=True).last.click()
    expect(page.locator(".sentence")).to_contain_text("Widgets, Training")


def test_a_date_is_typed_as_shown_and_the_money_has_its_symbol(signed_in_page, sim):
    page = signed_in_page
    open_changes(page)
    add_field(page, "Follow-up Date")
    date = page.get_by_label("Follow-up Date: new value")
    expect(page.get_by_text("Type it as mm/dd/yyyy, like 12/31/2025.")).to_be_visible()
    date.fill("12/31/2025")
    add_field(page, "Annual Revenue")
    expect(page.locator(".change-row .unit").last).to_have_text("$")
    page.get_by_label("Annual Revenue: new value ($)").fill("150")
    add_field(page, "Discount Rate")
    expect(page.locator(".change-row .unit").last).to_have_text("%")
    page.get_by_label("Discount Rate: new value (%)").fill("12.5")
    page.get_by_role("button", name="Review changes", exact=True).last.click()
    expect(page.locator(".sentence")).to_contain_text("Set Follow-up Date to 12/31/2025")


def test_the_native_calendar_writes_the_date_in_the_shown_format(signed_in_page, sim):
    page = signed_in_page
    open_changes(page)
    add_field(page, "Follow-up Date")
    page.get_by_label("Pick Follow-up Date from a calendar").fill("2026-02-03")
    expect(page.get_by_label("Follow-up Date: new value")).to_have_value("02/03/2026")


def test_refresh_and_a_change_of_view_keep_what_was_typed(signed_in_page, sim):
    page = signed_in_page
    open_changes(page)
    add_field(page, "City")
    page.get_by_label("City: new value").fill("Zürich")
    page.get_by_role("button", name="Refresh from Zoho").click()
    expect(page.get_by_text("Fields and views were read again from Zoho.")).to_be_visible()
    expect(page.get_by_label("City: new value")).to_have_value("Zürich")

    trade_show = sim.view_id("Leads", "Trade-show leads")
    page.get_by_label("View", exact=True).select_option(value=trade_show)
    page.get_by_role("button", name="Use this view").click()
    expect(page.get_by_text("The changes now apply to the view Trade-show leads.")).to_be_visible()
    expect(page.get_by_label("City: new value")).to_have_value("Zürich")
    page.get_by_role("button", name="Review changes", exact=True).last.click()
    expect(page.locator(".sentence")).to_contain_text("in the view Trade-show leads")


def test_a_long_value_list_is_filtered_and_picked_with_the_keyboard(signed_in_page, sim):
    from crmupdate.zohosim.models import SimField

    # An administrator gave Interests twelve more values in Zoho.
    for interests in SimField.objects.filter(api_name="Interests", module__api_name="Leads"):
        values = interests.meta["pick_list_values"]
        values += [
            {"display_value": f"Region {n}", "actual_value": f"Region_{n}",
             "sequence_number": 100 + n, "id": f"7389640000030099{n:02d}", "type": "used"}
            for n in range(1, 13)
        ]  # fmt: skip
        interests.save()
    page = signed_in_page
    open_changes(page)
    add_field(page, "Interests")
    filter_box = page.get_by_label("Filter the values of Interests")
    expect(filter_box).to_be_visible()
    expect(page.get_by_role("checkbox", name="Widgets")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(filter_box).to_be_focused()
    page.keyboard.type("region 1")
    page.keyboard.press("Enter")  # filters; does not review the changes
    visible = page.locator("#options-Interests input[type=checkbox]:visible")
    expect(visible).to_have_count(4)  # Region 1, 10, 11, 12
    page.keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="Region 1", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    no_serious_violations(page)
    page.get_by_role("button", name="Review changes", exact=True).last.click()
    expect(page.locator(".sentence")).to_contain_text("Region 1")
