"""The client against the practice CRM over real HTTP (live_server): typed results for every
call, the right error category for every error case, and exactly what "Zoho" received."""

import json
from typing import Any

import pytest

from crmupdate.zoho.client import ZohoClient
from crmupdate.zoho.errors import ErrorCategory, ZohoError, error_from_entry, first_data_entry
from crmupdate.zoho.transport import RetryPolicy, Transport
from crmupdate.zoho.types import (
    CustomViewList,
    Field,
    MassUpdateJobStatus,
    MassUpdateScheduled,
    Module,
    Org,
    RecordPage,
    RecordResult,
    User,
)
from crmupdate.zohosim.models import SimOrg
from tests.fixtures_sim import (
    ADMIN_EMAIL,
    GLOBEX_EMAIL,
    SALES_OPS_EMAIL,
    SALES_REP_EMAIL,
    SEED_CVID,
    ZYLKER_ID,
)
from tests.zoho.paging import all_records

pytestmark = pytest.mark.django_db(transaction=True)

SEED_BODY = '{"data":[{"No_of_Employees":1000}],"cvid":"738964000000091563"}'


@pytest.fixture
def tokens_for(sim, sim_token, zoho_sim_origin):
    def issue(email: str = SALES_OPS_EMAIL, **kwargs: Any) -> dict[str, Any]:
        return sim_token(email, zoho_sim_origin, **kwargs)

    return issue


@pytest.fixture
def client_for_user(tokens_for):
    def make(email: str = SALES_OPS_EMAIL, api_version: str = "v2", **kwargs: Any) -> ZohoClient:
        tokens = tokens_for(email, **kwargs)
        return ZohoClient(
            api_domain=tokens["api_domain"],
            access_token=tokens["access_token"],
            api_version=api_version,
            sleep=lambda seconds: None,
        )

    return make


@pytest.fixture
def sam(client_for_user) -> ZohoClient:
    return client_for_user(SALES_OPS_EMAIL)


def _raised(call, *args, **kwargs) -> ZohoError:
    with pytest.raises(ZohoError) as caught:
        call(*args, **kwargs)
    return caught.value


# --- typed results --------------------------------------------------------------------------


def test_metadata_calls_return_typed_results(sam):
    modules = {m.api_name: m for m in sam.list_modules()}
    assert all(isinstance(m, Module) for m in modules.values())
    assert modules["Leads"].api_supported and modules["Leads"].plural_label == "Leads"

    views = sam.list_custom_views("Leads")
    assert isinstance(views, CustomViewList)
    by_id = {v.id: v for v in views.views}
    assert by_id[SEED_CVID].name == "All Leads"
    assert views.default_id in by_id
    assert views.category_labels

    fields = {f.api_name: f for f in sam.list_fields("Leads")}
    assert all(isinstance(f, Field) for f in fields.values())
    employees = fields["No_of_Employees"]
    assert (employees.data_type, employees.mass_update) == ("integer", True)
    assert fields["Email"].mass_update is False
    status_values = [p.actual_value for p in fields["Lead_Status"].pick_list_values]
    assert "Not Contacted" in status_values
    assert fields["Company"].length == 200


def test_users_and_org_are_typed_and_stay_inside_the_organisation(sam):
    users = sam.list_users()
    assert all(isinstance(u, User) for u in users)
    emails = {u.email for u in users}
    assert {ADMIN_EMAIL, SALES_OPS_EMAIL, SALES_REP_EMAIL} <= emails
    assert GLOBEX_EMAIL not in emails

    me = sam.current_user()
    assert (me.email, me.profile_name) == (SALES_OPS_EMAIL, "Sales Operations")

    org = sam.get_org()
    assert isinstance(org, Org)
    assert (org.id, org.company_name) == (ZYLKER_ID, "Zylker Traders")


def test_records_of_a_view_page_count_and_iterate(sim, sam):
    expected = {str(r.record_id) for r in sim.view_records("Leads", "All Leads")}

    assert sam.count_records("Leads", cvid=SEED_CVID) == len(expected)
    page = sam.get_records("Leads", cvid=SEED_CVID, fields=["Last_Name", "Company"], per_page=5)
    assert isinstance(page, RecordPage)
    assert len(page.records) == 5 and page.more_records
    assert set(page.records[0]) >= {"id", "Last_Name", "Company"}

    seen = [r["id"] for r in all_records(sam, "Leads", cvid=SEED_CVID, fields=["Last_Name"])]
    assert len(seen) == len(set(seen)) and set(seen) == expected


