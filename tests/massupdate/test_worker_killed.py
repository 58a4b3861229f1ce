"""A real `manage.py db_worker` is killed (SIGKILL) in the middle of an update, while it waits
for Zoho's answer to a status check; a new worker started afterwards completes the update,
and nothing is sent to Zoho twice."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.signals import request_started
from django.db import connection
from django_tasks_db.models import DBTaskResult

from crmupdate.massupdate.models import MassUpdate, Step, StepStatus
from crmupdate.zohosim.models import ApiCall
from tests.fixtures_sim import SEED_CVID
from tests.massupdate.conftest import change, run_update

pytestmark = pytest.mark.django_db(transaction=True)


class StatusCheckHold:
    """Holds the first mass-update status request the simulator receives until released,
    so a worker can be killed while it waits for Zoho's answer."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.released = threading.Event()

    def __call__(self, sender, environ, **kwargs):
        if (
            environ.get("REQUEST_METHOD") == "GET"
            and environ.get("PATH_INFO", "").endswith("/actions/mass_update")
            and not self.reached.is_set()
        ):
            self.reached.set()
            self.released.wait(timeout=60)


def start_worker(log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.massupdate.worker_settings",
        "CRMUPDATE_WORKER_DB_NAME": str(connection.settings_dict["NAME"]),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay",
         "--no-reload", "-v", "2"],
        cwd=settings.BASE_DIR, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_killing_the_worker_mid_update_and_starting_it_again_completes_it(
    member_factory, sim, tmp_path
):
    sam = member_factory()
    hold = StatusCheckHold()
    request_started.connect(hold)
    log = tmp_path / "worker.log"
    workers = []
    try:
        update = run_update(
            sam.member,
            [change("No_of_Employees", 1000), change("Rating", "Active")],
            cvid=SEED_CVID,
        )
        workers.append(start_worker(log))
        assert hold.reached.wait(timeout=60), log.read_text()
        first = Step.objects.get(update=update, position=1)
        assert first.status == StepStatus.RUNNING and first.job_id
        workers[0].send_signal(signal.SIGKILL)  # mid-task: no chance to clean up
        workers[0].wait(timeout=10)
        hold.released.set()

        workers.append(start_worker(log))
        wait_for(lambda: MassUpdate.objects.get(pk=update.pk).finished, 90, "the update to end")
    finally:
        hold.released.set()
        request_started.disconnect(hold)
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=10)

    # the killed worker's task never finished: only the watchdog could have picked it up
    stuck = DBTaskResult.objects.filter(status="RUNNING", task_path__endswith=".poll_step")
    assert stuck.count() == 1
    assert "'rescheduled': 1" in log.read_text()
    update.refresh_from_db()
    assert update.step_count == 2
    assert [s.status for s in update.steps.all()] == [StepStatus.COMPLETED] * 2, log.read_text()
    posts = ApiCall.objects.filter(method="POST", path__endswith="/actions/mass_update")
    assert [p.json()["data"] for p in posts] == [
        [{"No_of_Employees": 1000}],
        [{"Rating": "Active"}],
    ]
    records = sim.view_records("Leads", "All Leads")
    assert {r.data["Rating"] for r in records if not r.locked} == {"Active"}
