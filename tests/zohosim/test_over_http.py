"""The simulator reached over real HTTP, as the app reaches it: through the project's own
Zoho client and OAuth calls against the live server."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from crmupdate.zoho import oauth
from crmupdate.zoho.client import ZohoClient
from crmupdate.zoho.errors import ErrorCategory, ZohoError
from crmupdate.zohosim import crm_meta_views
from tests.zoho.paging import all_records

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def origin(live_server, settings):
    settings.ZOHO_ACCOUNTS_URL = f"{live_server.url}/zohosim/accounts"
    return live_server.url


@pytest.fixture
def zoho(sim, sim_token, origin):
    tokens = sim_token("sam.ops@zylker.example", origin)
    return ZohoClient(api_domain=tokens["api_domain"], access_token=tokens["access_token"])


def test_the_zoho_client_reads_metadata_and_records(zoho, sim):
    modules = {m.api_name for m in zoho.list_modules()}
    assert {"Leads", "Deals", "Shipments"} <= modules
    views = zoho.list_custom_views("Leads")
    assert views.default_id == sim.view_id("Leads", "All Leads")
    assert views.category_labels["created_by_me"] == "Created By Me"
    fields = {f.api_name: f for f in zoho.list_fields("Leads")}
    assert fields["No_of_Employees"].mass_update is True
    assert zoho.current_user().profile_name == "Sales Operations"
    assert zoho.get_org().company_name == "Zylker Traders"
    cvid = sim.view_id("Leads", "Trade-show leads")
    records = list(all_records(zoho, "Leads", cvid=cvid, fields=["Last_Name"], per_page=50))
    assert len(records) == zoho.count_records("Leads", cvid=cvid) > 50


def test_the_zoho_client_runs_a_mass_update_to_the_end(zoho, sim):
    cvid = sim.view_id("Leads", "Trade-show leads")
    scheduled = zoho.mass_update("Leads", data={"No_of_Employees": 999}, cvid=cvid)
    status = zoho.mass_update_status("Leads", scheduled.job_id)
    assert status.status == "COMPLETED"
    values = [
        r.get("No_of_Employees")
        for r in all_records(zoho, "Leads", cvid=cvid, fields=["No_of_Employees"])
    ]
    assert values.count(999) == status.updated_count > 0
    with pytest.raises(ZohoError) as refused:
        zoho.mass_update("Leads", data={"Email": "x@y.example"}, cvid=cvid)
    assert refused.value.code == "INVALID_DATA"


def test_the_zoho_client_updates_records_by_id(zoho, sim):
    record = next(r for r in sim.records("Deals") if not r.locked)
    (result,) = zoho.update_records("Deals", [{"id": str(record.record_id), "Quantity": 12}])
    assert result.ok and result.id == str(record.record_id)
    assert sim.record(record.record_id).data["Quantity"] == 12


def test_oauth_calls_work_over_http(sim, sim_token, origin, settings):
    tokens = sim_token("rita.rep@zylker.example", origin)
    accounts = tokens["accounts_server"]
    info = oauth.user_info(accounts, access_token=tokens["access_token"])
    assert info.email == "rita.rep@zylker.example"
    fresh = oauth.refresh_access_token(
        accounts,
        client_id=settings.ZOHO_CLIENT_ID,
        client_secret=settings.ZOHO_CLIENT_SECRET,
        refresh_token=tokens["refresh_token"],
    )
    assert fresh.api_domain == tokens["api_domain"]
    oauth.revoke_token(accounts, token=tokens["refresh_token"])
    with pytest.raises(ZohoError) as refused:
        oauth.refresh_access_token(
            accounts,
            client_id=settings.ZOHO_CLIENT_ID,
            client_secret=settings.ZOHO_CLIENT_SECRET,
            refresh_token=tokens["refresh_token"],
        )
    assert refused.value.category == ErrorCategory.AUTH


def test_raw_http_gets_zoho_answers_for_odd_methods_and_paths(sim, sim_token, origin):
    token = sim_token("sam.ops@zylker.example", origin)["access_token"]
    url = f"{origin}/zohosim/api/crm/v2/Leads/actions/mass_update"
    headers = {"Authorization": f"Zoho-oauthtoken {token}"}
    copy = requests.request("COPY", url, headers=headers, data="{}", timeout=10)
    assert (copy.status_code, copy.json()["code"]) == (400, "INVALID_REQUEST_METHOD")
    post = requests.post(url, headers=headers, data="{not json", timeout=10, allow_redirects=False)
    assert (post.status_code, post.json()["code"]) == (400, "INVALID_DATA")
    assert post.headers["Content-Type"] == "application/json;charset=utf-8"
    assert "X-ACCESSTOKEN-RESET" in post.headers


def test_the_concurrency_limit_holds_across_server_threads(
    sim, sim_token, origin, settings, monkeypatch
):
    settings.ZOHOSIM_CONCURRENCY = 1
    real_org_json = crm_meta_views.org_json
    entered = threading.Event()

    def slow_org_json(*args, **kwargs):
        entered.set()
        time.sleep(1.5)
        return real_org_json(*args, **kwargs)

    monkeypatch.setattr(crm_meta_views, "org_json", slow_org_json)
    token = sim_token("sam.ops@zylker.example", origin)["access_token"]
    headers = {"Authorization": f"Zoho-oauthtoken {token}"}
    api = f"{origin}/zohosim/api/crm/v2"
    slow = {}
    thread = threading.Thread(
        target=lambda: slow.setdefault("r", requests.get(f"{api}/org", headers=headers, timeout=10))
    )
    thread.start()
    assert entered.wait(5)
    second = requests.get(f"{api}/settings/modules", headers=headers, timeout=10)
    thread.join()
    assert slow["r"].status_code == 200
    assert (second.status_code, second.json()["code"]) == (429, "TOO_MANY_REQUESTS")
    assert requests.get(f"{api}/settings/modules", headers=headers, timeout=10).status_code == 200
