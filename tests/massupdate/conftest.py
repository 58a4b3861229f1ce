"""Mass-update test helpers: a signed-in member without the browser, drafts, the worker."""

from __future__ import annotations

import html as html_lib
import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

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


# Get Records of a view or by id (not the status and mass-update paths).
RECORD_READS = re.compile(rf"{re.escape(CRM)}/(Leads|Deals)\?")
VIEW_SIZE = 300  # the mocked view, as the mocked job statuses count it


def record_id(n: int) -> str:
    return str(738964000010000000 + n)


def _sent_values(mocked: responses_lib.RequestsMock) -> dict[str, Any]:
    """Every value the mass updates sent so far set (a record read back holds them)."""
    values: dict[str, Any] = {}
    for call in mocked.calls:
        if call.request.method == "POST" and call.request.url.endswith("/actions/mass_update"):
            values.update(json.loads(call.request.body)["data"][0])
    return values


def records_answer(mocked: responses_lib.RequestsMock, request: Any) -> tuple[int, dict, str]:
    """The mocked view holds VIEW_SIZE records (200 a page); read by id, a record holds every
    value sent so far."""
    query = parse_qs(urlsplit(request.url).query)
    fields = query["fields"][0].split(",")
    if "ids" in query:
        values = _sent_values(mocked)
        refused = getattr(mocked, "refused", set())
        data = [
            {"id": i, **{f: None if i in refused else values.get(f) for f in fields}}
            for i in query["ids"][0].split(",")
        ]
        return 200, {}, json.dumps({"data": data})
    page, per_page = int(query.get("page", ["1"])[0]), int(query["per_page"][0])
    start = (page - 1) * per_page
    ids = range(start, min(VIEW_SIZE, start + per_page))
    data = [{"id": record_id(n), **dict.fromkeys(fields)} for n in ids]
    info = {"page": page, "per_page": per_page, "more_records": start + per_page < VIEW_SIZE}
    return 200, {}, json.dumps({"data": data, "info": info})


@pytest.fixture
def zoho_api():
    """Zoho mocked at the HTTP seam. Reads of the view's records (made when an update starts)
    and by id are answered by `records_answer`, unless the test registers its own answer."""
    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        default: list[Any] = []

        def unanswered(request: Any) -> tuple[bool, str]:
            """Only reads the test has not registered an answer for itself."""
            others = [
                r for r in mocked.registered()
                if r not in default and r.method == "GET" and r.matches(request)[0]
            ]  # fmt: skip
            return not others, "answered by the test"

        default.append(
            mocked.add_callback(
                responses_lib.GET,
                RECORD_READS,
                callback=lambda r: records_answer(mocked, r),
                match=[unanswered],
            )  # fmt: skip
        )
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


def ids_answer(request: Any, refused: set[str]) -> tuple[int, dict, str]:
    """Zoho's ids-mode answer: every record updated but the `refused` ones (locked)."""
    body = json.loads(request.body)
    data = [
        {"code": "RECORD_LOCKED", "details": {"id": i}, "status": "error",
         "message": "You cannot perform this operation as the record is locked."}
        if i in refused
        else {"code": "SUCCESS", "details": {"id": i}, "message": "record updated",
              "status": "success"}
        for i in body["ids"]
    ]  # fmt: skip
    return 200, {}, json.dumps({"data": data})


def mass_updates_answered(
    mocked: responses_lib.RequestsMock, url: str, job_ids: list[str],
    refused: set[str] | None = None,
) -> None:  # fmt: skip
    """POSTs to `url`: a view job gets the next of `job_ids`; ids mode, every record updated
    but the `refused` ones, which are also read back without the new values."""
    jobs = iter(job_ids)
    mocked.refused = refused or set()  # type: ignore[attr-defined]

    def answer(request: Any) -> tuple[int, dict, str]:
        if "ids" in json.loads(request.body):
            return ids_answer(request, mocked.refused)  # type: ignore[attr-defined]
        job = {"code": "SUCCESS", "details": {"job_id": next(jobs)},
               "message": "mass update scheduled successfully", "status": "success"}  # fmt: skip
        return 200, {}, json.dumps({"data": [job]})

    mocked.add_callback(responses_lib.POST, url, callback=answer)


def text_of(page: str) -> str:
    """A page's text as people read it: no tags, entities decoded, spaces collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", page)).split())
