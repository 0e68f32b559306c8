#!/usr/bin/env bash
# C4 reformat throughput on one core, side by side with the baseline
#   zcat FILE | zstd -3 -T1 > /dev/null
# on the same file in the same run (issue #2's yardstick), then thread scaling.
# Reports medians of N runs: MB/s of input .json.gz consumed and docs/s, per wall second and
# per CPU second (user+sys of every process, so the two-process baseline is not flattered),
# and what GPT-NeoX counting while writing adds over the same run without it (CPU seconds).
#
# Usage: bench/c4_reformat.sh [BUILD_DIR] [RUNS]
# Input: the real C4 records of ../shared/realdata (1000 docs) repeated to ~100 MB of JSONL,
# or, when realdata is absent, the bundled synthetic sample scaled up.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
runs="${2:-5}"
rpdata="$build/rpdata"
work="$(mktemp -d "${TMPDIR:-/tmp}/rpdata-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
realdata="${RPDATA_REALDATA:-$root/../shared/realdata}"
src="$realdata/c4/c4-train.00000-of-01024.first1000.reserialized.jsonl"
if [ -f "$src" ]; then
  label="real C4 records (x40)"
  for _ in $(seq 40); do cat "$src"; done > "$work/c4.json"
else
  label="synthetic sample"
  "$rpdata" sample --out "$work/gen" --c4-docs 100000 -q --no-progress > /dev/null
  zcat "$work"/gen/_mirror/c4/*.json.gz > "$work/c4.json"
fi
gzip -6 -n -c "$work/c4.json" > "$work/c4-train.00000-of-01024.json.gz"
file="$work/c4-train.00000-of-01024.json.gz"
docs=$(wc -l < "$work/c4.json")
gz_mb=$(python3 -c "import os;print(os.path.getsize('$file')/1e6)")
raw_mb=$(python3 -c "import os;print(os.path.getsize('$work/c4.json')/1e6)")
rm "$work/c4.json"

# time_cmd CMD... -> "wall cpu" seconds (cpu = user+sys including children)
time_cmd() {
  local out
  out=$( { TIMEFORMAT='%R %U %S'; time "$@" > /dev/null 2>&1; } 2>&1 )
  awk '{printf "%.4f %.4f\n", $1, $2 + $3}' <<< "$out"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
baseline() { zcat "$file" | zstd -3 -T1 -q -c > /dev/null; }
ours() { rm -rf "$work/out"; "$rpdata" run c4 --input "$file" --out "$work/out" --threads 1 --tokenizers none --no-progress -q; }
# The production recipe counts GPT-NeoX tokens while writing (when the model is available).
ours_neox() { rm -rf "$work/out"; "$rpdata" run c4 --input "$file" --out "$work/out" --threads 1 --tokenizers neox --no-progress -q; }
# The same two, confined to one core (taskset): the issue's "on one core" comparison.
baseline_1core() { taskset -c 0 bash -c "zcat '$file' | zstd -3 -T1 -q -c > /dev/null"; }
ours_1core() { rm -rf "$work/out"; taskset -c 0 "$rpdata" run c4 --input "$file" --out "$work/out" --threads 1 --tokenizers none --no-progress -q; }

declare -A wall cpu
names=(baseline ours)
command -v taskset > /dev/null && names+=(baseline_1core ours_1core)
if [ -d "$realdata/models" ] && [ -z "${RPDATA_MODELS:-}" ]; then export RPDATA_MODELS="$realdata/models"; fi
"$rpdata" run c4 --input "$file" --out "$work/probe" --tokenizers neox -q --no-progress > /dev/null 2>&1 && names+=(ours_neox)
rm -rf "$work/probe"
# Interleaved rounds (every row once per round), so load drift on the shared machine hits
# all rows alike.
for _ in $(seq "$runs"); do
  for name in "${names[@]}"; do time_cmd "$name" >> "$work/$name.times"; done
done
for name in "${names[@]}"; do
  wall[$name]=$(cut -d' ' -f1 "$work/$name.times" | median)
  cpu[$name]=$(cut -d' ' -f2 "$work/$name.times" | median)
done

echo "input: $label, $docs docs, $gz_mb MB json.gz, $raw_mb MB JSONL; median of $runs runs; $(nproc) cores"
printf "%-34s %10s %10s %12s %12s %12s\n" "command" "wall s" "cpu s" "MB/s wall" "MB/s cpu" "docs/s cpu"
declare -A titles=([baseline]="zcat | zstd -3 -T1 (baseline)" [ours]="rpdata run c4 --threads 1"
  [baseline_1core]="baseline, taskset 1 core" [ours_1core]="rpdata, taskset 1 core"
  [ours_neox]="rpdata + GPT-NeoX token counts")
for name in "${names[@]}"; do
  title="${titles[$name]}"
  awk -v t="$title" -v w="${wall[$name]}" -v c="${cpu[$name]}" -v mb="$gz_mb" -v d="$docs" \
    'BEGIN {printf "%-34s %10.3f %10.3f %12.1f %12.1f %12.0f\n", t, w, c, mb/w, mb/c, d/c}'
done
awk -v bw="${wall[baseline]}" -v ow="${wall[ours]}" -v bc="${cpu[baseline]}" -v oc="${cpu[ours]}" \
  'BEGIN {printf "rpdata / baseline throughput: %.0f%% per wall second, %.0f%% per CPU second (target >= 80%%)\n", 100*bw/ow, 100*bc/oc}'
if [ -n "${cpu[ours_neox]:-}" ]; then
  awk -v o="${cpu[ours]}" -v n="${cpu[ours_neox]}" \
    'BEGIN {printf "GPT-NeoX counting while writing: +%.0f%% CPU over rpdata without it (target <= 25%%)\n", 100*(n-o)/o}'
fi
if [ -n "${wall[ours_1core]:-}" ]; then
  awk -v b="${wall[baseline_1core]}" -v o="${wall[ours_1core]}" \
    'BEGIN {printf "rpdata / baseline, both on one core: %.0f%% (target >= 80%%)\n", 100*b/o}'
fi

# Thread scaling: 4 copies of the file as 4 inputs.
for i in 1 2 3; do cp "$file" "$work/c4-train.0000$i-of-01024.json.gz"; done
inputs=()
for i in 0 1 2 3; do inputs+=(--input "$work/c4-train.0000$i-of-01024.json.gz"); done
for t in 1 2; do
  for _ in $(seq "$runs"); do
    rm -rf "$work/out"
    time_cmd "$rpdata" run c4 "${inputs[@]}" --out "$work/out" --threads "$t" --tokenizers none --no-progress -q
  done > "$work/t$t.times"
  w=$(cut -d' ' -f1 "$work/t$t.times" | median)
  awk -v t="$t" -v w="$w" -v mb="$gz_mb" 'BEGIN {printf "4 inputs, --threads %d: %.3f s wall, %.1f MB/s of json.gz\n", t, w, 4*mb/w}'
done
