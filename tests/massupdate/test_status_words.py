"""Statuses in words a person understands, and the activity log in sentences, on the update's
page. Events are stored the way the worker stores them (kind, code, details) and worded when
the page is read."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.test import Client

from crmupdate.massupdate import activity
from crmupdate.massupdate.models import StepEvent, StepStatus, UpdateStatus
from crmupdate.massupdate.statuses import (
    DANGER,
    SUCCESS,
    WARNING,
    step_status_word,
    update_status_word,
    zoho_job_status_word,
)
from tests.massupdate.conftest import change, run_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client: Client, member) -> Client:
    client.force_login(member.user)
    return client


def test_every_update_and_step_status_has_a_label_a_tone_and_an_explanation():
    for status in UpdateStatus.values:
        word = update_status_word(status)
        assert word.label and word.explanation and word.tone, status
    for status in StepStatus.values:
        word = step_status_word(status)
        assert word.label and word.explanation and word.tone, status


def test_a_completed_step_with_failed_records_is_not_a_plain_green_completed():
    assert step_status_word(StepStatus.COMPLETED).tone == SUCCESS
    with_failures = step_status_word(StepStatus.COMPLETED, failed_count=3)
    assert with_failures.tone == WARNING
    assert str(with_failures.label) == "Completed with failures"


def test_zohos_job_statuses_are_words_not_codes():
    assert str(zoho_job_status_word("SCHEDULED").label) == "Waiting at Zoho"
    assert str(zoho_job_status_word("RUNNING").label) == "Running at Zoho"
    assert str(zoho_job_status_word("COMPLETED").label) == "Finished at Zoho"
    assert zoho_job_status_word("FAILED").tone == DANGER
    assert str(zoho_job_status_word("").label) == "Not sent yet"
    # a status Zoho may add one day is shown, not hidden
    assert str(zoho_job_status_word("ON_HOLD").label) == "On hold"


def test_the_update_page_words_statuses_and_the_activity(signed_in, member):
    update = run_update(member, [change("No_of_Employees", 1000, label="No. of Employees")])
    step = update.steps.get()
    step.status = StepStatus.COMPLETED
    step.zoho_status = "COMPLETED"
    step.job_id = "738964000012345678"
    step.total_count, step.updated_count, step.failed_count = 300, 296, 4
    step.save()
    update.status = UpdateStatus.COMPLETED_WITH_FAILURES
    update.save()
    events = [
        ("sending", "", "Sending to Zoho (attempt 1).", {}),
        ("waiting", "TOO_MANY_REQUESTS", "too many requests", {}),
        ("sending", "", "Sending to Zoho (attempt 2).", {}),
        ("scheduled", "SUCCESS", "mass update scheduled successfully",
         {"job_id": "738964000012345678"}),
        ("status", "RUNNING", "Zoho: RUNNING",
         {"Total_Count": 300, "Updated_Count": 120, "Not_Updated_Count": 180, "Failed_Count": 0}),
        ("status", "COMPLETED", "Zoho: COMPLETED",
         {"Total_Count": 300, "Updated_Count": 296, "Not_Updated_Count": 0, "Failed_Count": 4}),
        ("retry", "", "Sam Ops sent it again.", {}),
        ("backup", "", "Backup kept: 1,200 records (7 Zoho calls).", {}),
        ("something_new", "", "", {}),
    ]  # fmt: skip
    for kind, code, message, details in events:
        StepEvent.objects.create(step=step, kind=kind, code=code, message=message, details=details)

    page = signed_in.get(f"/updates/{update.pk}/").content.decode()

    assert 'status-completed_with_failures tone-warning">Completed with failures<' in page
    # the step inside says the same, not a green "Completed"
    assert 'class="status status-completed tone-warning">Completed with failures<' in page
    assert 'data-zoho-status="COMPLETED">Finished at Zoho</dd>' in page
    log = page[page.index('class="activity-log"') :]
    lines = [" ".join(li.split("</time>")[1].split()) for li in log.split("<li>")[1:]]
    lines = [line.replace("</li>", "").strip() for line in lines]
    assert lines[0] == "Sent the change to Zoho."
    assert lines[1].startswith("Waiting before trying again: Zoho is limiting")
    assert lines[2] == "Sent it to Zoho again (try 2)."
    assert lines[3] == "Zoho accepted it as job 738964000012345678."
    assert lines[4] == "Zoho started changing records: 120 of 300 so far."
    assert lines[5] == "Zoho finished: 296 records changed, 4 could not be changed."
    assert lines[6] == "Sam Ops asked to send it again."
    assert lines[7] == (
        "Kept a backup of the current values of 1,200 records (7 Zoho calls), "
        "so this step can be undone."
    )
    assert lines[8].startswith("Something new")
    for raw in ("SUCCESS", "attempt 1", "scheduled successfully", "Zoho: RUNNING"):
        assert raw not in log, raw


class _Events(list):
    def all(self):
        return self


def _event(kind: str, code: str = "", message: str = "", details=None):
    return SimpleNamespace(
        kind=kind,
        code=code,
        message=message,
        details=details or {},
        http_status=None,
        created_at=datetime(2026, 3, 9, tzinfo=UTC),
    )


def test_event_parameters_are_read_from_details_first_then_from_older_messages():
    step = SimpleNamespace(changes=[], events=_Events([
        _event("backup", details={"records": 50, "api_calls": 1}),
        _event("backup", message="Backup kept: 2,000 records (10 Zoho calls)."),
        _event("resumed", details={"by": "Pat Boyle"}),
        _event("resumed", message="Resumed after sign-in."),
        _event("retry", message="Pat Boyle sent it again."),
        _event("status", code="FAILED", details={"Updated_Count": 3, "Failed_Count": 9}),
    ]))  # fmt: skip
    entries = [(e.sentence, e.params) for e in activity.step_activity(step)]
    assert entries == [
        (activity.BACKUP_KEPT, {"records": 50, "calls": 1}),
        (activity.BACKUP_KEPT, {"records": 2000, "calls": 10}),
        (activity.RESUMED_BY, {"name": "Pat Boyle"}),
        (activity.RESUMED, {"name": ""}),
        (activity.SENT_AGAIN_BY, {"name": "Pat Boyle"}),
        (activity.ZOHO_FAILED, {"updated": 3, "failed": 9, "total": 0}),
    ]
