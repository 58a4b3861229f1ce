"""When Zoho misbehaves at any step of the flow, the person sees a clear message, nothing is
lost, nothing is sent twice, and the update carries on (or can be retried) once Zoho is back.

Steps: metadata (the new-update page's modules, the changes page's fields), the review's
count and sample, sending a step, following its job. Failures: connection refused, timeout,
HTTP 500, malformed JSON, 429, and a 401 in the middle (Zoho stops accepting the person's
sign-in). The practice CRM answers everything else over real HTTP; what it received is
checked in its own log (`ApiCall`).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import responses as responses_lib
from django.test import Client
from django.utils import timezone

from crmupdate.accounts.crypto import token_decrypt
from crmupdate.accounts.models import ZohoConnection
from crmupdate.massupdate.models import Draft, MassUpdate, Step, StepStatus, UpdateStatus
from crmupdate.massupdate.statuses import update_status_word
from crmupdate.zoho import transport
from crmupdate.zohosim.models import ApiCall
from crmupdate.zohosim.tokens import token_revoke
from tests.fixtures_sim import SALES_OPS_EMAIL, SEED_CVID
from tests.massupdate.conftest import change, make_draft, run_update, run_worker
from tests.production.faults import FAILURES, FaultyZoho

pytestmark = pytest.mark.django_db(transaction=True)

# What the person reads for each failure (explanations.py), on a page or the update's page.
SAYS = {
    "refused": "The connection to Zoho failed before its answer arrived.",
    "timeout": "Zoho did not answer in time.",
    "http500": "Zoho had an internal error.",
    "malformed": "Zoho sent an answer we could not read",
    "429": "Zoho is limiting how many requests your organisation can make right now",
}
MAYBE_SENT = "Zoho may have received it before the connection failed."
CHANGE = [change("No_of_Employees", 1000, label="No. of Employees")]


@pytest.fixture
def sam(member_factory, settings, monkeypatch):
    settings.MASSUPDATE_POLL_FIRST_SECONDS = 0
    settings.MASSUPDATE_RETRY_FIRST_SECONDS = 60  # a wait is a wait: time moves on only on cue
    settings.MASSUPDATE_VIEW_BUSY_SECONDS = 60
    monkeypatch.setattr(transport, "BACKOFF_SECONDS", 0)  # reads are retried without sleeping
    return member_factory(SALES_OPS_EMAIL)


@pytest.fixture
def zoho(sam, live_server):
    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru(live_server.url)
        yield FaultyZoho(mock, api_domain=sam.zoho_connection.api_domain)


@pytest.fixture
def browser(sam):
    client = Client()
    client.force_login(sam)
    return client


def time_passes() -> None:
    """Every wait is over: what the worker would do next is due now."""
    now = timezone.now() - timedelta(seconds=1)
    Step.objects.filter(due_at__gt=now).update(due_at=now)


def mass_updates_received(*, status: int | None = 200) -> int:
    calls = ApiCall.objects.filter(method="POST", path__endswith="/actions/mass_update")
    return calls.filter(status=status).count() if status else calls.count()


def revoke_access_at_zoho(user) -> None:
    """The person withdrew crmupdate's access in their Zoho account: the refresh token and
    every access token issued with it stop working (a 401 on the next call)."""
    connection = ZohoConnection.objects.get(user=user)
    assert token_revoke(token_decrypt(connection.refresh_token_encrypted))


def shows(html: str, expected: str) -> bool:
    """`expected` is in the page's markup, or in its text (words marked up apart)."""
    return expected in html or expected in re.sub(r"<[^>]+>", "", html)


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    assert "Traceback" not in text and "Something went wrong on our side" not in text
    return text


# --- pages: metadata, the review ---------------------------------------------------------------


