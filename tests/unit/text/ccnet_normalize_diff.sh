#!/usr/bin/env bash
# ctest wrapper: skips (77) without python3, else runs the differential test.
py="${RPDATA_PYTHON3:-python3}"
if [[ -z "$py" || "$py" == *NOTFOUND* ]] || ! command -v "$py" >/dev/null; then
  echo "SKIPPED: python3 not found" >&2; exit 77
fi
exec "$py" "$(dirname "$0")/ccnet_normalize_ref.py" "$1" "$2"
