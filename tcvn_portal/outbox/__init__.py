"""Keeping work, and refusing clearly, while Redis is away.

- The outbox: a task queued with `.delay_for` (tcvn_portal.tenancy.tasks) is published after the commit;
  when the broker refuses, it is stored in OutboxTask and published again by `flush_outbox()`, which runs
  when a worker starts and every minute from beat. Nothing queued is lost.
- A cache invalidation that fails inside a request's transaction answers 503 "try again", with the
  transaction rolled back (middleware.CacheUnavailableMiddleware; the cache itself is tcvn_portal.cache).
"""