def open_step_page(step: str, browser: Client, sam) -> tuple[str, Draft | None]:
    """The page of the flow that loads `step` from Zoho (and the draft behind it)."""
    if step == "modules":
        return "/updates/new/", None
    draft = make_draft(sam.member, CHANGE, cvid=SEED_CVID, count=None)
    if step == "fields":
        Draft.objects.filter(pk=draft.pk).update(
            selected_fields=["No_of_Employees"], raw_input={"value__No_of_Employees": ["1234"]}
        )
        return f"/updates/drafts/{draft.public_id}/", draft
    return f"/updates/drafts/{draft.public_id}/review/", draft


WORKS = {
    "modules": '<label for="id_module">Module</label>',
    "fields": 'value="1234"',  # what was typed before Zoho failed is still there
    "review": "Set No. of Employees to 1000 on the",
}


@pytest.mark.parametrize("how", FAILURES)
@pytest.mark.parametrize("step", ["modules", "fields", "review"])
def test_a_page_explains_a_zoho_failure_and_works_once_zoho_is_back(step, how, sam, zoho, browser):
    url, draft = open_step_page(step, browser, sam)
    zoho.fail(step, how)

    failed = page_text(browser.get(url))

    assert SAYS[how] in failed
    assert "Try again" in failed and not shows(failed, WORKS[step])
    # Reads are tried three times when Zoho or the network failed; a 429 is not hammered.
    assert zoho.answered[step] == (1 if how == "429" else 3)
    assert mass_updates_received(status=None) == 0

    zoho.heal()
    assert shows(page_text(browser.get(url)), WORKS[step])
    if draft is not None:
        assert Draft.objects.get(pk=draft.pk).changes == draft.changes  # nothing lost
    assert MassUpdate.objects.count() == 0


@pytest.mark.parametrize("how", ["refused", "http500", "malformed"])
@pytest.mark.parametrize("step", ["modules", "fields", "review"])
def test_a_page_rides_out_a_single_bad_answer_unseen(step, how, sam, zoho, browser):
    url, _draft = open_step_page(step, browser, sam)
    zoho.fail(step, how, times=1)

    assert shows(page_text(browser.get(url)), WORKS[step])
    assert zoho.answered[step] == 1


@pytest.mark.parametrize("step", ["modules", "fields", "review"])
def test_a_page_sends_the_person_to_sign_in_again_when_zoho_refuses_them(
    step, sam, zoho, browser, member_factory
):
    url, draft = open_step_page(step, browser, sam)
    revoke_access_at_zoho(sam)
    ZohoConnection.objects.update(access_token_expires_at=timezone.now())  # refresh needed too

    refused = browser.get(url)

    assert refused.status_code == 302
    assert refused["Location"].startswith("/signin/again/?next=")
    assert "Your Zoho sign-in has expired" in page_text(browser.get(refused["Location"]))
    member_factory(SALES_OPS_EMAIL)  # signs in with Zoho again...
    sam.refresh_from_db()
    browser.force_login(sam)  # ...which starts a new session: the old one was signed out
    assert shows(page_text(browser.get(url)), WORKS[step])
    if draft is not None:
        assert Draft.objects.get(pk=draft.pk).changes == draft.changes


# --- the worker: sending a step, following its job ----------------------------------------------


def start_update(sam, *, until: str) -> MassUpdate:
    """An update whose first step is due to be sent ("submit") or already running at Zoho
    ("poll")."""
    update = run_update(sam.member, CHANGE, cvid=SEED_CVID)
    if until == "poll":
        for _ in range(5):
            run_worker(max_actions=1)
            if Step.objects.get(update=update).status == StepStatus.RUNNING:
                break
        assert Step.objects.get(update=update).job_id
    return update


def finished_well(update: MassUpdate) -> bool:
    update.refresh_from_db()
    return update.status in {UpdateStatus.COMPLETED, UpdateStatus.COMPLETED_WITH_FAILURES}


