#!/usr/bin/env bash
# `make bench`: PostgreSQL and Redis as for the tests (scripts/services.sh), then tcvn_portal/bench/run.py
# seeds a bench database (BENCH_SCALE, default 0.1), serves it with gunicorn and a Celery worker, measures,
# and writes bench-results.json. See README "Performance".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
eval "$(./scripts/services.sh)"
exec .venv/bin/python -m tcvn_portal.bench.run "$@"
