"""Keep secrets out of every log line, whoever wrote it (our code, the dev server, libraries)."""

from __future__ import annotations

import logging
import re

# Query parameters and form fields that carry secrets in OAuth flows: only inside a query
# string or form body (after "?" or "&", or opening the text), so that our own
# "key=value" log fields (Zoho's error `code=`, a task's `state=`) stay readable.
_SECRET_PARAMS = re.compile(
    r"(?i)(?:(?<=[?&])|^)(code|state|token|access_token|refresh_token|client_secret|id_token)"
    r"=[^&\s\"']+"
)
# Zoho's token format: 1000.<hex>.<hex>
_ZOHO_TOKEN = re.compile(r"\b1000\.[0-9a-f]{16,}\.[0-9a-f]{16,}\b")
_AUTH_HEADER = re.compile(r"(?i)(Zoho-oauthtoken|Bearer)\s+[^\s\"']+")


def redact(text: str) -> str:
    text = _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}=[redacted]", text)
    text = _ZOHO_TOKEN.sub("[redacted-token]", text)
    return _AUTH_HEADER.sub(lambda m: f"{m.group(1)} [redacted]", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True
