#!/usr/bin/env bash
# `rpdata count` scaling with --threads: the same JSONL (the real C4 records repeated to
# ~48 MB of text, one .jsonl.zst file) counted with GPT-NeoX at 1..N threads, medians.
# One reader feeds N counting threads, so a single big file scales too.
# Usage: bench/count_threads.sh [BUILD_DIR] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
runs="${2:-3}"
realdata="${RPDATA_REALDATA:-$root/../shared/realdata}"
src="$realdata/c4/c4-train.00000-of-01024.first1000.reserialized.jsonl"
[ -f "$src" ] || { echo "SKIPPED: $src not found"; exit 77; }
export RPDATA_MODELS="$realdata/models"
work="$(mktemp -d "${TMPDIR:-/tmp}/rpdata-count.XXXXXX")"
trap 'rm -rf "$work"' EXIT
for _ in $(seq 20); do cat "$src"; done | zstd -q -3 -o "$work/c4.jsonl.zst"
mb=$("$build/rpdata" count "$work/c4.jsonl.zst" --json --no-progress | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["bytes"]/1e6)')
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "input: $mb MB of text (real C4 x20); median of $runs runs; $(nproc) cores"
printf "%-10s %10s %12s %10s\n" "--threads" "wall s" "MB/s" "speed-up"
base=""
for t in $(seq 1 "$(nproc)"); do
  w=$(for _ in $(seq "$runs"); do
        { TIMEFORMAT=%R; time "$build/rpdata" count "$work/c4.jsonl.zst" -j "$t" --no-progress > /dev/null; } 2>&1
      done | median)
  [ -z "$base" ] && base=$w
  awk -v t="$t" -v w="$w" -v mb="$mb" -v b="$base" 'BEGIN {printf "%-10d %10.3f %12.1f %9.2fx\n", t, w, mb/w, b/w}'
done
