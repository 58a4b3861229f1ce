"""Recording every call the simulator receives (`ApiCall`), with secrets masked.

Form fields and query parameters that carry secrets (client_secret, code, tokens) are stored
as "***"; the Authorization header is never stored.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.http import HttpRequest
from django.utils import timezone

from crmupdate.zohosim.models import ApiCall, SimOrg, SimUser

SECRET_PARAMS = frozenset(
    {
        "client_secret",
        "code",
        "refresh_token",
        "access_token",
        "token",
        "id_token",
        "csrfmiddlewaretoken",
    }
)
MASK = "***"
MAX_BODY_CHARS = 2_000_000


def mask_params(text: str) -> str:
    """A query string or form body with secret values replaced by ***."""
    if not text:
        return ""
    pairs = parse_qsl(text, keep_blank_values=True)
    return urlencode([(k, MASK if k in SECRET_PARAMS else v) for k, v in pairs], safe="*,.:/")


def request_body_text(request: HttpRequest) -> str:
    try:
        raw = request.body
    except Exception:  # body already consumed as a stream: nothing to record
        return ""
    return raw[:MAX_BODY_CHARS].decode("utf-8", errors="replace")


def api_call_record(
    *,
    request: HttpRequest,
    host: str,
    path: str,
    status: int,
    org: SimOrg | None = None,
    user: SimUser | None = None,
    response_code: str = "",
    secret_bearing: bool = False,
) -> ApiCall:
    query = request.META.get("QUERY_STRING", "")
    body = request_body_text(request)
    if secret_bearing:
        query = mask_params(query)
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("multipart/"):
            body = mask_params(urlencode(list(request.POST.lists()), doseq=True))
        elif "form" in content_type or "=" in body:
            body = mask_params(body)
    return ApiCall.objects.create(
        org=org,
        user=user,
        host=host,
        method=request.method or "",
        path=path,
        query=query,
        body=body,
        status=status,
        response_code=response_code[:60],
        created=timezone.now(),
    )
