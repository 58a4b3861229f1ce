"""Signing in when Zoho already holds a lasting permission (refresh token) for this person and
app, but the app has none: Zoho then sends no refresh token, and the app sends the person
back once to ask for consent. The practice CRM knows who just signed in, as Zoho does, so
that second visit asks only "Allow?", never "who are you?" again."""

import pytest
from playwright.sync_api import expect

from crmupdate.zohosim.models import SimRefreshToken
from crmupdate.zohosim.tokens import self_client_tokens
from tests.e2e.test_a11y import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

SAM = "sam.ops@zylker.example"


def test_the_practice_user_chooser_appears_once(page, sim, zoho_sim_origin):
    self_client_tokens(email=SAM, origin=zoho_sim_origin)  # an earlier grant, not the app's
    page.goto(f"{zoho_sim_origin}/")
    page.get_by_role("button", name="Sign in with Zoho").click()
    expect(page.get_by_role("heading", name="Practice CRM sign-in")).to_be_visible()
    page.get_by_role("button", name="Sam Ortega").click()

    # back at the practice accounts server for consent: no chooser this time
    expect(page.get_by_text("You are signed in to the practice CRM as Sam Ortega")).to_be_visible()
    expect(page.get_by_role("button", name="Sam Ortega")).to_have_count(0)
    assert not serious_violations(page)
    page.get_by_role("button", name="Allow").click()

    expect(page.get_by_role("heading", name="Welcome, Sam Ortega")).to_be_visible()
    assert SimRefreshToken.objects.filter(user__email=SAM, revoked_at__isnull=True).count() == 2


def test_someone_else_can_still_be_chosen_on_the_consent_visit(page, sim, zoho_sim_origin):
    self_client_tokens(email=SAM, origin=zoho_sim_origin)
    page.goto(f"{zoho_sim_origin}/")
    page.get_by_role("button", name="Sign in with Zoho").click()
    page.get_by_role("button", name="Sam Ortega").click()
    page.get_by_role("button", name="Sign in as someone else").click()
    expect(page.get_by_role("button", name="Sam Ortega")).to_be_visible()
    expect(page.get_by_text("Choose one of the practice users below.")).to_have_count(0)
