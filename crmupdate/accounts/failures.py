"""Why a sign-in failed, in words a sales-ops person understands, and what to do next.

Every failure at sign-in ends on one page (`accounts/signin_failed.html`) with a title, an
explanation and a "Try again" button; never a stack trace. `SignInFailed` carries our own
reason; social-auth's exceptions are translated by `reason_for`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from social_core.exceptions import (
    AuthCanceled,
    AuthCredentialError,
    AuthException,
    AuthInputError,
    AuthProviderError,
    AuthSessionError,
    SocialAuthBaseException,
)

from crmupdate.zoho.errors import ErrorCategory, ZohoError


@dataclass(frozen=True)
class Failure:
    title: str | Promise
    text: str | Promise
    status: int


FAILURES: dict[str, Failure] = {
    "denied": Failure(
        _("You did not allow access"),
        _(
            "crmupdate needs your permission to read your CRM's settings and records and to run "
            "mass updates. Nothing was changed. You can try again whenever you are ready."
        ),
        403,
    ),
    "state": Failure(
        _("This sign-in could not be matched to this browser"),
        _(
            "Zoho's answer did not belong to a sign-in started here (it may be old, or come from "
            "another tab or browser). For your safety it was refused. Please start again."
        ),
        403,
    ),
    "code_expired": Failure(
        _("The sign-in took too long"),
        _("Zoho's one-time sign-in code expired or was already used. Please try again."),
        400,
    ),
    "incomplete": Failure(
        _("The sign-in was not completed"),
        _("Zoho's answer was missing something we need. Please try again."),
        400,
    ),
    "zoho_error": Failure(
        _("Zoho refused the sign-in"),
        _(
            "Zoho did not accept the sign-in. If this keeps happening, ask whoever set up "
            "crmupdate to check its Zoho settings."
        ),
        502,
    ),
    # Zoho's redirect back carried an error we do not know (or a browser made one up): it is
    # input we cannot act on, not a failure of ours or of Zoho's servers.
    "callback_error": Failure(
        _("Zoho refused the sign-in"),
        _(
            "Zoho sent you back with an error instead of a sign-in. Please start again; if this "
            "keeps happening, ask whoever set up crmupdate to check its Zoho settings."
        ),
        400,
    ),
    "rate_limited": Failure(
        _("Zoho asks us to slow down"),
        _(
            "Zoho is refusing new sign-ins for this app for a few minutes. Please wait a little, "
            "then try again."
        ),
        503,
    ),
    "network": Failure(
        _("Zoho could not be reached"),
        _("We could not talk to Zoho just now. Nothing was changed. Please try again in a minute."),
        503,
    ),
    "untrusted_server": Failure(
        _("Sign-in refused for your safety"),
        _(
            "The answer we received named a server that is not one of Zoho's, so nothing was sent "
            "to it and no account was created. Please start the sign-in again from this page."
        ),
        400,
    ),
    "org_not_allowed": Failure(
        _("This Zoho organisation cannot use crmupdate here"),
        _(
            "This crmupdate is set up for particular Zoho CRM organisations, and the one you chose "
            "is not one of them. If you belong to several organisations, try again and pick "
            "another one on Zoho's page; otherwise ask whoever runs crmupdate."
        ),
        403,
    ),
    "no_refresh_token": Failure(
        _("Zoho did not grant lasting access"),
        _(
            "To run updates in the background crmupdate needs Zoho's permission to stay connected, "
            "and Zoho did not give it. Please try again and accept on Zoho's page."
        ),
        502,
    ),
    "other_person": Failure(
        _("You are already signed in as someone else"),
        _(
            "This browser is signed in to crmupdate as another person. Sign out first, then sign "
            "in with the other Zoho account."
        ),
        409,
    ),
    "account_conflict": Failure(
        _("This Zoho user is already linked to another crmupdate account"),
        _("Please ask whoever runs crmupdate to look into it."),
        409,
    ),
    "unknown": Failure(
        _("The sign-in could not be completed"),
        _(
            "Something unexpected happened while signing you in. Nothing was changed. Please try "
            "again."
        ),
        500,
    ),
}


class SignInFailed(AuthException):
    """A sign-in we refuse, with one of the FAILURES keys as `reason`.

    `zoho_message` is Zoho's own explanation, shown only when it is one we understand
    (`ZohoError.message` from `crmupdate.zoho`, which is written for people).
    """

    def __init__(
        self, reason: str, *, backend: object = None, zoho_message: str = "", detail: str = ""
    ) -> None:
        super().__init__(backend, detail, code=f"crmupdate_{reason}", stage="callback")  # type: ignore[arg-type]
        self.reason = reason if reason in FAILURES else "unknown"
        self.zoho_message = zoho_message

    @classmethod
    def from_zoho_error(cls, error: ZohoError, *, backend: object = None) -> SignInFailed:
        if error.code == "invalid_code":
            return cls("code_expired", backend=backend)
        if error.code == "UNTRUSTED_ACCOUNTS_SERVER":
            return cls("untrusted_server", backend=backend)
        if error.category == ErrorCategory.RATE_LIMITED:
            return cls("rate_limited", backend=backend)
        if error.category == ErrorCategory.TRANSIENT and error.http_status is None:
            return cls("network", backend=backend, zoho_message=error.message)
        return cls("zoho_error", backend=backend, zoho_message=error.message)


def reason_for(exception: SocialAuthBaseException) -> str:
    """Our failure reason for any social-auth exception."""
    if isinstance(exception, SignInFailed):
        return exception.reason
    if isinstance(exception, AuthCanceled):
        return "denied"
    if isinstance(exception, AuthSessionError):
        return "state"
    if isinstance(exception, AuthInputError):
        return "state" if exception.parameter == "state" else "incomplete"
    if isinstance(exception, AuthCredentialError):
        return "code_expired"
    if isinstance(exception, AuthProviderError):
        if exception.code in ("timeout", "network_error"):
            return "network"
        return "callback_error" if exception.stage == "callback" else "zoho_error"
    return "unknown"
