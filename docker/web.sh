#!/bin/sh
# The web process: gunicorn behind a TLS-terminating proxy that sets X-Forwarded-Proto.
set -eu
exec gunicorn tcvn_portal.wsgi \
  --bind 0.0.0.0:8000 \
  --workers "${WEB_CONCURRENCY:-3}" \
  --timeout 60 \
  --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}" \
  --access-logfile - \
  --error-logfile -
