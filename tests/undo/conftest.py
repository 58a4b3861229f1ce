"""Undo test helpers: updates run with a backup against the practice CRM, and what it holds."""

from __future__ import annotations

from typing import Any

import pytest

from crmupdate.massupdate import services
from crmupdate.massupdate.models import MassUpdate
from crmupdate.massupdate.undo.services import backup_choice_save
from crmupdate.zohosim.models import ApiCall, SimCreditUsage, SimOrg
from tests.fixtures_sim import SEED_CVID
from tests.massupdate.conftest import (  # noqa: F401  (fixtures used by the tests here)
    change,
    fast_worker,
    make_draft,
    member,
    run_worker,
    zoho_api,
)

LEAD_STATUS = "Lead_Status"


@pytest.fixture
def sam(member_factory: Any) -> Any:
    return member_factory()


def lead_status(value: str = "Contacted") -> Any:
    return change(LEAD_STATUS, value, label="Lead Status", data_type="picklist")


def run_with_backup(
    person: Any, changes: list[Any], *, cvid: str = SEED_CVID, keep: bool = True
) -> MassUpdate:
    """An update as the review page runs it, with the "Keep a backup" box as given."""
    draft = make_draft(person, changes, cvid=cvid)
    backup_choice_save(
        draft=draft, data={"backup_offered": "1", "keep_backup": "on" if keep else ""}
    )
    return services.massupdate_run(draft=draft, member=person, run_token=str(draft.run_token))


def zoho_calls(method: str, path_end: str, **filters: Any) -> list[ApiCall]:
    qs = ApiCall.objects.filter(host="crm", method=method, path__endswith=path_end, **filters)
    return list(qs.order_by("id"))


def credits_left(org: SimOrg, calls: int) -> None:
    """Zoho will answer `calls` more calls today, then 429 TOO_MANY_REQUESTS."""
    used = sum(SimCreditUsage.objects.filter(org=org).values_list("used", flat=True))
    SimOrg.objects.filter(pk=org.pk).update(credits_per_day=used + calls)


def a_new_day(org: SimOrg) -> None:
    SimOrg.objects.filter(pk=org.pk).update(credits_per_day=None)


def edit_in_zoho(sim_token: Any, origin: str, module: str, records: list[dict[str, Any]]) -> None:
    """Someone else (Patricia, the administrator) changes records directly in Zoho."""
    from crmupdate.zoho.client import ZohoClient
    from tests.fixtures_sim import ADMIN_EMAIL

    tokens = sim_token(ADMIN_EMAIL, origin)
    client = ZohoClient(api_domain=tokens["api_domain"], access_token=tokens["access_token"])
    results = client.update_records(module, records, trigger=None)
    assert all(r.ok for r in results), results


def run_actions_until(condition: Any, what: str, limit: int = 20) -> None:
    """Run due actions one at a time until `condition()` holds."""
    for _ in range(limit):
        if condition():
            return
        run_worker(max_actions=1)
    assert condition(), f"never reached: {what}"
