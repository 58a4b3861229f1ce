"""Home and dashboard, sign-in, sign in again, account, sign out (here or everywhere),
disconnect Zoho."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from crmupdate.accounts.access import zoho_access_recheck
from crmupdate.accounts.decorators import team_required
from crmupdate.accounts.http import TeamRequest
from crmupdate.accounts.language import AUTOMATIC, language_for, supported
from crmupdate.accounts.language import SESSION_KEY as LANGUAGE_SESSION_KEY
from crmupdate.accounts.middleware import ACCESS_ENDED_SESSION_KEY, reauth_redirect
from crmupdate.accounts.selectors import connection_for_user, member_for_user, team_members
from crmupdate.accounts.services import connection_disconnect, member_language_save
from crmupdate.accounts.sessions import user_sign_out_everywhere
from crmupdate.zoho.errors import ZohoError

# Sections other features add to the dashboard, each shown only once its template exists.
DASHBOARD_SECTION_TEMPLATES = ("dashboard/team_work.html", "massupdate/dashboard_section.html")


@cache
def _dashboard_sections() -> tuple[str, ...]:
    found = []
    for name in DASHBOARD_SECTION_TEMPLATES:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return tuple(found)


def _safe_next(request: HttpRequest, default: str = "") -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "accounts/home.html", {"next": ""})
    member = member_for_user(user=request.user)
    if member is None:
        return render(request, "accounts/no_team.html", status=403)
    connection = connection_for_user(user=request.user)
    usable = connection is not None and connection.usable
    if usable and connection is not None and not zoho_access_recheck(connection=connection):
        return reauth_redirect(request)
    return render(
        request,
        "accounts/dashboard.html",
        {
            "member": member,
            "team": member.team,
            "connection": connection,
            "needs_reauth": connection is None or not connection.usable,
            "dashboard_sections": _dashboard_sections(),
        },
    )


@require_safe
def signin(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.user.is_authenticated and member_for_user(user=request.user) is not None:
        connection = connection_for_user(user=request.user)
        if connection is not None and connection.usable:
            return HttpResponseRedirect(next_url or reverse("home"))
        query = urlencode({"next": next_url or reverse("home")})
        return redirect(f"{reverse('accounts:reauth')}?{query}")
    return render(request, "accounts/signin.html", {"next": next_url})


@require_safe
def reauth(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, reverse("home"))
    if not request.user.is_authenticated:
        if request.session.get(ACCESS_ENDED_SESSION_KEY):
            # Signed out because Zoho ended their grant: say so, and offer the way back.
            return render(request, "accounts/reauth.html", {"next": next_url})
        return redirect_to_login(next_url)
    connection = connection_for_user(user=request.user)
    if connection is not None and connection.usable:
        return HttpResponseRedirect(next_url)
    return render(
        request,
        "accounts/reauth.html",
        {"next": next_url, "disconnected": connection is None or not connection.has_refresh_token},
    )


@require_safe
@team_required(allow_reauth=True)
def account(request: TeamRequest) -> HttpResponse:
    connection = connection_for_user(user=request.user)
    return render(
        request,
        "accounts/account.html",
        {
            "member": request.member,
            "team": request.team,
            "team_members": team_members(team=request.team),
            "connection": connection,
            "languages": settings.LANGUAGES,
        },
    )


@require_POST
@team_required(allow_reauth=True)
def language(request: TeamRequest) -> HttpResponse:
    """Save the language chosen on the account page ("" follows Zoho and the browser)."""
    chosen = request.POST.get("language", "")
    if chosen != AUTOMATIC and supported(chosen) != chosen:
        messages.error(request, _("Choose one of the languages in the list."))
        return redirect("accounts:account")
    member_language_save(member=request.member, language=chosen)
    request.session[LANGUAGE_SESSION_KEY] = chosen
    translation.activate(language_for(request))
    messages.success(request, _("Language saved."))
    return redirect("accounts:account")


def _sign_out(request: HttpRequest) -> None:
    """Sign out; what is said next is said in the language of the signed-out pages."""
    logout(request)
    translation.activate(language_for(request))


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    _sign_out(request)
    messages.success(request, _("You are signed out."))
    return redirect("home")


@require_POST
def signout_everywhere(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        user_sign_out_everywhere(user_id=request.user.pk)
    _sign_out(request)
    messages.success(request, _("You are signed out on every browser and device."))
    return redirect("home")


@require_POST
@team_required(allow_reauth=True)
def disconnect(request: TeamRequest) -> HttpResponse:
    try:
        connection_disconnect(user=request.user)
    except ZohoError as error:
        messages.error(
            request,
            _(
                "Zoho could not be reached to disconnect, so nothing was changed. Please try "
                "again in a minute. (%(message)s)"
            )
            % {"message": error.message},
        )
        return redirect("accounts:account")
    _sign_out(request)
    messages.success(
        request,
        _(
            "crmupdate is disconnected from your Zoho account and you are signed out. Sign in "
            "with Zoho whenever you want to use it again."
        ),
    )
    return redirect("home")
