"""Mass-update test helpers: a signed-in member without the browser, drafts, the worker."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import responses as responses_lib
from django.contrib.auth import get_user_model
from django.utils import timezone

from crmupdate.accounts.crypto import token_encrypt
from crmupdate.accounts.models import Member, Team, ZohoConnection
from crmupdate.massupdate import services
from crmupdate.massupdate.fieldforms import Change
from crmupdate.massupdate.models import Draft, MassUpdate
from crmupdate.massupdate.worker import worker_run

API = "https://www.zohoapis.com"
CRM = f"{API}/crm/v2"
ACCOUNTS = "https://accounts.zoho.com"
CVID = "738964000000091563"


@pytest.fixture
def fast_worker(settings):
    """No waiting between polls and retries: the worker loop settles at once."""
    settings.MASSUPDATE_POLL_FIRST_SECONDS = 0
    settings.MASSUPDATE_RETRY_FIRST_SECONDS = 0
    settings.MASSUPDATE_VIEW_BUSY_SECONDS = 0
    settings.ZOHO_HTTP_TIMEOUT = 5
    return settings


@pytest.fixture
def zoho_api():
    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        yield mocked


MASS_UPDATE_EVERYWHERE = ("Leads", "Contacts", "Accounts", "Deals", "Products", "Shipments")


def make_member(
    *,
    email: str = "sam.ops@zylker.example",
    org_id: str = "org-zylker",
    company: str = "Zylker Traders",
    profile: str = "Sales Operations",
    time_zone: str = "Europe/London",
    mass_update_modules: tuple[str, ...] | None = MASS_UPDATE_EVERYWHERE,
    is_zoho_admin: bool = False,
) -> Member:
    """A member whose Zoho profile grants Mass Update in `mass_update_modules` (None: Zoho
    did not show the profile, so their permissions are unknown)."""
    team, _ = Team.objects.get_or_create(
        zoho_org_id=org_id, defaults={"company_name": company, "api_domain": API}
    )
    user = get_user_model().objects.create_user(username=email, email=email)
    member = Member.objects.create(
        user=user,
        team=team,
        zoho_user_id=f"zu-{email}",
        full_name=email.split("@")[0].replace(".", " ").title(),
        email=email,
        profile_name=profile,
        time_zone=time_zone,
        is_zoho_admin=is_zoho_admin,
        mass_update_modules=list(mass_update_modules or []),
        permissions_read_at=None if mass_update_modules is None else timezone.now(),
    )
    ZohoConnection.objects.create(
        user=user,
        accounts_server=ACCOUNTS,
        api_domain=API,
        refresh_token_encrypted=token_encrypt("1000.refresh"),
        access_token_encrypted=token_encrypt("1000.access"),
        access_token_expires_at=timezone.now() + timedelta(hours=1),
    )
    return member


@pytest.fixture
def member(db) -> Member:
    return make_member()


def change(api_name: str, value: Any, *, label: str = "", data_type: str = "integer") -> Change:
    return Change(
        api_name=api_name, label=label or api_name, data_type=data_type, value=value,
        display=str(value),
    )  # fmt: skip


def make_draft(member: Member, changes: list[Change], *, module: str = "Leads", cvid: str = CVID,
               count: int | None = 300) -> Draft:  # fmt: skip
    draft = services.draft_create(
        member=member, module_api_name=module, module_label=module, cvid=cvid,
        view_name="Imported batch",
    )  # fmt: skip
    services.draft_save_changes(draft=draft, changes=changes, selected=[], raw={})
    if count is not None:
        Draft.objects.filter(pk=draft.pk).update(record_count=count)
        draft.refresh_from_db()
    return draft


def run_update(member: Member, changes: list[Change], **kwargs: Any) -> MassUpdate:
    draft = make_draft(member, changes, **kwargs)
    return services.massupdate_run(draft=draft, member=member, run_token=str(draft.run_token))


def run_worker(max_actions: int = 500) -> None:
    """Run the worker in-process, the way `manage.py worker` does, until nothing is due (or
    `max_actions` actions ran); an action that crashes fails the test."""
    worker_run(until_idle=True, max_actions=max_actions, raise_errors=True)


def mass_update_bodies(mocked: responses_lib.RequestsMock) -> list[dict[str, Any]]:
    return [
        json.loads(call.request.body)
        for call in mocked.calls
        if call.request.method == "POST" and call.request.url.endswith("/actions/mass_update")
    ]
