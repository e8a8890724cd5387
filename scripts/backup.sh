#!/usr/bin/env bash
# `make backup`: the whole database (pg_dump, custom format) and every stored file, into one directory.
#
#   scripts/backup.sh [DEST]          DEST defaults to var/backups/<UTC timestamp>
#
# BACKUP_DATABASE_URL names the database to dump, as a role that may read every row: a superuser or a
# role with BYPASSRLS (the tables FORCE row-level security, so even their owner would see a filtered
# dump — pg_dump refuses that rather than write one). MEDIA_ROOT (or TCVN_MEDIA_ROOT) is where the
# stored files live; default var/media. With S3 storage, back the bucket up with its own versioning.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${BACKUP_DATABASE_URL:?set BACKUP_DATABASE_URL (a superuser or BYPASSRLS role) to the database to back up}"
media="${MEDIA_ROOT:-${TCVN_MEDIA_ROOT:-$root/var/media}}"
dest="${1:-$root/var/backups/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$dest"
# One consistent snapshot of every table, with the schema, the RLS policies and the grants.
pg_dump --format=custom --no-password --file="$dest/database.dump" "$BACKUP_DATABASE_URL"
if [ -d "$media" ]; then
  tar -C "$media" -czf "$dest/media.tar.gz" .
else
  tar -czf "$dest/media.tar.gz" -T /dev/null
fi
(cd "$dest" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "$dest"
