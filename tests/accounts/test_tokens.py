"""Tokens: encrypted at rest, reused until near expiry, refreshed once, re-sign-in when refused."""

import threading
from datetime import timedelta

import pytest
import responses as responses_lib
from django.contrib.sessions.models import Session
from django.db import connection as db_connection
from django.db import connections
from django.utils import timezone

from crmupdate.accounts.crypto import token_decrypt, token_encrypt
from crmupdate.accounts.models import ZohoConnection
from crmupdate.accounts.tokens import ReauthRequired, connection_access_token, zoho_client_for
from crmupdate.zoho.errors import ZohoError
from tests.accounts.zoho_fakes import (
    EU_ACCOUNTS,
    EU_API,
    US_ACCOUNTS,
    US_API,
    ZohoPerson,
    callback,
    form_body,
    org_body,
    register_signin,
    save_person,
    start_signin,
)

pytestmark = pytest.mark.usefixtures("real_zoho")

TOKEN_URL = f"{US_ACCOUNTS}/oauth/v2/token"


def expire_access_token(user, *, minutes_left: float = 0) -> None:
    ZohoConnection.objects.filter(user=user).update(
        access_token_expires_at=timezone.now() + timedelta(minutes=minutes_left)
    )


def every_stored_text():
    """Every value of every row of every table, as text (sessions decoded)."""
    texts = []
    with db_connection.cursor() as cursor:
        for table in db_connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {db_connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "replace")
                    texts.append(str(value))
    for session in Session.objects.all():
        texts.append(repr(session.get_decoded()))
    return texts


@pytest.mark.django_db
def test_no_token_is_stored_in_plain_text_anywhere_after_sign_in(client, zoho_http):
    person = ZohoPerson(
        access_token="1000.plainaccess7d2e4f6a8b0c1d3e5f7a9b1c.d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3",
        refresh_token="1000.plainrefresh1a2b3c4d5e6f7a8b9c0d1e2.f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8",
    )
    register_signin(zoho_http, person, accounts_server=EU_ACCOUNTS, api_domain=EU_API)
    params = start_signin(client)
    code = "1000.c0de7a9b8c7d6e5f4a3b2c1d0e9f8a7b.1122334455667788aabbccddeeff0011"
    response = callback(
        client, state=params["state"], accounts_server=EU_ACCOUNTS, location="eu", code=code
    )
    assert response["Location"] == "/"

    texts = every_stored_text()
    assert any("Zylker Traders" in text for text in texts)  # the search does see the data
    for secret in (person.refresh_token, person.access_token, code):
        # also the distinctive halves, in case a token were stored split or re-encoded
        for part in (secret, *secret.split(".")[1:]):
            assert not any(part in text for text in texts), f"{part[:12]}... stored in clear"
    connection = ZohoConnection.objects.get()
    assert token_decrypt(connection.refresh_token_encrypted) == person.refresh_token
    assert token_decrypt(connection.access_token_encrypted) == person.access_token


@pytest.mark.django_db
def test_old_keys_still_decrypt_after_a_key_rotation(settings):
    old_key = settings.TOKEN_ENCRYPTION_KEYS[0]
    stored = token_encrypt("1000.rotating.token")
    settings.TOKEN_ENCRYPTION_KEYS = ["3pjC0v4I1yW2hKcR0Qh3o6Qv2m7xgk8Cq8y2l9Yc1aE=", old_key]
    assert token_decrypt(stored) == "1000.rotating.token"
    assert token_encrypt("x") != stored


@pytest.mark.django_db
def test_a_fresh_access_token_is_reused_without_asking_zoho(zoho_http):
    user = save_person(ZohoPerson())
    expire_access_token(user, minutes_left=6)
    zoho_http.add(responses_lib.GET, f"{US_API}/crm/v2/org", json=org_body(ZohoPerson()))

    org = zoho_client_for(user).get_org()

    assert org.company_name == "Zylker Traders"
    assert [c.request.url for c in zoho_http.calls] == [f"{US_API}/crm/v2/org"]
    assert zoho_http.calls[0].request.headers["Authorization"] == (
        f"Zoho-oauthtoken {ZohoPerson().access_token}"
    )


