"""The organisation's Zoho API credits, protected from page loads.

Zoho counts every call against one daily budget per organisation, shared by every
integration (zoho-crm-api.md §6): once it is spent, nobody can even sign in. Pages that read
from Zoho (the new-update page's modules and views, the changes page's fields, the review's
count, filter and sample) therefore

* cache what they read per Zoho user for `ZOHO_PAGE_CACHE_SECONDS` (views and records differ
  from person to person: views shared "only with me", `${CURRENTUSER}` criteria, role-based
  record visibility), so reloading a page costs nothing; and
* may make at most `ZOHO_PAGE_READS_PER_PERSON` Zoho calls per person per minute and
  `ZOHO_PAGE_READS_PER_TEAM` per team per hour. Past either, the page answers 429 with a
  plain explanation and no call is made.

Counters are fixed windows in the cache (shared by every process with the database or Redis
cache), keyed by the window's start, so time is controlled in tests by `timezone.now`. The
worker's calls are not limited here: they are the work people asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext, ngettext


class PageReadsLimited(Exception):
    """Too many Zoho reads for pages; the message says why and when to try again."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _count(key: str, window: int) -> tuple[int, int]:
    """Add one to the counter of the current window; (count, seconds left in the window)."""
    now = int(timezone.now().timestamp())
    start = now - now % window
    full_key = f"zoho-page-reads:{key}:{window}:{start}"
    cache.add(full_key, 0, timeout=window + 60)
    try:
        count = cache.incr(full_key)
    except ValueError:  # evicted between add and incr
        cache.set(full_key, 1, timeout=window + 60)
        count = 1
    return count, start + window - now


def page_reads_take(*, member: Any, calls: int = 1) -> None:
    """Count `calls` Zoho reads for a page of `member`, or raise PageReadsLimited."""
    person_limit = int(settings.ZOHO_PAGE_READS_PER_PERSON)
    team_limit = int(settings.ZOHO_PAGE_READS_PER_TEAM)
    for _ in range(calls):
        count, left = _count(f"person:{member.pk}", 60)
        if count > person_limit:
            raise PageReadsLimited(
                gettext(
                    "You have opened many pages that read from Zoho in the last minute (at most "
                    "%(limit)s Zoho calls a minute per person). Please wait %(seconds)s seconds: "
                    "this keeps your organisation's daily Zoho API credits for everyone."
                )
                % {"limit": person_limit, "seconds": left},
                retry_after=left,
            )
        count, left = _count(f"team:{member.team_id}", 3600)
        if count > team_limit:
            minutes = max(1, left // 60)
            raise PageReadsLimited(
                ngettext(
                    "Your team's pages have read from Zoho %(limit)s times in this hour, the "
                    "most crmupdate allows. Please try again in %(minutes)s minute: this keeps "
                    "your organisation's daily Zoho API credits for everyone (sign-in and other "
                    "integrations use them too).",
                    "Your team's pages have read from Zoho %(limit)s times in this hour, the "
                    "most crmupdate allows. Please try again in %(minutes)s minutes: this keeps "
                    "your organisation's daily Zoho API credits for everyone (sign-in and other "
                    "integrations use them too).",
                    minutes,
                )
                % {"limit": team_limit, "minutes": minutes},
                retry_after=left,
            )


def limited_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer a page whose Zoho reads are over the limit with a plain 429 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PageReadsLimited as limited:
            response = render(
                request, "massupdate/slow_down.html", {"reason": str(limited)}, status=429
            )
            response["Retry-After"] = str(limited.retry_after)
            return response

    return wrapper


def page_cache_get_or_read(*, key: str, read: Callable[[], Any], member: Any) -> Any:
    """What `read()` (one Zoho call) answered for this person in the last
    ZOHO_PAGE_CACHE_SECONDS, or a fresh answer counted against the limits."""
    full_key = f"zoho-page-read:{member.team_id}:{member.zoho_user_id}:{key}"
    found = cache.get(full_key)
    if found is not None:
        return found["value"]
    page_reads_take(member=member)
    value = read()
    cache.set(full_key, {"value": value}, timeout=int(settings.ZOHO_PAGE_CACHE_SECONDS))
    return value
