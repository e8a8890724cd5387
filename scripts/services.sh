#!/usr/bin/env bash
# Prints `export` lines naming a PostgreSQL server (as a superuser URL) and a Redis server for the tests:
#   DATABASE_URL / REDIS_URL if set; else the machine's servers on 127.0.0.1:5432 / :6379 (started if
#   they are installed but stopped); else throwaway servers under var/ started from the machine's binaries.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
var="$root/var"
mkdir -p "$var"

pg_ok() { pg_isready -q -h "$1" -p "$2" 2>/dev/null && psql "postgres://postgres@$1:$2/postgres" -Atqc 'select 1' >/dev/null 2>&1; }

if [ -n "${DATABASE_URL:-}" ]; then
  pg_url="$DATABASE_URL"
elif pg_ok 127.0.0.1 5432; then
  pg_url="postgres://postgres@127.0.0.1:5432/postgres"
else
  if command -v pg_ctlcluster >/dev/null && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >/dev/null 2>&1 || true
    sleep 1
  fi
  if pg_ok 127.0.0.1 5432; then
    pg_url="postgres://postgres@127.0.0.1:5432/postgres"
  else
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$bin" ] || { echo "No PostgreSQL binaries found: run scripts/system-deps.sh --test" >&2; exit 1; }
    data="$var/pg-throwaway"
    port=54329
    if ! pg_ok 127.0.0.1 $port; then
      runas=()
      if [ "$(id -u)" -eq 0 ]; then runas=(runuser -u postgres --); mkdir -p "$data"; chown postgres "$data" "$var"; fi
      [ -f "$data/PG_VERSION" ] || "${runas[@]}" "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 >/dev/null
      "${runas[@]}" "$bin/pg_ctl" -D "$data" -o "-p $port -k /tmp -c listen_addresses=127.0.0.1" -l "$data/log" -w start >/dev/null
    fi
    pg_url="postgres://postgres@127.0.0.1:$port/postgres"
  fi
fi

if [ -n "${REDIS_URL:-}" ]; then
  redis_url="$REDIS_URL"
elif redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis_url="redis://127.0.0.1:6379/15"
else
  port=6390
  if ! redis-cli -h 127.0.0.1 -p $port ping >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port $port --save "" --appendonly no \
      --dir "$var" --logfile "$var/redis-throwaway.log" >/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do redis-cli -p $port ping >/dev/null 2>&1 && break; sleep 0.3; done
  fi
  redis_url="redis://127.0.0.1:$port/15"
fi

echo "export TCVN_PG_ADMIN_URL='$pg_url'"
echo "export REDIS_URL='$redis_url'"
