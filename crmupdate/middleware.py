"""One log line per request: method, path (never the query string), status, duration, team.

The team is also bound for the Zoho calls a request makes, so their log lines (written by
`crmupdate.zoho.transport`) name it too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
