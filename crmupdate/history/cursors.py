"""Keyset page positions: "the updates older (or newer) than this one", as a URL value.

A cursor names one row by its creation time and id, e.g. `2026-11-28T10:31:05.123456Z~98765`:
readable, shareable, and as fast a million rows deep as on the first page (no OFFSET).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crmupdate.massupdate.undo.selectors import MAX_ID

_UTC = dt.UTC


@dataclass(frozen=True)
class Cursor:
    created_at: dt.datetime
    pk: int

    def encode(self) -> str:
        stamp = self.created_at.astimezone(_UTC).isoformat(timespec="microseconds")
        return f"{stamp.removesuffix('+00:00')}Z~{self.pk}"


def cursor_parse(text: str) -> Cursor | None:
    stamp, sep, pk = text.strip().partition("~")
    if not sep or not pk.isdigit() or len(pk) > 19 or int(pk) > MAX_ID:
        return None
    try:
        created_at = dt.datetime.fromisoformat(stamp)
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=_UTC)
        created_at = created_at.astimezone(_UTC)
    except (ValueError, OverflowError):  # not a time, or one past the calendar's ends in UTC
        return None
    return Cursor(created_at=created_at, pk=int(pk))
