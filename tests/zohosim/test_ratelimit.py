"""Per-organisation limits: a daily call budget and a concurrency limit, both 429."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from crmupdate.zohosim.models import SimCreditUsage, SimInFlight
from crmupdate.zohosim.ratelimit import IN_FLIGHT_STALE_SECONDS


def assert_too_many(response, message):
    assert response.status_code == 429
    assert response.json() == {
        "code": "TOO_MANY_REQUESTS",
        "details": {},
        "message": message,
        "status": "error",
    }


def test_the_daily_budget_is_per_organisation(crm, crm_as, settings):
    settings.ZOHOSIM_CREDITS_PER_DAY = 3
    for _ in range(3):
        assert crm.get("org").status_code == 200
    assert_too_many(crm.get("org"), "Number of API requests for the 24 hour period is exceeded")
    assert crm_as("gary.globex@globex.example").get("org").status_code == 200


def test_the_budget_is_a_rolling_24_hours(crm, sim):
    sim.org.credits_per_day = 2
    sim.org.save()
    crm.get("org")
    crm.get("org")
    assert crm.get("org").status_code == 429
    SimCreditUsage.objects.update(hour=timezone.now() - timedelta(hours=25))
    assert crm.get("org").status_code == 200


def test_refused_calls_are_recorded_but_not_counted(crm, sim, api_calls):
    sim.org.credits_per_day = 1
    sim.org.save()
    crm.get("org")
    crm.get("org")
    assert [c.status for c in api_calls(host="crm")] == [200, 429]
    assert SimCreditUsage.objects.get().used == 1


def test_the_concurrency_limit_counts_requests_in_flight(crm, sim, settings):
    settings.ZOHOSIM_CONCURRENCY = 2
    now = timezone.now()
    SimInFlight.objects.create(org=sim.org, started=now)
    assert crm.get("org").status_code == 200  # one other request in flight: allowed
    SimInFlight.objects.create(org=sim.org, started=now)
    assert_too_many(crm.get("org"), "The concurrency limit of the user for the app is exceeded")
    assert SimInFlight.objects.count() == 2  # the refused request released its slot


def test_stale_in_flight_rows_do_not_block(crm, sim, settings):
    settings.ZOHOSIM_CONCURRENCY = 1
    old = timezone.now() - timedelta(seconds=IN_FLIGHT_STALE_SECONDS + 1)
    SimInFlight.objects.create(org=sim.org, started=old)
    assert crm.get("org").status_code == 200


def test_credits_remaining_are_announced_once_half_the_budget_is_used(crm, sim):
    sim.org.credits_per_day = 6
    sim.org.save()
    headers = [crm.get("org").get("X-API-CREDITS-REMAINING") for _ in range(6)]
    assert headers == [None, None, "3", "2", "1", "0"]
