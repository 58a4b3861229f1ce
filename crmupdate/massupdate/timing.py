"""How long the worker waits and how long it holds a row, read from settings (where every
default lives)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

MAX_POLL_ERRORS = 5  # consecutive refused status checks before we give up following a job


def claim_length() -> timedelta:
    return timedelta(seconds=settings.MASSUPDATE_LEASE_SECONDS)


def sending_claim_length() -> timedelta:
    """A claim for sending (or reading a backup, or an undo batch) must outlast the longest
    the calls can take (a token refresh, then the call with its connection retries), or
    another worker could declare a step interrupted while Zoho's answer is on its way."""
    return max(claim_length(), timedelta(seconds=5 * settings.ZOHO_HTTP_TIMEOUT + 30))


def poll_delay(poll_count: int) -> float:
    """Seconds until the next status check: a few at first, at most a minute apart."""
    first = settings.MASSUPDATE_POLL_FIRST_SECONDS
    return min(settings.MASSUPDATE_POLL_MAX_SECONDS, first * 1.5 ** max(0, poll_count))


def retry_delay(attempt: int) -> float:
    """Seconds until another try after Zoho said "later" (429, ALREADY_SCHEDULED)."""
    first = settings.MASSUPDATE_RETRY_FIRST_SECONDS
    return min(settings.MASSUPDATE_RETRY_MAX_SECONDS, first * 2 ** max(0, attempt - 1))


def max_attempts() -> int:
    return int(settings.MASSUPDATE_MAX_SUBMIT_ATTEMPTS)


def view_busy_delay() -> timedelta:
    return timedelta(seconds=settings.MASSUPDATE_VIEW_BUSY_SECONDS)


def recheck_delay() -> timedelta:
    """How soon paused work looks again whether its person has signed in since."""
    return timedelta(seconds=settings.WORKER_SWEEP_SECONDS)


def backup_retention() -> timedelta:
    return timedelta(days=settings.UNDO_RETENTION_DAYS)


def undo_run_seconds() -> float:
    return float(settings.UNDO_RUN_SECONDS)
