"""Zoho's API limits for one organisation: a rolling 24-hour call budget and a concurrency
limit, both answering 429 TOO_MANY_REQUESTS.

Both live in the database, not in process memory, so the web server's threads, the task
worker and a test's live server (all sharing one database) count against the same limits:

* the budget is one row per organisation and hour (`SimCreditUsage`); a call is refused when
  the last 24 hours already used `credits_per_day` (organisation setting, else
  ZOHOSIM_CREDITS_PER_DAY). Each check is one small indexed SUM and one UPDATE. Once half
  the budget is used, answers carry X-API-CREDITS-REMAINING, as Zoho's do.
* concurrency: each CRM request inserts a `SimInFlight` row (committed at once: requests run
  in autocommit) and deletes it when done; a request that finds more than `concurrency`
  rows (else ZOHOSIM_CONCURRENCY) for its organisation is refused. Rows older than
  IN_FLIGHT_STALE_SECONDS are ignored, so a crashed process cannot block an organisation.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from crmupdate.zohosim.http import ZohoApiError
from crmupdate.zohosim.models import SimCreditUsage, SimInFlight, SimOrg

IN_FLIGHT_STALE_SECONDS = 120

BUDGET_MESSAGE = "Number of API requests for the 24 hour period is exceeded"
CONCURRENCY_MESSAGE = "The concurrency limit of the user for the app is exceeded"


def too_many(message: str) -> ZohoApiError:
    return ZohoApiError(429, "TOO_MANY_REQUESTS", message, {})


def credits_take(org: SimOrg) -> int | None:
    """Count one call against the organisation's daily budget, or raise 429. Returns the
    credits left once half the budget is used (Zoho then sends X-API-CREDITS-REMAINING),
    else None."""
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    limit = org.credits_per_day or settings.ZOHOSIM_CREDITS_PER_DAY
    used = (
        SimCreditUsage.objects.filter(org=org, hour__gt=now - timedelta(hours=24)).aggregate(
            total=Sum("used")
        )["total"]
        or 0
    )
    if used >= limit:
        raise too_many(BUDGET_MESSAGE)
    if not SimCreditUsage.objects.filter(org=org, hour=hour).update(used=F("used") + 1):
        try:
            with transaction.atomic():
                SimCreditUsage.objects.create(org=org, hour=hour, used=1)
        except IntegrityError:  # another request created this hour's row first
            SimCreditUsage.objects.filter(org=org, hour=hour).update(used=F("used") + 1)
    remaining = limit - used - 1
    return remaining if remaining <= limit / 2 else None


@contextmanager
def concurrency_slot(org: SimOrg) -> Iterator[None]:
    """Hold one of the organisation's concurrent-request slots while the body runs."""
    now = timezone.now()
    limit = org.concurrency or settings.ZOHOSIM_CONCURRENCY
    slot = SimInFlight.objects.create(org=org, started=now)
    try:
        stale = now - timedelta(seconds=IN_FLIGHT_STALE_SECONDS)
        if SimInFlight.objects.filter(org=org, started__gt=stale).count() > limit:
            raise too_many(CONCURRENCY_MESSAGE)
        yield
    finally:
        SimInFlight.objects.filter(pk=slot.pk).delete()
