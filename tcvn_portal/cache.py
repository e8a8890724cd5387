"""The Redis cache as the portal uses it: reads survive an outage, invalidations never fail silently,
security counters keep counting.

Configured as the "default" cache wherever Redis is the cache (settings/base.py, settings/test.py).
While Redis is down or unreachable:

- security counters — allauth's login rate limits (with their locks) and used TOTP codes, and the API
  throttles' request histories (keys starting with SECURITY_PREFIXES) — are kept in PostgreSQL instead,
  in the DatabaseCache table FALLBACK_TABLE, for every operation (get, add, set, incr, delete, …). So the
  login lockout, the API rate and the one-use TOTP code hold during an outage as they do with Redis
  (tests/faults/test_security_counters.py). Once Redis answers again it is again their only store;
  what was counted in the database meanwhile is not carried over (SECURITY.md, known limits). The
  fallback runs on the request's own connection, so its writes commit or roll back with the request;
- every other get / get_many / has_key answers a miss, so every page that reads the cache is served
  from the database instead (slower, still right);
- every other set / set_many / add / touch / incr is skipped and logged, answering as Django does when
  the key was absent (set → None, add → True, touch → False, incr → ValueError);
- every other delete / delete_many / clear is an invalidation, which must not be lost (the scan pages
  need none: a change raises the batch's page version, see traceability.cache). One that fails inside a
  transaction raises CacheUnavailable, so the transaction is rolled back and the user is told to try
  again (tcvn_portal.outbox.middleware): nothing is half done. One that fails after the commit (an
  `on_commit` callback: nothing is left to roll back) is stored in the outbox as a `delete_cache_keys`
  task and retried once Redis is back.

After a failed call the backend leaves Redis alone for a few seconds, so that a host that does not answer
costs one call its connect timeout, not every cache call of every request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
# Seconds to answer reads and writes without trying Redis after a failure.
PAUSE_AFTER_FAILURE = 2.0
# Keys of security counters, kept in PostgreSQL while Redis is down: allauth's rate limits, their locks
# and its used TOTP codes ("allauth:rl:…", "allauth.mfa.totp.used?…"), and DRF's throttle histories (the
# default `cache_format` of its throttles, "throttle_<scope>_<ident>").
SECURITY_PREFIXES = ("allauth", "throttle_")
# Django's DatabaseCache table, created by the outbox's migration 0003 in every database (the app role may
# read and write it; it holds no tenant's data). Also the whole cache where Redis is not configured.
FALLBACK_TABLE = "tcvn_cache"
# DatabaseCache culls a third of its rows past MAX_ENTRIES (300 by default): a lockout must not be culled
# by a crowd of API clients, and the rows expire on their own.
FALLBACK_MAX_ENTRIES = 1_000_000
# A page must not wait on a dead host: short timeouts, and one attempt (redis-py retries three times by
# default, with backoff).
DEFAULT_OPTIONS: dict[str, Any] = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "retry": Retry(NoBackoff(), 0),
}


class CacheUnavailable(Exception):
    """The cache could not drop a key it was asked to drop; the caller's transaction must not commit."""


