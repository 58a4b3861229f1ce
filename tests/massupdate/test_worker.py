"""The worker sends each step to Zoho once, follows its job, and handles every answer.

Zoho is mocked at the HTTP seam with the seed's recorded answers; the worker loop runs
in-process (`manage.py worker`'s loop, until nothing is due).
"""

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from crmupdate.massupdate import submit, timing
from crmupdate.massupdate.claims import claim_owner, row_claim
from crmupdate.massupdate.models import MassUpdate, Step, StepStatus, UpdateStatus
from tests.massupdate.conftest import (
    CRM,
    CVID,
    change,
    mass_update_bodies,
    mass_updates_answered,
    record_id,
    run_update,
    run_worker,
)
from tests.zoho import seed_responses as seed

pytestmark = pytest.mark.django_db(transaction=True)

MASS_UPDATE = f"{CRM}/Leads/actions/mass_update"


def status_body(status, total=300, updated=None, failed=0):
    updated = total - failed if updated is None else updated
    return {
        "data": [
            {
                "Status": status,
                "Total_Count": total,
                "Updated_Count": updated,
                "Not_Updated_Count": total - updated - failed,
                "Failed_Count": failed,
            }
        ]
    }


def scheduled(job_id):
    return {
        "data": [
            {
                "code": "SUCCESS",
                "details": {"job_id": job_id},
                "message": "mass update scheduled successfully",
                "status": "success",
            }
        ]
    }


def test_it_sends_exactly_the_seeds_request_body(member, zoho_api, fast_worker):
    zoho_api.post(MASS_UPDATE, body=seed.SUCCESS.body, status=200)
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    update = run_update(member, [change("No_of_Employees", 1000, label="No. of Employees")])
    run_worker()

    posts = [c for c in zoho_api.calls if c.request.method == "POST"]
    assert len(posts) == 1
    assert (
        posts[0].request.body == b'{"data":[{"No_of_Employees":1000}],"cvid":"738964000000091563"}'
    )
    assert posts[0].request.headers["Authorization"] == "Zoho-oauthtoken 1000.access"
    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED
    assert update.job_ids == "738964000002152104"
    assert (update.total_count, update.updated_count, update.failed_count) == (300, 300, 0)
    step = update.steps.get()
    assert step.zoho_status == "COMPLETED" and step.finished_at is not None
    assert not step.holds_view


def test_several_fields_run_as_steps_the_later_ones_on_the_frozen_ids(
    member, zoho_api, fast_worker
):
    mass_updates_answered(zoho_api, MASS_UPDATE, ["111"])
    zoho_api.get(MASS_UPDATE, json=status_body("RUNNING", updated=100))
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    update = run_update(member, [change("No_of_Employees", 1000), change("Rating", "Active")])
    run_worker()

    sequence = [(c.request.method, c.request.url.split("?")[-1]) for c in zoho_api.calls]
    # the view's records are read first (200 a page), then the job on the view is sent
    assert [m for m, _ in sequence[:3]] == ["GET", "GET", "POST"]
    # the second step is sent only after Zoho said the first one completed, by id
    second_post = [i for i, (m, _) in enumerate(sequence) if m == "POST"][1]
    assert sequence[second_post - 1] == ("GET", "job_id=111")
    bodies = mass_update_bodies(zoho_api)
    assert bodies[0] == {"data": [{"No_of_Employees": 1000}], "cvid": CVID}
    assert [b["data"] for b in bodies[1:]] == [[{"Rating": "Active"}]] * 1
    assert bodies[1]["ids"] == [record_id(n) for n in range(300)]  # all 300, in one call
    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED
    assert update.job_ids == "111"
    assert (update.frozen_count, update.total_count, update.updated_count) == (300, 300, 300)


def test_deals_send_up_to_three_fields_per_job(member, zoho_api, fast_worker):
    deals = f"{CRM}/Deals/actions/mass_update"
    mass_updates_answered(zoho_api, deals, ["1"])
    zoho_api.get(deals, json=status_body("COMPLETED"))
    update = run_update(
        member, [change("A", 1), change("B", 2), change("C", 3), change("D", 4)], module="Deals"
    )
    run_worker()
    assert [b["data"] for b in mass_update_bodies(zoho_api)] == [
        [{"A": 1, "B": 2, "C": 3}],
        [{"D": 4}],
    ]
    assert update.steps.count() == 2


def test_polls_back_off_from_seconds_to_at_most_a_minute(settings):
    settings.MASSUPDATE_POLL_FIRST_SECONDS = 3
    settings.MASSUPDATE_POLL_MAX_SECONDS = 60
    delays = [timing.poll_delay(n) for n in range(12)]
    assert delays[0] == 3
    assert delays == sorted(delays)
    assert max(delays) == 60
    # an hour-long job costs few status calls
    elapsed, calls = 0.0, 0
    while elapsed < 3600:
        elapsed += timing.poll_delay(calls)
        calls += 1
    assert calls < 75


