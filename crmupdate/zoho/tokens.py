"""Where a `ZohoClient` gets its access token from.

The client asks its `TokenProvider` for the token of each call. When Zoho refuses a token
(an AUTH error), the client asks once for a fresh one and repeats the call: repeating a write
is safe because Zoho does nothing with a request whose token it refuses. If Zoho refuses the
fresh token too, the provider says what to raise.
"""

from __future__ import annotations

from typing import Protocol

from crmupdate.zoho.errors import ZohoError


class TokenProvider(Protocol):
    def access_token(self) -> str:
        """The token to send now."""
        ...

    def refreshed(self, *, rejected: str, error: ZohoError) -> str | None:
        """A fresh token after Zoho refused `rejected` with `error`, or None when there is
        none to try (the client then raises `error`). May raise a `ZohoError` itself."""
        ...

    def refused(self, error: ZohoError) -> ZohoError:
        """What to raise when Zoho refuses the fresh token as well."""
        ...


class FixedToken:
    """One access token, used as it is (a token just received at sign-in, a script's token)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __repr__(self) -> str:  # never shows the token
        return "FixedToken(...)"

    def access_token(self) -> str:
        return self._token

    def refreshed(self, *, rejected: str, error: ZohoError) -> str | None:
        return None

    def refused(self, error: ZohoError) -> ZohoError:
        return error
