import json

from tests.fixtures_sim import SEED_CVID

API = "/zohosim/api/crm/v2"


def test_it_schedules_a_mass_update_and_the_records_change(sim, sim_token, client):
    token = sim_token("sam.ops@zylker.example")["access_token"]
    auth = {"HTTP_AUTHORIZATION": f"Zoho-oauthtoken {token}"}
    cvid = sim.view_id("Leads", "Trade-show leads")
    response = client.post(
        f"{API}/Leads/actions/mass_update",
        json.dumps({"data": [{"No_of_Employees": 1234}], "cvid": cvid}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    job_id = response.json()["data"][0]["details"]["job_id"]
    status = client.get(f"{API}/Leads/actions/mass_update?job_id={job_id}", **auth).json()
    assert status["data"][0]["Status"] == "COMPLETED"
    records = sim.view_records("Leads", "Trade-show leads")
    changed = [r for r in records if r.data.get("No_of_Employees") == 1234]
    assert len(changed) == len(records) - status["data"][0]["Failed_Count"]
    assert status["data"][0]["Failed_Count"] > 0
    assert SEED_CVID
