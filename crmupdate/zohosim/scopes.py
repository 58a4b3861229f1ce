"""OAuth scopes: parsing what the authorize request asks for, and deciding whether the
scopes granted to a token cover what a call needs (Zoho's rules, zoho-crm-api.md §5.7)."""

from __future__ import annotations

# What the self-client grants by default: every scope the app uses.
DEFAULT_SCOPES = (
    "ZohoCRM.modules.ALL",
    "ZohoCRM.settings.ALL",
    "ZohoCRM.users.READ",
    "ZohoCRM.org.READ",
    "ZohoCRM.mass_update.ALL",
    "ZohoSearch.securesearch.READ",
    "AaaServer.profile.READ",
)


def scopes_parse(raw: str) -> list[str]:
    """Zoho separates scopes with commas in the authorize URL; spaces are accepted too."""
    seen: list[str] = []
    for part in raw.replace(" ", ",").split(","):
        if part.strip() and part.strip() not in seen:
            seen.append(part.strip())
    return seen


def scope_allows(granted: list[str], required: list[str]) -> bool:
    """Does any granted scope cover any of the required ones?

    Scopes are `Service.part[.part].OPERATION`; a granted scope covers a required one when the
    services match, its parts are a prefix of the required parts, and its operation is ALL or
    the same (case-insensitive, as Zoho treats them). `ZohoCRM.settings.ALL` covers
    `ZohoCRM.settings.fields.READ`; `ZohoCRM.mass_update.UPDATE` covers
    `ZohoCRM.mass_update.leads.UPDATE`.
    """
    wanted = [_split_scope(r) for r in required]
    for scope in granted:
        have = _split_scope(scope)
        if have is None:
            continue
        for need in wanted:
            if need is None or have[0] != need[0]:
                continue
            parts_ok = need[1][: len(have[1])] == have[1]
            if parts_ok and have[2] in ("all", need[2]):
                return True
    return False


def _split_scope(scope: str) -> tuple[str, list[str], str] | None:
    pieces = scope.strip().lower().split(".")
    if len(pieces) < 2:
        return None
    return pieces[0], pieces[1:-1], pieces[-1]