@pytest.mark.django_db
def test_an_access_token_near_expiry_is_refreshed_at_the_persons_own_accounts_server(zoho_http):
    person = ZohoPerson()
    user = save_person(person, accounts_server=EU_ACCOUNTS, api_domain=EU_API)
    expire_access_token(user, minutes_left=4)
    zoho_http.add(
        responses_lib.POST,
        f"{EU_ACCOUNTS}/oauth/v2/token",
        json={"access_token": "1000.refreshed.eu", "api_domain": EU_API, "expires_in": 3600},
    )
    zoho_http.add(responses_lib.GET, f"{EU_API}/crm/v2/org", json=org_body(person))

    zoho_client_for(user).get_org()

    refresh, org_call = zoho_http.calls
    assert refresh.request.url == f"{EU_ACCOUNTS}/oauth/v2/token"
    assert form_body(refresh) == {
        "grant_type": "refresh_token",
        "client_id": "1000.TESTCLIENTID",
        "client_secret": "test-client-secret-0123456789",
        "refresh_token": person.refresh_token,
    }
    assert org_call.request.headers["Authorization"] == "Zoho-oauthtoken 1000.refreshed.eu"
    connection = ZohoConnection.objects.get(user=user)
    assert token_decrypt(connection.access_token_encrypted) == "1000.refreshed.eu"
    assert connection.access_token_expires_at > timezone.now() + timedelta(minutes=55)
    assert token_decrypt(connection.refresh_token_encrypted) == person.refresh_token


@pytest.mark.django_db
def test_a_refresh_zoho_refuses_marks_the_connection_for_sign_in(zoho_http):
    user = save_person(ZohoPerson())
    expire_access_token(user)
    zoho_http.add(responses_lib.POST, TOKEN_URL, json={"error": "invalid_code"})

    with pytest.raises(ReauthRequired):
        zoho_client_for(user)
    with pytest.raises(ReauthRequired):  # and Zoho is not asked again
        zoho_client_for(user)

    assert len(zoho_http.calls) == 1
    assert ZohoConnection.objects.get(user=user).needs_reauth is True


@pytest.mark.django_db
def test_a_refresh_failing_for_network_reasons_does_not_ask_for_sign_in(zoho_http):

    user = save_person(ZohoPerson())
    expire_access_token(user)
    zoho_http.add(responses_lib.POST, TOKEN_URL, status=503, body="busy")

    with pytest.raises(ZohoError) as raised:
        zoho_client_for(user)

    assert not isinstance(raised.value, ReauthRequired)
    connection = ZohoConnection.objects.get(user=user)
    assert connection.needs_reauth is False
    assert connection.refresh_lease_until is None  # the next attempt may refresh at once
    zoho_http.replace(
        responses_lib.POST, TOKEN_URL, json={"access_token": "1000.ok", "expires_in": 3600}
    )
    assert zoho_client_for(user).tokens.access_token() == "1000.ok"


@pytest.mark.django_db
def test_a_token_zoho_refuses_mid_use_is_refreshed_once_and_the_call_repeated(zoho_http):
    person = ZohoPerson()
    user = save_person(person)
    invalid = {
        "code": "INVALID_TOKEN",
        "details": {},
        "message": "invalid oauth token",
        "status": "error",
    }
    zoho_http.add(responses_lib.GET, f"{US_API}/crm/v2/org", status=401, json=invalid)
    zoho_http.add(
        responses_lib.POST, TOKEN_URL, json={"access_token": "1000.new", "expires_in": 3600}
    )
    zoho_http.add(responses_lib.GET, f"{US_API}/crm/v2/org", json=org_body(person))

    org = zoho_client_for(user).get_org()

    assert org.company_name == "Zylker Traders"
    auths = [c.request.headers.get("Authorization") for c in zoho_http.calls]
    assert auths == [f"Zoho-oauthtoken {person.access_token}", None, "Zoho-oauthtoken 1000.new"]


