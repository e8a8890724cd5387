"""TOTP for tests: enrol a user with allauth's own API and compute the code an authenticator app shows."""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings
from django.core.cache import cache

PASSWORD = "Secret-pass-123"


def enrol_totp(user) -> str:
    """Gives `user` a TOTP authenticator; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str, *, offset: int = 0) -> str:
    """The current code (offset in 30-second steps: allauth accepts the neighbours too)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def wrong_code(secret: str) -> str:
    """A six-digit code that allauth would not accept now (none of the codes of the tolerance window)."""
    valid = {totp_code(secret, offset=o) for o in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(0, 10**6, 111111) if f"{n:06d}" not in valid)


def clear_cache_of_this_run() -> None:
    """Forget rate-limit counters and used TOTP codes from earlier runs of this test database.

    Only keys under this run's own prefix: other engineers' runs share the Redis server.
    """
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
