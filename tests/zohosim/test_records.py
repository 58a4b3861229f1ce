"""Get Records, Record Count, one record and Update Records on the simulated CRM."""

from __future__ import annotations

import pytest

from crmupdate.zohosim.demo.load import big_view_ensure
from crmupdate.zohosim.models import SimRecord


@pytest.fixture
def trade_show(sim):
    return sim.view_id("Leads", "Trade-show leads")


def test_v2_pages_through_a_view_with_v2_info(crm, sim, trade_show):
    members = [str(r.record_id) for r in sim.view_records("Leads", "Trade-show leads")]
    seen = []
    page = 1
    while True:
        response = crm.get(
            f"Leads?cvid={trade_show}&fields=Last_Name,Lead_Source&per_page=25&page={page}"
        )
        body = response.json()
        assert set(body["info"]) == {"per_page", "count", "page", "more_records"}
        assert body["info"]["page"] == page
        assert body["info"]["count"] == len(body["data"])
        assert all(set(r) == {"Last_Name", "Lead_Source", "id"} for r in body["data"])
        assert {r["Lead_Source"] for r in body["data"]} == {"Trade Show"}
        seen += [r["id"] for r in body["data"]]
        if not body["info"]["more_records"]:
            break
        page += 1
    assert seen == members
    assert 40 <= len(members) <= 1000


def test_v2_without_fields_returns_every_field(crm, sim):
    record = crm.get("Leads?per_page=1").json()["data"][0]
    assert {"Owner", "Last_Name", "No_of_Employees", "Region", "Created_Time", "id"} <= set(record)
    assert record["id"] == str(sim.records("Leads")[0].record_id)


def test_v3_and_later_need_fields(crm):
    response = crm.get("Leads?per_page=1", version="v3")
    assert (response.status_code, response.json()["code"]) == (400, "REQUIRED_PARAM_MISSING")
    assert response.json()["details"] == {"param_name": "fields"}


def test_fields_are_limited_to_50_known_fields(crm):
    fifty_one = ",".join(f"F{n}" for n in range(51))
    assert crm.get(f"Leads?fields={fifty_one}").json()["code"] == "LIMIT_EXCEEDED"
    unknown = crm.get("Leads?fields=Last_Name,Nope")
    assert (unknown.status_code, unknown.json()["details"]) == (400, {"api_name": "Nope"})


def test_v3_info_and_page_tokens(crm, sim):
    cvid = sim.view_id("Leads", "All Leads")
    first = crm.get(f"Leads?cvid={cvid}&fields=Last_Name&per_page=200", version="v7").json()
    info = first["info"]
    assert set(info) == {
        "call",
        "per_page",
        "next_page_token",
        "count",
        "sort_by",
        "page",
        "previous_page_token",
        "page_token_expiry",
        "sort_order",
        "email",
        "more_records",
    }
    assert info["more_records"] is True
    second = crm.get(
        f"Leads?cvid={cvid}&fields=Last_Name&per_page=200&page_token={info['next_page_token']}",
        version="v7",
    ).json()
    assert second["info"]["page"] == 2
    assert second["data"][0]["id"] > first["data"][-1]["id"]
    ids = [r["id"] for r in first["data"] + second["data"]]
    assert ids == [str(r.record_id) for r in sim.records("Leads")][: len(ids)]
    too_deep = crm.get(f"Leads?cvid={cvid}&fields=Last_Name&per_page=200&page=11", version="v7")
    assert too_deep.json()["code"] == "DISCRETE_PAGINATION_LIMIT_EXCEEDED"
    assert crm.get(f"Leads?cvid={cvid}&fields=Last_Name&per_page=200&page=11").status_code in (
        200,
        204,
    )  # v2 has no 2000-record cap


def test_page_tokens_read_a_materialised_big_view_past_2000_records(crm, sim):
    assert big_view_ensure(2100) == 2100
    assert big_view_ensure(2100) == 0  # idempotent
    cvid = sim.view_id("Leads", "Imported batch 2024-Q3")
    seen, token = [], None
    while True:
        query = f"Leads?cvid={cvid}&fields=Import_Batch&per_page=200"
        query += f"&page_token={token}" if token else ""
        body = crm.get(query, version="v7").json()
        seen += [r["id"] for r in body["data"]]
        assert {r["Import_Batch"] for r in body["data"]} == {"2024-Q3"}
        token = body["info"]["next_page_token"]
        if not body["info"]["more_records"]:
            break
    assert len(seen) == len(set(seen)) == 2100
    assert crm.get(f"Leads/actions/count?cvid={cvid}", version="v2.1").json() == {"count": 2100}


