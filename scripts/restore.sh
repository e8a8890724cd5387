#!/usr/bin/env bash
# `make restore`: a backup made by scripts/backup.sh into a FRESH database and media directory.
#
#   scripts/restore.sh BACKUP_DIR
#
# RESTORE_DATABASE_URL names the new, empty database (created here if missing), as a superuser; the
# roles tcvn_owner and tcvn_app must exist on that server (manage.py bootstrap_postgres makes them).
# MEDIA_ROOT (or TCVN_MEDIA_ROOT) is where the files go; it must be empty, so nothing is overwritten.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src="${1:?usage: scripts/restore.sh BACKUP_DIR}"
: "${RESTORE_DATABASE_URL:?set RESTORE_DATABASE_URL (superuser) to the fresh database to restore into}"
media="${MEDIA_ROOT:-${TCVN_MEDIA_ROOT:-$root/var/media}}"
(cd "$src" && sha256sum --check --quiet SHA256SUMS)
if [ -d "$media" ] && [ -n "$(ls -A "$media")" ]; then
  echo "refusing to restore: $media is not empty" >&2
  exit 1
fi
dbname=$(python3 -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).path.lstrip("/"))' "$RESTORE_DATABASE_URL")
server_url="${RESTORE_DATABASE_URL%/*}/postgres"
if [ "$(psql "$server_url" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$dbname'")" != "1" ]; then
  psql "$server_url" -qc "CREATE DATABASE \"$dbname\" OWNER tcvn_owner ENCODING 'UTF8' TEMPLATE template0"
fi
# --exit-on-error: a partial restore is worse than none.
pg_restore --exit-on-error --no-password --dbname="$RESTORE_DATABASE_URL" "$src/database.dump"
# The dump does not carry the search operators' LEAKPROOF marks (tcvn_portal/dbsetup.py).
PYTHONPATH="$root" "$root/.venv/bin/python" -c 'import sys; from tcvn_portal import dbsetup; dbsetup.let_search_use_indexes(sys.argv[1])' \
  "$RESTORE_DATABASE_URL"
mkdir -p "$media"
tar -C "$media" -xzf "$src/media.tar.gz"
echo "restored $src into $dbname and $media"
