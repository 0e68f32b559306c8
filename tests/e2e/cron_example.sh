#!/usr/bin/env bash
# scripts/cron_example.sh: a second copy started while one runs exits 75 (lock held), and a
# rerun after completion is a no-op that still exits 0 with identical outputs.
source "$(dirname "$0")/lib.bash"
RPDATA="$(realpath "$RPDATA")"; SRC="$(realpath "$SRC")"
export HOME="$WORK/home" RPDATA_MODELS="$WORK/ref/_models" RPDATA="$RPDATA"
mkdir -p "$HOME"
"$RPDATA" sample --out "$WORK/ref" --no-progress -q > /dev/null 2>&1
flags=(--recipe sample/c4 --mirror "$WORK/ref/_mirror/c4")
# Hold the lock as a running copy would.
mkdir -p "$WORK/out"
exec 8> "$WORK/out/.rpdata-c4.cron.lock"
flock -n 8
set +e; bash "$SRC/scripts/cron_example.sh" c4 "$WORK/out" "${flags[@]}" > "$WORK/locked.txt" 2>&1; rc=$?; set -e
[ "$rc" = 75 ] || { cat "$WORK/locked.txt"; fail "expected exit 75 while the lock is held, got $rc"; }
exec 8>&-
bash "$SRC/scripts/cron_example.sh" c4 "$WORK/out" "${flags[@]}" > "$WORK/run1.txt" 2>&1 || { cat "$WORK/run1.txt"; fail "first cron run failed"; }
same_outputs "$WORK/ref/c4" "$WORK/out/c4" "cron run differs from the sample run"
[ -z "$(ls "$WORK/out/c4/_work/raw" 2>/dev/null)" ] || fail "--delete-raw left raw inputs"
bash "$SRC/scripts/cron_example.sh" c4 "$WORK/out" "${flags[@]}" > "$WORK/run2.txt" 2>&1 || { cat "$WORK/run2.txt"; fail "rerun failed"; }
grep -q '0 processed, 4 already complete' "$WORK/run2.txt" || { cat "$WORK/run2.txt"; fail "rerun was not a no-op"; }
same_outputs "$WORK/ref/c4" "$WORK/out/c4" "rerun changed the outputs"
echo OK
