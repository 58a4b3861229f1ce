"""Sign-in keeps the Zoho user's locale for the session: dates are typed and shown in it."""

import pytest

from tests.accounts.zoho_fakes import (
    US_ACCOUNTS,
    US_API,
    ZohoPerson,
    callback,
    register_signin,
    start_signin,
)

pytestmark = pytest.mark.django_db


def test_the_zoho_users_locale_is_kept_for_the_session(client, zoho_http):
    register_signin(zoho_http, ZohoPerson(), accounts_server=US_ACCOUNTS, api_domain=US_API)
    params = start_signin(client)
    response = callback(client, state=params["state"], accounts_server=US_ACCOUNTS, location="us")
    assert response["Location"] == "/"
    assert client.session["zoho_locale"] == "de_DE"
