"""Get Records by id (how undo reads records wherever they are now), in the client and the
practice CRM."""

import pytest

from crmupdate.zoho.client import ZohoClient
from tests.undo.conftest import zoho_calls

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def zoho(sim, sim_token, zoho_sim_origin):
    tokens = sim_token("sam.ops@zylker.example", zoho_sim_origin)
    return ZohoClient(api_domain=tokens["api_domain"], access_token=tokens["access_token"])


def test_it_returns_the_records_asked_for_with_the_fields_asked_for(zoho, sim):
    leads = sim.records("Leads")
    ids = [str(leads[3].record_id), str(leads[250].record_id), "738964009999999999"]
    records = zoho.get_records_by_id("Leads", ids=ids, fields=["Lead_Status", "Rating"])
    assert [r["id"] for r in records] == ids[:2]  # the unknown one is left out
    assert records[0] == {
        "id": ids[0],
        "Lead_Status": leads[3].data.get("Lead_Status"),
        "Rating": leads[3].data.get("Rating"),
    }
    call = zoho_calls("GET", "/crm/v2/Leads")[-1]
    assert call.query == f"ids={'%2C'.join(ids)}&fields=Lead_Status%2CRating"


def test_nothing_found_is_an_empty_list(zoho):
    assert zoho.get_records_by_id("Leads", ids=["738964009999999999"], fields=["Rating"]) == []


def test_at_most_one_hundred_ids_a_call(zoho):
    with pytest.raises(ValueError, match="1 to 100"):
        zoho.get_records_by_id("Leads", ids=[str(i) for i in range(101)], fields=["Rating"])
    with pytest.raises(ValueError):
        zoho.get_records_by_id("Leads", ids=[], fields=["Rating"])
