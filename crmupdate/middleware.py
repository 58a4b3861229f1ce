"""One log line per request: method, path (never the query string), status, duration, team.

The team is also bound for the Zoho calls a request makes, so their log lines (written by
`crmupdate.zoho.transport`) name it too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from crmupdate.views import bad_request
from crmupdate.zoho.transport import log_team

logger = logging.getLogger("crmupdate.request")


def _team_label(request: HttpRequest) -> str:
    team = getattr(request, "team", None)
    if team is None:
        user = getattr(request, "user", None)
        member = (
            getattr(user, "member", None) if user is not None and user.is_authenticated else None
        )
        team = getattr(member, "team", None)
    return str(getattr(team, "pk", "-")) if team is not None else "-"


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        with log_team(lambda: _team_label(request)):
            response = self.get_response(request)
        duration_ms = (time.monotonic() - started) * 1000
        # The query string is left out on purpose: OAuth callbacks carry codes in it.
        logger.info(
            "request method=%s path=%s status=%s duration_ms=%.1f team=%s",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            _team_label(request),
        )
        return response


_FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _holds_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    data = [request.GET]
    if request.method == "POST" and request.content_type in _FORMS:
        data.append(request.POST)  # no view of ours reads a raw body
    return any(
        "\x00" in key or "\x00" in value
        for query in data
        for key, values in query.lists()
        for value in values
    )


class RejectNulMiddleware:
    """A NUL character in the path, the query string or a form is refused with the "request
    could not be understood" page. Nobody types one, and PostgreSQL stores none: passed on, it
    would end as a server error wherever it reached the database. The practice CRM (mounted
    under its own prefix) answers as Zoho would, so it is left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.simulator = f"/{settings.ZOHOSIM_URL_PREFIX}/"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(self.simulator) and _holds_nul(request):
            return bad_request(request)
        return self.get_response(request)
