"""The Redis cache as the portal uses it: reads survive an outage, invalidations never fail silently.

Configured as the "default" cache wherever Redis is the cache (settings/base.py, settings/test.py).
While Redis is down or unreachable:

- get / get_many / has_key answer a miss, so every page that reads the cache is served from the
  database instead (slower, still right);
- set / set_many / add / touch / incr are skipped and logged, answering as Django does when the key
  was absent (set → None, add → True, touch → False, incr → ValueError). `add` answers True because
  allauth takes its rate-limit lock and marks a TOTP code used with `add`: False would refuse every login
  for as long as Redis is down (SECURITY.md says what is weaker meanwhile);
- delete / delete_many / clear are invalidations: a recall must reach every cached scan page. One that
  fails inside a transaction raises CacheUnavailable, so the transaction is rolled back and the user is
  told to try again (tcvn_portal.outbox.middleware) — nothing is half done. One that fails after the
  commit (an `on_commit` callback: nothing is left to roll back) is stored in the outbox as a
  `delete_cache_keys` task and retried once Redis is back. allauth's own keys are the exception: their
  deletes release a lock or reset a login counter, both of which expire on their own.

After a failed read or write the backend leaves Redis alone for a few seconds, so that a host that does
not answer costs one call its connect timeout, not every cache call of every request.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
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
# Keys whose deletion may be skipped: allauth's locks, login counters and used TOTP codes, all with a TTL.
BEST_EFFORT_DELETE_PREFIXES = ("allauth",)
# A page must not wait on a dead host: short timeouts, and one attempt (redis-py retries three times by
# default, with backoff).
DEFAULT_OPTIONS: dict[str, Any] = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "retry": Retry(NoBackoff(), 0),
}


class CacheUnavailable(Exception):
    """The cache could not drop a key it was asked to drop; the caller's transaction must not commit."""


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params: dict[str, Any]) -> None:
        super().__init__(server, {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}})
        self._paused_until = 0.0

    # --- reads and writes: a miss, or a skipped write --------------------------------------------

    def _degrade(self, operation: str, call, fallback):
        if time.monotonic() < self._paused_until:
            return fallback()
        try:
            return call()
        except UNAVAILABLE as error:
            self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
            logger.warning("cache unavailable, %s answered as a miss: %s", operation, error)
            return fallback()

    def get(self, key, default=None, version=None):
        parent = super()
        return self._degrade("get", lambda: parent.get(key, default, version), lambda: default)

    def get_many(self, keys, version=None):
        parent = super()
        return self._degrade("get_many", lambda: parent.get_many(keys, version), dict)

    def has_key(self, key, version=None):
        parent = super()
        return self._degrade("has_key", lambda: parent.has_key(key, version), lambda: False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._degrade("set", lambda: parent.set(key, value, timeout, version), lambda: None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        # Django answers the keys it failed to store.
        return self._degrade("set_many", lambda: parent.set_many(data, timeout, version), lambda: list(data))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._degrade("add", lambda: parent.add(key, value, timeout, version), lambda: True)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._degrade("touch", lambda: parent.touch(key, timeout, version), lambda: False)

    def incr(self, key, delta=1, version=None):
        parent = super()

        def missing():
            raise ValueError(f"Key '{key}' not found.")

        return self._degrade("incr", lambda: parent.incr(key, delta, version), missing)

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
        try:
            return call()
        except UNAVAILABLE as error:
            if all(str(key).startswith(BEST_EFFORT_DELETE_PREFIXES) for key in keys):
                logger.warning("cache unavailable, delete of %s skipped: %s", keys, error)
                return False
            if connection.in_atomic_block:
                raise CacheUnavailable(str(error)) from error
            from tcvn_portal.outbox.services import defer_cache_delete

            defer_cache_delete(keys=keys, version=version, error=error)
            return False
