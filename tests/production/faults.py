"""Zoho failing on purpose: the practice CRM (on the live server) behind a fault injector at
the HTTP seam (`responses`). A faulty endpoint answers with the chosen failure; every other
call, and every call once `heal()` was called, reaches the practice CRM unchanged.

Failures, as they happen with the real Zoho:
- `refused`: the connection was refused (the request never left this machine);
- `timeout`: no answer in time. A read never got one; a mass update *reached* Zoho (the job
  was scheduled) and its answer was lost on the way back;
- `http500`: Zoho's `INTERNAL_ERROR` (it did nothing);
- `malformed`: an answer that is not JSON (cut off by a proxy). For a mass update it comes
  after Zoho scheduled the job;
- `429`: `TOO_MANY_REQUESTS` (nothing done).
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError

FAILURES = ["refused", "timeout", "http500", "malformed", "429"]
# (method, path below the CRM API's /crm/v2/) of each step of the flow (the record count is
# a v2.1 call: v2 has none).
STEPS = {
    "modules": ("GET", r"settings/modules"),
    "fields": ("GET", r"settings/fields"),
    "review": ("GET", r"Leads(/actions/count)?"),
    "submit": ("POST", r"Leads/actions/mass_update"),
    "poll": ("GET", r"Leads/actions/mass_update"),
}
INTERNAL_ERROR = (
    b'{"code":"INTERNAL_ERROR","details":{},"message":"Internal Server Error","status":"error"}'
)
TOO_MANY_REQUESTS = (
    b'{"code":"TOO_MANY_REQUESTS","details":{},"message":"The API request limit has been '
    b'exceeded","status":"error"}'
)


@dataclass
class FaultyZoho:
    mock: responses.RequestsMock
    api_domain: str
    active: dict[str, str] = field(default_factory=dict)  # step -> failure
    left: dict[str, int | None] = field(default_factory=dict)  # step -> faulty answers to go
    answered: Counter[str] = field(default_factory=Counter)  # step -> faulty answers given

    def fail(self, step: str, how: str, *, times: int | None = None) -> None:
        """From now on, `step` fails with `how`: `times` times, or until `heal`."""
        assert how in FAILURES, how
        method, path = STEPS[step]
        url = re.compile(re.escape(f"{self.api_domain}/crm/v2") + r"(\.1)?/" + path + r"(\?.*)?$")
        self.mock.add_callback(method, url, callback=lambda request: self._answer(step, request))
        self.active[step] = how
        self.left[step] = times

    def heal(self) -> None:
        """Zoho is back: every call reaches the practice CRM again."""
        self.active.clear()

    def _answer(self, step: str, request: Any) -> tuple[int, dict[str, str], bytes]:
        how = self.active.get(step)
        if how is None:
            return forward(request)
        self.answered[step] += 1
        left = self.left.get(step)
        if left is not None:
            self.left[step] = left - 1
            if left <= 1:
                self.active.pop(step)
        sending = request.method == "POST"
        if how == "refused":
            raise requests.exceptions.ConnectionError(
                MaxRetryError(None, request.url, NewConnectionError(None, "[Errno 111] refused")),
                request=request,
            )
        if how == "timeout":
            if sending:
                forward(request)  # Zoho got it and scheduled the job; the answer is lost
            raise requests.exceptions.ReadTimeout("Read timed out.", request=request)
        if how == "http500":
            return 500, {"Content-Type": "application/json"}, INTERNAL_ERROR
        if how == "malformed":
            if sending:
                forward(request)
            return 200, {"Content-Type": "application/json"}, b'{"data":[{"code":"SUCC'
        return 429, {"Content-Type": "application/json"}, TOO_MANY_REQUESTS


def forward(request: Any) -> tuple[int, dict[str, str], bytes]:
    """The call as it is, to the practice CRM (urllib: `responses` only patches requests)."""
    headers = {
        k: v
        for k, v in request.headers.items()
        if k.lower() not in {"accept-encoding", "connection", "content-length"}
    }
    body = request.body.encode() if isinstance(request.body, str) else request.body
    plain = urllib.request.Request(request.url, data=body, headers=headers, method=request.method)
    try:
        with urllib.request.urlopen(plain, timeout=60) as answer:  # noqa: S310 (test server)
            status, content_type, content = answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as refused:
        status, content_type, content = refused.code, refused.headers, refused.read()
    return status, {"Content-Type": content_type.get("Content-Type", "application/json")}, content