def test_iterating_on_v8_follows_page_tokens_to_the_same_records(sim, client_for_user, api_calls):
    v8 = client_for_user(api_version="v8")
    expected = {str(r.record_id) for r in sim.view_records("Leads", "All Leads")}

    seen = [
        r["id"]
        for r in all_records(v8, "Leads", cvid=SEED_CVID, fields=["Last_Name"], per_page=100)
    ]

    assert len(seen) == len(set(seen)) and set(seen) == expected
    queries = [c.query for c in api_calls(path_contains="/crm/v8/Leads", method="GET")]
    assert len(queries) == -(-len(expected) // 100)
    assert "page=1" in queries[0]
    assert all(
        "page_token=" in q and "page=" not in q.replace("per_page=", "") for q in queries[1:]
    )


def test_the_seed_mass_update_is_sent_exactly_and_its_job_finishes(sim, sam, api_calls):
    result = sam.mass_update("Leads", data={"No_of_Employees": 1000}, cvid=SEED_CVID)

    assert isinstance(result, MassUpdateScheduled) and result.job_id
    received = api_calls(path_contains="/actions/mass_update", method="POST")
    assert [c.body for c in received] == [SEED_BODY]
    assert received[0].path == "/crm/v2/Leads/actions/mass_update"

    status = sam.mass_update_status("Leads", result.job_id)
    assert isinstance(status, MassUpdateJobStatus)
    assert status.finished and status.status == "COMPLETED"
    assert status.total_count == status.updated_count + status.not_updated_count + (
        status.failed_count
    )
    assert status.total_count == sam.count_records("Leads", cvid=SEED_CVID)
    sample = sim.view_records("Leads", "All Leads")[0]
    assert sample.data["No_of_Employees"] == 1000


def test_a_running_job_reports_its_state(sam, slow_jobs):
    job = sam.mass_update("Leads", data={"Rating": "Active"}, cvid=SEED_CVID)

    assert sam.mass_update_status("Leads", job.job_id).status == "SCHEDULED"
    slow_jobs.start(job.job_id)
    running = sam.mass_update_status("Leads", job.job_id)
    assert running.status == "RUNNING" and not running.finished


def test_mass_update_by_ids_returns_a_result_per_record(sim, sam, api_calls):
    first, second = (str(r.record_id) for r in sim.records("Leads")[:2])

    results = sam.mass_update("Leads", data={"Rating": "Active"}, ids=[first, "1", second])

    assert all(isinstance(r, RecordResult) for r in results)
    assert [(r.id, r.ok) for r in results] == [(first, True), ("1", False), (second, True)]
    assert results[1].code == "INVALID_DATA"
    assert sim.record(first).data["Rating"] == "Active"
    sent = json.loads(api_calls(path_contains="mass_update", method="POST")[-1].body)
    assert sent == {"data": [{"Rating": "Active"}], "ids": [first, "1", second]}


def test_update_records_restores_values_without_triggers(sim, sam, api_calls):
    record = sim.records("Leads")[0]
    before = record.data.get("No_of_Employees")
    sam.mass_update("Leads", data={"No_of_Employees": 7}, ids=[str(record.record_id)])

    results = sam.update_records(
        "Leads", [{"id": str(record.record_id), "No_of_Employees": before}, {"id": "1"}]
    )

    assert [(r.id, r.ok) for r in results] == [(str(record.record_id), True), ("1", False)]
    assert sim.record(record.record_id).data.get("No_of_Employees") == before
    sent = json.loads(api_calls(path_contains="/crm/v2/Leads", method="PUT")[-1].body)
    assert sent["trigger"] == []


# --- error categories -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "cvid", "message", "details"),
    [
        (
            {"No_of_Employees": 1000},
            "73896400000009156",
            "the cvid given seems to be invalid",
            {"api_name": "cvid"},
        ),
        (
            {"No_of_Employees1": 1000},
            SEED_CVID,
            "This field cannot be updated in the Mass Update",
            {"api_name": "No_of_Employees1"},
        ),
        ({}, SEED_CVID, "No field found", {}),
    ],
)
def test_the_seeds_invalid_data_answers_are_permanent(sam, data, cvid, message, details):
    error = _raised(sam.mass_update, "Leads", data=data, cvid=cvid)

    assert (error.code, error.message, error.http_status) == ("INVALID_DATA", message, 200)
    assert error.details == details
    assert error.category == ErrorCategory.PERMANENT


