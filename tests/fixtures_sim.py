"""Simulator fixtures (a pytest plugin loaded from tests/conftest.py).

* `sim`: the practice CRM's demo data (test scale: a few hundred records per module, the
  named views keep their meaning) in the test database, and helpers to look things up.
  The data is committed once per session (so every test does not pay for loading it):
  tests that do not ask for `sim` may see it too.
* `sim_token(email, origin="http://testserver", scopes=None)`: real tokens for a demo user,
  issued to the app's OAuth client exactly as the token endpoint would issue them. Pass
  `live_server.url` as `origin` so `api_domain` points at the live server.
* `api_calls(...)`: what the simulator received (`ApiCall` rows), newest last.
* `sim.record_states_set(record_id, locked=False)` and friends: what stands in the way of
  updates (locked, not approved, in a Blueprint); `sim.automation_runs(...)`: which
  workflow rules, approvals and Blueprints fired.
* `slow_jobs`: mass-update jobs stay SCHEDULED/RUNNING until the test moves them on
  (`slow_jobs.start(job_id)`, `slow_jobs.finish(job_id)`).

Tests may import the simulator; product code never does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from crmupdate.zohosim.demo.load import demo_load
from crmupdate.zohosim.jobs import job_progress, job_settle, jobs_settle
from crmupdate.zohosim.models import (
    ApiCall,
    SimAutomationRun,
    SimMassUpdateJob,
    SimModule,
    SimOrg,
    SimRecord,
    SimUser,
    SimView,
)
from crmupdate.zohosim.records import view_queryset
from crmupdate.zohosim.tokens import self_client_tokens

ZYLKER_ID = "738964000000020005"
GLOBEX_ID = "612200000000020005"
ADMIN_EMAIL = "patricia.boyle@zylker.example"
SALES_OPS_EMAIL = "sam.ops@zylker.example"
SALES_REP_EMAIL = "rita.rep@zylker.example"
GLOBEX_EMAIL = "gary.globex@globex.example"
# The seed's custom view: Zylker's "All Leads".
SEED_CVID = "738964000000091563"


class SimData:
    """Look-ups into the loaded practice CRM. Reads first apply mass-update jobs that are due,
    as any API read would."""

    def __init__(self) -> None:
        self.org = SimOrg.objects.get(zoho_id=ZYLKER_ID)
        self.globex = SimOrg.objects.get(zoho_id=GLOBEX_ID)

    def settle(self) -> None:
        jobs_settle(self.org)
        jobs_settle(self.globex)

    def user(self, email: str) -> SimUser:
        return SimUser.objects.get(email=email)

    def module(self, api_name: str, *, org: SimOrg | None = None) -> SimModule:
        return SimModule.objects.get(org=org or self.org, api_name=api_name)

    def view(self, module: str, name: str, *, org: SimOrg | None = None) -> SimView:
        return SimView.objects.select_related("module").get(
            module=self.module(module, org=org), name=name
        )

    def view_id(self, module: str, name: str, *, org: SimOrg | None = None) -> str:
        return self.view(module, name, org=org).zoho_id

    def view_records(
        self, module: str, name: str, *, as_user: str = ADMIN_EMAIL
    ) -> list[SimRecord]:
        """The records a view holds right now (criteria evaluated as `as_user`)."""
        self.settle()
        return list(view_queryset(self.view(module, name), self.user(as_user)))

    def record(self, record_id: str | int) -> SimRecord:
        self.settle()
        return SimRecord.objects.get(record_id=int(record_id))

    def record_states_set(self, record_id: str | int, **states: bool | str) -> SimRecord:
        """Lock or unlock a record, approve it, take it out of its Blueprint, as someone
        working in Zoho would: `locked=False`, `not_approved=False`, `blueprint_field=""`."""
        record = self.record(record_id)
        record.states_set(**states)
        return record

    def refusing(self, module: str, **states: bool | str) -> list[SimRecord]:
        """The module's records in these states, e.g. `refusing("Deals", not_approved=True)`
        or `refusing("Deals", blueprint_field="Stage")`."""
        self.settle()
        return list(
            SimRecord.objects.filter(module=self.module(module), **states).order_by("record_id")
        )

    def automation_runs(self, **filters: Any) -> list[SimAutomationRun]:
        """Which workflow rules, approvals and Blueprints fired (oldest first), e.g.
        `automation_runs(source="mass_update_ids", rule__name="Deal stage changed")`."""
        self.settle()
        return list(SimAutomationRun.objects.filter(**filters).select_related("rule"))

    def records(self, module: str, *, org: SimOrg | None = None) -> list[SimRecord]:
        self.settle()
        return list(
            SimRecord.objects.filter(module=self.module(module, org=org)).order_by("record_id")
        )


@pytest.fixture(scope="session")
def _sim_committed(django_db_setup: None, django_db_blocker: Any) -> None:
    """The demo data, loaded and committed once per test session. Tests that run in a
    transaction (the usual `db` tests) see it and their changes roll back; tests that flush
    the database (`live_server`, `transactional_db`) remove it, so `sim` loads it again."""
    with django_db_blocker.unblock():
        demo_load(scale="test")


@pytest.fixture
def sim(_sim_committed: None, db: None) -> SimData:
    demo_load(scale="test")  # a no-op unless a flushing test removed the data
    return SimData()


@pytest.fixture
def sim_token(sim: SimData) -> Callable[..., dict[str, Any]]:
    def issue(
        email: str = ADMIN_EMAIL,
        origin: str = "http://testserver",
        scopes: list[str] | None = None,
    ) -> dict[str, Any]:
        return self_client_tokens(email=email, origin=origin, scopes=scopes)

    return issue


@pytest.fixture
def api_calls(db: None) -> Callable[..., list[ApiCall]]:
    """`api_calls(path_contains="mass_update", method="POST", host="crm")` -> ApiCalls."""

    def calls(
        path_contains: str | None = None, method: str | None = None, host: str | None = None
    ) -> list[ApiCall]:
        qs = ApiCall.objects.order_by("id")
        if path_contains:
            qs = qs.filter(path__contains=path_contains)
        if method:
            qs = qs.filter(method=method.upper())
        if host:
            qs = qs.filter(host=host)
        return list(qs)

    return calls


class SlowJobs:
    """Controls mass-update jobs scheduled while `slow_jobs` is active."""

    def _job(self, job_id: str | None) -> SimMassUpdateJob:
        qs = SimMassUpdateJob.objects.order_by("-pk")
        return qs.get(job_id=job_id) if job_id else qs.first()  # type: ignore[return-value]

    def start(self, job_id: str | None = None) -> dict[str, Any]:
        """Move the job (default: the newest) past its start delay: RUNNING."""
        job = self._job(job_id)
        job.start_delay = 0
        job.save(update_fields=["start_delay"])
        return job_progress(job)

    def finish(self, job_id: str | None = None) -> dict[str, Any]:
        """Complete the job now (records change), as if its time had passed."""
        job = self._job(job_id)
        job.due_at = timezone.now() - timedelta(seconds=1)
        job.save(update_fields=["due_at"])
        job_settle(job)
        return job_progress(job)

    def progress(self, job_id: str | None = None) -> dict[str, Any]:
        return job_progress(self._job(job_id))


@pytest.fixture
def fast_worker(settings: Any) -> Any:
    """The worker checks Zoho's jobs and retries without waiting, so `run_worker()` (the
    worker loop, in-process, until nothing is due) settles at once (tests/massupdate has a
    fuller version for its own tests)."""
    settings.MASSUPDATE_POLL_FIRST_SECONDS = 0
    settings.MASSUPDATE_RETRY_FIRST_SECONDS = 0
    return settings


@pytest.fixture
def slow_jobs(settings: Any) -> SlowJobs:
    """Jobs wait an hour before they start and take a minute per record."""
    settings.ZOHOSIM_JOB_START_DELAY = 3600.0
    settings.ZOHOSIM_JOB_SECONDS_PER_RECORD = 60.0
    return SlowJobs()
