"""The client takes its access tokens from a provider: a token Zoho refuses is replaced once
and the call repeated; a second refusal is what the provider says it is."""

from __future__ import annotations

import pytest

from crmupdate.zoho.client import ZohoClient
from crmupdate.zoho.errors import ErrorCategory, ZohoError

from .conftest import API, CRM

INVALID = {
    "code": "INVALID_TOKEN",
    "details": {},
    "message": "invalid oauth token",
    "status": "error",
}
ORG = {"org": [{"id": "1", "company_name": "Zylker"}]}


class Rotating:
    """Hands out "t1", then "t2"... when asked for a fresh one; records what it was told."""

    def __init__(self) -> None:
        self.current = "t1"
        self.rejected: list[str] = []

    def access_token(self) -> str:
        return self.current

    def refreshed(self, *, rejected: str, error: ZohoError) -> str | None:
        self.rejected.append(rejected)
        self.current = f"t{int(self.current[1:]) + 1}"
        return self.current

    def refused(self, error: ZohoError) -> ZohoError:
        return ZohoError(code="SIGN_IN_AGAIN", message="again", category=ErrorCategory.AUTH)


def _auths(mocked) -> list[str]:
    return [c.request.headers["Authorization"] for c in mocked.calls]


def test_a_refused_token_is_replaced_once_and_the_call_repeated(mocked):
    mocked.get(f"{CRM}/org", status=401, json=INVALID)
    mocked.get(f"{CRM}/org", json=ORG)
    tokens = Rotating()

    org = ZohoClient(api_domain=API, tokens=tokens).get_org()

    assert org.company_name == "Zylker"
    assert tokens.rejected == ["t1"]
    assert _auths(mocked) == ["Zoho-oauthtoken t1", "Zoho-oauthtoken t2"]


def test_a_refused_fresh_token_raises_what_the_provider_says(mocked):
    mocked.get(f"{CRM}/org", status=401, json=INVALID)
    mocked.get(f"{CRM}/org", status=401, json=INVALID)

    with pytest.raises(ZohoError) as raised:
        ZohoClient(api_domain=API, tokens=Rotating()).get_org()

    assert raised.value.code == "SIGN_IN_AGAIN"
    assert len(mocked.calls) == 2


def test_a_fixed_token_zoho_refuses_is_not_retried(mocked):
    mocked.get(f"{CRM}/org", status=401, json=INVALID)

    with pytest.raises(ZohoError) as raised:
        ZohoClient(api_domain=API, access_token="only").get_org()

    assert raised.value.code == "INVALID_TOKEN"
    assert raised.value.category == ErrorCategory.AUTH
    assert _auths(mocked) == ["Zoho-oauthtoken only"]


def test_a_client_needs_a_token_or_a_provider_not_both():
    with pytest.raises(ValueError):
        ZohoClient(api_domain=API)
    with pytest.raises(ValueError):
        ZohoClient(api_domain=API, access_token="a", tokens=Rotating())
