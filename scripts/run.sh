#!/usr/bin/env bash
# Serves the portal with a Celery worker and beat beside it; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT
.venv/bin/celery -A tcvn_portal worker --loglevel=INFO --concurrency=2 --pool=prefork -Q celery,reports & pids+=($!)
.venv/bin/celery -A tcvn_portal beat --loglevel=INFO & pids+=($!)
$py manage.py runserver 127.0.0.1:8000 & pids+=($!)
wait -n "${pids[@]}"
