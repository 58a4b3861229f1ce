"""Signing in with Zoho in a real browser, against the practice CRM."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_with_zoho_lands_on_the_dashboard(page, sim, zoho_sim_origin):
    page.goto(f"{zoho_sim_origin}/")
    page.get_by_role("button", name="Sign in with Zoho").click()

    expect(page.get_by_role("heading", name="Practice CRM sign-in")).to_be_visible()
    page.get_by_role("button", name="Sam Ortega").click()

    expect(page).to_have_url(f"{zoho_sim_origin}/")
    expect(page.get_by_role("heading", name="Welcome, Sam Ortega")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Zylker Traders")
    expect(page.get_by_text("Practice CRM", exact=True)).to_be_visible()

    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    expect(page.get_by_role("button", name="Disconnect Zoho")).to_be_visible()

    page.get_by_role("button", name="Sign out").first.click()
    expect(page.get_by_role("button", name="Sign in with Zoho")).to_be_visible()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def test_signed_in_page_fixture_opens_the_dashboard(signed_in_page):
    expect(signed_in_page.get_by_role("heading", name="Welcome, Sam Ortega")).to_be_visible()
    expect(signed_in_page.locator("main")).to_contain_text("Zylker Traders")
