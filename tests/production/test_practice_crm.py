"""The practice CRM only where it belongs: with DEBUG off it is mounted only on explicit
opt-in (ZOHOSIM_ENABLED=1), and `check --deploy` says how to configure Zoho when neither a
Zoho client nor the opt-in is there, and warns about the opt-in."""

import pytest
import requests

from tests.production.prodserver import PUBLIC_HOST, manage, production_env, production_server

HTTPS = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"}
NO_ZOHO = {"ZOHO_CLIENT_ID": None, "ZOHO_CLIENT_SECRET": None}


def test_check_deploy_explains_how_to_configure_zoho_when_there_is_none():
    done = manage(production_env(**NO_ZOHO), "check", "--deploy")
    output = done.stdout + done.stderr

    assert done.returncode != 0
    assert "crmupdate.E001" in output
    assert "No Zoho client is configured" in output
    for words in (
        "https://api-console.zoho.com",
        "ZOHO_CLIENT_ID",
        "ZOHO_CLIENT_SECRET",
        "ZOHO_REDIRECT_URI",
        "/oauth/complete/zoho/",
        "ZOHOSIM_ENABLED=1",
    ):
        assert words in output, words


def test_check_deploy_wants_the_client_secret_with_the_client_id():
    done = manage(production_env(ZOHO_CLIENT_SECRET=None), "check", "--deploy")

    assert done.returncode != 0
    assert "crmupdate.E002" in done.stdout + done.stderr


def test_check_deploy_warns_when_the_practice_crm_is_opted_into_with_debug_off():
    env = production_env(ZOHOSIM_ENABLED="1", **NO_ZOHO)

    warned = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    passes = manage(env, "check", "--deploy")

    assert warned.returncode != 0
    assert "crmupdate.W001" in warned.stdout + warned.stderr
    assert "without a password" in warned.stdout + warned.stderr
    assert passes.returncode == 0, passes.stdout + passes.stderr
    assert "crmupdate.E001" not in passes.stdout + passes.stderr


@pytest.fixture(scope="module")
def server_without_zoho(tmp_path_factory):
    with production_server(tmp_path_factory.mktemp("nozoho"), **NO_ZOHO) as (base, _env):
        yield base


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/zohosim/"),
        ("GET", "/zohosim/accounts/oauth/v2/auth?client_id=1000.SIMULATORCLIENT"),
        ("POST", "/zohosim/accounts/oauth/v2/auth"),
        ("POST", "/zohosim/accounts/oauth/v2/token"),
        ("GET", "/zohosim/api/crm/v2/org"),
    ],
)
def test_without_zoho_or_opt_in_the_practice_crm_is_not_there(server_without_zoho, method, path):
    answer = requests.request(
        method, server_without_zoho + path, headers=HTTPS, allow_redirects=False, timeout=10
    )

    assert answer.status_code == 404
    assert "Page not found" in answer.text


def test_without_zoho_or_opt_in_sign_in_never_goes_to_the_practice_crm(server_without_zoho):
    page = requests.get(f"{server_without_zoho}/signin/", headers=HTTPS, timeout=10)
    token = page.cookies["csrftoken"]
    begin = requests.post(
        f"{server_without_zoho}/oauth/login/zoho/",
        data={"csrfmiddlewaretoken": token},
        headers={
            **HTTPS,
            "Referer": f"https://{PUBLIC_HOST}/signin/",
            # The cookie is Secure: behind the TLS proxy the browser sends it.
            "Cookie": f"csrftoken={token}",
        },
        allow_redirects=False,
        timeout=10,
    )

    assert page.status_code == 200
    assert "practice" not in page.text.lower()
    assert begin.status_code == 302, begin.text[:500]
    assert begin.headers["Location"].startswith("https://accounts.zoho.com/oauth/v2/auth?")
