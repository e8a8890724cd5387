"""gunicorn in production (docker/web.sh), and as the load test runs it (tests/security/test_load.py).

Threaded workers: a keep-alive visitor waits in the worker's poller, not in a thread, so hundreds of
phones on the scan page hold no more than WEB_CONCURRENCY × GUNICORN_THREADS requests in progress.
Each thread keeps one database connection (CONN_MAX_AGE 60 s), so one web container needs at most
WEB_CONCURRENCY × GUNICORN_THREADS connections (5 × 4 = 20 by default): keep that, times the web
containers, plus the Celery worker's and beat's few, under PostgreSQL's max_connections (100 by default).
"""

import gc
import os

# 2 × cores + 1 processes of 4 threads: on 2 cores, against 3 × 8, list pages +17 % and the scan page
# +33 % requests a second at concurrency 8 (make bench, 04/12/2026): fewer threads share each GIL.
workers = int(os.environ.get("WEB_CONCURRENCY", "5"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Open connections per worker, busy or idle in keep-alive; past it a worker stops accepting for a while.
worker_connections = 1000
# Longer than the proxy's gap between two requests of one visitor would be wasteful; 2 s (the default)
# makes a phone reconnect between a page and its stylesheet on a slow network.
keepalive = 5
# Connections waiting to be accepted while every worker is busy: a burst of scans queues, not refused.
backlog = 2048
timeout = 60
graceful_timeout = 30


def post_worker_init(worker):
    # Django and the portal are loaded by now. Frozen, their few hundred thousand objects stay out of the
    # garbage collector's full passes, which otherwise walk them all every few requests (measured: a
    # list page's GC time fell from 2–8 ms to 1–2 ms a request).
    gc.freeze()
