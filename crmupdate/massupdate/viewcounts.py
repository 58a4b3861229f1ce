"""How many records each custom view holds, for the view picker: Zoho's Record Count call,
remembered per Zoho user.

Counts are per Zoho user, not per team, because a view shows each person only the records
they may see. Zoho refreshes its counts within 1-10 minutes (zoho-crm-api.md §4.2), so they
are "about" a number, and remembering them for a few minutes loses nothing. The picker page
itself only reads what is remembered; the counts it lacks are fetched by a separate request
(htmx, right after the page has loaded), one Zoho call after another so a module with many
views never takes more than one of the organisation's concurrent API calls.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crmupdate.accounts.tokens import zoho_client_for
from crmupdate.massupdate.changetext import number_text
from crmupdate.massupdate.review import MAX_RECORDS
from crmupdate.zoho.errors import ErrorCategory, ZohoError

COUNT_SECONDS = 5 * 60  # Zoho's own counts lag up to 10 minutes
UNKNOWN_SECONDS = 60  # a count Zoho would not give is asked again after a minute
_NOT_GIVEN = -1


@dataclass(frozen=True)
class ViewCount:
    """One view's count as the picker shows it (None: not known yet)."""

    cvid: str
    count: int | None
    unavailable: bool = False

    @property
    def known(self) -> bool:
        return self.count is not None or self.unavailable

    @property
    def empty(self) -> bool:
        return self.count == 0

    @property
    def too_big(self) -> bool:
        return self.count is not None and self.count > MAX_RECORDS

    @property
    def flagged(self) -> bool:
        return self.empty or self.too_big

    @property
    def text(self) -> str:
        if self.unavailable:
            return _("record count not available")
        if self.count is None:
            return ""
        if self.count == 0:
            return _("empty: no records to change")
        about = ngettext("about %(n)s record", "about %(n)s records", self.count) % {
            "n": number_text(self.count)
        }
        if self.too_big:
            return _("%(about)s: more than Zoho's limit of %(limit)s for one mass update") % {
                "about": about,
                "limit": number_text(MAX_RECORDS),
            }
        return about


@dataclass(frozen=True)
class PickerGroup:
    """A group of the view picker: (view, its count) pairs."""

    label: str
    rows: list[tuple[Any, ViewCount]]
    from_zoho: bool = True  # the label is Zoho's, not ours


def picker_groups(groups: list[Any], counts: dict[str, ViewCount]) -> list[PickerGroup]:
    return [
        PickerGroup(
            g.label,
            [(v, counts.get(v.id) or ViewCount(v.id, None)) for v in g.views],
            from_zoho=getattr(g, "from_zoho", True),
        )
        for g in groups
    ]


def _key(member: Any, module: str, cvid: str) -> str:
    # Ids come from Zoho: hashed, so any character and any length make a valid cache key.
    parts = "\x00".join([member.team.zoho_org_id, member.zoho_user_id, module, cvid])
    return "viewcount:" + hashlib.sha256(parts.encode()).hexdigest()


def view_counts_remembered(*, member: Any, module: str, cvids: list[str]) -> dict[str, ViewCount]:
    """The counts remembered for this Zoho user; makes no Zoho call."""
    found = cache.get_many([_key(member, module, c) for c in cvids])
    counts = {}
    for cvid in cvids:
        value = found.get(_key(member, module, cvid))
        if value == _NOT_GIVEN:
            counts[cvid] = ViewCount(cvid, None, unavailable=True)
        else:
            counts[cvid] = ViewCount(cvid, value if isinstance(value, int) else None)
    return counts


def view_counts_fetch(*, member: Any, module: str, cvids: list[str]) -> dict[str, ViewCount]:
    """Every view's count: remembered ones as they are, the others asked of Zoho one at a
    time. A count Zoho refuses or cannot give now is shown as not available, never as 0."""
    counts = view_counts_remembered(member=member, module=module, cvids=cvids)
    missing = [c for c in cvids if not counts[c].known]
    if not missing:
        return counts
    client = zoho_client_for(member.user)
    for cvid in missing:
        try:
            number = int(client.count_records(module, cvid=cvid))
        except ZohoError as error:
            if error.category == ErrorCategory.AUTH:
                raise  # the person signs in again, then sees the picker
            cache.set(_key(member, module, cvid), _NOT_GIVEN, UNKNOWN_SECONDS)
            counts[cvid] = ViewCount(cvid, None, unavailable=True)
            continue
        cache.set(_key(member, module, cvid), number, COUNT_SECONDS)
        counts[cvid] = ViewCount(cvid, number)
    return counts


def view_counts_forget(*, member: Any, module: str, cvids: list[str]) -> None:
    """ "Refresh from Zoho": the next picker asks Zoho again."""
    cache.delete_many([_key(member, module, c) for c in cvids])