def test_already_scheduled_waits_and_retries_by_itself(member, zoho_api, fast_worker):
    zoho_api.post(MASS_UPDATE, body=seed.ALREADY_SCHEDULED.body, status=400)
    zoho_api.post(MASS_UPDATE, json=scheduled("333"))
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    update = run_update(member, [change("No_of_Employees", 1000)])
    run_worker()

    assert len(mass_update_bodies(zoho_api)) == 2
    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED
    events = list(update.steps.get().events.values_list("kind", "code"))
    assert ("waiting", "ALREADY_SCHEDULED") in events


def test_the_first_send_is_attempt_one_and_a_resend_attempt_two(
    member, zoho_api, fast_worker, client
):
    zoho_api.post(MASS_UPDATE, body=seed.ALREADY_SCHEDULED.body, status=400)
    zoho_api.post(MASS_UPDATE, json=scheduled("334"))
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    update = run_update(member, [change("No_of_Employees", 1000)])
    run_worker()

    sends = update.steps.get().events.filter(kind="sending").order_by("pk")
    assert [(e.message, e.details) for e in sends] == [
        ("Sending to Zoho (attempt 1).", {"attempt": 1}),
        ("Sending to Zoho (attempt 2).", {"attempt": 2}),
    ]
    client.force_login(member.user)
    page = client.get(f"/updates/{update.pk}/").content.decode()
    assert "Sent the change to Zoho." in page
    assert "Sent it to Zoho again (try 2)." in page
    assert "(try 3)" not in page


def test_too_many_requests_is_waited_out(member, zoho_api, fast_worker):
    too_many = {"code": "TOO_MANY_REQUESTS", "details": {}, "message": "limit", "status": "error"}
    zoho_api.post(MASS_UPDATE, json=too_many, status=429)
    zoho_api.post(MASS_UPDATE, json=too_many, status=429)
    zoho_api.post(MASS_UPDATE, json=scheduled("444"))
    zoho_api.get(MASS_UPDATE, json=too_many, status=429)
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    update = run_update(member, [change("No_of_Employees", 1000)])
    run_worker()

    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED
    assert len(mass_update_bodies(zoho_api)) == 3
    codes = [code for kind, code in update.steps.get().events.values_list("kind", "code")]
    assert codes.count("TOO_MANY_REQUESTS") == 3


def test_a_timeout_after_sending_is_never_resent_by_itself(member, zoho_api, fast_worker):
    zoho_api.post(MASS_UPDATE, body=requests.exceptions.ReadTimeout("slow"))
    update = run_update(member, [change("No_of_Employees", 1000)])
    run_worker()
    run_worker()

    assert len(mass_update_bodies(zoho_api)) == 1
    step = update.steps.get()
    assert step.status == StepStatus.INTERRUPTED and step.maybe_sent
    assert step.error_code == "TIMEOUT"
    update.refresh_from_db()
    assert update.status == UpdateStatus.NEEDS_ATTENTION
    assert "may have received it" in update.last_error_explanation


def test_a_refused_connection_is_retried_because_nothing_was_sent(member, zoho_api, fast_worker):
    refused = requests.exceptions.ConnectionError(
        MaxRetryError(None, MASS_UPDATE, NewConnectionError(None, "Connection refused"))
    )
    zoho_api.post(MASS_UPDATE, body=refused)
    zoho_api.post(MASS_UPDATE, json=scheduled("555"))
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    update = run_update(member, [change("No_of_Employees", 1000)])
    run_worker()
    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED


@pytest.mark.parametrize(
    "answer",
    [seed.INVALID_DATA_CVID, seed.INVALID_DATA_FIELD, seed.INVALID_DATA_NO_FIELD,
     seed.MANDATORY_NOT_FOUND, seed.INVALID_REQUEST_METHOD],
    ids=lambda a: a.name,
)  # fmt: skip
def test_a_refusal_stops_the_update_and_keeps_zohos_words(member, zoho_api, fast_worker, answer):
    zoho_api.post(MASS_UPDATE, body=answer.body, status=answer.status)
    update = run_update(member, [change("No_of_Employees", 1000), change("Rating", "Active")])
    run_worker()

    assert len(mass_update_bodies(zoho_api)) == 1  # never retried, the second step never sent
    first, second = update.steps.order_by("position")
    assert first.status == StepStatus.REFUSED and second.status == StepStatus.SKIPPED
    import json

    recorded = json.loads(answer.body)
    recorded = recorded["data"][0] if "data" in recorded else recorded
    assert first.error_code == recorded["code"]
    assert first.error_message == recorded["message"]
    assert first.error_details == recorded["details"]
    update.refresh_from_db()
    assert update.status == UpdateStatus.REFUSED
    assert update.last_error_code == recorded["code"]
    assert update.last_error_explanation


