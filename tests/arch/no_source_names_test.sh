#!/usr/bin/env bash
# exec/ and cli/ name no source (check_no_source_names.py), and the checker catches one: a
# runner that tests for a source's extension, a CLI string naming a source's host.
set -euo pipefail
SRC="$1"
here="$(dirname "$0")"
python3 "$here/check_no_source_names.py" "$SRC"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/sources/wikipedia" "$work/src/sources/stackexchange" "$work/src/exec" "$work/src/cli"
printf '// wikipedia in a comment is fine\nbool f(const std::string& n) { return n.ends_with(".7z"); }\n' > "$work/src/exec/x.cpp"
printf 'auto url = "https://dumps.wikimedia.org/enwiki";\n' > "$work/src/cli/y.cpp"
if out="$(python3 "$here/check_no_source_names.py" "$work")"; then
  echo "FAIL: the checker accepted source names: $out" >&2; exit 1
fi
echo "$out" | grep -q "src/exec/x.cpp:2: names a source ('.7z')" || { echo "FAIL: $out" >&2; exit 1; }
echo "$out" | grep -q "src/cli/y.cpp:1: names a source" || { echo "FAIL: $out" >&2; exit 1; }
echo "$out" | grep -q "x.cpp:1" && { echo "FAIL: a comment counted: $out" >&2; exit 1; }
echo OK
