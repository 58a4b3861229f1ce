"""The HTTP transport under every Zoho call (CRM API and accounts server).

It owns the pooled `requests` session, the timeout on every call, retries of reads with
backoff, and one log line per call. Every failure becomes a `ZohoError` (the mapping lives in
`crmupdate.zoho.errors`). What a successful body means is left to the caller.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from crmupdate.zoho.errors import (
    ErrorCategory,
    ZohoError,
    crm_error,
    network_error,
    unreadable_answer,
)

logger = logging.getLogger("crmupdate.zoho")

#: The team a Zoho call is made for, as its log line shows it: a label, or a function giving
#: one (called only when a call is logged, so work that never calls Zoho pays nothing). Bound
#: by the request log middleware for web requests and by the worker's tasks.
call_log_team: ContextVar[str | Callable[[], str]] = ContextVar("zoho_call_log_team", default="-")


@contextmanager
def log_team(team: str | Callable[[], str]) -> Iterator[None]:
    """Log the Zoho calls made inside this block as made for `team`."""
    token = call_log_team.set(team)
    try:
        yield
    finally:
        call_log_team.reset(token)


def _current_log_team() -> str:
    team = call_log_team.get()
    if callable(team):
        try:
            team = team()
        except Exception:  # a log label must never break the call it describes
            team = "?"
    return str(team or "-")


DEFAULT_TIMEOUT = 30.0
DEFAULT_READ_ATTEMPTS = 3
# Sleeps between attempts: 0.5 s, then 1 s, then 2 s... Short, because a person may be waiting.
BACKOFF_SECONDS = 0.5


class RetryPolicy(Enum):
    #: Reads: retried with backoff when Zoho or the network failed (TRANSIENT errors).
    READ = "read"
    #: Calls that change something: retried only if the request never left this machine.
    WRITE = "write"


@dataclass(frozen=True)
class ZohoResponse:
    status: int
    body: dict[str, Any] | None  # None for 204 No Content
    headers: Mapping[str, str]


#: Turns an HTTP status and parsed JSON body into an error, or None when the answer is good.
ErrorMapper = Callable[[int, dict[str, Any] | None], ZohoError | None]


# Zoho: API limits, https://www.zoho.com/crm/developer/docs/api/v2/api-limits.html
CREDITS_HEADER = "X-API-CREDITS-REMAINING"


def credits_remaining(response: ZohoResponse) -> int | None:
    """The organisation's remaining API credits, when Zoho says (only once half the day's
    credits are used)."""
    raw = response.headers.get(CREDITS_HEADER) if response.headers else None
    try:
        remaining = int(str(raw).strip()) if raw is not None else None
    except ValueError:
        return None
    return remaining if remaining is not None and remaining >= 0 else None


class _NoCookies(DefaultCookiePolicy):
    """The shared session serves every team: never let one user's cookies reach another."""

    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False


_shared_session: requests.Session | None = None
_shared_session_lock = threading.Lock()


def shared_session() -> requests.Session:
    """The process-wide pooled session (connections to Zoho are reused across clients)."""
    global _shared_session
    with _shared_session_lock:
        if _shared_session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=8, pool_maxsize=32)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.cookies.set_policy(_NoCookies())
            session.headers["User-Agent"] = "crmupdate"
            _shared_session = session
        return _shared_session


class Transport:
    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        read_attempts: int = DEFAULT_READ_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout = timeout
        self.session = session or shared_session()
        self.read_attempts = max(1, read_attempts)
        self.sleep = sleep

    def request(
        self,
        method: str,
        url: str,
        *,
        policy: RetryPolicy,
        map_error: ErrorMapper = crm_error,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ZohoResponse:
        """Send one Zoho call; return its answer or raise ZohoError.

        JSON bodies are sent compact (`{"data":[...],"cvid":"..."}`), keys in the given order.
        """
        send_headers = {"Accept": "application/json", **(headers or {})}
        data: str | Mapping[str, str] | None = form
        if json_body is not None:
            data = json.dumps(json_body, separators=(",", ":"), ensure_ascii=False)
            send_headers["Content-Type"] = "application/json"
        attempt = 1
        while True:
            try:
                return self._send_once(method, url, params, data, send_headers, map_error)
            except ZohoError as error:
                if not self._may_retry(error, policy, attempt):
                    raise
            self.sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
            attempt += 1

    def _may_retry(self, error: ZohoError, policy: RetryPolicy, attempt: int) -> bool:
        if attempt >= self.read_attempts or error.category != ErrorCategory.TRANSIENT:
            return False
        return policy == RetryPolicy.READ or not error.sent

    def _send_once(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        data: str | Mapping[str, str] | None,
        headers: Mapping[str, str],
        map_error: ErrorMapper,
    ) -> ZohoResponse:
        parts = urlsplit(url)
        started = time.monotonic()
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                data=data.encode() if isinstance(data, str) else data,
                headers=dict(headers),
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.exceptions.RequestException as exc:
            failure = network_error(exc, host=parts.netloc, timeout=self.timeout)
            _log(method, parts.netloc, parts.path, params, started, "-", failure.code)
            raise failure from exc

        status = response.status_code
        body, readable = _parse_body(response)
        error: ZohoError | None
        if not readable or 300 <= status < 400:
            error = unreadable_answer(status)  # redirects are never followed
        elif body is None and 200 <= status < 300 and status != 204:
            error = unreadable_answer(status)  # a success that should have had a body
        else:
            error = map_error(status, body)
        _log(
            method, parts.netloc, parts.path, params, started, status, error.code if error else None
        )
        if error is not None:
            raise error
        return ZohoResponse(status=status, body=body, headers=response.headers)


def _parse_body(response: requests.Response) -> tuple[dict[str, Any] | None, bool]:
    """(JSON object or None, readable). Empty bodies are None; non-objects are unreadable."""
    if response.status_code == 204 or not response.content.strip():
        return None, True
    try:
        body = json.loads(response.content)
    except ValueError:
        return None, False
    if not isinstance(body, dict):
        return None, False
    if b"\\u0000" in response.content:
        body = _without_nul(body)  # PostgreSQL stores no NUL character in text or JSON
    return body, True


def _without_nul(value: Any) -> Any:
    """The JSON value with every NUL character removed from its strings (keys included)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value


def _log(
    method: str,
    host: str,
    path: str,
    params: Mapping[str, str] | None,
    started: float,
    status: int | str,
    code: str | None,
) -> None:
    # Query *names* only: values can be record ids or, on accounts calls, secrets.
    names = ",".join(params) if params else "-"
    logger.info(
        "zoho %s %s%s params=%s status=%s code=%s duration_ms=%d team=%s",
        method,
        host,
        path,
        names,
        status,
        code or "-",
        (time.monotonic() - started) * 1000,
        _current_log_team(),
    )
