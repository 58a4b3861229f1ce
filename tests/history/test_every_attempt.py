"""Every attempt is in the history: Zoho's refusals (each error case of the recorded v2
answers), a paused sign-in, a view that was busy, and an update that never reached Zoho
because the network failed, each with what was attempted and the plain explanation.

Zoho is mocked at the HTTP seam with the recorded answers; the real worker runs the updates.
"""

import json

import pytest
import requests
from django.utils.html import escape
from urllib3.exceptions import MaxRetryError, NewConnectionError

from crmupdate.massupdate.explanations import explain_text
from tests.massupdate.conftest import ACCOUNTS, CRM, change, run_update, run_worker
from tests.zoho import seed_responses as seed

pytestmark = pytest.mark.django_db(transaction=True)

MASS_UPDATE = f"{CRM}/Leads/actions/mass_update"
REFUSALS = [
    seed.INVALID_DATA_CVID,
    seed.INVALID_DATA_FIELD,
    seed.INVALID_DATA_NO_FIELD,
    seed.MANDATORY_NOT_FOUND,
    seed.INVALID_REQUEST_METHOD,
]


def row_of(client, update) -> str:
    html = client.get("/history/").content.decode()
    start = html.index(f'<tr id="update-{update.pk}"')
    return html[start : html.index("</tr>", start)]


@pytest.mark.parametrize("answer", REFUSALS, ids=lambda a: a.name)
def test_each_refusal_from_the_seed_is_listed_with_zohos_code_and_our_explanation(
    member, client_for, zoho_api, fast_worker, answer
):
    zoho_api.post(MASS_UPDATE, body=answer.body, status=answer.status)
    update = run_update(member, [change("No_of_Employees", 1000, label="No. of Employees")])
    run_worker()

    row = row_of(client_for(member.user), update)
    recorded = json.loads(answer.body)
    recorded = recorded["data"][0] if "data" in recorded else recorded
    explanation = explain_text(
        recorded["code"],
        recorded["message"],
        recorded["details"],
        http_status=answer.status,
        field_labels={"No_of_Employees": "No. of Employees"},
    )
    assert "Refused by Zoho" in row
    assert f'<code class="error-code">{recorded["code"]}</code>' in row
    assert str(escape(explanation)) in row
    assert "<li>No. of Employees → 1000</li>" in row  # what was attempted
    assert '<span class="muted">none</span>' in row  # Zoho gave no job id
    assert "0 / 0 / 0" in row


def test_an_update_that_never_reached_zoho_is_listed_too(
    member, client_for, zoho_api, fast_worker, settings
):
    settings.MASSUPDATE_MAX_SUBMIT_ATTEMPTS = 2
    refused = requests.exceptions.ConnectionError(
        MaxRetryError(None, MASS_UPDATE, NewConnectionError(None, "Connection refused"))
    )
    zoho_api.post(MASS_UPDATE, body=refused)
    update = run_update(member, [change("Rating", "Hot", label="Rating", data_type="picklist")])
    run_worker()

    client = client_for(member.user)
    row = row_of(client, update)
    assert "Needs your decision" in row
    assert '<code class="error-code">NETWORK_ERROR</code>' in row
    assert "The connection to Zoho failed before its answer arrived." in row
    assert "<li>Rating → Hot</li>" in row
    html = client.get("/history/?status=attention").content.decode()
    assert f'id="update-{update.pk}"' in html


def test_a_refused_sign_in_is_listed_as_paused(member, client_for, zoho_api, fast_worker):
    # refused even with a freshly refreshed token: the update waits for the person
    zoho_api.post(MASS_UPDATE, body=seed.AUTHENTICATION_FAILURE.body, status=401)
    zoho_api.post(
        f"{ACCOUNTS}/oauth/v2/token",
        json={"access_token": "1000.refreshed", "expires_in": 3600, "api_domain": CRM[:-8]},
    )
    update = run_update(member, [change("No_of_Employees", 5, label="No. of Employees")])
    run_worker()

    row = row_of(client_for(member.user), update)
    assert "Paused: sign in again" in row
    assert "Sign in with Zoho again. Nothing is lost" in row
    assert "<li>No. of Employees → 5</li>" in row


def test_a_busy_view_is_listed_while_it_waits(member, client_for, zoho_api, fast_worker, settings):
    settings.MASSUPDATE_RETRY_FIRST_SECONDS = 3600  # the busy view is retried much later
    zoho_api.post(MASS_UPDATE, body=seed.ALREADY_SCHEDULED.body, status=400)
    busy = run_update(member, [change("No_of_Employees", 5)])
    run_worker()

    row = row_of(client_for(member.user), busy)
    assert "Waiting to retry" in row and "ALREADY_SCHEDULED" in row
    assert 'hx-trigger="every 3s"' in row  # still going: it refreshes itself
    assert "Another mass update is still running on this view in Zoho" in row
