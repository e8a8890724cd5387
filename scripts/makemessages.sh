#!/usr/bin/env bash
# Extracts translatable strings into each catalog: the project's (templates/, tcvn_portal/ core, tenancy,
# audit) in locale/, and every app that has its own locale/ directory into that one.
set -euo pipefail
cd "$(dirname "$0")/.."
py="$PWD/.venv/bin/python"
own=()
for dir in $(find . -path ./.venv -prune -o -path ./var -prune -o -type d -name locale -print | grep -v '^./locale$'); do
  app=$(dirname "$dir")
  own+=(--ignore="${app#./}/*")
  (cd "$app" && "$py" "$OLDPWD/manage.py" makemessages -l vi --ignore='tests/*' >/dev/null)
done
"$py" manage.py makemessages -l vi --ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --ignore='*/tests/*' \
  --ignore='docs/*' "${own[@]}" >/dev/null
