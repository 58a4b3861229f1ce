"""A killed worker, an expired sign-in, a lost wake-up: the update still ends well, and nothing
is sent to Zoho twice without the person deciding so."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crmupdate.accounts.crypto import token_encrypt
from crmupdate.accounts.models import ZohoConnection
from crmupdate.massupdate import recovery, services
from crmupdate.massupdate.models import Step, StepStatus, UpdateStatus
from crmupdate.massupdate.worker import action_run_next
from tests.massupdate.conftest import (
    ACCOUNTS,
    CRM,
    change,
    mass_update_bodies,
    run_update,
    run_worker,
)
from tests.massupdate.test_worker import MASS_UPDATE, scheduled, status_body
from tests.zoho import seed_responses as seed

pytestmark = pytest.mark.django_db(transaction=True)


def a_dead_workers_claim(step, **fields):
    """What a worker killed mid-action leaves: its claim on the step, run out."""
    Step.objects.filter(pk=step.pk).update(
        claimed_by="dead", claim_expires_at=timezone.now() - timedelta(seconds=1), **fields
    )


def test_a_worker_killed_while_sending_leaves_a_decision_to_the_person(
    member, zoho_api, fast_worker, client
):
    zoho_api.post(MASS_UPDATE, json=scheduled("123"))
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    update = run_update(member, [change("No_of_Employees", 1000)])
    step = update.steps.get()
    a_dead_workers_claim(step, status=StepStatus.SUBMITTING, holds_view=True)

    run_worker()

    assert mass_update_bodies(zoho_api) == []  # never re-sent by itself
    step.refresh_from_db()
    assert step.status == StepStatus.INTERRUPTED and step.maybe_sent and not step.holds_view
    assert step.error_code == "SUBMIT_INTERRUPTED"

    client.force_login(member.user)
    page = client.get(f"/updates/{update.pk}/").content.decode()
    assert "we do not know whether Zoho received it" in page
    assert "Send to Zoho again" in page

    client.post(f"/updates/{update.pk}/steps/{step.pk}/retry/")
    run_worker()
    assert len(mass_update_bodies(zoho_api)) == 1
    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED


def test_a_worker_killed_while_following_a_job_is_picked_up_again(member, zoho_api, fast_worker):
    zoho_api.post(MASS_UPDATE, json=scheduled("124"))
    zoho_api.get(MASS_UPDATE, json=status_body("RUNNING", updated=30))
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    update = run_update(member, [change("No_of_Employees", 1000), change("Rating", "Active")])
    run_worker(max_actions=2)  # sent, and checked once (RUNNING)
    step = update.steps.get(position=1)
    assert step.status == StepStatus.RUNNING
    a_dead_workers_claim(step, due_at=timezone.now() - timedelta(minutes=1))

    run_worker()
    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED
    assert len(mass_update_bodies(zoho_api)) == 2  # one per step, no duplicate


def test_a_step_a_live_worker_holds_is_left_alone(member, zoho_api, fast_worker):
    zoho_api.post(MASS_UPDATE, json=scheduled("125"))
    update = run_update(member, [change("No_of_Employees", 1000)])
    step = update.steps.get()
    held_until = timezone.now() + timedelta(minutes=5)
    Step.objects.filter(pk=step.pk).update(
        status=StepStatus.SUBMITTING, claimed_by="alive", claim_expires_at=held_until
    )
    run_worker()
    step.refresh_from_db()
    assert (step.status, step.claimed_by) == (StepStatus.SUBMITTING, "alive")
    assert mass_update_bodies(zoho_api) == []


def test_opening_a_running_updates_page_changes_nothing_the_worker_reads(
    member, zoho_api, fast_worker, client
):
    update = run_update(member, [change("No_of_Employees", 1000), change("Rating", "Active")])
    worker_columns = ("status", "due_at", "claimed_by", "claim_expires_at")
    before = list(Step.objects.order_by("pk").values_list(*worker_columns))
    client.force_login(member.user)
    page = client.get(f"/updates/{update.pk}/")
    assert page.status_code == 200 and "Waiting to start" in page.content.decode()
    client.get(f"/updates/{update.pk}/status/")
    assert list(Step.objects.order_by("pk").values_list(*worker_columns)) == before


def sign_in_again(member):
    ZohoConnection.objects.filter(user=member.user).update(
        needs_reauth=False,
        access_token_encrypted=token_encrypt("1000.after-sign-in"),
        access_token_expires_at=timezone.now() + timedelta(hours=1),
        updated_at=timezone.now() + timedelta(seconds=1),
    )


def test_an_expired_sign_in_pauses_and_resumes_after_signing_in(
    member, zoho_api, fast_worker, client
):
    zoho_api.post(MASS_UPDATE, body=seed.AUTHENTICATION_FAILURE.body, status=401)
    zoho_api.post(MASS_UPDATE, body=seed.AUTHENTICATION_FAILURE.body, status=401)
    zoho_api.post(MASS_UPDATE, json=scheduled("126"))
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    zoho_api.post(
        f"{ACCOUNTS}/oauth/v2/token",
        json={"access_token": "1000.refreshed", "expires_in": 3600, "api_domain": CRM[:-8]},
    )
    update = run_update(member, [change("No_of_Employees", 1000)])
    run_worker()

    step = update.steps.get()
    assert step.status == StepStatus.PAUSED
    update.refresh_from_db()
    assert update.status == UpdateStatus.PAUSED
    client.force_login(member.user)
    page = client.get(f"/updates/{update.pk}/").content.decode()
    assert "Sign in with Zoho again" in page and "Nothing is lost" in page

    a_while_later = timezone.now() - timedelta(seconds=1)
    Step.objects.filter(pk=step.pk).update(due_at=a_while_later)  # time to look again
    run_worker()  # still signed out: stays paused, and looks again later
    step.refresh_from_db()
    assert step.status == StepStatus.PAUSED and step.due_at > timezone.now()
    sign_in_again(member)
    Step.objects.filter(pk=step.pk).update(due_at=a_while_later)
    run_worker()
    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED
    sent_with = [
        c.request.headers["Authorization"]
        for c in zoho_api.calls
        if c.request.method == "POST" and "mass_update" in c.request.url
    ]
    assert sent_with[-1] == "Zoho-oauthtoken 1000.after-sign-in"


def test_the_resume_button_carries_on(member, zoho_api, fast_worker, client):
    zoho_api.post(MASS_UPDATE, json=scheduled("127"))
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    update = run_update(member, [change("No_of_Employees", 1000)])
    Step.objects.filter(update=update).update(status=StepStatus.PAUSED, paused_at=timezone.now())
    client.force_login(member.user)
    client.post(f"/updates/{update.pk}/resume/")
    run_worker()
    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED


def test_retry_is_only_for_interrupted_steps(member, zoho_api, fast_worker):
    update = run_update(member, [change("No_of_Employees", 1000)])
    step = update.steps.get()
    assert not services.step_retry(update=update, step_id=step.pk, member=member)


def test_an_answer_that_arrives_after_the_safety_net_gave_up_still_counts(
    member, zoho_api, fast_worker
):
    """The worker froze while Zoho was answering: meanwhile its claim ran out and the step was
    marked interrupted. Zoho's late answer puts the job back on track instead of losing it."""

    def zoho_answers_late(request):
        Step.objects.update(claim_expires_at=timezone.now() - timedelta(seconds=1))
        assert action_run_next(raise_errors=True)  # another worker takes the step...
        assert Step.objects.get().status == StepStatus.INTERRUPTED  # ...as interrupted
        return (
            200,
            {},
            '{"data":[{"code":"SUCCESS","details":{"job_id":"999"},"status":"success"}]}',
        )

    zoho_api.add_callback("POST", MASS_UPDATE, callback=zoho_answers_late)
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    update = run_update(member, [change("No_of_Employees", 1000)])
    run_worker()
    step = update.steps.get()
    assert (step.status, step.job_id) == (StepStatus.COMPLETED, "999")
    assert len(mass_update_bodies(zoho_api)) == 1


def test_a_step_whose_turn_came_without_a_wake_up_is_started(member, zoho_api, fast_worker):
    zoho_api.post(MASS_UPDATE, json=scheduled("128"))
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    update = run_update(member, [change("No_of_Employees", 1000), change("Rating", "Active")])
    run_worker(max_actions=2)  # step 1 sent and completed...
    Step.objects.filter(update=update, position=2).update(due_at=None)  # wake-up lost
    assert recovery.steps_sweep()["woken"] == 1
    run_worker()
    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED


def test_a_summary_left_behind_by_a_race_is_corrected(member, zoho_api, fast_worker):
    from crmupdate.massupdate.models import MassUpdate

    zoho_api.post(MASS_UPDATE, json=scheduled("129"))
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    update = run_update(member, [change("No_of_Employees", 1000)])
    run_worker()
    MassUpdate.objects.filter(pk=update.pk).update(status=UpdateStatus.RUNNING)
    assert recovery.steps_sweep()["summaries"] == 1
    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED
