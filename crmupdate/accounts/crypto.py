"""Encryption of Zoho tokens at rest.

Keys come from TOKEN_ENCRYPTION_KEYS (comma-separated Fernet keys): the first one encrypts,
every one decrypts, so keys can rotate (`manage.py accounts_rotate_token_keys` re-encrypts
stored tokens with the first key). With DEBUG on and no keys configured, a development key
derived from SECRET_KEY is used; settings refuse to start without keys when DEBUG is off.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class TokenDecryptionError(Exception):
    """A stored token cannot be decrypted with any configured key."""


def _development_key(secret_key: str) -> bytes:
    digest = hashlib.sha256(f"crmupdate-token-encryption:{secret_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str, debug: bool) -> MultiFernet:
    if not keys:
        if not debug:
            raise ImproperlyConfigured("TOKEN_ENCRYPTION_KEYS must be set when DEBUG is off.")
        return MultiFernet([Fernet(_development_key(secret_key))])
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            "TOKEN_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes), "
            "separated by commas."
        ) from None


def _current() -> MultiFernet:
    # Read at call time, so tests and key rotation see the settings in force now.
    keys = tuple(settings.TOKEN_ENCRYPTION_KEYS or ())
    return _fernet(keys, settings.SECRET_KEY, settings.DEBUG)


def token_encrypt(plain: str) -> str:
    return _current().encrypt(plain.encode()).decode()


def token_decrypt(cipher: str) -> str:
    try:
        return _current().decrypt(cipher.encode()).decode()
    except InvalidToken:
        raise TokenDecryptionError(
            "A stored Zoho token cannot be decrypted with the configured keys."
        ) from None


def token_reencrypt(cipher: str) -> str:
    """The same token encrypted with the first (current) key."""
    try:
        return _current().rotate(cipher.encode()).decode()
    except InvalidToken:
        raise TokenDecryptionError(
            "A stored Zoho token cannot be decrypted with the configured keys."
        ) from None
