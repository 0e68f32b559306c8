#!/usr/bin/env bash
# The include edges of src/ and include/rpdata/ follow the layering (check_layering.py), and
# the checker catches a bad edge (a core header including exec, a source including another).
set -euo pipefail
SRC="$1"
here="$(dirname "$0")"
python3 "$here/check_layering.py" "$SRC"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/core" "$work/src/sources/a" "$work/include/rpdata/exec" "$work/include/rpdata/sources/b"
printf '#include "rpdata/exec/runner.h"\n' > "$work/src/core/x.cpp"
printf '#include "rpdata/sources/b/b.h"\n' > "$work/src/sources/a/y.cpp"
if out="$(python3 "$here/check_layering.py" "$work")"; then
  echo "FAIL: the checker accepted bad edges: $out" >&2; exit 1
fi
echo "$out" | grep -q "src/core/x.cpp:1: core may not include exec" || { echo "FAIL: $out" >&2; exit 1; }
echo "$out" | grep -q "src/sources/a/y.cpp:1: a source includes another source's header" || { echo "FAIL: $out" >&2; exit 1; }
echo OK
