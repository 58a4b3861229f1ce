"""Keyset page positions: "the updates older (or newer) than this one", as a URL value.

A cursor names one row by its creation time and id, e.g. `2026-11-28T10:31:05.123456Z~98765`:
readable, shareable, and as fast a million rows deep as on the first page (no OFFSET).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

_UTC = dt.UTC


@dataclass(frozen=True)
class Cursor:
    created_at: dt.datetime
    pk: int

    def encode(self) -> str:
        stamp = self.created_at.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return f"{stamp}~{self.pk}"


def cursor_parse(text: str) -> Cursor | None:
    stamp, sep, pk = text.strip().partition("~")
    if not sep or not pk.isdigit() or len(pk) > 19:
        return None
    try:
        created_at = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=_UTC)
    return Cursor(created_at=created_at.astimezone(_UTC), pk=int(pk))
