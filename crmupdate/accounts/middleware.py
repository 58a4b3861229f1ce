"""Turns sign-in failures into clear pages, and expired Zoho sign-ins into a way back.

- Any social-auth exception (or our `SignInFailed`) raised while signing in renders
  `accounts/signin_failed.html`: what happened, in plain words, and a "Try again" button.
- `ReauthRequired` raised by any view (Zoho refused the person's saved sign-in) sends the
  person to the "sign in again" page, which brings them back to where they were. htmx
  requests get an `HX-Redirect` header instead of a 302. When Zoho ended the grant, every
  session of the person has been signed out (`sessions.user_sign_out_everywhere`); this one
  too, keeping only where to come back to.
- A session idle for longer than SESSION_IDLE_TIMEOUT_SECONDS is signed out.
- Every answer to a signed-in person says `Cache-Control: no-store` (with the rest of
  Django's never-cache headers): team data and CSVs stay out of browser and proxy caches.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect
from social_core.exceptions import SocialAuthBaseException

from crmupdate.accounts.backends import CONSENT_SESSION_KEY
from crmupdate.accounts.failures import FAILURES, SignInFailed, reason_for
from crmupdate.accounts.sessions import session_idle_expired, session_still_valid
from crmupdate.accounts.tokens import ReauthRequired

# Set in the session of someone signed out because Zoho ended their grant: the "sign in
# again" page then explains why, though they are no longer signed in.
ACCESS_ENDED_SESSION_KEY = "zoho_access_ended"
IDLE_MESSAGE = _("You were signed out after a while without activity. Please sign in again.")

logger = logging.getLogger(__name__)


class AccountsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = request.user.is_authenticated
        if signed_in and session_idle_expired(request):
            messages.info(request, IDLE_MESSAGE)
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ReauthRequired):
            return reauth_redirect(request)
        if isinstance(exception, SocialAuthBaseException):
            return signin_failed_response(request, exception)
        return None


def signin_failed_response(
    request: HttpRequest, exception: SocialAuthBaseException
) -> HttpResponse:
    reason = reason_for(exception)
    failure = FAILURES[reason]
    # The class and code identify the failure; never the request data (codes, tokens).
    logger.warning(
        "sign-in failed reason=%s error=%s code=%s stage=%s",
        reason,
        type(exception).__name__,
        exception.code,
        exception.stage,
    )
    zoho_message = exception.zoho_message if isinstance(exception, SignInFailed) else ""
    response = render(
        request,
        "accounts/signin_failed.html",
        {"failure": failure, "reason": reason, "zoho_message": zoho_message},
        status=failure.status,
    )
    add_never_cache_headers(response)
    return response


def current_page(request: HttpRequest) -> str:
    """The page the person was on: for htmx, the page that made the request; for a form
    POST, the page the form was on (when it is ours); otherwise the requested page."""
    candidates: list[str] = []
    htmx = getattr(request, "htmx", None)
    if htmx:
        candidates.append(htmx.current_url_abs_path or "")
    if request.method != "GET":
        candidates.append(request.headers.get("Referer", ""))
    else:
        candidates.append(request.get_full_path())
    for url in candidates:
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return url
    return reverse("home")


def reauth_redirect(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and not session_still_valid(request):
        logout(request)
        # The grant Zoho ended is gone: the next sign-in must ask for consent again.
        request.session[CONSENT_SESSION_KEY] = True
        request.session[ACCESS_ENDED_SESSION_KEY] = True
    url = f"{reverse('accounts:reauth')}?{urlencode({'next': current_page(request)})}"
    if getattr(request, "htmx", None):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)
