#!/usr/bin/env bash
# SIGKILL the pipeline at several points (sample generation, download, processing, shard
# rotation); a rerun must finish and give output byte-identical to an uninterrupted run.
source "$(dirname "$0")/lib.bash"
args=(--c4-docs 8000 --no-progress -q)
"$RPDATA" sample --out "$WORK/ref" "${args[@]}" > /dev/null
for delay in 0.2 0.8 1.6; do
  out="$WORK/k$delay"
  "$RPDATA" sample --out "$out" "${args[@]}" --threads 2 > /dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ -d "$out/c4/_work/tasks" ]; then "$RPDATA" status "$out" > "$WORK/status.txt" || true; fi
  "$RPDATA" sample --out "$out" "${args[@]}" > /dev/null || fail "rerun after kill at ${delay}s failed"
  same_outputs "$WORK/ref/c4" "$out/c4" "output after kill at ${delay}s differs"
  # No temporary or partial files survive the finished rerun.
  if find "$out/c4" -name '*.tmp.*' -o -name '*.part' | grep -q .; then fail "leftover temp files after ${delay}s"; fi
  echo "kill at ${delay}s: identical"
done
# Deterministic crash points: killed right after a download, with all shards of an input
# staged, between the renames of its shards, and after its marker but before the task ends.
for point in downloaded:2 staged:1 renamed:3 marked:2; do
  out="$WORK/p${point%%:*}"
  set +e; RPDATA_TEST_CRASH=$point "$RPDATA" sample --out "$out" "${args[@]}" > /dev/null 2>&1; rc=$?; set -e
  [ "$rc" = 137 ] || fail "crash point $point was not reached (exit $rc)"
  "$RPDATA" sample --out "$out" "${args[@]}" > /dev/null || fail "rerun after crash at $point failed"
  same_outputs "$WORK/ref/c4" "$out/c4" "output after crash at $point differs"
  echo "crash at $point: identical"
done
# A killed task shows as stale in status (its marker says running, its process is gone).
# Killed at a crash point, not after a delay: on a fast machine a delayed kill can land after
# every input is complete, where status rightly says "superseded" instead.
out="$WORK/stale"
set +e; RPDATA_TEST_CRASH=staged:1 "$RPDATA" sample --out "$out" "${args[@]}" > /dev/null 2>&1; rc=$?; set -e
[ "$rc" = 137 ] || fail "crash point staged:1 was not reached (exit $rc)"
find "$out" -path "*/_work/tasks/*.running" | grep -q . || fail "the killed task left no running marker"
{ "$RPDATA" status "$out" || true; } > "$WORK/status.txt"
grep -q stale "$WORK/status.txt" || { cat "$WORK/status.txt" >&2; fail "status does not report the killed task as stale"; }
echo OK
