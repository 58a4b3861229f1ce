"""Every record of a custom view, page after page, through `ZohoClient.get_records`: the way
a caller pages (following `next_page_token` when Zoho gives one). The product never reads a
whole view; the tests use this to check that pages join up."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from crmupdate.zoho.client import MAX_PER_PAGE, ZohoClient


def all_records(
    client: ZohoClient,
    module: str,
    *,
    cvid: str,
    fields: Sequence[str],
    per_page: int = MAX_PER_PAGE,
) -> Iterator[dict[str, Any]]:
    page, token = 1, None
    while True:
        result = client.get_records(
            module, cvid=cvid, fields=fields, page=page, per_page=per_page, page_token=token
        )
        yield from result.records
        if not result.more_records or not result.records:
            return
        token = result.next_page_token
        page += 1