@pytest.mark.django_db
def test_a_fresh_token_zoho_still_refuses_asks_for_sign_in(zoho_http):
    user = save_person(ZohoPerson())
    invalid = {
        "code": "INVALID_TOKEN",
        "details": {},
        "message": "invalid oauth token",
        "status": "error",
    }
    zoho_http.add(responses_lib.GET, f"{US_API}/crm/v2/org", status=401, json=invalid)
    zoho_http.add(
        responses_lib.POST, TOKEN_URL, json={"access_token": "1000.new", "expires_in": 3600}
    )

    with pytest.raises(ReauthRequired):
        zoho_client_for(user).get_org()

    assert [c.request.method for c in zoho_http.calls] == ["GET", "POST", "GET"]
    assert ZohoConnection.objects.get(user=user).needs_reauth is True


@pytest.mark.django_db(transaction=True)
def test_two_processes_needing_a_fresh_token_cause_one_refresh(zoho_http):
    # Runs on SQLite and on PostgreSQL: the refresh is claimed with a conditional UPDATE,
    # which both serialise (see crmupdate.accounts.tokens).
    user = save_person(ZohoPerson())
    expire_access_token(user)
    connection_id = ZohoConnection.objects.get(user=user).pk
    refreshes = []
    start = threading.Barrier(2)

    def slow_refresh(request):
        refreshes.append(request)
        threading.Event().wait(0.5)  # Zoho takes its time; the other process must wait
        return (200, {}, '{"access_token": "1000.once", "expires_in": 3600}')

    zoho_http.add_callback(responses_lib.POST, TOKEN_URL, callback=slow_refresh)
    results, errors = [], []

    def need_token():
        try:
            start.wait()
            results.append(connection_access_token(connection_id=connection_id))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=need_token) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert results == ["1000.once", "1000.once"]
    assert len(refreshes) == 1
    assert len([c for c in zoho_http.calls if c.request.url == TOKEN_URL]) == 1


@pytest.mark.django_db
def test_rotating_keys_re_encrypts_every_stored_token(settings):
    from django.core.management import call_command

    person = ZohoPerson()
    user = save_person(person)
    old_key = settings.TOKEN_ENCRYPTION_KEYS[0]
    new_key = "3pjC0v4I1yW2hKcR0Qh3o6Qv2m7xgk8Cq8y2l9Yc1aE="
    settings.TOKEN_ENCRYPTION_KEYS = [new_key, old_key]

    call_command("accounts_rotate_token_keys")

    settings.TOKEN_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    connection = ZohoConnection.objects.get(user=user)
    assert token_decrypt(connection.refresh_token_encrypted) == person.refresh_token
    assert token_decrypt(connection.access_token_encrypted) == person.access_token


def test_without_keys_tokens_are_refused_unless_debug_is_on(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.TOKEN_ENCRYPTION_KEYS = []
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="TOKEN_ENCRYPTION_KEYS"):
        token_encrypt("1000.x")

    settings.DEBUG = True  # development: a key derived from SECRET_KEY
    stored = token_encrypt("1000.x")
    assert token_decrypt(stored) == "1000.x"
    settings.SECRET_KEY = "another-development-secret"
    from crmupdate.accounts.crypto import TokenDecryptionError

    with pytest.raises(TokenDecryptionError):
        token_decrypt(stored)


def test_malformed_keys_are_reported_plainly(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.TOKEN_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="Fernet keys"):
        token_encrypt("1000.x")


@pytest.mark.django_db
def test_tokens_no_configured_key_can_read_ask_for_sign_in_without_calling_zoho(
    settings, zoho_http
):
    user = save_person(ZohoPerson())
    settings.TOKEN_ENCRYPTION_KEYS = ["3pjC0v4I1yW2hKcR0Qh3o6Qv2m7xgk8Cq8y2l9Yc1aE="]  # key lost

    with pytest.raises(ReauthRequired):
        zoho_client_for(user)

    assert len(zoho_http.calls) == 0
    assert ZohoConnection.objects.get(user=user).needs_reauth is True
