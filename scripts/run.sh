#!/usr/bin/env bash
# Serves the portal at http://127.0.0.1:${PORT:-8000} with a Celery worker and beat beside it, after
# (re)loading the demo data and printing its logins. Ctrl-C stops all three.
# Without DATABASE_URL/REDIS_URL: SQLite and the filesystem broker under var/; with them: PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
celery=.venv/bin/celery
port=${PORT:-8000}
var=${TCVN_VAR_DIR:-var}
logs="$var/log"
mkdir -p "$logs"

$py manage.py seed_demo

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping the web server, worker and beat…"
  # Each process leads its own group: the group takes runserver's reloader child and Celery's pool too.
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 100); do
    alive=""
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Stopped."
}
trap cleanup INT TERM EXIT

if [ -n "${DATABASE_URL:-}" ]; then store="PostgreSQL"; else store="SQLite ($var/tcvn.sqlite3)"; fi
if [ -n "${REDIS_URL:-}" ]; then broker="Redis"; else broker="filesystem queue ($var/celery-queue)"; fi
echo
echo "Database: $store — Celery broker: $broker"
echo "Worker log: $logs/celery-worker.log — beat log: $logs/celery-beat.log"
echo "Portal: http://127.0.0.1:$port/ — Ctrl-C stops the web server, worker and beat."
echo

setsid "$celery" -A tcvn_portal worker --loglevel=INFO --concurrency=2 -Q celery,reports \
  >>"$logs/celery-worker.log" 2>&1 &
pids+=($!)
setsid "$celery" -A tcvn_portal beat --loglevel=INFO --pidfile="$var/celerybeat.pid" \
  >>"$logs/celery-beat.log" 2>&1 &
pids+=($!)
setsid $py manage.py runserver "127.0.0.1:$port" &
pids+=($!)
# Whichever stops first (a crash, or Ctrl-C) brings the others down with it.
wait -n "${pids[@]}"