@pytest.mark.parametrize("how", FAILURES)
@pytest.mark.parametrize("step", ["submit", "poll"])
def test_the_update_rides_out_a_zoho_failure(step, how, sam, zoho, browser):
    update = start_update(sam, until=step)
    zoho.fail(step, how)

    run_worker()

    update.refresh_from_db()
    shown = page_text(browser.get(f"/updates/{update.pk}/"))
    assert SAYS[how] in shown
    assert not update.finished
    maybe_sent = step == "submit" and how in {"timeout", "malformed", "http500"}
    # The job reached Zoho when the answer was lost after sending, or when only the status
    # check failed; a refused connection, a 500 and a 429 did nothing at Zoho.
    reached_zoho = 1 if step == "poll" or how in {"timeout", "malformed"} else 0
    if maybe_sent:
        # Zoho may have the job: we never send it again by ourselves; the person decides.
        assert update.status == UpdateStatus.NEEDS_ATTENTION
        assert MAYBE_SENT in shown and "Send to Zoho again" in shown
    else:
        assert "Trying again at" in shown  # it waits, then tries again by itself
    assert mass_updates_received() == reached_zoho

    zoho.heal()
    time_passes()
    run_worker()

    if maybe_sent:
        update.refresh_from_db()
        assert update.status == UpdateStatus.NEEDS_ATTENTION  # still the person's decision
        assert mass_updates_received() == reached_zoho
        interrupted = Step.objects.get(update=update)
        retried = browser.post(f"/updates/{update.pk}/steps/{interrupted.pk}/retry/")
        assert retried.status_code == 302
        run_worker()
        assert mass_updates_received() == reached_zoho + 1  # sent again: the person's choice
    else:
        assert mass_updates_received() == 1  # sent exactly once, whatever happened
    assert finished_well(update), update.last_error_explanation
    shown = page_text(browser.get(f"/updates/{update.pk}/"))
    word = update_status_word(update.status)
    assert f'class="status status-{update.status} tone-{word.tone}">{word.label}<' in shown
    # the failure is over (the step's activity log still tells it, as past events)
    assert SAYS[how] not in shown.split('<details class="activity">')[0]


@pytest.mark.parametrize("step", ["submit", "poll"])
def test_the_update_pauses_when_zoho_refuses_the_person_and_resumes_after_sign_in(
    step, sam, zoho, browser, member_factory
):
    update = start_update(sam, until=step)
    received_before = mass_updates_received()
    revoke_access_at_zoho(sam)

    run_worker()

    update.refresh_from_db()
    assert update.status == UpdateStatus.PAUSED
    # Zoho refused the worker's token refresh, which signed Sam out everywhere...
    assert browser.get(f"/updates/{update.pk}/")["Location"].startswith("/signin/")
    sam.refresh_from_db()
    browser.force_login(sam)  # ...and once back, he reads why
    shown = page_text(browser.get(f"/updates/{update.pk}/"))  # the page opens even so
    assert "Your Zoho sign-in has expired, so the update is paused. Nothing is lost" in shown
    assert "Sign in with Zoho again" in shown
    assert mass_updates_received() == received_before
    if step == "poll":
        assert Step.objects.get(update=update).job_id  # the job at Zoho is not forgotten

    member_factory(SALES_OPS_EMAIL)  # signs in with Zoho again
    time_passes()
    run_worker()  # the paused step looks again, sees the new sign-in and carries on

    assert finished_well(update), update.last_error_explanation
    assert mass_updates_received() == 1


def test_an_access_token_zoho_stops_accepting_mid_update_is_replaced_silently(sam, zoho):
    update = start_update(sam, until="poll")
    connection = ZohoConnection.objects.get(user=sam)
    token_revoke(token_decrypt(connection.access_token_encrypted))  # only this access token

    run_worker()

    assert finished_well(update)
    refused = ApiCall.objects.filter(status=401, path__endswith="/actions/mass_update")
    assert refused.count() == 1  # one 401, then a fresh token and the same call again
    assert mass_updates_received() == 1
    assert Step.objects.get(update=update).poll_errors == 0
