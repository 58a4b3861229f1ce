"""The organisation's currency symbol, shown beside money inputs.

Zoho's field metadata says a field is currency but not which symbol; the organisation's
details do (`currency_symbol` of `GET /org`). Remembered per team for an hour, and asked of
Zoho only when a currency field is on the page.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache

from crmupdate.accounts.tokens import zoho_client_for
from crmupdate.zoho.errors import ErrorCategory, ZohoError

SYMBOL_SECONDS = 3600
RETRY_SECONDS = 60


def org_currency_symbol(*, member: Any) -> str:
    """ "$", "€"... or "" when Zoho would not say (the input then has no symbol)."""
    key = "orgcurrency:" + hashlib.sha256(member.team.zoho_org_id.encode()).hexdigest()
    symbol = cache.get(key)
    if isinstance(symbol, str):
        return symbol
    try:
        org = zoho_client_for(member.user).get_org()
    except ZohoError as error:
        if error.category == ErrorCategory.AUTH:
            raise
        cache.set(key, "", RETRY_SECONDS)
        return ""
    symbol = str(org.raw.get("currency_symbol") or "")[:8]
    cache.set(key, symbol, SYMBOL_SECONDS)
    return symbol
