"""`manage.py worker`: one loop that claims due rows (steps, undos) and runs their actions."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from crmupdate.massupdate.claims import claim_owner, row_claim
from crmupdate.massupdate.models import Step, StepStatus, UpdateStatus
from tests.massupdate.conftest import change, mass_update_bodies, run_update
from tests.massupdate.test_worker import MASS_UPDATE, scheduled, status_body

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_command_runs_what_is_due_and_stops_when_idle(member, zoho_api, fast_worker):
    zoho_api.post(MASS_UPDATE, json=scheduled("501"))
    zoho_api.post(MASS_UPDATE, json=scheduled("502"))
    zoho_api.get(MASS_UPDATE, json=status_body("COMPLETED"))
    update = run_update(member, [change("No_of_Employees", 1000), change("Rating", "Active")])
    out = StringIO()
    call_command("worker", "--until-idle", stdout=out)

    update.refresh_from_db()
    assert update.status == UpdateStatus.COMPLETED
    assert len(mass_update_bodies(zoho_api)) == 2
    # two sends and two status checks
    assert "Worker stopped after 4 actions." in out.getvalue()


def test_a_row_is_claimed_once_and_again_only_after_the_claim_runs_out(member):
    update = run_update(member, [change("No_of_Employees", 1000)])
    step = update.steps.get()
    pending = (StepStatus.PENDING,)
    minute = timedelta(minutes=1)
    assert row_claim(Step, states=pending, owner="first", length=minute) == step.pk
    assert row_claim(Step, states=pending, owner="second", length=minute) is None
    Step.objects.filter(pk=step.pk).update(claim_expires_at=timezone.now() - timedelta(seconds=1))
    assert row_claim(Step, states=pending, owner="second", length=minute) == step.pk
    assert Step.objects.get(pk=step.pk).claimed_by == "second"


def test_a_row_that_is_not_due_yet_is_not_claimed(member):
    update = run_update(member, [change("No_of_Employees", 1000), change("Rating", "Active")])
    later = timezone.now() + timedelta(minutes=5)
    Step.objects.filter(update=update, position=1).update(due_at=later)
    # step 2 is not due at all (None) until step 1 ends
    assert row_claim(Step, states=(StepStatus.PENDING,), owner=claim_owner(),
                     length=timedelta(minutes=1)) is None  # fmt: skip


def test_a_row_another_worker_is_claiming_is_skipped_not_waited_for(member):
    """PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` (SQLite has one writer at a time)."""
    import threading

    from django.db import connection, transaction

    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("SQLite takes rows with a conditional UPDATE, one writer at a time")
    first = run_update(member, [change("No_of_Employees", 1000)]).steps.get()
    second = run_update(member, [change("Rating", "Active")], cvid="738964000000000001").steps.get()
    locked, finished = threading.Event(), threading.Event()

    def another_worker_claiming_the_first():
        with transaction.atomic():
            Step.objects.select_for_update().filter(pk=first.pk).first()
            locked.set()
            finished.wait(timeout=10)
        connection.close()

    other = threading.Thread(target=another_worker_claiming_the_first)
    other.start()
    assert locked.wait(timeout=10)
    try:
        claimed = row_claim(Step, states=(StepStatus.PENDING,), owner="me",
                            length=timedelta(minutes=1))  # fmt: skip
    finally:
        finished.set()
        other.join()
    assert claimed == second.pk