def test_a_page_token_is_bound_to_its_query(crm, sim):
    cvid = sim.view_id("Leads", "All Leads")
    token = crm.get(f"Leads?cvid={cvid}&fields=Last_Name&per_page=5", version="v8").json()["info"][
        "next_page_token"
    ]
    other = crm.get(f"Leads?cvid={cvid}&fields=Email&per_page=5&page_token={token}", version="v8")
    assert other.json()["code"] == "TOKEN_BOUND_DATA_MISMATCH"
    forged = crm.get(
        f"Leads?cvid={cvid}&fields=Last_Name&per_page=5&page_token=x{token}", version="v8"
    )
    assert forged.json()["code"] == "INVALID_DATA"
    both = crm.get(
        f"Leads?cvid={cvid}&fields=Last_Name&per_page=5&page=2&page_token={token}", version="v8"
    )
    assert both.json()["code"] == "AMBIGUITY_DURING_PROCESSING"


def test_an_empty_view_answers_204_without_a_body(crm, sim):
    junk = sim.view_id("Leads", "Junk leads")
    response = crm.get(f"Leads?cvid={junk}&fields=Last_Name")
    assert response.status_code == 204
    assert response.content == b""
    assert crm.get(f"Leads/actions/count?cvid={junk}", version="v2.1").json() == {"count": 0}


def test_a_bad_cvid_or_cvid_with_sort_by_is_refused(crm, trade_show):
    bad = crm.get("Leads?cvid=123&fields=Last_Name")
    assert (bad.status_code, bad.json()["details"]) == (400, {"param_name": "cvid"})
    sorted_view = crm.get(f"Leads?cvid={trade_show}&fields=Last_Name&sort_by=Last_Name")
    assert sorted_view.json()["code"] == "AMBIGUITY_DURING_PROCESSING"


def test_my_views_depend_on_who_asks(crm_as, sim):
    cvid = sim.view_id("Leads", "My Leads")
    for email in ("sam.ops@zylker.example", "rita.rep@zylker.example"):
        crm = crm_as(email)
        owners = {
            r["Owner"]["email"] for r in crm.get(f"Leads?cvid={cvid}&fields=Owner").json()["data"]
        }
        assert owners == {email}


def test_the_over_50000_view_can_be_read_page_by_page(crm, sim):
    archive = sim.view_id("Leads", "Lead archive 2015-2020")
    first = crm.get(f"Leads?cvid={archive}&fields=Last_Name,Company&per_page=200", version="v7")
    body = first.json()
    assert len(body["data"]) == 200 and body["info"]["more_records"]
    deep = crm.get(
        f"Leads?cvid={archive}&fields=Last_Name&per_page=200&page=300"
    ).json()  # v2: offset paging
    assert len(deep["data"]) == 200
    last = crm.get(f"Leads?cvid={archive}&fields=Last_Name&per_page=200&page=307").json()
    assert len(last["data"]) == 61_250 - 306 * 200
    assert last["info"]["more_records"] is False


def test_record_count_of_a_view_and_of_the_module(crm, sim, trade_show):
    assert crm.get(f"Leads/actions/count?cvid={trade_show}", version="v2.1").json() == {
        "count": len(sim.view_records("Leads", "Trade-show leads"))
    }
    assert crm.get("Leads/actions/count", version="v2.1").json() == {
        "count": len(sim.records("Leads"))
    }
    both = crm.get(f"Leads/actions/count?cvid={trade_show}&word=acme", version="v2.1")
    assert both.json()["code"] == "AMBIGUITY_DURING_PROCESSING"


def test_one_record_by_id(crm, sim):
    record = sim.records("Deals")[5]
    body = crm.get(f"Deals/{record.record_id}").json()
    assert body["data"][0]["id"] == str(record.record_id)
    assert body["data"][0]["Deal_Name"] == record.data["Deal_Name"]
    assert crm.get("Deals/1").status_code == 204


def test_records_by_ids_whatever_their_view(crm, sim):
    wanted = [str(r.record_id) for r in sim.records("Leads")[3:6]]
    body = crm.get(f"Leads?ids={wanted[2]},{wanted[0]},1,{wanted[1]}&fields=Last_Name").json()
    assert [r["id"] for r in body["data"]] == wanted
    assert body["info"]["more_records"] is False
    assert crm.get("Leads?ids=1,2&fields=Last_Name").status_code == 204
    assert crm.get("Leads?ids=abc&fields=Last_Name").json()["code"] == "INVALID_DATA"
    many = ",".join(str(n) for n in range(101))
    assert crm.get(f"Leads?ids={many}&fields=Last_Name").json()["code"] == "LIMIT_EXCEEDED"
    cvid = sim.view_id("Leads", "All Leads")
    both = crm.get(f"Leads?ids={wanted[0]}&cvid={cvid}&fields=Last_Name")
    assert both.json()["code"] == "AMBIGUITY_DURING_PROCESSING"


