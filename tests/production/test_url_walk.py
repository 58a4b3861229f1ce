"""Every URL the app serves, walked signed in with extreme values in the path, the query
string and the form (dates at the edges of the calendar, huge integers, malformed cursors and
ids, NUL characters, long strings), GET and POST: no answer is a server error. A 400 carries a
plain message.

The URLs come from the URL resolver, so a URL added later is walked too. Zoho is the practice
CRM on the live server, so pages that call Zoho do so for real.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from crmupdate.massupdate import services
from tests.history.conftest import add_update

pytestmark = pytest.mark.django_db(transaction=True)

# Values nobody should send, one kind at a time into every parameter and path segment.
EXTREMES = [
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59:59+14:00",
    "0000-00-00",
    "10000-01-01",
    "-1",
    "0",
    str(2**63),
    "9" * 40,
    "-" + "9" * 40,
    "1e400",
    "NaN",
    "!!not-a-cursor!!",
    "eyJpZCI6IDF9",  # base64 of a JSON object, not one of our cursors
    "A" * 300 + "==",
    "a\x00b",
    "x" * 20_000,
    "Ünïcødé ✓ <script>",
]
# Every parameter name a view, form or the simulator reads (and a few it does not).
PARAMS = [
    "q", "module", "person", "status", "since", "until", "before", "after", "cursor",
    "page", "next", "type", "job_id", "fields", "cvid", "action", "add_field", "field",
    "run_token", "decision", "user", "ids", "per_page", "page_token", "criteria", "id",
    "state", "code", "error", "location", "accounts-server", "grant_type", "client_id",
    "redirect_uri", "response_type", "scope", "refresh_token", "token", "value__Rating",
    "clear__Rating", "overwrite__Rating", "remove", "sort_by", "sort_order",
]  # fmt: skip
PATH_VALUES = {
    "int": ["0", str(2**63), "9" * 30],
    "uuid": ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"],
    "string": ["zoho", "x" * 2000, "é"],
    "path": ["crm/v2/Leads", "crm/v2/" + "x" * 2000, "crm/v9999/org", "crm/v2/Leads/9" + "9" * 40],
    "slug": ["x", "x" * 2000],
}
# The sign-out URLs end the session: walked last, signed in again before every request.
LAST = ("signout", "disconnect")


def _converter_name(converter: Any) -> str:
    return type(converter).__name__.removesuffix("Converter").lower()


def _regex_samples(regex: str) -> list[str]:
    """Concrete paths for the simulator's regular expressions."""
    text = regex.lstrip("^").rstrip("$")
    text = text.replace("(?:/.*)?", "/anything").replace("/?", "/")
    assert not re.search(r"[()\[\]*+?\\]", text), f"walk cannot fill {regex!r}"
    return [text]


def walk(patterns: list[Any], prefix: str = "", kwargs_kinds: dict[str, str] | None = None
         ) -> Iterator[tuple[str, dict[str, str]]]:  # fmt: skip
    """(route with {name} placeholders, {name: converter kind}) for every URL pattern."""
    kinds = dict(kwargs_kinds or {})
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern))
            here = {name: _converter_name(c) for name, c in pattern.converters.items()}
            routes = [route]
        else:
            assert isinstance(pattern, RegexPattern)
            routes, here = _regex_samples(str(pattern)), {}
        for route in routes:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + route, {**kinds, **here})
            else:
                assert isinstance(entry, URLPattern)
                yield prefix + route, {**kinds, **here}


def concrete_paths(route: str, kinds: dict[str, str], real: dict[str, list[str]]) -> list[str]:
    if not kinds:
        return ["/" + route]
    choices = [real.get(name, []) + PATH_VALUES[kind] for name, kind in kinds.items()]
    paths = []
    for i in range(max(len(c) for c in choices)):
        values = {name: c[i % len(c)] for name, c in zip(kinds, choices, strict=True)}
        paths.append("/" + route.format(**values))
    return paths


def test_the_walk_covers_every_url():
    routes = [route for route, _ in walk(get_resolver().url_patterns)]

    assert len(routes) >= 30
    for expected in ("", "history/", "updates/{pk}/undo/results.csv", "oauth/complete/{backend}/",
                     "updates/drafts/{draft_id}/run/", "zohosim/api/{path}"):  # fmt: skip
        assert expected in routes, expected


@pytest.fixture
def sam_with_data(member_factory):
    sam = member_factory()
    update = add_update(sam.member)
    draft = services.draft_create(
        member=sam.member, module_api_name="Leads", module_label="Leads",
        cvid="738964000000091563", view_name="All Leads",
    )  # fmt: skip
    real = {
        "pk": [str(update.pk)],
        "step_id": [str(s.pk) for s in update.steps.all()[:1]] or ["1"],
        "draft_id": [str(draft.public_id)],
    }
    return sam, real


def test_no_url_answers_any_extreme_value_with_a_server_error(sam_with_data):
    sam, real = sam_with_data
    client = Client()
    routes = sorted(walk(get_resolver().url_patterns), key=lambda r: r[0].startswith(LAST))
    failures = []
    for route, kinds in routes:
        for path in concrete_paths(route, kinds, real):
            for method, value in itertools.product(("get", "post"), [None, *EXTREMES]):
                client.force_login(sam)
                data = {} if value is None else dict.fromkeys(PARAMS, value)
                answer = getattr(client, method)(path, data)
                if answer.status_code >= 500:
                    failures.append(f"{method.upper()} {path[:80]} {str(value)[:30]!r}: "
                                    f"{answer.status_code}")  # fmt: skip
                elif answer.status_code == 400 and not path.startswith("/zohosim/"):
                    assert "could not be understood" in answer.content.decode() or (
                        b"<h1" in answer.content
                    ), (method, path, value)
    assert failures == []
