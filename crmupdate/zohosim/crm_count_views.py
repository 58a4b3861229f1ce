"""Record Count of the simulated CRM API: `GET /crm/{version}/{module}/actions/count`.

Zoho documents this call from v2.1 on (zoho-crm-api.md §4.2; Zoho's v2 reference and v2 SDK
have none), so on v2 the path is unknown, answered as Zoho answers any unknown path: 404
INVALID_URL_PATTERN. The count is a plain number, `{"count": 694}`.
"""

from __future__ import annotations

from typing import Any

from crmupdate.zohosim import http
from crmupdate.zohosim.crm_record_views import _ambiguity, _view
from crmupdate.zohosim.crm_router import CrmContext, module_scopes
from crmupdate.zohosim.records import module_queryset, view_total

FIRST_VERSION = 2.1
SEARCH_PARAMS = ("criteria", "email", "phone", "word")


def records_count(ctx: CrmContext, module: str) -> tuple[int, Any]:
    """Zoho: https://www.zoho.com/crm/developer/docs/api/v7/module_record_count.html"""
    if ctx.version_number < FIRST_VERSION:
        raise http.invalid_url_pattern()
    found = ctx.module(module)
    ctx.require_scope(*module_scopes(found, "READ"))
    cvid = ctx.request.GET.get("cvid") or None
    searches = [k for k in SEARCH_PARAMS if ctx.request.GET.get(k)]
    if cvid and searches:
        raise _ambiguity("cvid", searches[0])
    view = _view(ctx, found, cvid)
    count = view_total(view, ctx.user) if view else module_queryset(found).count()
    return 200, {"count": count}
