#!/bin/sh
# One-shot job before web, worker and beat start: creates the two roles and the database (idempotent),
# migrates as the owner role, and seeds the demo data when TCVN_SEED_DEMO=1.
set -eu
python manage.py bootstrap_postgres \
  --admin-url "$TCVN_PG_ADMIN_URL" \
  --database "$TCVN_DB_NAME" \
  --owner-password "$TCVN_OWNER_PASSWORD" \
  --app-password "$TCVN_APP_PASSWORD"
python manage.py migrate --database owner --noinput
if [ "${TCVN_SEED_DEMO:-0}" = "1" ]; then
  python manage.py seed_demo
fi
