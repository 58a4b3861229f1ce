"""Logging: one line per request and per Zoho call (method, path, status, duration, team), and
never a token, a secret or a grant code, over a whole flow: sign-in through the practice CRM's
consent page, a mass update through the pages, the worker sending it with a refreshed token
and following the job, the status fragment, sign-out."""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from crmupdate.accounts.crypto import token_decrypt
from crmupdate.accounts.models import Team, ZohoConnection
from crmupdate.massupdate.models import MassUpdate, UpdateStatus
from crmupdate.zohosim.models import ApiCall
from tests.fixtures_sim import SALES_OPS_EMAIL, SEED_CVID
from tests.massupdate.conftest import run_worker
from tests.production.web import WebPerson

pytestmark = pytest.mark.django_db(transaction=True)

REQUEST_LINE = re.compile(
    r"request method=(?P<method>[A-Z]+) path=(?P<path>\S+) status=(?P<status>\d{3}) "
    r"duration_ms=(?P<ms>\d+\.\d) team=(?P<team>\S+)"
)
ZOHO_LINE = re.compile(
    r"zoho (?P<method>[A-Z]+) (?P<host>[^/\s]+)(?P<path>/\S*) params=(?P<params>\S+) "
    r"status=(?P<status>\S+) code=(?P<code>\S+) duration_ms=(?P<ms>\d+) team=(?P<team>\S+)"
)


class LogCapture(logging.Handler):
    """Every log line of every logger at INFO and above, formatted with tracebacks, exactly
    as a console handler would write it (but without its redaction filter: our lines must
    not need it)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.name, self.format(record)))

    def messages(self, logger_name: str) -> list[str]:
        return [line.split(" ", 2)[2] for name, line in self.lines if name == logger_name]

    @property
    def text(self) -> str:
        return "\n".join(line for _name, line in self.lines)


@pytest.fixture
def captured():
    capture = LogCapture()
    root = logging.getLogger()
    own = [
        logging.getLogger(name)
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    old_level = root.level
    root.setLevel(logging.INFO)
    for logger in [root, *own]:
        # First in line: a later handler's filter may rewrite the record (redaction).
        logger.handlers.insert(0, capture)
    yield capture
    for logger in [root, *own]:
        logger.removeHandler(capture)
    root.setLevel(old_level)


def test_a_whole_flow_logs_each_request_and_zoho_call_once_and_no_secret(
    sim, zoho_sim_origin, fast_worker, captured
):
    person = WebPerson(zoho_sim_origin)
    person.sign_in(SALES_OPS_EMAIL)
    connection = ZohoConnection.objects.get()
    tokens = {
        "access token from sign-in": token_decrypt(connection.access_token_encrypted),
        "refresh token": token_decrypt(connection.refresh_token_encrypted),
        "session key": person.http.cookies["sessionid"],
    }
    review = person.start_update(
        module="Leads", cvid=SEED_CVID, field_values={"No_of_Employees": "1000"}
    )
    update_url = person.run(review)
    # The access token ran out while the update waited: the worker refreshes it first.
    ZohoConnection.objects.update(access_token_expires_at=timezone.now() - timedelta(minutes=1))
    run_worker()
    person.get(update_url)
    person.get(update_url + "status/", headers={"HX-Request": "true"})
    person.follow(person.post("/signout/"))

    connection.refresh_from_db()
    tokens["access token after refresh"] = token_decrypt(connection.access_token_encrypted)
    assert tokens["access token after refresh"] != tokens["access token from sign-in"]
    assert MassUpdate.objects.get().status in {
        UpdateStatus.COMPLETED,
        UpdateStatus.COMPLETED_WITH_FAILURES,
    }
    team = str(Team.objects.get().pk)

    # One line per request: everything the person asked for, and every Zoho call the
    # practice CRM answered (it is served by the same app).
    requests_logged = [REQUEST_LINE.fullmatch(m) for m in captured.messages("crmupdate.request")]
    assert all(requests_logged), captured.messages("crmupdate.request")
    zoho_logged = [ZOHO_LINE.fullmatch(m) for m in captured.messages("crmupdate.zoho")]
    assert all(zoho_logged), captured.messages("crmupdate.zoho")
    prefix = f"/{settings.ZOHOSIM_URL_PREFIX}"
    zoho_calls_received = Counter(
        (m["method"], m["path"], m["status"]) for m in zoho_logged if m["status"] != "-"
    )
    visits = Counter((v.method, v.path, str(v.status)) for v in person.visits)
    assert Counter((m["method"], m["path"], m["status"]) for m in requests_logged) == (
        visits + zoho_calls_received
    )
    # ... and one line per Zoho call: what the practice CRM recorded receiving.
    mount = {"accounts": f"{prefix}/accounts", "crm": f"{prefix}/api"}
    recorded = Counter(
        (c.method, mount[c.host] + c.path, str(c.status))
        for c in ApiCall.objects.exclude(path="/oauth/v2/auth")  # the person's browser, not us
    )
    assert zoho_calls_received == recorded
    assert len(zoho_logged) >= 8

    # The team on every line of a signed-in request, and on every Zoho call made for it.
    for line in requests_logged:
        if line["path"].startswith("/updates/"):
            assert line["team"] == team, line.group(0)
    signing_in = {"/oauth/v2/token", "/oauth/user/info", "/crm/v2/org", "/crm/v2/users"}
    made_for_team = [
        m
        for m in zoho_logged
        if not m["path"].endswith(tuple(signing_in)) and "/settings/profiles/" not in m["path"]
    ]  # signing in also reads the person's profile
    assert {m["team"] for m in made_for_team} == {team}
    assert any(m["path"].endswith("/actions/mass_update") for m in made_for_team)
    refreshes = [m for m in zoho_logged if m["path"].endswith("/oauth/v2/token")]
    assert [m["team"] for m in refreshes] == ["-", team]  # the sign-in's exchange, the refresh

    # Never a secret, anywhere, from any logger.
    secrets = {
        **tokens,
        "grant code": person.grant_codes[0],
        "client secret": settings.ZOHO_CLIENT_SECRET,
    }
    assert len(person.grant_codes) == 1
    for name, value in secrets.items():
        assert len(value) >= 16, name
        assert value not in captured.text, f"the {name} appears in the logs"
    assert "Traceback" not in captured.text
