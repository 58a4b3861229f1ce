"""Zoho metadata (modules, views, fields, users), cached per team in the database.

Entries live for `settings.ZOHO_METADATA_TTL` seconds (default one hour); "Refresh from
Zoho" drops them. Fields are cached per team *and* Zoho profile, because whether a field is
read-only depends on the person's profile; views per Zoho user, because which views a person
sees is theirs (views shared "only with me", by role or group). With a warm cache, the
new-update pages make no Zoho call at all; a cold one counts against the page limits
(crmupdate.massupdate.pagelimits).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from crmupdate.accounts.tokens import zoho_client_for
from crmupdate.massupdate.models import MetadataCache
from crmupdate.massupdate.pagelimits import page_reads_take
from crmupdate.zoho.client import ZohoClient, module_api_name_valid
from crmupdate.zoho.types import CustomView, CustomViewList, Field, Module, User

Kind = MetadataCache.Kind

# Modules Zoho's mass-update API accepts (zoho-crm-api.md §1.1); custom modules too.
MASS_UPDATE_MODULES = frozenset(
    {
        "Leads", "Accounts", "Contacts", "Deals", "Campaigns", "Activities", "Tasks", "Calls",
        "Events", "Meetings", "Cases", "Solutions", "Products", "Vendors", "Price_Books",
        "Quotes", "Sales_Orders", "Purchase_Orders", "Invoices",
    }
)  # fmt: skip
NEVER_MODULES = frozenset({"Services", "Appointments", "Appointments__s", "Services__s"})


def ttl() -> timedelta:
    return timedelta(seconds=settings.ZOHO_METADATA_TTL)


def _client(member: Any) -> ZohoClient:
    return zoho_client_for(member.user)


def _cached(
    member: Any,
    kind: str,
    fetch: Callable[[], Any],
    *,
    module: str = "",
    profile: str = "",
    zoho_user: str = "",
    refresh: bool = False,
) -> Any:
    key = {
        "team": member.team,
        "kind": kind,
        "module_api_name": module,
        "profile": profile,
        "zoho_user": zoho_user,
    }
    row = MetadataCache.objects.filter(**key).first()
    if row is not None and not refresh and row.fetched_at > timezone.now() - ttl():
        return row.payload
    page_reads_take(member=member)
    payload = fetch()  # outside any transaction: this is an HTTP call
    try:
        with transaction.atomic():
            MetadataCache.objects.update_or_create(
                **key, defaults={"payload": payload, "fetched_at": timezone.now()}
            )
    except IntegrityError:  # another request stored it at the same moment: theirs is as good
        pass
    return payload


def module_is_mass_updatable(module: Module) -> bool:
    if not module.api_supported or not module.visible or module.status != "visible":
        return False
    if not module_api_name_valid(module.api_name):  # e.g. "0": no API call could name it
        return False
    if module.api_name in NEVER_MODULES:
        return False
    if module.generated_type == "custom":
        return True
    return module.generated_type == "default" and module.api_name in MASS_UPDATE_MODULES


def modules_for(member: Any, *, refresh: bool = False) -> list[Module]:
    """The modules this person can mass update, by plural label."""
    payload = _cached(
        member,
        Kind.MODULES,
        lambda: [m.raw for m in _client(member).list_modules()],
        refresh=refresh,
    )
    modules = [Module.from_api(d) for d in payload if isinstance(d, dict)]
    usable = [m for m in modules if m.api_name and module_is_mass_updatable(m)]
    return sorted(usable, key=lambda m: m.plural_label.lower())


def module_for(member: Any, api_name: str) -> Module | None:
    return next((m for m in modules_for(member) if m.api_name == api_name), None)


def views_for(member: Any, module: str, *, refresh: bool = False) -> CustomViewList:
    def fetch() -> dict[str, Any]:
        found = _client(member).list_custom_views(module)
        return {
            "views": [v.raw for v in found.views],
            "default_id": found.default_id,
            "category_labels": found.category_labels,
        }

    payload = _cached(
        member, Kind.VIEWS, fetch, module=module, zoho_user=member.zoho_user_id, refresh=refresh
    )
    return CustomViewList(
        views=[CustomView.from_api(v) for v in payload.get("views", []) if isinstance(v, dict)],
        default_id=str(payload.get("default_id") or ""),
        category_labels=dict(payload.get("category_labels") or {}),
    )


def fields_for(member: Any, module: str, *, refresh: bool = False) -> list[Field]:
    payload = _cached(
        member,
        Kind.FIELDS,
        lambda: [f.raw for f in _client(member).list_fields(module)],
        module=module,
        profile=member.profile_name or "",
        refresh=refresh,
    )
    return [Field.from_api(d) for d in payload if isinstance(d, dict)]


def users_for(member: Any, *, refresh: bool = False) -> list[User]:
    payload = _cached(
        member, Kind.USERS, lambda: [u.raw for u in _client(member).list_users()], refresh=refresh
    )
    return [User.from_api(d) for d in payload if isinstance(d, dict)]


def metadata_forget(*, team: Any, module: str = "") -> int:
    """Drop the team's cached metadata (all of it, or the modules list plus one module's)."""
    rows = MetadataCache.objects.filter(team=team)
    if module:
        rows = rows.filter(module_api_name__in=["", module])
    deleted, _ = rows.delete()
    return deleted
