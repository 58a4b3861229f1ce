"""Zoho's data centres, and the allow-list for accounts servers and API domains.

Zoho's OAuth redirect tells us which accounts server to use (`accounts-server=...`) and the
token response which API domain; both come from the browser or the network, so they are
checked here before any secret or token is sent to them.

Source: Zoho's multi-DC pages (https://www.zoho.com/crm/developer/docs/api/v8/multi-dc.html)
and the official Python SDK 8.0 (`dc/*_data_center.py`). UK (accounts.zoho.uk) and AE
(accounts.zoho.ae) are left out on purpose: their CRM API domains are not confirmed by any
first-party source. An operator who needs one can point ZOHO_ACCOUNTS_URL at it.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DataCentre(NamedTuple):
    accounts_server: str
    api_domain: str

    @property
    def sandbox_api_domain(self) -> str:
        return self.api_domain.replace("://www.", "://sandbox.", 1)

    @property
    def developer_api_domain(self) -> str:
        return self.api_domain.replace("://www.", "://developer.", 1)

    @property
    def api_domains(self) -> tuple[str, str, str]:
        return (self.api_domain, self.sandbox_api_domain, self.developer_api_domain)


#: location (as in the OAuth redirect's `location=`) -> accounts server and CRM API domain.
DATA_CENTRES: dict[str, DataCentre] = {
    "us": DataCentre("https://accounts.zoho.com", "https://www.zohoapis.com"),
    "eu": DataCentre("https://accounts.zoho.eu", "https://www.zohoapis.eu"),
    "in": DataCentre("https://accounts.zoho.in", "https://www.zohoapis.in"),
    "au": DataCentre("https://accounts.zoho.com.au", "https://www.zohoapis.com.au"),
    "jp": DataCentre("https://accounts.zoho.jp", "https://www.zohoapis.jp"),
    "cn": DataCentre("https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn"),
    # Canada's accounts server is on zohocloud.ca, its API domain is not.
    "ca": DataCentre("https://accounts.zohocloud.ca", "https://www.zohoapis.ca"),
    "sa": DataCentre("https://accounts.zoho.sa", "https://www.zohoapis.sa"),
}

# Only plain URL characters: no userinfo "@", backslashes, percent-escapes, spaces or controls.
_PLAIN_URL = re.compile(r"[A-Za-z0-9.\-_:/\[\]]+")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def location_for_accounts_server(url: str) -> str | None:
    """The data centre ("us", "eu"...) whose accounts server `url` is, else None."""
    origin = _zoho_origin(url)
    for location, centre in DATA_CENTRES.items():
        if origin == centre.accounts_server:
            return location
    return None


def accounts_server_allowed(url: str) -> bool:
    """May OAuth calls (with the client secret) go to this accounts server?

    Yes for Zoho's published accounts servers, exactly (https, no port, no path); and, when
    ZOHO_ACCOUNTS_URL is configured to something else (the built-in simulator), for exactly
    that URL: same origin and same path, so no other path on that host receives the client
    secret.
    """
    if location_for_accounts_server(url) is not None:
        return True
    configured = _configured_extra_origin()
    if configured is None or _origin(url) != configured:
        return False
    return _path(url) == _path(settings.ZOHO_ACCOUNTS_URL)


def api_domain_allowed(url: str, accounts_server: str) -> bool:
    """May CRM calls (with an access token from `accounts_server`) go to this API domain?

    For a Zoho accounts server: only that data centre's API domains (production, sandbox,
    developer). For the configured non-Zoho accounts server: only its own origin.
    """
    location = location_for_accounts_server(accounts_server)
    if location is not None:
        return _zoho_origin(url) in DATA_CENTRES[location].api_domains
    configured = _configured_extra_origin()
    return (
        configured is not None
        and _origin(accounts_server) == configured
        and _origin(url) == configured
    )


def _parse(url: object) -> SplitResult | None:
    if not isinstance(url, str) or not _PLAIN_URL.fullmatch(url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a malformed port)
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or parts.query or parts.fragment:
        return None
    return parts


def _zoho_origin(url: object) -> str | None:
    """ "https://host" for a bare https origin without port or path, else None."""
    parts = _parse(url)
    if parts is None or parts.scheme != "https" or parts.path not in ("", "/"):
        return None
    if parts.netloc.lower() != parts.hostname:  # a port, or anything else beside the host
        return None
    return f"https://{parts.hostname}"


def _origin(url: object) -> tuple[str, str, int] | None:
    """(scheme, host, port) of any http(s) URL; paths are allowed (the simulator has one)."""
    parts = _parse(url)
    if parts is None or parts.hostname is None:
        return None
    return (parts.scheme, parts.hostname, parts.port or _DEFAULT_PORTS[parts.scheme])


def _path(url: object) -> str | None:
    """The path of an http(s) URL without its trailing slash ("" for none)."""
    parts = _parse(url)
    return None if parts is None else parts.path.rstrip("/")


def _configured_extra_origin() -> tuple[str, str, int] | None:
    """The origin of ZOHO_ACCOUNTS_URL when it is not one of Zoho's own accounts servers."""
    try:
        configured = settings.ZOHO_ACCOUNTS_URL
    except ImproperlyConfigured:
        return None
    if not configured or location_for_accounts_server(configured) is not None:
        return None
    return _origin(configured)
