#!/usr/bin/env bash
# Runs one golden case with the real binary: tests/golden/<case>/cmd is a bash snippet that
# may use $RPDATA, $WORK (a fresh temp dir) and $REALDATA; its stdout must equal
# <case>/expected and its exit code <case>/exit_code (default 0). A case that needs
# ../shared/realdata declares it in <case>/needs and exits 77 (skipped) when it is absent, or
# fails with RPDATA_REQUIRE_REALDATA=1.
# Regenerate after an intended change: RPDATA_UPDATE_GOLDEN=1 ctest -R golden, then review
# the diff of tests/golden/*/expected.
set -uo pipefail
RPDATA="$1"
CASE="$2"
export RPDATA
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rpdata-golden.XXXXXX")"
export WORK
trap 'rm -rf "$WORK"' EXIT
src="$(cd "$CASE/../../.." && pwd)"
REALDATA="${RPDATA_REALDATA:-$src/../shared/realdata}"
export REALDATA
# Token counts come from the real models when present; never from a user's cache.
export RPDATA_MODELS="$REALDATA/models"
# A case that reads ../shared/realdata says so in <case>/needs (a line "realdata").
needs_realdata=0
[ -f "$CASE/needs" ] && grep -qx realdata "$CASE/needs" && needs_realdata=1
if [ "$needs_realdata" = 0 ] && grep -v '^\s*#' "$CASE/cmd" | grep -q '\$REALDATA'; then
  echo "FAIL: $CASE/cmd uses \$REALDATA but $CASE/needs does not declare realdata" >&2; exit 1
fi
if [ "$needs_realdata" = 1 ] && [ ! -d "$REALDATA" ]; then
  [ "${RPDATA_REQUIRE_REALDATA:-}" = 1 ] && { echo "FAIL: $REALDATA not found (RPDATA_REQUIRE_REALDATA=1)" >&2; exit 1; }
  echo "SKIPPED: $REALDATA not found (set RPDATA_REALDATA)"; exit 77
fi
actual="$(cd "$WORK" && bash "$CASE/cmd")"
rc=$?
want_rc=0
[ -f "$CASE/exit_code" ] && want_rc="$(cat "$CASE/exit_code")"
if [ -n "${RPDATA_UPDATE_GOLDEN:-}" ]; then
  printf '%s\n' "$actual" > "$CASE/expected"
  echo "$rc" > "$CASE/exit_code"
  echo "updated $CASE"
  exit 0
fi
status=0
if [ "$rc" != "$want_rc" ]; then echo "exit code $rc, expected $want_rc"; status=1; fi
if ! diff -u "$CASE/expected" <(printf '%s\n' "$actual"); then status=1; fi
exit $status
