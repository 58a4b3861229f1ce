"""Each client call: what it sends to Zoho and the typed result it makes of Zoho's answer."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from responses import matchers

from crmupdate.zoho.client import ZohoClient
from crmupdate.zoho.errors import ErrorCategory, ZohoError
from crmupdate.zoho.types import (
    CustomView,
    Field,
    MassUpdateJobStatus,
    Module,
    Org,
    PicklistValue,
    RecordResult,
    User,
)

from .conftest import API, CRM, TOKEN
from .paging import all_records


def _query(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query)


# Trimmed from Zoho's own v7 samples (zoho-crm-api.md §3), with the keys Zoho adds kept.
LEADS_MODULE = {
    "has_more_profiles": False,
    "access_type": "org_based",
    "plural_label": "Leads",
    "id": "4876876000000002175",
    "visibility": 1,
    "editable": True,
    "singular_label": "Lead",
    "api_supported": True,
    "api_name": "Leads",
    "generated_type": "default",
    "module_name": "Leads",
    "status": "visible",
    "a_key_zoho_added_later": {"nested": True},
}
LEAD_SOURCE_FIELD = {
    "field_label": "Lead Source",
    "display_label": "Lead Source",
    "read_only": False,
    "field_read_only": False,
    "id": "5725767000000002609",
    "visible": True,
    "api_name": "Lead_Source",
    "pick_list_values": [
        {"display_value": "-None-", "sequence_number": 1, "actual_value": "-None-"},
        {
            "display_value": "Houston",
            "sequence_number": 2,
            "reference_value": "Houston Showroom",
            "actual_value": "Houston Showroom",
            "id": "5725767000004370005",
            "type": "used",
        },
    ],
    "system_mandatory": False,
    "json_type": "string",
    "custom_field": False,
    "length": 120,
    "data_type": "picklist",
    "decimal_place": None,
    "mass_update": True,
}


def test_list_modules_returns_typed_modules_and_ignores_new_keys(zoho, mocked):
    mocked.get(f"{CRM}/settings/modules", json={"modules": [LEADS_MODULE, {"api_name": "X"}]})

    modules = zoho.list_modules()

    assert modules[0] == Module(
        api_name="Leads",
        module_name="Leads",
        singular_label="Lead",
        plural_label="Leads",
        api_supported=True,
        generated_type="default",
        status="visible",
        visible=True,
        editable=True,
        id="4876876000000002175",
    )
    # Keys Zoho left out get defaults instead of failing.
    assert (modules[1].api_name, modules[1].plural_label, modules[1].status) == (
        "X",
        "X",
        "visible",
    )


def test_list_custom_views_returns_views_default_and_category_labels(zoho, mocked):
    mocked.get(
        f"{CRM}/settings/custom_views",
        match=[matchers.query_param_matcher({"module": "Leads"})],
        json={
            "custom_views": [
                {
                    "display_value": "All Leads",
                    "system_name": "ALLVIEWS",
                    "created_by": None,
                    "default": False,
                    "name": "All Open Leads",
                    "system_defined": True,
                    "id": "3652397000000087501",
                    "category": "public_views",
                    "favorite": None,
                }
            ],
            "info": {
                "default": "3652397000000087501",
                "translation": {"public_views": "Public Views", "created_by_me": "Created By Me"},
                "more_records": False,
            },
        },
    )

    result = zoho.list_custom_views("Leads")

    assert result.views == [
        CustomView(
            id="3652397000000087501",
            name="All Open Leads",
            display_value="All Leads",
            category="public_views",
            default=False,
            system_defined=True,
            system_name="ALLVIEWS",
        )
    ]
    assert result.default_id == "3652397000000087501"
    assert result.category_labels["created_by_me"] == "Created By Me"


def test_list_custom_views_follows_more_records(zoho, mocked):
    mocked.get(
        f"{CRM}/settings/custom_views",
        match=[matchers.query_param_matcher({"module": "Leads"})],
        json={"custom_views": [{"id": "1"}], "info": {"more_records": True, "default": "1"}},
    )
    mocked.get(
        f"{CRM}/settings/custom_views",
        match=[matchers.query_param_matcher({"module": "Leads", "page": "2"})],
        json={"custom_views": [{"id": "2"}], "info": {"more_records": False}},
    )

    result = zoho.list_custom_views("Leads")

    assert [v.id for v in result.views] == ["1", "2"]
    assert result.default_id == "1"


def test_list_fields_returns_types_lengths_picklists_and_mass_update_flags(zoho, mocked):
    mocked.get(
        f"{CRM}/settings/fields",
        match=[matchers.query_param_matcher({"module": "Leads"})],
        json={
            "fields": [
                LEAD_SOURCE_FIELD,
                {
                    "api_name": "Annual_Revenue",
                    "data_type": "currency",
                    "length": "16",
                    "decimal_place": 2,
                    "read_only": False,
                    "mass_update": True,
                },
                {"api_name": "id", "data_type": "bigint", "read_only": True},
            ]
        },
    )

    lead_source, revenue, record_id = zoho.list_fields("Leads")

    assert isinstance(lead_source, Field)
    assert (lead_source.data_type, lead_source.length, lead_source.mass_update) == (
        "picklist",
        120,
        True,
    )
    assert lead_source.pick_list_values[1] == PicklistValue(
        actual_value="Houston Showroom", display_value="Houston", sequence_number=2
    )
    assert (revenue.length, revenue.decimal_place) == (16, 2)
    assert (record_id.read_only, record_id.mass_update, record_id.length) == (True, False, None)


def test_list_users_reads_every_page(zoho, mocked):
    def page(n, more):
        return {
            "users": [
                {
                    "id": f"u{n}",
                    "full_name": f"User {n}",
                    "email": f"u{n}@zylker.example",
                    "profile": {"name": "Administrator", "id": "p1"},
                    "role": {"name": "CEO", "id": "r1"},
                    "status": "active",
                    "zuid": 808233918,
                    "time_zone": "America/Los_Angeles",
                }
            ],
            "info": {"per_page": 200, "page": n, "more_records": more},
        }

    mocked.get(
        f"{CRM}/users",
        match=[
            matchers.query_param_matcher({"type": "ActiveUsers", "page": "1", "per_page": "200"})
        ],
        json=page(1, True),
    )
    mocked.get(
        f"{CRM}/users",
        match=[
            matchers.query_param_matcher({"type": "ActiveUsers", "page": "2", "per_page": "200"})
        ],
        json=page(2, False),
    )

    users = zoho.list_users()

    assert [u.id for u in users] == ["u1", "u2"]
    assert users[0] == User(
        id="u1",
        full_name="User 1",
        email="u1@zylker.example",
        profile_name="Administrator",
        profile_id="p1",
        role_name="CEO",
        time_zone="America/Los_Angeles",
        status="active",
        zuid="808233918",
    )


def test_list_users_is_empty_on_204(zoho, mocked):
    mocked.get(f"{CRM}/users", status=204)
    assert zoho.list_users(type="DeactiveUsers") == []


def test_current_user_asks_for_the_token_owner(zoho, mocked):
    mocked.get(
        f"{CRM}/users",
        match=[matchers.query_param_matcher({"type": "CurrentUser"})],
        json={"users": [{"id": "5725767000000411001", "first_name": "Sam", "last_name": "Ops"}]},
    )

    user = zoho.current_user()

    assert (user.id, user.full_name, user.time_zone) == ("5725767000000411001", "Sam Ops", "UTC")


def test_current_user_without_users_is_an_error(zoho, mocked):
    mocked.get(f"{CRM}/users", status=204)
    with pytest.raises(ZohoError) as caught:
        zoho.current_user()
    assert caught.value.code == "MALFORMED_RESPONSE"


def test_get_org_returns_id_company_and_edition(zoho, mocked):
    mocked.get(
        f"{CRM}/org",
        json={
            "org": [
                {
                    "id": "5725767000000020005",
                    "company_name": "Zylker Traders",
                    "license_details": {"paid_type": "enterprise", "paid": True},
                    "time_zone": "America/Los_Angeles",
                    "type": "production",
                    "domain_name": "org808232144",
                }
            ]
        },
    )

    assert zoho.get_org() == Org(
        id="5725767000000020005",
        company_name="Zylker Traders",
        edition="enterprise",
        time_zone="America/Los_Angeles",
        type="production",
        domain_name="org808232144",
    )


def test_get_records_sends_view_fields_and_paging(zoho, mocked):
    mocked.get(
        f"{CRM}/Leads",
        json={
            "data": [{"id": "1", "Last_Name": "Smith"}],
            "info": {"per_page": 2, "count": 1, "page": 3, "more_records": True},
        },
    )

    page = zoho.get_records(
        "Leads", cvid="111", fields=["Last_Name", "Lead_Status"], page=3, per_page=2
    )

    assert _query(mocked.calls[0]) == {
        "cvid": ["111"],
        "fields": ["Last_Name,Lead_Status"],
        "page": ["3"],
        "per_page": ["2"],
    }
    assert (page.records, page.page, page.per_page, page.more_records) == (
        [{"id": "1", "Last_Name": "Smith"}],
        3,
        2,
        True,
    )
    assert page.next_page_token is None


def test_paging_through_a_view_follows_the_page_token(zoho, mocked):
    mocked.get(
        f"{CRM}/Leads",
        match=[matchers.query_param_matcher({"page": "1"}, strict_match=False)],
        json={"data": [{"id": "1"}, {"id": "2"}], "info": {"more_records": True}},
    )
    mocked.get(
        f"{CRM}/Leads",
        match=[matchers.query_param_matcher({"page": "2"}, strict_match=False)],
        json={
            "data": [{"id": "3"}],
            "info": {"more_records": True, "next_page_token": "c8582xx9e7c7"},
        },
    )
    mocked.get(
        f"{CRM}/Leads",
        match=[matchers.query_param_matcher({"page_token": "c8582xx9e7c7"}, strict_match=False)],
        json={"data": [{"id": "4"}], "info": {"more_records": False}},
    )

    ids = [r["id"] for r in all_records(zoho, "Leads", cvid="111", fields=["Last_Name"])]

    assert ids == ["1", "2", "3", "4"]
    last = _query(mocked.calls[2])
    assert "page" not in last  # page and page_token cannot be combined
    assert last["fields"] == ["Last_Name"]  # fields always sent (mandatory from v3)


def test_paging_through_an_empty_view_finds_nothing(zoho, mocked):
    mocked.get(f"{CRM}/Leads", status=204)
    assert list(all_records(zoho, "Leads", cvid="111", fields=["Last_Name"])) == []


@pytest.mark.parametrize("count", [694, "694"])
def test_count_records_accepts_an_integer_or_a_string(zoho, mocked, count):
    mocked.get(
        f"{CRM}.1/Leads/actions/count",
        match=[matchers.query_param_matcher({"cvid": "111"})],
        json={"count": count},
    )
    assert zoho.count_records("Leads", cvid="111") == 694


def test_count_records_rejects_an_unreadable_count(zoho, mocked):
    mocked.get(f"{CRM}.1/Leads/actions/count", json={"count": "many"})
    with pytest.raises(ZohoError) as caught:
        zoho.count_records("Leads", cvid="111")
    assert caught.value.code == "MALFORMED_RESPONSE"


def test_mass_update_sends_territory_and_over_write_after_data_and_cvid(zoho, mocked):
    mocked.post(
        f"{CRM}/Deals/actions/mass_update",
        json={"data": [{"code": "SUCCESS", "details": {"job_id": "77"}, "status": "success"}]},
    )

    zoho.mass_update(
        "Deals",
        data={"Languages_Known": ["English", "Spanish"]},
        cvid="5",
        territory={"id": "9", "include_child": True},
        over_write=True,
    )

    assert mocked.calls[0].request.body == (
        b'{"data":[{"Languages_Known":["English","Spanish"]}],"cvid":"5",'
        b'"territory":{"id":"9","include_child":true},"over_write":true}'
    )


def test_mass_update_by_ids_returns_one_result_per_record(zoho, mocked):
    mocked.post(
        f"{CRM}/Leads/actions/mass_update",
        json={
            "data": [
                {
                    "code": "SUCCESS",
                    "details": {"Modified_Time": "2021-03-03T12:17:00+05:30", "id": "101"},
                    "message": "record updated",
                    "status": "success",
                },
                {
                    "code": "INVALID_DATA",
                    "details": {"id": "102"},
                    "message": "the id given seems to be invalid",
                    "status": "error",
                },
            ]
        },
    )

    results = zoho.mass_update("Leads", data={"Rating": "Hot"}, ids=["101", "102"])

    assert json.loads(mocked.calls[0].request.body) == {
        "data": [{"Rating": "Hot"}],
        "ids": ["101", "102"],
    }
    assert results[1] == RecordResult(
        id="102",
        ok=False,
        code="INVALID_DATA",
        message="the id given seems to be invalid",
        details={"id": "102"},
    )
    assert (results[0].id, results[0].ok, results[0].message) == ("101", True, "record updated")


def test_mass_update_by_ids_raises_when_the_request_itself_failed(zoho, mocked):
    mocked.post(
        f"{CRM}/Leads/actions/mass_update",
        json={
            "data": [
                {
                    "code": "INVALID_DATA",
                    "details": {"api_name": "Email"},
                    "message": "This field cannot be updated in the Mass Update",
                    "status": "error",
                }
            ]
        },
    )

    with pytest.raises(ZohoError) as caught:
        zoho.mass_update("Leads", data={"Email": "x@y.z"}, ids=["1", "2", "3"])

    assert caught.value.code == "INVALID_DATA"
    assert caught.value.details == {"api_name": "Email"}


def test_mass_update_by_ids_all_failed_under_400_is_still_per_record(zoho, mocked):
    errors = [
        {"code": "INVALID_DATA", "details": {"id": i}, "message": "invalid", "status": "error"}
        for i in ("1", "2")
    ]
    mocked.post(f"{CRM}/Leads/actions/mass_update", status=400, json={"data": errors})

    results = zoho.mass_update("Leads", data={"Rating": "Hot"}, ids=["1", "2"])

    assert [(r.id, r.ok) for r in results] == [("1", False), ("2", False)]


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({}, "exactly one of cvid or ids"),
        ({"cvid": "1", "ids": ["2"]}, "exactly one of cvid or ids"),
        ({"ids": [str(i) for i in range(501)]}, "1 to 500"),
        ({"ids": []}, "1 to 500"),
        ({"ids": ["1"], "territory": "9"}, "territory"),
    ],
)
def test_mass_update_refuses_requests_zoho_would_reject(zoho, mocked, kwargs, problem):
    with pytest.raises(ValueError, match=problem):
        zoho.mass_update("Leads", data={"Rating": "Hot"}, **kwargs)
    assert len(mocked.calls) == 0


def test_mass_update_status_returns_the_counts(zoho, mocked):
    mocked.get(
        f"{CRM}/Leads/actions/mass_update",
        match=[matchers.query_param_matcher({"job_id": "738964000002152104"})],
        json={
            "data": [
                {
                    "Status": "RUNNING",
                    "Failed_Count": 0,
                    "Updated_Count": 30,
                    "Not_Updated_Count": 20,
                    "Total_Count": 50,
                }
            ]
        },
    )

    status = zoho.mass_update_status("Leads", "738964000002152104")

    assert status == MassUpdateJobStatus(
        status="RUNNING", total_count=50, updated_count=30, not_updated_count=20, failed_count=0
    )
    assert not status.finished


def test_mass_update_status_of_an_unknown_job_is_permanent(zoho, mocked):
    mocked.get(
        f"{CRM}/Leads/actions/mass_update",
        status=404,
        json={"code": "NOT_FOUND", "details": {}, "message": "Empty response", "status": "error"},
    )

    with pytest.raises(ZohoError) as caught:
        zoho.mass_update_status("Leads", "1")

    assert (caught.value.code, caught.value.category) == ("NOT_FOUND", ErrorCategory.PERMANENT)


def test_update_records_puts_records_with_an_empty_trigger(zoho, mocked):
    mocked.put(
        f"{CRM}/Leads",
        json={
            "data": [
                {
                    "code": "SUCCESS",
                    "details": {"id": "1"},
                    "message": "record updated",
                    "status": "success",
                },
                {
                    "code": "INVALID_DATA",
                    "details": {"api_name": "No_of_Employees", "expected_data_type": "integer"},
                    "message": "invalid data",
                    "status": "error",
                },
            ]
        },
    )

    results = zoho.update_records(
        "Leads", [{"id": "1", "No_of_Employees": 10}, {"id": "2", "No_of_Employees": "ten"}]
    )

    assert mocked.calls[0].request.body == (
        b'{"data":[{"id":"1","No_of_Employees":10},{"id":"2","No_of_Employees":"ten"}],'
        b'"trigger":[]}'
    )
    # The refused record is matched by position when Zoho does not name its id.
    assert [(r.id, r.ok, r.code) for r in results] == [
        ("1", True, "SUCCESS"),
        ("2", False, "INVALID_DATA"),
    ]


def test_update_records_can_let_workflows_fire(zoho, mocked):
    mocked.put(f"{CRM}/Leads", json={"data": [{"status": "success", "details": {"id": "1"}}]})
    zoho.update_records("Leads", [{"id": "1", "Rating": "Hot"}], trigger=None)
    assert json.loads(mocked.calls[0].request.body) == {"data": [{"id": "1", "Rating": "Hot"}]}


def test_update_records_takes_at_most_100_records(zoho, mocked):
    with pytest.raises(ValueError, match="1 to 100"):
        zoho.update_records("Leads", [{"id": str(i)} for i in range(101)])
    assert len(mocked.calls) == 0


@pytest.mark.parametrize("module", ["Leads/../../settings", "Leads?x=1", "", "Le ads"])
def test_a_module_name_cannot_change_the_url(zoho, mocked, module):
    with pytest.raises(ValueError, match="not a Zoho module API name"):
        zoho.list_fields(module)
    assert len(mocked.calls) == 0


def test_the_api_version_and_domain_are_configurable(mocked):
    client = ZohoClient(api_domain=f"{API}/", access_token=TOKEN, api_version="v8")
    mocked.get(f"{API}/crm/v8/org", json={"org": [{"id": "1"}]})
    assert client.get_org().id == "1"
    with pytest.raises(ValueError):
        ZohoClient(api_domain=API, access_token=TOKEN, api_version="../v2")


def test_the_client_never_shows_its_token(zoho):
    assert TOKEN not in repr(zoho)


def test_field_metadata_with_infinite_or_odd_numbers_gives_no_length():
    from crmupdate.zoho.types import Field, MassUpdateJobStatus

    field = Field.from_api(
        {"api_name": "X", "data_type": "integer", "length": float("inf"), "decimal_place": "two"}
    )
    assert field.length is None
    assert field.decimal_place is None
    status = MassUpdateJobStatus.from_api({"Status": "running", "Total_Count": float("nan")})
    assert status.total_count == 0
    assert status.status == "RUNNING"


def test_count_records_asks_v2_1_when_v2_is_configured(zoho, mocked):
    """Record Count does not exist in v2: the one call goes to v2.1, the rest stays on v2."""
    assert zoho.api_version == "v2"
    mocked.get(f"{CRM}.1/Leads/actions/count", json={"count": 7})
    assert zoho.count_records("Leads", cvid="111") == 7
    assert mocked.calls[-1].request.url.startswith(f"{CRM}.1/Leads/actions/count?")
