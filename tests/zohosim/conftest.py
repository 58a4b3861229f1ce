import json

import pytest

from tests.fixtures_sim import SALES_OPS_EMAIL

API = "/zohosim/api/crm"


class Crm:
    """Calls the simulated CRM API through Django's test client, as one demo user."""

    def __init__(self, client, token: str) -> None:
        self.client = client
        self.token = token

    def __call__(self, method, path, body=None, *, raw=None, version="v2", token=None, **extra):
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        headers = {"HTTP_AUTHORIZATION": f"Zoho-oauthtoken {token or self.token}"}
        headers.update(extra)
        return self.client.generic(
            method, f"{API}/{version}/{path}", data, content_type="application/json", **headers
        )

    def get(self, path, **kw):
        return self("GET", path, **kw)

    def mass_update(self, module, body, **kw):
        return self("POST", f"{module}/actions/mass_update", body, **kw)

    def status(self, module, job_id, **kw):
        return self("GET", f"{module}/actions/mass_update?job_id={job_id}", **kw)


@pytest.fixture
def crm_as(client, sim_token):
    def make(email=SALES_OPS_EMAIL, scopes=None):
        return Crm(client, sim_token(email, scopes=scopes)["access_token"])

    return make


@pytest.fixture
def crm(crm_as):
    return crm_as()