def test_update_records_by_id_with_one_result_per_record(crm, sim):
    free = [r for r in sim.records("Leads") if not r.locked][:2]
    locked = next(r for r in sim.records("Leads") if r.locked)
    body = {
        "data": [
            {"id": str(free[0].record_id), "No_of_Employees": 77, "Interests": ["Training"]},
            {"id": str(locked.record_id), "No_of_Employees": 77},
            {"id": "42", "No_of_Employees": 77},
            {"No_of_Employees": 77},
            {"id": str(free[1].record_id), "No_of_Employees": "77"},
            {"id": str(free[1].record_id), "Created_Time": "2024-01-01T00:00:00+00:00"},
        ],
        "trigger": [],
    }
    response = crm("PUT", "Leads", body)
    assert response.status_code == 200
    entries = response.json()["data"]
    assert [e["code"] for e in entries] == [
        "SUCCESS",
        "RECORD_LOCKED",
        "INVALID_DATA",
        "MANDATORY_NOT_FOUND",
        "INVALID_DATA",
        "INVALID_DATA",
    ]
    assert entries[0]["details"]["id"] == str(free[0].record_id)
    assert entries[4]["details"]["expected_data_type"] == "integer"
    assert sim.record(free[0].record_id).data["No_of_Employees"] == 77
    assert sim.record(free[0].record_id).data["Interests"] == ["Training"]  # replaced
    assert sim.record(free[1].record_id).data == free[1].data


def test_update_records_resolves_lookups_and_clears_values(crm, sim):
    lead = next(r for r in sim.records("Leads") if not r.locked)
    rita = sim.user("rita.rep@zylker.example")
    contact = sim.records("Contacts")[0]
    change = {
        "id": str(lead.record_id),
        "Owner": {"id": rita.zoho_id},
        "Referred_By": {"id": str(contact.record_id)},
        "Industry": None,
    }
    body = {"data": [change]}
    assert crm("PUT", "Leads", body).json()["data"][0]["code"] == "SUCCESS"
    data = sim.record(lead.record_id).data
    assert data["Owner"] == rita.ref()
    assert data["Referred_By"]["id"] == str(contact.record_id)
    assert "Industry" not in data
    bad_owner = {"data": [{"id": str(lead.record_id), "Owner": {"id": "1"}}]}
    assert crm("PUT", "Leads", bad_owner).json()["data"][0]["message"] == (
        "the id given seems to be invalid"
    )


def test_update_records_limits_and_trigger(crm, sim):
    ids = [str(r.record_id) for r in sim.records("Leads")[:101]]
    many = crm("PUT", "Leads", {"data": [{"id": i, "Rating": "Active"} for i in ids]})
    assert (many.status_code, many.json()["code"]) == (400, "LIMIT_EXCEEDED")
    bad_trigger = crm("PUT", "Leads", {"data": [{"id": ids[0]}], "trigger": "workflow"})
    assert bad_trigger.json()["details"] == {"api_name": "trigger"}
    no_data = crm("PUT", "Leads", {"trigger": []})
    assert no_data.json()["code"] == "MANDATORY_NOT_FOUND"
    all_failed = crm("PUT", "Leads", {"data": [{"id": "1", "Rating": "Active"}]})
    assert all_failed.status_code == 400


def test_updates_change_view_membership(crm, sim, trade_show):
    before = crm.get(f"Leads/actions/count?cvid={trade_show}", version="v2.1").json()["count"]
    member = next(r for r in sim.view_records("Leads", "Trade-show leads") if not r.locked)
    body = {"data": [{"id": str(member.record_id), "Lead_Source": "Cold Call"}]}
    crm("PUT", "Leads", body)
    assert (
        crm.get(f"Leads/actions/count?cvid={trade_show}", version="v2.1").json()["count"]
        == before - 1
    )


def test_records_of_another_organisation_are_out_of_reach(crm_as, sim):
    lead = sim.records("Leads")[0]
    globex = crm_as("gary.globex@globex.example")
    assert globex.get(f"Leads/{lead.record_id}").status_code == 204
    body = {"data": [{"id": str(lead.record_id), "Rating": "Active"}]}
    assert globex("PUT", "Leads", body).json()["data"][0]["code"] == "INVALID_DATA"
    assert SimRecord.objects.get(pk=lead.pk).data == lead.data


@pytest.mark.parametrize(
    ("module", "name", "total"),
    [
        ("Contacts", "Contact archive", 52_000),
        ("Accounts", "Account history (all years)", 50_001),
        ("Deals", "Deal history", 75_000),
        ("Shipments", "Shipment log", 120_000),
    ],
)
def test_every_module_has_a_view_over_50000_records(crm, sim, module, name, total):
    cvid = sim.view_id(module, name)
    assert crm.get(f"{module}/actions/count?cvid={cvid}", version="v2.1").json() == {"count": total}
    page = crm.get(f"{module}?cvid={cvid}&per_page=3").json()
    assert len(page["data"]) == 3 and page["info"]["more_records"] is True
    fields = crm.get(f"settings/fields?module={module}").json()["fields"]
    field = next(f["api_name"] for f in fields if f["mass_update"] and not f["system_mandatory"])
    refused = crm.mass_update(module, {"data": [{field: None}], "cvid": cvid}).json()["data"][0]
    assert refused["code"] == "LIMIT_EXCEEDED"