def test_a_job_zoho_failed_is_checked_record_by_record_and_nothing_changed_skips_the_rest(
    member, zoho_api, fast_worker
):
    everyone = {record_id(n) for n in range(300)}
    mass_updates_answered(zoho_api, MASS_UPDATE, ["666"], refused=everyone)
    zoho_api.get(MASS_UPDATE, json=status_body("FAILED", updated=0, failed=300))
    update = run_update(member, [change("No_of_Employees", 1000), change("Rating", "Active")])
    run_worker()
    update.refresh_from_db()
    assert update.status == UpdateStatus.FAILED
    assert (update.failed_count, update.updated_count) == (300, 0)
    assert list(update.steps.values_list("status", flat=True)) == ["failed", "skipped"]
    # read back 100 at a time, then retried once by id (500 a call): Zoho says why per record
    reads = [c for c in zoho_api.calls if "ids=" in c.request.url]
    assert len(reads) == 3
    retries = [b for b in mass_update_bodies(zoho_api) if "ids" in b]
    assert [len(b["ids"]) for b in retries] == [300]
    assert update.record_failures.filter(code="RECORD_LOCKED").count() == 300
    assert update.last_error_code == "RECORD_LOCKED"
    assert "0 of 300 leads changed; 300 not changed." in update.last_error_explanation


def test_a_job_with_some_failed_records_names_them(member, zoho_api, fast_worker):
    locked = {record_id(7), record_id(150), record_id(299), record_id(3)}
    mass_updates_answered(zoho_api, MASS_UPDATE, ["777"], refused=locked)
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED", failed=4))
    update = run_update(member, [change("No_of_Employees", 1000)])
    run_worker()
    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED_WITH_FAILURES
    assert (update.updated_count, update.failed_count, update.total_count) == (296, 4, 300)
    assert set(update.record_failures.values_list("record_id", flat=True)) == locked
    retries = [b for b in mass_update_bodies(zoho_api) if "ids" in b]
    assert [sorted(b["ids"]) for b in retries] == [sorted(locked)]  # only those, once


def test_a_job_that_reported_no_failure_is_not_read_back(member, zoho_api, fast_worker):
    mass_updates_answered(zoho_api, MASS_UPDATE, ["888"])
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    update = run_update(member, [change("No_of_Employees", 1000)])
    run_worker()
    assert not [c for c in zoho_api.calls if "ids=" in c.request.url]
    update.refresh_from_db()
    assert (update.status, update.updated_count) == (UpdateStatus.COMPLETED, 300)


def test_a_step_one_worker_holds_is_not_taken_by_another(member, zoho_api, fast_worker):
    from datetime import timedelta

    zoho_api.post(MASS_UPDATE, json=scheduled("888"))
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    update = run_update(member, [change("No_of_Employees", 1000)])
    step = update.steps.get()
    pending = (StepStatus.PENDING,)
    holder = claim_owner()
    minute = timedelta(minutes=1)
    assert row_claim(Step, states=pending, owner=holder, length=minute) == step.pk
    assert row_claim(Step, states=pending, owner=claim_owner(), length=minute) is None
    run_worker()  # another worker: the step is held, nothing is sent
    assert mass_update_bodies(zoho_api) == []

    submit.step_submit(step.pk, holder)  # the holder sends it...
    submit.step_submit(step.pk, holder)  # ...and a late second run of it changes nothing
    run_worker()
    assert len(mass_update_bodies(zoho_api)) == 1
    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED


def test_a_second_update_of_the_same_view_waits_for_the_first(member, zoho_api, fast_worker):
    zoho_api.post(MASS_UPDATE, json=scheduled("901"))
    zoho_api.post(MASS_UPDATE, json=scheduled("902"))
    zoho_api.get(MASS_UPDATE, json=status_body("RUNNING", updated=10))
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    first = run_update(member, [change("No_of_Employees", 1000)])
    run_worker(max_actions=1)  # the first job is sent and running...
    assert Step.objects.get(update=first).status == StepStatus.RUNNING
    second = run_update(member, [change("Rating", "Active")])  # ...when the second is created
    run_worker(max_actions=2)  # the first's status check (RUNNING), then the second's submit
    waiting = Step.objects.get(update=second)
    assert waiting.status == StepStatus.PENDING
    assert "Waiting for another update of this view" in waiting.wait_reason
    assert MassUpdate.objects.get(pk=second.pk).status == UpdateStatus.QUEUED
    run_worker()
    assert len(mass_update_bodies(zoho_api)) == 2
    assert set(MassUpdate.objects.values_list("status", flat=True)) == {UpdateStatus.COMPLETED}
    assert not [c for c in zoho_api.calls if b"ALREADY_SCHEDULED" in (c.response.content or b"")]


def test_updates_of_different_views_do_not_wait_for_each_other(member, zoho_api, fast_worker):
    zoho_api.post(MASS_UPDATE, json=scheduled("1001"))
    zoho_api.post(MASS_UPDATE, json=scheduled("1002"))
    zoho_api.get(MASS_UPDATE, json=status_body("RUNNING"))
    run_update(member, [change("No_of_Employees", 1000)])
    run_update(member, [change("No_of_Employees", 1000)], cvid="42")
    run_worker(max_actions=2)
    assert Step.objects.filter(status=StepStatus.RUNNING).count() == 2
