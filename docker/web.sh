#!/bin/sh
# The web process: gunicorn behind a TLS-terminating proxy that sets X-Forwarded-Proto.
# Workers, threads, keep-alive and backlog are in docker/gunicorn.conf.py (WEB_CONCURRENCY,
# GUNICORN_THREADS), which the load test runs with too.
set -eu
exec gunicorn tcvn_portal.wsgi \
  --config docker/gunicorn.conf.py \
  --bind 0.0.0.0:8000 \
  --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}" \
  --access-logfile - \
  --error-logfile -
