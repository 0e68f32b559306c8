# Shared helpers for the end-to-end scripts (sourced, not a test itself).
set -euo pipefail
RPDATA="$1"
SRC="$2"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rpdata-e2e.XXXXXX")"
trap '[ -n "${RPDATA_KEEP_TEMP:-}" ] || rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# A missing ../shared skips (exit 77) on a developer's clone and fails where
# RPDATA_REQUIRE_REALDATA=1 (CI).
no_realdata() {
  [ "${RPDATA_REQUIRE_REALDATA:-}" = 1 ] && fail "$* (RPDATA_REQUIRE_REALDATA=1: ../shared is required)"
  echo "SKIPPED: $*"; exit 77
}
# Published files of a source (shards, indexes, merged manifest) with their sha256.
outputs() { (cd "$1" && find . -path ./_work -prune -o -type f -print | sort | xargs sha256sum); }
same_outputs() {
  diff <(outputs "$1") <(outputs "$2") > "$WORK/diff.txt" || { cat "$WORK/diff.txt" >&2; fail "$3"; }
}
# The first record of zstd shards. Decompressed to a file first: `zstdcat | head -1` under
# pipefail fails at random when head exits before zstdcat has written everything (SIGPIPE).
first_record() { zstd -dcq "$@" > "$WORK/first_record.txt" && head -n 1 "$WORK/first_record.txt"; }
# Serves DIR with tests/servers/fault_server.py on a loopback port (stopped on exit); sets
# $port and $base (http://127.0.0.1:$port).
start_fault_server() {
  python3 "$SRC/tests/servers/fault_server.py" "$1" > "$WORK/server.out" 2> "$WORK/server.err" &
  server=$!
  trap 'kill $server 2>/dev/null; [ -n "${RPDATA_KEEP_TEMP:-}" ] || rm -rf "$WORK"' EXIT
  for _ in $(seq 400); do [ -s "$WORK/server.out" ] && break; sleep 0.05; done
  port=$(head -1 "$WORK/server.out")
  [ -n "$port" ] || fail "fault server did not start: $(cat "$WORK/server.err")"
  base="http://127.0.0.1:$port"
}
