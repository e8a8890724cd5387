#!/usr/bin/env bash
# Extracts translatable strings. Each app listed below keeps its own catalog (<app>/locale/); the project's
# catalog (locale/) holds everything else: templates/, tcvn_portal/ core, tenancy, audit, settings.
#   scripts/makemessages.sh                 every catalog
#   scripts/makemessages.sh --project-only  only locale/
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
py="$root/.venv/bin/python"
apps=(inspections metrology iso_qms traceability tcvn_portal/accounts tcvn_portal/attachments tcvn_portal/notifications tcvn_portal/reports)
ignores=()
for app in "${apps[@]}"; do
  ignores+=(--ignore="$app/*")
  if [ "${1:-}" != "--project-only" ]; then
    mkdir -p "$app/locale"
    (cd "$app" && "$py" "$root/manage.py" makemessages -l vi --ignore='tests/*' >/dev/null)
  fi
done
"$py" manage.py makemessages -l vi --ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --ignore='*/tests/*' \
  --ignore='docs/*' --ignore='templates/account/*' --ignore='templates/mfa/*' --ignore='templates/allauth/*' \
  "${ignores[@]}" >/dev/null
