#!/usr/bin/env bash
# Installs the machine packages the portal needs (WeasyPrint's Pango, libmagic, gettext, fonts with
# Vietnamese glyphs; for tests also Chromium and poppler). Needs root; without it, says what is missing.
set -euo pipefail
want=(libpango-1.0-0 libpangoft2-1.0-0 libmagic1 gettext fonts-dejavu-core)
if [ "${1:-}" = "--test" ]; then
  want+=(chromium poppler-utils postgresql redis-server docker-compose)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]} — install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The postgresql package would start its own cluster; services.sh decides which server the tests use.
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