def test_missing_cvid_is_mandatory_not_found_in_data(sim, tokens_for, zoho_sim_origin):
    # The client never leaves cvid out; the seed's request is replayed through the transport.
    tokens = tokens_for()
    response = Transport().request(
        "POST",
        f"{tokens['api_domain']}/crm/v2/Leads/actions/mass_update",
        policy=RetryPolicy.WRITE,
        json_body={"data": [{"No_of_Employees": 1000}]},
        headers={"Authorization": f"Zoho-oauthtoken {tokens['access_token']}"},
    )

    entry = first_data_entry(response.body)
    assert response.status == 200 and entry is not None
    error = error_from_entry(entry, http_status=response.status)
    assert (error.code, error.category) == ("MANDATORY_NOT_FOUND", ErrorCategory.PERMANENT)


def test_a_second_job_on_a_busy_view_is_already_scheduled(sam, slow_jobs):
    sam.mass_update("Leads", data={"No_of_Employees": 1000}, cvid=SEED_CVID)

    error = _raised(sam.mass_update, "Leads", data={"No_of_Employees": 1000}, cvid=SEED_CVID)

    assert (error.code, error.http_status) == ("ALREADY_SCHEDULED", 400)
    assert error.message == "Already an Mass Action scheduler is runing for the given cvid"
    assert error.category == ErrorCategory.TRANSIENT


def test_an_unknown_method_is_invalid_request_method(sim, tokens_for):
    tokens = tokens_for()
    error = _raised(
        Transport().request,
        "COPY",
        f"{tokens['api_domain']}/crm/v2/Leads/actions/mass_update",
        policy=RetryPolicy.WRITE,
        json_body={"data": [{"No_of_Employees": 1000}], "cvid": SEED_CVID},
    )

    assert (error.code, error.http_status) == ("INVALID_REQUEST_METHOD", 400)
    assert error.category == ErrorCategory.PERMANENT


@pytest.mark.parametrize(
    ("token", "code"),
    [("", "AUTHENTICATION_FAILURE"), ("1000.not-a-real-token", "INVALID_TOKEN")],
)
def test_a_missing_or_unknown_token_needs_auth(sim, zoho_sim_origin, token, code):
    client = ZohoClient(api_domain=f"{zoho_sim_origin}/zohosim/api", access_token=token)

    error = _raised(client.mass_update, "Leads", data={"No_of_Employees": 1000}, cvid=SEED_CVID)

    assert (error.code, error.http_status, error.category) == (code, 401, ErrorCategory.AUTH)


def test_a_missing_scope_is_permanent_and_says_sign_in_again(client_for_user):
    reader = client_for_user(scopes=["ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL"])

    error = _raised(reader.mass_update, "Leads", data={"No_of_Employees": 1000}, cvid=SEED_CVID)

    assert error.code == "OAUTH_SCOPE_MISMATCH"
    assert error.category == ErrorCategory.PERMANENT
    assert "sign in with Zoho again" in error.message


def test_a_sales_rep_has_no_mass_update_permission(client_for_user):
    rita = client_for_user(SALES_REP_EMAIL)

    error = _raised(rita.mass_update, "Leads", data={"No_of_Employees": 1000}, cvid=SEED_CVID)

    assert (error.code, error.http_status) == ("NO_PERMISSION", 403)
    assert error.category == ErrorCategory.PERMANENT


def test_a_view_over_50000_records_is_refused(sim, sam):
    archive = sim.view_id("Leads", "Lead archive 2015-2020")

    error = _raised(sam.mass_update, "Leads", data={"Rating": "Active"}, cvid=archive)

    assert error.code == "LIMIT_EXCEEDED"
    assert error.category == ErrorCategory.PERMANENT


def test_an_unknown_job_and_an_unknown_module_are_permanent(sam):
    error = _raised(sam.mass_update_status, "Leads", "738964000009999999")
    assert (error.code, error.http_status, error.category) == (
        "NOT_FOUND",
        404,
        ErrorCategory.PERMANENT,
    )

    error = _raised(sam.list_fields, "Unicorns")
    assert (error.code, error.category) == ("INVALID_MODULE", ErrorCategory.PERMANENT)


def test_an_exhausted_daily_budget_is_rate_limited(sim, sam):
    SimOrg.objects.filter(zoho_id=ZYLKER_ID).update(credits_per_day=1)
    sam.get_org()

    error = _raised(sam.get_org)

    assert (error.code, error.http_status) == ("TOO_MANY_REQUESTS", 429)
    assert error.category == ErrorCategory.RATE_LIMITED
