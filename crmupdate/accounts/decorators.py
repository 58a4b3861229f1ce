"""`team_required`: the door to every team page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast, overload

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import HttpResponseClientRedirect

from crmupdate.accounts.access import zoho_access_recheck
from crmupdate.accounts.http import TeamRequest
from crmupdate.accounts.middleware import reauth_redirect
from crmupdate.accounts.models import Member
from crmupdate.accounts.selectors import connection_for_user, member_for_user

View = Callable[..., HttpResponse]


@overload
def team_required(view: View) -> View: ...
@overload
def team_required(*, allow_reauth: bool = False) -> Callable[[View], View]: ...


def team_required(view: View | None = None, *, allow_reauth: bool = False) -> Any:
    """Signed in, member of a team, and (unless `allow_reauth`) with a Zoho connection Zoho
    still accepts, asked again at least every ZOHO_ACCESS_RECHECK_SECONDS (see
    `crmupdate.accounts.access`; a person Zoho no longer accepts is signed out). Sets
    `request.member` and `request.team` for the view, which takes a `TeamRequest`.

    Signed out: to the sign-in page, coming back here afterwards. Saved Zoho sign-in refused
    or disconnected: to the "sign in again" page, coming back here afterwards. htmx requests
    get `HX-Redirect` instead of a 302.
    """

    def decorator(view_func: View) -> View:
        @wraps(view_func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                response = redirect_to_login(_return_path(request))
                if getattr(request, "htmx", None):
                    return HttpResponseClientRedirect(response["Location"])
                return response
            member = member_for_user(user=request.user)
            if member is None:
                return render(request, "accounts/no_team.html", status=403)
            connection = connection_for_user(user=request.user)
            usable = connection is not None and connection.usable
            if usable and connection is not None and not zoho_access_recheck(connection=connection):
                return reauth_redirect(request)
            if not allow_reauth and not usable:
                return reauth_redirect(request)
            return view_func(_team_request(request, member), *args, **kwargs)

        return wrapper

    if view is not None:
        return decorator(view)
    return decorator


def _team_request(request: HttpRequest, member: Member) -> TeamRequest:
    """The same request, now saying who is signed in and for which team."""
    team_request = cast(TeamRequest, request)
    team_request.member = member
    team_request.team = member.team
    return team_request


def _return_path(request: HttpRequest) -> str:
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.current_url_abs_path:
        return str(htmx.current_url_abs_path)
    return request.get_full_path()
