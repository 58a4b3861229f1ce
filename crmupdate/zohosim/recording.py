"""Recording every call the simulator receives (`ApiCall`), with secrets masked, in a log
that stays bounded.

Form fields and query parameters that carry secrets (client_secret, code, tokens) are stored
as "***"; the Authorization header is never stored.

The log is bounded because the simulator may be reachable by anyone who can reach the app:
a stored body is cut after ZOHOSIM_CALL_LOG_BODY_BYTES (the call itself is answered as
usual: Zoho documents no request size limit of its own for these endpoints, so the simulator
invents none), and every PRUNE_EVERY calls the log drops calls older than
ZOHOSIM_CALL_LOG_DAYS and then the oldest calls beyond ZOHOSIM_CALL_LOG_MAX_BYTES.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.db.models.functions import Length
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
# Says where a stored body was cut, and how long the whole one was.
CUT_MARK = "\n[... cut: the request body had {size} bytes]"
# The log is pruned when the id of a new call is a multiple of this.
PRUNE_EVERY = 100


def mask_params(text: str) -> str:
    """A query string or form body with secret values replaced by ***."""
    if not text:
        return ""
    pairs = parse_qsl(text, keep_blank_values=True)
    return urlencode([(k, MASK if k in SECRET_PARAMS else v) for k, v in pairs], safe="*,.:/")


def request_body_text(request: HttpRequest) -> str:
    """The request body as stored: at most ZOHOSIM_CALL_LOG_BODY_BYTES of it, marked when cut."""
    try:
        raw = request.body
    except Exception:  # body already consumed as a stream, or too big to read: nothing to record
        return ""
    limit = max(0, int(settings.ZOHOSIM_CALL_LOG_BODY_BYTES))
    if len(raw) <= limit:
        return raw.decode("utf-8", errors="replace")
    return raw[:limit].decode("utf-8", errors="ignore") + CUT_MARK.format(size=len(raw))


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
    call = ApiCall.objects.create(
        org=org,
        user=user,
        host=host,
        method=request.method or "",
        path=_storable(path)[:500],
        query=_storable(query),
        body=_storable(body),
        status=status,
        response_code=response_code[:60],
        created=timezone.now(),
    )
    if call.pk % PRUNE_EVERY == 0:
        api_calls_prune()
    return call


def _storable(text: str) -> str:
    """PostgreSQL stores no NUL character in text: a call that carried one is logged with
    U+FFFD in its place (the call itself is answered as Zoho would)."""
    return text.replace("\x00", "\ufffd")


def api_calls_prune() -> int:
    """Drop calls older than ZOHOSIM_CALL_LOG_DAYS, then the oldest calls until the stored
    bodies and query strings fit in ZOHOSIM_CALL_LOG_MAX_BYTES. Returns how many were dropped."""
    cutoff = timezone.now() - timedelta(days=int(settings.ZOHOSIM_CALL_LOG_DAYS))
    dropped, _ = ApiCall.objects.filter(created__lt=cutoff).delete()
    budget = int(settings.ZOHOSIM_CALL_LOG_MAX_BYTES)
    sizes = (
        ApiCall.objects.annotate(size=Length("body") + Length("query"))
        .order_by("-pk")
        .values_list("pk", "size")
    )
    kept = 0
    for pk, size in sizes.iterator(chunk_size=2000):
        kept += size or 0
        if kept > budget:
            more, _ = ApiCall.objects.filter(pk__lte=pk).delete()
            return dropped + more
    return dropped
