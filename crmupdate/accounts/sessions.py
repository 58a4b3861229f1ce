"""Ending a person's sessions: everywhere at once, and after a while of doing nothing.

Signing out everywhere changes the person's (unusable) password hash: Django's authentication
middleware compares every session's stored hash with the current one, so every session of
that person, on any browser and with any session backend, is signed out at its next request.
People sign in with Zoho only, so no password is lost.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, get_user_model, logout
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare

logger = logging.getLogger(__name__)

# When the session last saw its person (a POSIX timestamp), for the idle timeout.
LAST_SEEN_KEY = "last_seen_at"
# The last-seen time is written at most this often (a session write per request is waste).
LAST_SEEN_STEP_SECONDS = 60


def user_sign_out_everywhere(*, user_id: int) -> None:
    """Sign every session of this person out (see the module docstring)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return
    user.set_unusable_password()
    user.save(update_fields=["password"])
    logger.info("signed out everywhere user=%s", user_id)


def session_still_valid(request: HttpRequest) -> bool:
    """Is this request's session still one of its person's (not signed out everywhere since
    the request began)?"""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    fresh = get_user_model().objects.filter(pk=user.pk).first()
    stored = request.session.get(HASH_SESSION_KEY) or ""
    return fresh is not None and constant_time_compare(stored, fresh.get_session_auth_hash())


def session_idle_expired(request: HttpRequest) -> bool:
    """For a signed-in request: has the session been idle longer than
    SESSION_IDLE_TIMEOUT_SECONDS? If so it is signed out; if not, it is marked as seen now."""
    now = timezone.now().timestamp()
    last_seen = request.session.get(LAST_SEEN_KEY)
    if isinstance(last_seen, int | float):
        if now - last_seen > float(settings.SESSION_IDLE_TIMEOUT_SECONDS):
            logout(request)
            return True
        if now - last_seen < LAST_SEEN_STEP_SECONDS:
            return False
    request.session[LAST_SEEN_KEY] = now
    return False


# --- when Zoho last accepted the person (see crmupdate.accounts.access) ----------------------


def _checked_key(user_id: int) -> str:
    return f"accounts:zoho-access-checked:{user_id}"


def zoho_access_checked(*, user_id: int) -> None:
    """Record that Zoho accepted this person just now (at sign-in, or on a re-check)."""
    interval = float(settings.ZOHO_ACCESS_RECHECK_SECONDS)
    cache.set(_checked_key(user_id), timezone.now().timestamp(), timeout=interval + 60)


def zoho_access_checked_recently(*, user_id: int) -> bool:
    """Did Zoho accept this person less than ZOHO_ACCESS_RECHECK_SECONDS ago?"""
    checked = cache.get(_checked_key(user_id))
    interval = float(settings.ZOHO_ACCESS_RECHECK_SECONDS)
    return isinstance(checked, int | float) and timezone.now().timestamp() - checked < interval