def is_security_key(key) -> bool:
    return str(key).startswith(SECURITY_PREFIXES)


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params: dict[str, Any]) -> None:
        super().__init__(server, {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}})
        self._paused_until = 0.0
        # The same keys and default timeout as in Redis; not its OPTIONS (those are redis-py's).
        self._fallback_params = {
            **{
                name: params[name]
                for name in ("KEY_PREFIX", "VERSION", "KEY_FUNCTION", "TIMEOUT")
                if name in params
            },
            "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES},
        }
        self._fallback_cache: DatabaseCache | None = None

    @property
    def fallback(self) -> DatabaseCache:
        """Where security counters are kept while Redis is down."""
        if self._fallback_cache is None:
            self._fallback_cache = DatabaseCache(FALLBACK_TABLE, self._fallback_params)
        return self._fallback_cache

    # --- reads and writes: the database for security counters, a miss or a skipped write otherwise ---

    def _degrade(self, operation: str, call, fallback):
        if time.monotonic() < self._paused_until:
            return fallback()
        try:
            return call()
        except UNAVAILABLE as error:
            self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
            logger.warning("cache unavailable, %s answered without Redis: %s", operation, error)
            return fallback()

    def _degrade_key(self, operation: str, key, call, in_database, otherwise):
        """_degrade for one key: a security counter falls back to the database, any other key to
        `otherwise` (a miss or a skipped write)."""
        return self._degrade(operation, call, in_database if is_security_key(key) else otherwise)

    def get(self, key, default=None, version=None):
        parent = super()
        return self._degrade_key(
            "get",
            key,
            lambda: parent.get(key, default, version),
            lambda: self.fallback.get(key, default, version),
            lambda: default,
        )

    def get_many(self, keys, version=None):
        keys = list(keys)
        parent = super()
        security = [key for key in keys if is_security_key(key)]

        def without_redis():
            return self.fallback.get_many(security, version) if security else {}

        return self._degrade("get_many", lambda: parent.get_many(keys, version), without_redis)

    def has_key(self, key, version=None):
        parent = super()
        return self._degrade_key(
            "has_key",
            key,
            lambda: parent.has_key(key, version),
            lambda: self.fallback.has_key(key, version),
            lambda: False,
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._degrade_key(
            "set",
            key,
            lambda: parent.set(key, value, timeout, version),
            lambda: self.fallback.set(key, value, timeout, version),
            lambda: None,
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()

        def without_redis():
            # Django answers the keys it failed to store.
            security = {key: value for key, value in data.items() if is_security_key(key)}
            failed = [key for key in data if key not in security]
            return failed + (self.fallback.set_many(security, timeout, version) if security else [])

        return self._degrade("set_many", lambda: parent.set_many(data, timeout, version), without_redis)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._degrade_key(
            "add",
            key,
            lambda: parent.add(key, value, timeout, version),
            lambda: self.fallback.add(key, value, timeout, version),
            lambda: True,
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._degrade_key(
            "touch",
            key,
            lambda: parent.touch(key, timeout, version),
            lambda: self.fallback.touch(key, timeout, version),
            lambda: False,
        )

    def incr(self, key, delta=1, version=None):
        parent = super()

        def missing():
            raise ValueError(f"Key '{key}' not found.")

        return self._degrade_key(
            "incr",
            key,
            lambda: parent.incr(key, delta, version),
            lambda: self.fallback.incr(key, delta, version),
            missing,
        )

    # --- invalidations: raise inside a transaction, retried through the outbox after it -----------

    def delete(self, key, version=None):
        parent = super()
        return self._invalidate([key], version, lambda: parent.delete(key, version))

    def delete_many(self, keys, version=None):
        keys = list(keys)
        parent = super()
        return self._invalidate(keys, version, lambda: parent.delete_many(keys, version))

    def delete_many_now(self, keys, version=None) -> None:
        """Deletes `keys` or raises CacheUnavailable, in a transaction or not (the outbox's retry)."""
        try:
            super().delete_many(keys, version)
        except UNAVAILABLE as error:
            raise CacheUnavailable(str(error)) from error

    def clear(self):
        try:
            return super().clear()
        except UNAVAILABLE as error:
            raise CacheUnavailable(str(error)) from error

    def _invalidate(self, keys: list[str], version, call):
        if time.monotonic() < self._paused_until and all(is_security_key(key) for key in keys):
            return self._delete_security_keys(keys, version)
        try:
            return call()
        except UNAVAILABLE as error:
            self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
            security = [key for key in keys if is_security_key(key)]
            others = [key for key in keys if not is_security_key(key)]
            deleted = self._delete_security_keys(security, version)
            if not others:
                return deleted
            if connection.in_atomic_block:
                raise CacheUnavailable(str(error)) from error
            from tcvn_portal.outbox.services import defer_cache_delete

            defer_cache_delete(keys=others, version=version, error=error)
            return False

    def _delete_security_keys(self, keys: Iterable[str], version) -> bool:
        """Released locks and cleared login counters, in the database while Redis is down."""
        keys = list(keys)
        if not keys:
            return False
        if len(keys) == 1:
            return self.fallback.delete(keys[0], version)
        self.fallback.delete_many(keys, version)
        return True
