"""Who may start, run, retry, resume and undo a mass update, and why not.

Decided from what the person's Zoho profile grants (read at sign-in and on "Refresh from
Zoho", see crmupdate.accounts.permissions) before anything is queued or sent to Zoho:

* starting and running an update in a module needs Zoho's Mass Update permission for it
  (unknown permissions: allowed, Zoho refuses at submit);
* retry, resume and undo also need it, *and* being the update's author or an administrator
  (Zoho's Administrator profile, or a team administrator set here). Undo with unknown
  permissions is refused: undo writes through Update Records, which Zoho does not guard with
  the Mass Update permission.

Every refusal is a sentence for the person, naming whom to ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.shortcuts import render
from django.utils.translation import gettext as _

from crmupdate.accounts.models import Member
from crmupdate.accounts.selectors import team_administrators


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)
ANY_MODULE = "any module"  # a module label meaning "every module": the sentence says so


def administrators_text(team: Any) -> str:
    """'Patricia Boyle' / 'Patricia Boyle or Ann Lee' / 'your Zoho CRM administrator'."""
    names = [str(m) for m in team_administrators(team=team)]
    names += [n for n in team.zoho_admin_names or [] if isinstance(n, str) and n not in names]
    if not names:
        return _("your Zoho CRM administrator")
    if len(names) == 1:
        return names[0]
    return _("%(names)s or %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def _no_mass_update(member: Member, module_label: str) -> Decision:
    values = {
        "profile": member.profile_name,
        "module": module_label,
        "admins": administrators_text(member.team),
    }
    if module_label == ANY_MODULE:
        if member.profile_name:
            text = _(
                "Your Zoho profile “%(profile)s” does not have the Mass Update permission for "
                "any module, so you cannot start, run, retry or undo mass updates. Ask "
                "%(admins)s to grant it in Zoho CRM (Setup › Profiles), then press “Refresh "
                "from Zoho”."
            )
        else:
            text = _(
                "Your Zoho profile does not have the Mass Update permission for any module, so "
                "you cannot start, run, retry or undo mass updates. Ask %(admins)s to grant it "
                "in Zoho CRM (Setup › Profiles), then press “Refresh from Zoho”."
            )
    elif member.profile_name:
        text = _(
            "Your Zoho profile “%(profile)s” does not have the Mass Update permission for "
            "%(module)s, so you cannot start, run, retry or undo mass updates there. Ask "
            "%(admins)s to grant it in Zoho CRM (Setup › Profiles), then press “Refresh from "
            "Zoho”."
        )
    else:
        text = _(
            "Your Zoho profile does not have the Mass Update permission for %(module)s, so you "
            "cannot start, run, retry or undo mass updates there. Ask %(admins)s to grant it in "
            "Zoho CRM (Setup › Profiles), then press “Refresh from Zoho”."
        )
    return Decision(False, text % values)


def may_start(*, member: Member, module_api_name: str, module_label: str = "") -> Decision:
    """May this person start (and run) a mass update in this module?"""
    if member.may_mass_update(module_api_name):
        return ALLOWED
    return _no_mass_update(member, module_label or module_api_name)


def _is_author_or_admin(member: Member, update: Any) -> bool:
    return member.is_administrator or update.created_by_id == member.user_id


def may_change_run(*, member: Member, update: Any, action: str) -> Decision:
    """May this person retry or resume `update` (`action` names it for the message)?"""
    started = may_start(
        member=member, module_api_name=update.module_api_name, module_label=update.module_label
    )
    if not started:
        return started
    if not _is_author_or_admin(member, update):
        return _not_yours(member, update, action)
    return ALLOWED


def may_undo(*, member: Member, update: Any, action: str = "undo") -> Decision:
    """May this person undo `update` (or resume its undo)?"""
    if not member.permissions_known:
        return Decision(
            False,
            _(
                "Zoho did not let crmupdate read your profile, so it cannot tell whether you may "
                "mass update this module; undo stays closed because Zoho itself would not stop "
                "it. Press “Refresh from Zoho” after signing in again, or ask %(admins)s."
            )
            % {"admins": administrators_text(member.team)},
        )
    return may_change_run(member=member, update=update, action=action)


def _not_yours(member: Member, update: Any, action: str) -> Decision:
    values = {
        "author": update.created_by_name or _("someone else"),
        "admins": administrators_text(member.team),
    }
    # One whole sentence per action, so that each reads right in every language.
    sentences = {
        "retry": _(
            "Only the person who started this update (%(author)s) or an administrator "
            "(%(admins)s) may retry it."
        ),
        "resume": _(
            "Only the person who started this update (%(author)s) or an administrator "
            "(%(admins)s) may resume it."
        ),
        "undo": _(
            "Only the person who started this update (%(author)s) or an administrator "
            "(%(admins)s) may undo it."
        ),
        "resume the undo of": _(
            "Only the person who started this update (%(author)s) or an administrator "
            "(%(admins)s) may resume the undo of it."
        ),
    }
    other = _(
        "Only the person who started this update (%(author)s) or an administrator "
        "(%(admins)s) may change how it runs."
    )
    return Decision(False, sentences.get(action, other) % values)


def refused_page(request: Any, decision: Decision, *, title: str) -> Any:
    """The plain 403 page of a refused write: what was refused and why (nothing was queued
    and nothing was sent to Zoho)."""
    context = {"title": title, "reason": decision.reason}
    return render(request, "massupdate/refused.html", context, status=403)
