"""Production settings: with the environment README documents, `check --deploy` reports
nothing, and a real response (gunicorn, behind a TLS-terminating proxy) carries the security
headers and cookie flags."""

import re

import pytest
import requests

from tests.production.prodserver import PUBLIC_HOST, manage, production_env, production_server

HTTPS = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"}


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({}, id="real-zoho-client"),
        pytest.param({"BEHIND_PROXY": None}, id="tls-in-gunicorn"),
    ],
)
def test_check_deploy_reports_nothing_with_the_documented_environment(overrides):
    done = manage(production_env(**overrides), "check", "--deploy", "--fail-level", "DEBUG")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_check_deploy_would_catch_plain_http():
    done = manage(production_env(HTTPS="0"), "check", "--deploy", "--fail-level", "DEBUG")

    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stdout + done.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "TOKEN_ENCRYPTION_KEYS"])
def test_it_refuses_to_start_without_its_secrets(missing):
    done = manage(production_env(**{missing: None}), "check")

    assert done.returncode != 0
    assert f"{missing} must be set when DEBUG is off." in done.stderr
    assert "insecure" not in done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with production_server(tmp_path_factory.mktemp("prod")) as (base, _env):
        yield base


def test_a_page_carries_every_security_header(server):
    response = requests.get(f"{server}/", headers=HTTPS, allow_redirects=False, timeout=10)

    assert response.status_code == 200
    headers = response.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = dict(
        (part.split(" ", 1) + [""])[:2]
        for part in (p.strip() for p in headers["Content-Security-Policy"].split(";"))
    )
    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert csp["style-src"] == "'self'"
    nonce = re.fullmatch(r"'self' 'nonce-([A-Za-z0-9+/=_-]+)'", csp["script-src"])
    assert nonce, csp["script-src"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "unsafe-eval" not in headers["Content-Security-Policy"]
    # htmx, the only script, carries the response's nonce; no inline style or handler exists.
    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert scripts and all(f'nonce="{nonce.group(1)}"' in tag for tag in scripts)
    assert not re.search(r"\sstyle=|\son[a-z]+=", response.text)


def test_cookies_are_secure_http_only_and_same_site(server):
    browser = requests.Session()
    page = browser.get(f"{server}/", headers=HTTPS, timeout=10)
    csrf = page.cookies["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    # Starting sign-in stores its OAuth state in the session: the session cookie is set.
    started = browser.post(
        f"{server}/oauth/login/zoho/",
        data={"csrfmiddlewaretoken": token},
        headers={**HTTPS, "Origin": f"https://{PUBLIC_HOST}", "Referer": f"https://{PUBLIC_HOST}/"},
        cookies={"csrftoken": csrf},
        allow_redirects=False,
        timeout=10,
    )

    assert started.status_code == 302
    assert started.headers["Location"].startswith("https://accounts.zoho.com/oauth/v2/auth?")
    cookies = {c.name: c for c in list(page.cookies) + list(started.cookies)}
    assert set(cookies) >= {"csrftoken", "sessionid"}
    for cookie in cookies.values():
        assert cookie.secure, cookie.name
        assert cookie.has_nonstandard_attr("HttpOnly"), cookie.name
        assert cookie.get_nonstandard_attr("SameSite") == "Lax", cookie.name


def test_plain_http_is_sent_to_https_but_the_health_check_answers(server):
    plain = requests.get(
        f"{server}/updates/new/", headers={"Host": PUBLIC_HOST}, allow_redirects=False, timeout=10
    )
    health = requests.get(f"{server}/healthz", headers={"Host": PUBLIC_HOST}, timeout=10)

    assert plain.status_code == 301
    assert plain.headers["Location"] == f"https://{PUBLIC_HOST}/updates/new/"
    assert health.status_code == 200 and health.json() == {"status": "ok"}


def test_an_unknown_host_is_refused(server):
    response = requests.get(
        f"{server}/", headers={"Host": "evil.example", "X-Forwarded-Proto": "https"}, timeout=10
    )

    assert response.status_code == 400
    assert "Traceback" not in response.text


def test_static_files_are_served_compressed_with_long_cache(server):
    page = requests.get(f"{server}/", headers=HTTPS, timeout=10)
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]+\.css)"', page.text).group(1)

    css = requests.get(
        f"{server}{stylesheet}", headers={**HTTPS, "Accept-Encoding": "gzip"}, timeout=10
    )

    assert css.status_code == 200
    assert css.headers["Content-Encoding"] == "gzip"
    assert "immutable" in css.headers["Cache-Control"]
